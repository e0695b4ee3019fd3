import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorizeElasticsearch, authorizeGeneric, compilePathRules, compileRole } from './authorize.js';
import { parseGuardConfig } from './config.js';
import { isGuardError } from './errors.js';
import { IndexMatcher } from './glob.js';

const cfg = parseGuardConfig(
  `upstream: { url: http://127.0.0.1:9200 }
roles:
  analyst: { indices: [people*, orders], maxPageSize: 50, maxFrom: 200, fields: { deny: [id_card] } }
  writer: { indices: [people], methods: [GET, POST, PUT, DELETE] }
  admin: { admin: true }
paths:
  - { path: /api/users/*, methods: [GET], roles: [analyst], records: '$.items[*]', sizeParam: limit }
  - { path: /api/admin/**, methods: [GET, POST], adminOnly: true }
`,
  'guard.yaml',
);
const analyst = compileRole('analyst', cfg.roles.analyst!);
const writer = compileRole('writer', cfg.roles.writer!);
const admin = compileRole('admin', cfg.roles.admin!);
const q = (s = '') => new URLSearchParams(s);
const b = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const code = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return isGuardError(e) ? e.code : `throw ${(e as Error).name}`;
  }
};

describe('authorizeElasticsearch', () => {
  it('allows reads inside the role and refuses everything else', () => {
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/people-2024/_search', q(), b({ size: 10 })))).toBe(
      'ok',
    );
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/orders/_doc/1', q(), b('')))).toBe('ok');
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/orders/_count', q(), b('')))).toBe('ok');
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/people/_mapping', q(), b('')))).toBe('ok');
    for (const [m, p] of [
      ['POST', '/_bulk'],
      ['POST', '/people/_bulk'],
      ['POST', '/_reindex'],
      ['GET', '/_cat/indices'],
      ['PUT', '/_cluster/settings'],
      ['POST', '/people/_update_by_query'],
      ['POST', '/people/_delete_by_query'],
      ['PUT', '/people'],
      ['DELETE', '/people'],
      ['PUT', '/people/_doc/1'],
      ['POST', '/secrets/_search'],
      ['POST', '/_search'],
      ['POST', '/*/_search'],
      ['POST', '/remote:people/_search'],
      ['POST', '/orders*/_search'],
      ['POST', '/people/_pit'],
      ['POST', '/people/_unknown_thing'],
    ] as const) {
      expect(
        code(() => authorizeElasticsearch(analyst, m, p, q(), b('{}'))),
        `${m} ${p}`,
      ).toBe('LG_GUARD_NOT_ALLOWED');
    }
    expect(code(() => authorizeElasticsearch(admin, 'POST', '/_bulk', q(), b('')))).toBe('ok');
    expect(code(() => authorizeElasticsearch(writer, 'PUT', '/people/_doc/1', q(), b({ a: 1 })))).toBe('ok');
  });

  it('caps size and from, in the body and the query string', () => {
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/people/_search', q(), b({ size: 51 })))).toBe(
      'LG_GUARD_LIMIT',
    );
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/people/_search', q('size=51'), b('')))).toBe(
      'LG_GUARD_LIMIT',
    );
    expect(
      code(() => authorizeElasticsearch(analyst, 'POST', '/people/_search', q(), b({ from: 190, size: 20 }))),
    ).toBe('LG_GUARD_LIMIT');
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/people/_search', q('size=-1'), b('')))).toBe(
      'LG_GUARD_BAD_REQUEST',
    );
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/people/_search', q(), b('{not json')))).toBe(
      'LG_GUARD_BAD_REQUEST',
    );
    expect(code(() => authorizeElasticsearch(admin, 'POST', '/people/_search', q(), b({ size: 10000 })))).toBe('ok');
  });

  it('checks every search of an _msearch and every index of an _mget', () => {
    const ms = '{"index":"people"}\n{"size":10}\n{"index":"secrets"}\n{"size":1}\n';
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/_msearch', q(), b(ms)))).toBe('LG_GUARD_NOT_ALLOWED');
    const big = '{"index":"people"}\n{"size":500}\n';
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/_msearch', q(), b(big)))).toBe('LG_GUARD_LIMIT');
    expect(
      code(() =>
        authorizeElasticsearch(analyst, 'POST', '/_mget', q(), b({ docs: [{ _index: 'secrets', _id: '1' }] })),
      ),
    ).toBe('LG_GUARD_NOT_ALLOWED');
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/people/_mget', q(), b({ ids: ['1', '2'] })))).toBe(
      'ok',
    );
  });

  it('refuses field bypasses and queries naming a denied field for field-restricted roles', () => {
    for (const k of [
      'aggs',
      'docvalue_fields',
      'stored_fields',
      'script_fields',
      'runtime_mappings',
      'highlight',
      'fields',
    ]) {
      expect(
        code(() => authorizeElasticsearch(analyst, 'POST', '/people/_search', q(), b({ [k]: {} }))),
        k,
      ).toBe('LG_GUARD_NOT_ALLOWED');
    }
    expect(
      code(() => authorizeElasticsearch(analyst, 'POST', '/people/_search', q(), b({ sort: [{ id_card: 'asc' }] }))),
    ).toBe('LG_GUARD_NOT_ALLOWED');
    expect(
      code(() =>
        authorizeElasticsearch(analyst, 'POST', '/people/_search', q(), b({ query: { exists: { field: 'id_card' } } })),
      ),
    ).toBe('LG_GUARD_NOT_ALLOWED');
    expect(
      code(() =>
        authorizeElasticsearch(analyst, 'POST', '/people/_count', q(), b({ query: { term: { id_card: 'x' } } })),
      ),
    ).toBe('LG_GUARD_NOT_ALLOWED');
  });

  it('refuses scroll and point in time unless the role allows them', () => {
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/people/_search', q('scroll=1m'), b({})))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/_search/scroll', q(), b({ scroll_id: 'x' })))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
    expect(code(() => authorizeElasticsearch(analyst, 'POST', '/_search', q(), b({ pit: { id: 'x' } })))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
  });

  it('never throws anything but a GuardError on arbitrary paths and bodies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'),
        fc.string(),
        fc.string(),
        (m, path, body) => {
          const c = code(() => authorizeElasticsearch(analyst, m, `/${path}`, q(), b(body)));
          expect(c.startsWith('throw')).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('authorizeElasticsearch query parameters and subpaths', () => {
  it('refuses bodies in the query string, field bypass parameters and denied fields in q/sort', () => {
    expect(
      code(() =>
        authorizeElasticsearch(
          analyst,
          'GET',
          '/people/_search',
          q('source={"size":10000}&source_content_type=application/json'),
          b(''),
        ),
      ),
    ).toBe('LG_GUARD_NOT_ALLOWED');
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/people/_search', q('q=id_card:1101*'), b('')))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/people/_search', q('sort=id_card:asc'), b('')))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
    expect(
      code(() => authorizeElasticsearch(analyst, 'GET', '/people/_search', q('docvalue_fields=phone'), b(''))),
    ).toBe('LG_GUARD_NOT_ALLOWED');
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/people/_search', q('q=city:上海'), b('')))).toBe('ok');
    expect(code(() => authorizeElasticsearch(writer, 'GET', '/people/_search', q('source={}'), b('')))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
    expect(code(() => authorizeElasticsearch(admin, 'GET', '/people/_search', q('source={}'), b('')))).toBe('ok');
  });

  it('treats search templates and other subpaths as admin-only', () => {
    for (const p of [
      '/people/_search/template',
      '/_msearch/template',
      '/people/_count/x',
      '/people/_mget/x',
      '/people/_mapping/field/phone',
    ]) {
      expect(
        code(() => authorizeElasticsearch(analyst, 'POST', p, q(), b('{}'))),
        p,
      ).toBe('LG_GUARD_NOT_ALLOWED');
    }
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/people/_doc', q(), b('')))).toBe('LG_GUARD_BAD_REQUEST');
    expect(code(() => authorizeElasticsearch(analyst, 'GET', '/people/_doc/1/x', q(), b('')))).toBe(
      'LG_GUARD_BAD_REQUEST',
    );
  });
});

