/**
 * The Elasticsearch source against the protocol-faithful fake cluster in `test/support/fake-elasticsearch.ts`
 * (no Elasticsearch or OpenSearch server can be installed in this environment). The first block checks the fake
 * itself against Elasticsearch 8's documented behaviour, so the source tests below rest on a faithful peer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../src/core/errors.js';
import { describeSourceConformance } from '../../src/sources/conformance.js';
import { parseDbUrl } from '../../src/sources/db-url.js';
import {
  createElasticsearchSource,
  type ElasticsearchSource,
  type ElasticsearchSourceOptions,
} from '../../src/sources/elasticsearch/es-source.js';
import { type Fragment, isProblem, type Problem, type Unit } from '../../src/sources/source.js';
import { type FakeElasticsearch, type FakeElasticsearchOptions, start } from '../support/fake-elasticsearch.js';

const running: FakeElasticsearch[] = [];
const sources: ElasticsearchSource[] = [];
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  for (const es of running.splice(0)) await es.close();
});

async function cluster(options: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  const es = await start(options);
  running.push(es);
  return es;
}

function source(es: FakeElasticsearch, path: string, options: ElasticsearchSourceOptions = {}): ElasticsearchSource {
  const s = createElasticsearchSource(`es+${es.url}/${path}`, { retryDelayMs: 5, ...options });
  sources.push(s);
  return s;
}

async function plan(s: ElasticsearchSource): Promise<Unit[]> {
  const out: Unit[] = [];
  for await (const u of s.units()) out.push(u);
  return out;
}

async function collect(s: ElasticsearchSource, unit: Unit): Promise<Array<Fragment | Problem>> {
  const out: Array<Fragment | Problem> = [];
  for await (const x of s.read(unit)) out.push(x);
  return out;
}

function fragments(items: Array<Fragment | Problem>): Fragment[] {
  return items.filter((x): x is Fragment => !isProblem(x));
}

/** Synthetic customer documents (made-up numbers). */
function customers(n: number, prefix = 'c'): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    _id: `${prefix}${i}`,
    name: `Customer ${i}`,
    contact: { phone: `1380013${String(i).padStart(4, '0')}`, emails: [`user${i}@example.com`] },
    visits: i,
    vip: i % 2 === 0,
  }));
}

