import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../detect/analyzer.js';
import { builtinRecognizers } from '../detect/presets.js';
import { parsePolicy } from '../protect/policy.js';
import { FieldMatcher } from './glob.js';
import { CleanCache, type MaskerOptions, ResponseMasker } from './mask.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const mask = parsePolicy('rules: []\ndefault: { action: mask }\n', 'mask.yaml');
const keep = parsePolicy('rules: []\ndefault: { action: keep }\n', 'keep.yaml');
const body = JSON.stringify({
  _scroll_id: 'c2Nyb2xs',
  hits: {
    hits: [
      {
        _index: 'people',
        _id: 'p0',
        _source: { name: '张伟', phone: '13812345678', id_card: '11010519491231002X', addr: { city: '上海' } },
      },
      { _index: 'people', _id: 'p1', _source: { phone: 13812345679, note: '联系电话 13812345678' } },
    ],
  },
});

function run(o: Partial<MaskerOptions>, input = body, chunk = 7) {
  const m = new ResponseMasker({
    policy: mask,
    analyzer,
    json: true,
    records: { kind: 'source' },
    sourceRoot: false,
    maxStringChars: 1 << 20,
    ...o,
  });
  const buf = Buffer.from(input);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(m.write(buf.subarray(i, i + chunk)));
  parts.push(m.end());
  return { m, out: Buffer.concat(parts).toString('utf8') };
}

describe('ResponseMasker', () => {
  it('masks values in sources and free text, numbers included, and counts records and types', () => {
    const { m, out } = run({});
    const j = JSON.parse(out);
    expect(j.hits.hits[0]._source.phone).toBe('138****5678');
    expect(j.hits.hits[0]._source.id_card).toBe('110***********002X');
    expect(j.hits.hits[1]._source.note).toBe('联系电话 138****5678');
    expect(String(j.hits.hits[1]._source.phone)).toBe('138****5679');
    expect(out).not.toMatch(/1381234567[0-9]/);
    expect(m.records).toBe(2);
    expect(m.types.CN_MOBILE).toBe(3);
    expect(m.masked).toBeGreaterThanOrEqual(4);
  });

  it('writes denied fields as null (deny list) and keeps only allowed ones (allow list)', () => {
    const deny = JSON.parse(run({ denyFields: new FieldMatcher(['id_card', 'addr']) }).out);
    expect(deny.hits.hits[0]._source.id_card).toBeNull();
    expect(deny.hits.hits[0]._source.addr.city).toBeNull();
    expect(deny.hits.hits[0]._index).toBe('people');
    const allow = JSON.parse(run({ allowFields: new FieldMatcher(['phone', 'addr.city']) }).out);
    expect(allow.hits.hits[0]._source.name).toBeNull();
    expect(allow.hits.hits[0]._source.phone).toBe('138****5678');
    expect(allow.hits.hits[0]._source.addr.city).toBe('上海');
  });

  it('keeps values with the keep policy but still counts the types seen; offers clear values to the canary', () => {
    const seen: string[] = [];
    const { m, out } = run({
      policy: keep,
      capture: 'scroll',
      canary: {
        match: (t) => {
          seen.push(t);
          return t === '13812345678' ? [{ label: 'c1' }] : [];
        },
      },
    });
    expect(out).toBe(body);
    expect(m.types.CN_MOBILE).toBe(3);
    expect(m.masked).toBe(0);
    expect([...m.canaries]).toEqual(['c1']);
    expect(m.captured).toBe('c2Nyb2xs');
    expect(seen).toContain('13812345678');
  });

  it('stops at malformed JSON and returns nothing after the error', () => {
    const { m, out } = run({}, '{"hits":{"hits":[{"_source":{"phone":"13812345678"}}, oops 13812345679', 5);
    expect(m.error).toBe('expected a value');
    expect(out).not.toContain('13812345679');
    expect(out).not.toContain('13812345678');
  });

  it('masks text responses line by line', () => {
    const { out } = run({ json: false, records: { kind: 'none' } }, 'name phone\n张伟 13812345678\nend', 4);
    expect(out).toBe('name phone\n张伟 138****5678\nend');
  });

  it('masks a value under a path that masks after the same value was kept under a path that keeps it', () => {
    // A clean-value cache keyed by the last key only served the kept value from the cache at the other path:
    // `$.b.phone` came out clear.
    const policy = parsePolicy(
      "rules:\n  - { column: '$.a.phone', action: keep }\ndefault: { action: mask }\n",
      'paths.yaml',
    );
    const input = JSON.stringify({ a: { phone: '13812345678' }, b: { phone: '13812345678' } });
    const { out } = run({ policy, records: { kind: 'none' } }, input);
    expect(JSON.parse(out)).toEqual({ a: { phone: '13812345678' }, b: { phone: '138****5678' } });
  });

  it('serves clean values from a shared cache across responses and still masks every personal value', () => {
    const cache = new CleanCache();
    const first = run({ cache });
    expect(cache.size).toBeGreaterThan(0);
    const second = run({ cache });
    expect(second.out).toBe(first.out);
    expect(second.m.types).toEqual(first.m.types);
    expect(second.m.masked).toBe(first.m.masked);
    expect(second.out).not.toMatch(/1381234567[0-9]/);
  });
});

