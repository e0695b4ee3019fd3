import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt } from '../../core/testing.js';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { bufferInput } from '../../sources/formats/input.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import { type CompiledPolicy, parsePolicy } from '../policy.js';
import { ENV, leaks, MIXED_POLICY, people, REVERSIBLE_POLICY } from './__fixtures__/data.js';
import { JsonRewriter, transformJson, transformNdjson } from './json.js';
import { BlockWriter, TextEncoderStream } from './output.js';
import type { BadRecordAction } from './records.js';
import { ValueTransformer } from './values.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const P = people(12);

/** Rewrites `text` split at `cuts` with a handler; returns the output. */
function rewrite(chunks: readonly string[], handler: ConstructorParameters<typeof JsonRewriter>[0]): string {
  const w = new JsonRewriter(handler);
  const out: MaybePromise<string>[] = [];
  for (const c of chunks) w.write(c, out);
  w.end(out);
  if (w.error) throw new Error(`invalid JSON: ${w.error.reason}`);
  return out.map((p) => (isPromiseLike(p) ? '' : p)).join('');
}

async function run(
  format: 'json' | 'ndjson',
  input: string,
  policyText: string | CompiledPolicy,
  onBadRecord: BadRecordAction = 'fail',
  mode: 'protect' | 'reveal' = 'protect',
): Promise<{
  text: string;
  records: number;
  bad: { count: number; list: readonly { line?: number }[] };
  values: ValueTransformer;
}> {
  const policy = typeof policyText === 'string' ? parsePolicy(policyText, 'p.yaml', { env: ENV }) : policyText;
  const values = new ValueTransformer(policy, analyzer, mode);
  const parts: Buffer[] = [];
  const writer = new BlockWriter(new TextEncoderStream('utf-8', false), (d) => {
    parts.push(d);
  });
  const f = format === 'json' ? transformJson : transformNdjson;
  const r = await f(bufferInput(`t.${format}`, Buffer.from(input)), writer, values, {
    encoding: 'utf-8',
    file: `t.${format}`,
    onBadRecord,
  });
  await writer.end();
  return { text: Buffer.concat(parts).toString('utf8'), records: r.records, bad: r.bad, values };
}

describe('JsonRewriter', () => {
  it('JsonRewriter copies any JSON through unchanged, however it is split', () => {
    fc.assert(
      fc.property(fc.json(), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (json, cuts, pretty) => {
        const text = pretty ? JSON.stringify(JSON.parse(json), null, 2) : json;
        expect(rewrite(splitAt(text, cuts), (_k, _v, raw) => raw)).toBe(text);
      }),
    );
  });

  it('JsonRewriter hands out decoded values with their paths and replaces only what changes', () => {
    const seen: string[] = [];
    const text = '{"a\\u0041": [1, {"b": "x\\ny"}], "c": -1.5e3, "d": null}';
    const out = rewrite([text], (kind, value, raw, w) => {
      if (kind !== 'key') seen.push(`${w.path()} ${w.wildPath()} ${kind} ${JSON.stringify(value)}`);
      return value === 'x\ny' ? '"Z"' : raw;
    });
    expect(seen).toEqual([
      '$.aA[0] $.aA[*] number "1"',
      '$.aA[1].b $.aA[*].b string "x\\ny"',
      '$.c $.c number "-1.5e3"',
    ]);
    expect(out).toBe('{"a\\u0041": [1, {"b": "Z"}], "c": -1.5e3, "d": null}');
  });

  it('JsonRewriter reports the line of a syntax error', () => {
    const w = new JsonRewriter((_k, _v, raw) => raw);
    w.write('{\n  "a": 1,\n  "b": tru\n}', []);
    w.end([]);
    expect(w.error).toEqual({ line: 3, reason: 'invalid literal' });
  });
});