async function json(
  es: FakeElasticsearch,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const r = await fetch(`${es.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined };
}

describe('fake Elasticsearch (protocol checks)', () => {
  it('`start` answers GET / with cluster info and the product header', async () => {
    const es = await cluster({ version: '8.13.4' });
    const r = await json(es, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(r.body.version.number).toBe('8.13.4');
    expect(r.body.tagline).toBe('You Know, for Search');
  });

  it('`start` lists indices as strings with _cat/indices and hides dot-indices from wildcards', async () => {
    const es = await cluster({ seed: { a: { docs: customers(3) }, '.internal': { docs: customers(1) } } });
    const r = await json(es, 'GET', '/_cat/indices/*?format=json&h=index,docs.count&bytes=b');
    expect(r.body).toEqual([{ index: 'a', 'docs.count': '3' }]);
    const named = await json(es, 'GET', '/_cat/indices/.internal?format=json&h=index');
    expect(named.body).toEqual([{ index: '.internal' }]);
  });

  it('`start` answers Elasticsearch error shapes when an index is missing or a query is unknown', async () => {
    const es = await cluster({ seed: { a: { docs: customers(1) } } });
    const missing = await json(es, 'POST', '/nope/_search', { size: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.type).toBe('index_not_found_exception');
    expect(missing.body.error.root_cause[0].type).toBe('index_not_found_exception');
    expect(missing.body.status).toBe(404);
    const bad = await json(es, 'POST', '/a/_search', { query: { fuzzy_thing: {} } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('parsing_exception');
    const window = await json(es, 'POST', '/a/_search', { from: 9999, size: 2 });
    expect(window.status).toBe(400);
    expect(window.body.error.reason).toContain('Result window is too large');
  });

  it('`start` requires credentials with 401 and WWW-Authenticate when auth is configured', async () => {
    const es = await cluster({ auth: { username: 'elastic', password: 'changeme' } });
    const r = await json(es, 'GET', '/');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('Basic');
    expect(r.body.error.type).toBe('security_exception');
    const ok = await json(es, 'GET', '/', undefined, {
      authorization: `Basic ${Buffer.from('elastic:changeme').toString('base64')}`,
    });
    expect(ok.status).toBe(200);
  });

  it('`start` partitions documents across slices exactly once when searching with slice', async () => {
    const es = await cluster({ seed: { a: { docs: customers(50) } } });
    const ids: string[] = [];
    for (let id = 0; id < 3; id++) {
      const r = await json(es, 'POST', '/a/_search', { size: 100, slice: { id, max: 3 }, sort: ['_doc'] });
      ids.push(...r.body.hits.hits.map((h: { _id: string }) => h._id));
    }
    expect(ids.sort()).toEqual(
      customers(50)
        .map((d) => String(d._id))
        .sort(),
    );
  });

  it('`start` pages a scroll to the end and frees it when cleared', async () => {
    const es = await cluster({ seed: { a: { docs: customers(25) } } });
    let r = await json(es, 'POST', '/a/_search?scroll=1m', { size: 10, sort: ['_doc'] });
    const seen = r.body.hits.hits.length;
    let total = seen;
    while (r.body.hits.hits.length > 0) {
      r = await json(es, 'POST', '/_search/scroll', { scroll: '1m', scroll_id: r.body._scroll_id });
      total += r.body.hits.hits.length;
    }
    expect(total).toBe(25);
    expect(es.openContexts().scrolls).toBe(1);
    await json(es, 'DELETE', '/_search/scroll', { scroll_id: [r.body._scroll_id] });
    expect(es.openContexts().scrolls).toBe(0);
    const gone = await json(es, 'POST', '/_search/scroll', { scroll: '1m', scroll_id: r.body._scroll_id });
    expect(gone.status).toBe(404);
    expect(gone.body.error.type).toBe('search_context_missing_exception');
  });

  it('`start` keeps a point in time as a snapshot and appends the _shard_doc tiebreaker', async () => {
    const es = await cluster({ seed: { a: { docs: customers(5) } } });
    const pit = await json(es, 'POST', '/a/_pit?keep_alive=1m');
    es.index('a', customers(3, 'late'));
    const r = await json(es, 'POST', '/_search', {
      size: 100,
      pit: { id: pit.body.id, keep_alive: '1m' },
      sort: [{ _shard_doc: 'asc' }],
    });
    expect(r.body.hits.hits).toHaveLength(5);
    expect(r.body.hits.hits[0].sort).toEqual([0]);
    expect(r.body.pit_id).toBe(pit.body.id);
    const withIndex = await json(es, 'POST', '/a/_search', { pit: { id: pit.body.id } });
    expect(withIndex.status).toBe(400);
    await json(es, 'DELETE', '/_pit', { id: pit.body.id });
    expect(es.openContexts().pits).toBe(0);
  });

  it('`start` indexes NDJSON with _bulk and counts with _count', async () => {
    const es = await cluster();
    const ndjson = `${JSON.stringify({ index: { _index: 'b', _id: '1' } })}\n${JSON.stringify({ phone: '13800138000' })}\n${JSON.stringify({ create: { _index: 'b', _id: '1' } })}\n${JSON.stringify({ phone: 'x' })}\n`;
    const r = await fetch(`${es.url}/_bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson,
    });
    const body = (await r.json()) as { errors: boolean; items: Array<{ create: { status: number } }> };
    expect(body.errors).toBe(true);
    expect(body.items[1]?.create.status).toBe(409);
    expect((await json(es, 'GET', '/b/_count')).body.count).toBe(1);
    expect((await json(es, 'GET', '/b/_mapping')).body.b.mappings.properties.phone.type).toBe('text');
  });
});