describe('CleanCache', () => {
  it('closes a field whose values do not repeat (no more lookups), and keeps serving the others', () => {
    const cache = new CleanCache({ probation: 8 });
    for (let i = 0; i < 7; i++) cache.add('_id', `d${i}`);
    expect(cache.has('_id', 'd3')).toBe(true);
    for (let i = 7; i < 20; i++) cache.add('_id', `d${i}`);
    expect(cache.field('_id')).toBeUndefined();
    expect(cache.has('_id', 'd3')).toBe(false);
    expect(cache.size).toBe(0);
    for (let i = 0; i < 20; i++) {
      if (!cache.has('city', `c${i % 3}`)) cache.add('city', `c${i % 3}`);
    }
    expect(cache.has('city', 'c2')).toBe(true);
  });

  it('is bounded per field, in fields and in values, and forgets everything after its time to live', () => {
    const total = new CleanCache({ maxValues: 5 });
    for (let i = 0; i < 10; i++) total.add(`f${i % 3}`, `v${i}`);
    expect(total.size).toBe(5);
    const cache = new CleanCache({ maxPerField: 3, maxFields: 2, probation: 1_000, ttlMs: 1000 });
    cache.refresh(10_000);
    for (const v of ['a', 'b', 'c', 'd']) cache.add('f', v);
    cache.add('g', 'x');
    cache.add('h', 'y');
    expect(cache.size).toBe(4);
    expect(cache.has('f', 'd')).toBe(false);
    expect(cache.has('h', 'y')).toBe(false);
    cache.refresh(10_500);
    expect(cache.has('f', 'a')).toBe(true);
    cache.refresh(11_000);
    expect(cache.size).toBe(0);
  });

  it('masks exactly what a masker without a cache masks, response after response (property)', () => {
    const values = [
      '13812345678',
      '11010519491231002X',
      '张伟',
      '上海',
      'people',
      'ok',
      '联系电话 13912345678',
      'order 100234 shipped',
      '2026-01-03T10:00:27Z',
      'zhang.wei@example.com',
    ];
    const keys = ['name', 'phone', 'note', 'city', '_id', 'ts', '手机号'];
    const doc = fc.dictionary(
      fc.constantFrom(...keys),
      fc.oneof(fc.constantFrom(...values), fc.integer({ min: 0, max: 20_000_000_000 })),
      { maxKeys: 5 },
    );
    const responses = fc.array(fc.array(doc, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(responses, fc.integer({ min: 1, max: 40 }), (list, chunk) => {
        const cache = new CleanCache({ probation: 4 });
        for (const docs of list) {
          const input = JSON.stringify({ hits: { hits: docs.map((d, i) => ({ _id: `d${i}`, _source: d })) } });
          const fast = run({ cache }, input, chunk);
          const slow = run({ cache: new CleanCache({ maxFields: 0 }) }, input, chunk);
          expect(fast.out).toBe(slow.out);
          expect(fast.m.types).toEqual(slow.m.types);
          expect(fast.m.masked).toBe(slow.m.masked);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('ResponseMasker field scope and masked types', () => {
  it('applies field rules to the whole body in body scope: a key anywhere, a $ path from the root', () => {
    const input = JSON.stringify({
      a: { phone: '13812345678', b: [{ phone: 'x' }] },
      phone: 'y',
      meta: { phone: 'z' },
    });
    const out = JSON.parse(
      run({ denyFields: new FieldMatcher(['b.phone', '$.meta']), fieldScope: 'body', records: { kind: 'none' } }, input)
        .out,
    );
    expect(out.a.b[0].phone).toBeNull();
    expect(out.a.phone).toBe('138****5678'); // not denied: masked by detection only
    expect(out.phone).toBe('y');
    expect(out.meta.phone).toBeNull();
    const src = JSON.parse(run({ denyFields: new FieldMatcher(['phone']) }, input).out);
    expect(src.a.phone).toBe('138****5678'); // source scope: no _source here, nothing removed
  });

  it('counts masked types: all detected types under a masking policy, none when kept, per value when mixed', () => {
    expect(run({}).m.maskedTypes).toEqual(run({}).m.types);
    const kept = run({ policy: keep }).m;
    expect(kept.types.CN_MOBILE).toBe(3);
    expect(kept.maskedTypes).toEqual({});
    const mixed = parsePolicy(
      'rules:\n  - { type: CN_MOBILE, action: keep }\ndefault: { action: mask }\n',
      'mixed.yaml',
    );
    const m = run({ policy: mixed }).m;
    expect(m.types.CN_MOBILE).toBe(3);
    expect(m.maskedTypes.CN_MOBILE).toBeUndefined();
    expect(m.maskedTypes.CN_RESIDENT_ID).toBe(1);
  });
});