describe('IndexMatcher', () => {
  it('covers wildcard requests only under an allowed prefix', () => {
    const m = new IndexMatcher(['people*', 'orders']);
    expect(m.covers('people')).toBe(true);
    expect(m.covers('people-2024,orders')).toBe(true);
    expect(m.covers('people-*')).toBe(true);
    expect(m.covers('peo*')).toBe(false);
    expect(m.covers('*')).toBe(false);
    expect(m.covers('_all')).toBe(false);
    expect(m.covers('orders*')).toBe(false);
    expect(m.covers('people*,-people-secret')).toBe(true);
    expect(m.covers('-x')).toBe(false);
    expect(m.covers('')).toBe(false);
  });
});

describe('authorizeGeneric', () => {
  const rules = compilePathRules(cfg.paths);
  it('follows the first matching rule and its roles; caps the size parameter', () => {
    expect(authorizeGeneric(analyst, rules, 'GET', '/api/users/7', q()).records).toEqual({
      kind: 'path',
      prefix: '$.items[*]',
    });
    expect(code(() => authorizeGeneric(analyst, rules, 'GET', '/api/users/7', q('limit=500')))).toBe('LG_GUARD_LIMIT');
    expect(code(() => authorizeGeneric(writer, rules, 'GET', '/api/users/7', q()))).toBe('LG_GUARD_NOT_ALLOWED');
    expect(code(() => authorizeGeneric(analyst, rules, 'GET', '/api/admin/x', q()))).toBe('LG_GUARD_NOT_ALLOWED');
    expect(code(() => authorizeGeneric(admin, rules, 'GET', '/api/admin/x/y', q()))).toBe('ok');
    expect(code(() => authorizeGeneric(analyst, rules, 'GET', '/api/other', q()))).toBe('LG_GUARD_NOT_ALLOWED');
    expect(code(() => authorizeGeneric(analyst, rules, 'GET', '/api/users/../admin/x', q()))).toBe(
      'LG_GUARD_BAD_REQUEST',
    );
  });
});