describe('createElasticsearchSource', () => {
  it('`units` plans one credential-free sample unit per open index matching the pattern', async () => {
    const es = await cluster({
      seed: { 'crm-a': { docs: customers(5) }, 'crm-b': { docs: customers(2) }, logs: { docs: customers(1) } },
    });
    const s = source(es, 'crm-*', { sampleRows: 3 });
    const us = await plan(s);
    expect(us.map((u) => u.id)).toEqual([`es+${es.url}/crm-a#sample`, `es+${es.url}/crm-b#sample`]);
    expect(us[0]).toMatchObject({ kind: 'index', size: 3, params: { index: 'crm-a', mode: 'sample', rows: 3 } });
    expect(us[0]!.fingerprint).toMatchObject({ docs: 5, deleted: 0 });
    expect(typeof us[0]!.fingerprint?.mapping).toBe('string');
  });

  it('`read` samples the requested number of distinct documents, the same ones each time', async () => {
    const es = await cluster({ seed: { crm: { docs: customers(200) } } });
    const s = source(es, 'crm', { sampleRows: 20 });
    const [unit] = await plan(s);
    const first = await collect(s, unit!);
    const keys = [...new Set(fragments(first).map((f) => f.loc.key))];
    expect(keys).toHaveLength(20);
    expect(await collect(s, unit!)).toEqual(first);
    const other = source(es, 'crm', { sampleRows: 20, sampleSeed: 7 });
    const [unit2] = await plan(other);
    expect(await collect(other, unit2!)).not.toEqual(first);
  });

  it('`read` flattens documents into JSON paths keyed by _id with exact 19-digit numbers', async () => {
    const es = await cluster({
      seed: {
        crm: {
          docs: [
            {
              _id: 'doc-1',
              contact: { phone: '13800138000' },
              card: 6222021234567890123n,
              tags: ['a', 'b'],
              vip: true,
            },
          ],
        },
      },
    });
    const s = source(es, 'crm');
    const [unit] = await plan(s);
    const f = fragments(await collect(s, unit!));
    expect(f.map((x) => [x.loc.field, x.text])).toEqual([
      ['$.contact.phone', '13800138000'],
      ['$.card', '6222021234567890123'],
      ['$.tags[0]', 'a'],
      ['$.tags[1]', 'b'],
    ]);
    expect(f[0]).toEqual({
      text: '13800138000',
      loc: { row: 1, field: '$.contact.phone', key: 'doc-1' },
      structured: true,
    });
  });

  it('`read` returns every document exactly once across slices with a point in time and frees it', async () => {
    const es = await cluster({ seed: { crm: { docs: customers(230) } } });
    const s = source(es, 'crm', { full: true, rangeRows: 60, batchRows: 25 });
    const us = await plan(s);
    expect(us.map((u) => u.id.split('#')[1])).toEqual(['slice=0/4', 'slice=1/4', 'slice=2/4', 'slice=3/4']);
    expect(us.every((u) => u.kind === 'index-slice')).toBe(true);
    const ids: string[] = [];
    for (const u of us)
      for (const f of fragments(await collect(s, u))) if (f.loc.field === '$.name') ids.push(f.loc.key!);
    expect(ids.sort()).toEqual(
      customers(230)
        .map((d) => String(d._id))
        .sort(),
    );
    expect(es.requests.some((r) => r.path === '/crm/_pit')).toBe(true);
    expect(es.openContexts()).toEqual({ scrolls: 0, pits: 0 });
  });

  it('`read` pages with scroll when the cluster predates point in time, and frees the scroll', async () => {
    const es = await cluster({ version: '7.9.3', pit: false, seed: { crm: { docs: customers(70) } } });
    const s = source(es, 'crm', { full: true, batchRows: 20 });
    const [unit] = await plan(s);
    expect(unit!.id).toMatch(/#all$/);
    const ids = fragments(await collect(s, unit!))
      .filter((f) => f.loc.field === '$.name')
      .map((f) => f.loc.key);
    expect(ids).toHaveLength(70);
    expect(new Set(ids).size).toBe(70);
    expect(es.requests.some((r) => r.path === '/_search/scroll' && r.method === 'POST')).toBe(true);
    expect(es.openContexts().scrolls).toBe(0);
  });

  it('`read` uses scroll on OpenSearch', async () => {
    const es = await cluster({ version: '2.11.0', distribution: 'opensearch', seed: { crm: { docs: customers(5) } } });
    const s = source(es, 'crm', { full: true });
    const [unit] = await plan(s);
    expect(fragments(await collect(s, unit!)).filter((f) => f.loc.field === '$.name')).toHaveLength(5);
    expect(es.requests.some((r) => r.path.endsWith('/_pit'))).toBe(false);
  });

  it('`read` retries a dropped page in place and yields every document once when the connection drops (PIT)', async () => {
    const es = await cluster({ seed: { crm: { docs: customers(100) } } });
    const s = source(es, 'crm', { full: true, batchRows: 10 });
    const [unit] = await plan(s);
    const ids: string[] = [];
    let n = 0;
    for await (const x of s.read(unit!)) {
      if (isProblem(x) || x.loc.field !== '$.name') continue;
      ids.push(x.loc.key!);
      if (++n === 15) es.fail({ method: 'POST', path: '/_search', drop: true });
    }
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
  });

  it('`read` restarts a scroll and skips what it yielded when a scroll page is lost', async () => {
    const es = await cluster({ version: '7.9.3', pit: false, seed: { crm: { docs: customers(100) } } });
    const s = source(es, 'crm', { full: true, batchRows: 10 });
    const [unit] = await plan(s);
    const ids: string[] = [];
    let n = 0;
    for await (const x of s.read(unit!)) {
      if (isProblem(x) || x.loc.field !== '$.name') continue;
      ids.push(x.loc.key!);
      if (++n === 35) es.fail({ method: 'POST', path: '/_search/scroll', drop: true });
    }
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
    expect(es.requests.filter((r) => r.path === '/crm/_search').length).toBe(2);
  });

  it('`read` reports the index and slice when retries run out, and other units still read', async () => {
    const es = await cluster({ seed: { crm: { docs: customers(120) } } });
    const s = source(es, 'crm', { full: true, rangeRows: 40, retries: 2 });
    const us = await plan(s);
    es.fail({ path: '/_search', status: 503, times: 1000 });
    const err = await collect(s, us[1]!).catch((e: unknown) => e);
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_FAILED');
    expect((err as Error).message).toMatch(
      /^Cannot read index "crm" slice 1\/3 from "es\+http:\/\/127\.0\.0\.1:[0-9]+\/crm": HTTP 503 \(unavailable_shards_exception\) after [0-9]+ attempts$/,
    );
    es.clearFaults();
    expect(fragments(await collect(s, us[2]!)).length).toBeGreaterThan(0);
  });

  it('`read` retries a sample when the cluster answers 429', async () => {
    const es = await cluster({ seed: { crm: { docs: customers(10) } } });
    const s = source(es, 'crm', { sampleRows: 5 });
    const [unit] = await plan(s);
    es.fail({ path: '/crm/_search', status: 429, times: 2 });
    expect(new Set(fragments(await collect(s, unit!)).map((f) => f.loc.key)).size).toBe(5);
  });

  it('`read` falls back to the first documents with a note when random scoring is refused', async () => {
    const es = await cluster({ seed: { crm: { docs: customers(10) } } });
    const s = source(es, 'crm', { sampleRows: 4 });
    const [unit] = await plan(s);
    es.fail({ path: '/crm/_search', status: 400, type: 'illegal_argument_exception' });
    const items = await collect(s, unit!);
    expect(items.filter(isProblem).map((p) => p.problem)).toEqual(['sample-fallback']);
    expect(new Set(fragments(items).map((f) => f.loc.key))).toEqual(new Set(['c0', 'c1', 'c2', 'c3']));
  });

  it('`read` excludes binary fields and notes them, and notes an index without _source', async () => {
    const es = await cluster({
      seed: {
        files: {
          mappings: { properties: { name: { type: 'keyword' }, scan: { type: 'binary' } } },
          docs: [{ _id: 'f1', name: 'id-card.png', scan: 'MTM4MDAxMzgwMDA=' }],
        },
        nosource: { mappings: { _source: { enabled: false } }, docs: [{ _id: 'n1', phone: '13800138000' }] },
      },
    });
    const s = source(es, '*');
    const [files, nosource] = await plan(s);
    const items = await collect(s, files!);
    expect(items.filter(isProblem).map((p) => [p.problem, p.loc.field])).toEqual([['binary-skipped', '$.scan']]);
    expect(fragments(items).map((f) => f.loc.field)).toEqual(['$.name']);
    const search = es.requests.find((r) => r.path === '/files/_search')!;
    expect((search.body as { _source: unknown })._source).toEqual({ excludes: ['scan'] });
    const none = await collect(s, nosource!);
    expect(none.map((x) => (isProblem(x) ? x.problem : 'fragment'))).toEqual(['source-disabled']);
  });

  it('`units` authenticates with basic auth from the URL and API keys from the environment', async () => {
    const basic = await cluster({
      auth: { username: 'scanner', password: 's3cret' },
      seed: { crm: { docs: customers(2) } },
    });
    const s1 = createElasticsearchSource(`es+http://scanner:s3cret@${basic.url.slice(7)}/crm`);
    sources.push(s1);
    expect(await plan(s1)).toHaveLength(1);
    expect(basic.requests.every((r) => r.auth === 'Basic')).toBe(true);
    const keyed = await cluster({ auth: { apiKey: 'a2V5aWQ6c2VjcmV0' }, seed: { crm: { docs: customers(2) } } });
    const spec = parseDbUrl(`es+${keyed.url}/crm`, { env: { LEAKGUARD_ES_API_KEY: 'a2V5aWQ6c2VjcmV0' } });
    if (spec.kind !== 'elasticsearch') throw new Error('expected an Elasticsearch spec');
    const s2 = createElasticsearchSource(spec);
    sources.push(s2);
    const [unit] = await plan(s2);
    expect(fragments(await collect(s2, unit!)).length).toBeGreaterThan(0);
  });

  it('`units` fails with LG_SOURCE_CONNECT without the password when credentials are wrong', async () => {
    const es = await cluster({ auth: { username: 'scanner', password: 'right' } });
    const s = createElasticsearchSource(`es+http://scanner:wrong-pass@${es.url.slice(7)}/crm`);
    sources.push(s);
    const err = await plan(s).catch((e: unknown) => e);
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_CONNECT');
    expect((err as Error).message).toBe(
      `Cannot list the indices of "es+http://scanner:***@${es.url.slice(7)}/crm": authentication failed (HTTP 401 (security_exception))`,
    );
  });

  it('`units` fails with LG_SOURCE_UNREADABLE when a named index does not exist', async () => {
    const es = await cluster();
    const err = await plan(source(es, 'missing')).catch((e: unknown) => e);
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_UNREADABLE');
    expect((err as Error).message).toContain('index does not exist');
  });

  it('`units` fails with LG_SOURCE_CONNECT when nothing listens', async () => {
    const es = await cluster();
    const url = es.url;
    await es.close();
    running.splice(running.indexOf(es), 1);
    const s = createElasticsearchSource(`es+${url}/crm`, { retries: 0 });
    sources.push(s);
    const err = await plan(s).catch((e: unknown) => e);
    expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_CONNECT');
    expect((err as Error).message).toContain('connection refused (ECONNREFUSED)');
  });

  it('`read` throws a TypeError when a unit belongs to another cluster', async () => {
    const es = await cluster({ seed: { crm: { docs: customers(1) } } });
    const s = source(es, 'crm');
    const foreign: Unit = {
      id: 'x',
      kind: 'index',
      asset: 'es+http://elsewhere:9200/crm',
      params: { index: 'crm', mode: 'sample' },
    };
    await expect(collect(s, foreign)).rejects.toBeInstanceOf(TypeError);
  });
});

for (const [name, options, fake] of [
  ['Elasticsearch source (sampling)', { sampleRows: 7 }, {}],
  ['Elasticsearch source (full, PIT slices)', { full: true, rangeRows: 10, batchRows: 4 }, {}],
  ['Elasticsearch source (full, scroll)', { full: true, batchRows: 4 }, { version: '7.9.3', pit: false }],
] as const) {
  describeSourceConformance(name, async () => {
    const es = await start({ ...fake, seed: { crm: { docs: customers(30) }, orders: { docs: customers(12, 'o') } } });
    return {
      source: createElasticsearchSource(`es+${es.url}/*`, { retryDelayMs: 5, ...options }),
      cleanup: () => es.close(),
    };
  });
}