describe('transformJson', () => {
  it('transformJson applies rules by JSON path, by [*] path and by last key', async () => {
    const p = P[0] as (typeof P)[number];
    const policy = `keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { column: $.user.phone, action: redact }\n  - { column: "$.items[*].sku", action: replace, options: { value: SKU } }\n  - { column: email, action: hash, key: main, options: { length: 16 } }\ndefault: { action: keep }\n`;
    const input = JSON.stringify({
      user: { phone: 'call me', contact: { email: p.email } },
      items: [{ sku: 'A1' }, { sku: 'B2' }],
      other: { phone: 'not ruled' },
    });
    const r = await run('json', input, policy);
    const doc = JSON.parse(r.text);
    expect(doc.user.phone).toBe('');
    expect(doc.items).toEqual([{ sku: 'SKU' }, { sku: 'SKU' }]);
    expect(doc.user.contact.email).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.other.phone).toBe('not ruled');
  });

  it('transformJson finds values inside strings and numbers, and keeps big numbers exact', async () => {
    const p = P[1] as (typeof P)[number];
    const input = `{"msg": "联系 ${p.mobile} 或 ${p.email}", "id": 12345678901234567890123, "mobile": ${p.mobile}}`;
    const r = await run('json', input, MIXED_POLICY);
    const doc = JSON.parse(r.text);
    expect(doc.msg).toMatch(/^联系 1[0-9]{2}\*{4}[0-9]{4} 或 enc:v1:main:/);
    expect(r.text).toContain('"id": 12345678901234567890123');
    expect(doc.mobile).toBe(`${p.mobile.slice(0, 3)}****${p.mobile.slice(7)}`);
    expect(leaks(r.text, [p.mobile, p.email])).toEqual({ detected: [], present: 0 });
  });

  it('transformJson protects object keys found by detection', async () => {
    const p = P[2] as (typeof P)[number];
    const r = await run('json', `{"${p.mobile}": {"visits": 3}}`, MIXED_POLICY);
    expect(Object.keys(JSON.parse(r.text))).toEqual([`${p.mobile.slice(0, 3)}****${p.mobile.slice(7)}`]);
  });

  it('transformJson stops at invalid JSON with the line', async () => {
    await expect(run('json', '{\n"a": 1,\n"b": }', MIXED_POLICY)).rejects.toMatchObject({
      code: 'LG_INPUT_INVALID',
      message: 'Cannot protect "t.json": invalid JSON at line 3: expected a value',
      location: { line: 3 },
    });
  });
});

describe('transformNdjson', () => {
  it('transformNdjson keeps empty lines and CRLF, and counts records', async () => {
    const p = P[3] as (typeof P)[number];
    const input = `{"a": "${p.mobile}"}\r\n\r\n{"b": 1}\r\n`;
    const r = await run('ndjson', input, MIXED_POLICY);
    expect(r.text).toBe(`{"a": "${p.mobile.slice(0, 3)}****${p.mobile.slice(7)}"}\r\n\r\n{"b": 1}\r\n`);
    expect(r.records).toBe(2);
  });

  it('transformNdjson stops at an invalid line with its number under fail', async () => {
    await expect(run('ndjson', '{"a":1}\n{"a":\n{"a":3}\n', MIXED_POLICY)).rejects.toMatchObject({
      code: 'LG_INPUT_INVALID',
      message: 'Cannot protect "t.ndjson": line 2 is not one JSON value (unexpected end of input)',
    });
  });

  it('transformNdjson skips or empties invalid lines and never writes them', async () => {
    const p = P[4] as (typeof P)[number];
    const input = `{"a":1}\nnot json ${p.mobile}\n{"a":2} {"b":3}\n{"a":3}`;
    const skipped = await run('ndjson', input, MIXED_POLICY, 'skip');
    expect(skipped.text).toBe('{"a":1}\n{"a":3}');
    expect(skipped.bad.list.map((b) => b.line)).toEqual([2, 3]);
    const redacted = await run('ndjson', input, MIXED_POLICY, 'redact');
    expect(redacted.text).toBe('{"a":1}\n\n\n{"a":3}');
    expect(redacted.text).not.toContain(p.mobile);
  });

  it('transformNdjson round-trips reversible rules exactly', async () => {
    const input = `${P.map((p) => JSON.stringify({ phone: p.mobile, token_me: p.passport, note: `卡号 ${p.card}` })).join('\n')}\n`;
    // One policy for both directions: its in-memory vault holds the tokens.
    const policy = parsePolicy(REVERSIBLE_POLICY, 'p.yaml', { env: ENV });
    const protectedText = (await run('ndjson', input, policy)).text;
    expect(
      leaks(
        protectedText,
        P.flatMap((p) => [p.mobile, p.passport, p.card]),
      ),
    ).toEqual({ detected: [], present: 0 });
    const back = await run('ndjson', protectedText, policy, 'fail', 'reveal');
    expect(back.text).toBe(input);
  });
});