describe('generic paging and context frees', () => {
  const g = parseGuardConfig(
    `upstream: { url: http://127.0.0.1:9200 }
mode: generic
roles:
  reader: { paths: [/api/**], maxPageSize: 10, maxFrom: 50, scroll: true, pit: true }
  admin: { admin: true }
paths:
  - { path: /api/users, methods: [GET], sizeParam: limit, offsetParam: offset }
  - { path: /api/pages, methods: [GET], sizeParam: per_page, pageParam: page }
`,
    'g.yaml',
  );
  const reader = compileRole('reader', g.roles.reader!);
  const gadmin = compileRole('admin', g.roles.admin!);
  const rules = compilePathRules(g.paths);
  const gen = (role: typeof reader, path: string, query: string) =>
    code(() => authorizeGeneric(role, rules, 'GET', path, q(query)));

  it('authorizeGeneric caps offset + size and page × size by maxFrom, like from + size in Elasticsearch mode', () => {
    expect(gen(reader, '/api/users', 'offset=40&limit=10')).toBe('ok');
    expect(gen(reader, '/api/users', 'offset=41&limit=10')).toBe('LG_GUARD_LIMIT');
    expect(gen(reader, '/api/users', 'offset=41')).toBe('LG_GUARD_LIMIT'); // size absent: maxPageSize counts
    expect(gen(reader, '/api/users', 'offset=x')).toBe('LG_GUARD_BAD_REQUEST');
    expect(gen(reader, '/api/users', 'limit=1&limit=100')).toBe('LG_GUARD_BAD_REQUEST');
    expect(gen(reader, '/api/pages', 'page=5&per_page=10')).toBe('ok');
    expect(gen(reader, '/api/pages', 'page=6&per_page=10')).toBe('LG_GUARD_LIMIT');
    expect(gen(gadmin, '/api/users', 'offset=100000')).toBe('ok');
    expect(authorizeGeneric(reader, rules, 'GET', '/api/users', q()).fieldScope).toBe('body');
  });

  it('authorizeGeneric never lets offset + size past maxFrom (property)', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.nat(20), (offset, limit) => {
        const r = gen(reader, '/api/users', `offset=${offset}&limit=${limit}`);
        return r === (limit > 10 || offset + limit > 50 ? 'LG_GUARD_LIMIT' : 'ok');
      }),
    );
  });

  it('authorizeElasticsearch lists the ids a free names; clearing every scroll is admin-only', () => {
    const scroller = compileRole('s', { ...cfg.roles.analyst!, scroll: true, pit: true });
    const plan = authorizeElasticsearch(
      scroller,
      'DELETE',
      '/_search/scroll',
      q('scroll_id=c'),
      b({ scroll_id: ['a', 'b'] }),
    );
    expect(plan.clearIds).toEqual(['c', 'a', 'b']);
    expect(authorizeElasticsearch(scroller, 'DELETE', '/_search/scroll/x', q(), b('')).clearIds).toEqual(['x']);
    expect(code(() => authorizeElasticsearch(scroller, 'DELETE', '/_search/scroll/_all', q(), b('')))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
    expect(code(() => authorizeElasticsearch(scroller, 'DELETE', '/_search/scroll', q(), b('')))).toBe(
      'LG_GUARD_BAD_REQUEST',
    );
    expect(code(() => authorizeElasticsearch(scroller, 'DELETE', '/_search/scroll', q(), b({ scroll_id: 3 })))).toBe(
      'LG_GUARD_BAD_REQUEST',
    );
    expect(authorizeElasticsearch(scroller, 'DELETE', '/_pit', q(), b({ id: 'p1' })).clearIds).toEqual(['p1']);
    expect(code(() => authorizeElasticsearch(analyst, 'DELETE', '/_pit', q(), b({ id: 'p1' })))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
    // A free needs scroll/pit, not DELETE; DELETE on documents still needs the method.
    expect(code(() => authorizeElasticsearch(scroller, 'DELETE', '/people/_doc/1', q(), b('')))).toBe(
      'LG_GUARD_NOT_ALLOWED',
    );
  });
});
