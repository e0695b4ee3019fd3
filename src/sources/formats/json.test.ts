import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect } from './__fixtures__/build.js';
import { fieldKeyOf, JsonWalker, keySegment, probeJson } from './json.js';
import { readBytesFragments } from './read.js';

function walkAll(text: string, splits: readonly number[] = []): { leaves: unknown[]; error: boolean } {
  const w = new JsonWalker(1 << 20);
  const leaves: unknown[] = [];
  let from = 0;
  for (const s of [...splits].sort((a, b) => a - b)) {
    leaves.push(...w.write(text.slice(from, s)));
    from = s;
  }
  leaves.push(...w.write(text.slice(from)));
  leaves.push(...w.end());
  return { leaves, error: w.error !== undefined };
}

describe('JsonWalker', () => {
  it('JsonWalker yields string and number leaves with paths and lines', () => {
    const text =
      '{\n "users": [\n  {"name": "Wang", "phone": 13800138000, "ok": true},\n  {"first name": "Li\\u0020Lei"}\n ],\n "n": null\n}';
    expect(walkAll(text).leaves).toEqual([
      { path: '$.users[0].name', text: 'Wang', line: 3 },
      { path: '$.users[0].phone', text: '13800138000', line: 3 },
      { path: "$.users[1]['first name']", text: 'Li Lei', line: 4 },
    ]);
  });

  it('JsonWalker keeps big numbers as written', () => {
    expect(walkAll('[110101199003074578, -1.5e3]').leaves).toEqual([
      { path: '$[0]', text: '110101199003074578', line: 1 },
      { path: '$[1]', text: '-1.5e3', line: 1 },
    ]);
  });

  it('JsonWalker agrees with JSON.parse on validity and leaf values whatever the chunking', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.nat(), { maxLength: 5 }), (value, cuts) => {
        const text = JSON.stringify(value, null, 1);
        const whole = walkAll(text);
        const chunked = walkAll(
          text,
          cuts.map((c) => c % (text.length + 1)),
        );
        expect(chunked).toEqual(whole);
        expect(whole.error).toBe(false);
        const expected: string[] = [];
        const visit = (v: unknown): void => {
          if (typeof v === 'string') {
            if (v.length > 0) expected.push(v);
          } else if (typeof v === 'number') expected.push(String(v));
          else if (Array.isArray(v)) v.forEach(visit);
          else if (v && typeof v === 'object') Object.values(v).forEach(visit);
        };
        visit(value);
        // Number leaves keep their source text, which JSON.stringify wrote as String(n).
        expect(whole.leaves.map((l) => (l as { text: string }).text)).toEqual(expected);
      }),
    );
  });

  it('JsonWalker reports syntax errors JSON.parse rejects', () => {
    for (const bad of ['{"a":1,}', '[1 2]', '{"a" 1}', '{"a":tru}', '["x', '01', '{"a":1}}']) {
      expect(walkAll(bad).error).toBe(true);
    }
  });

  it('JsonWalker splits a string longer than the fragment limit into pieces of the same path', () => {
    const w = new JsonWalker(1024);
    const leaves = [...w.write(`{"blob":"${'a'.repeat(3000)}"}`), ...w.end()];
    expect(leaves.map((l) => [l.path, l.text.length])).toEqual([
      ['$.blob', 1024],
      ['$.blob', 1024],
      ['$.blob', 952],
    ]);
  });
});

describe('fieldKeyOf', () => {
  it('fieldKeyOf replaces array indices by [*] but not digits inside quoted keys', () => {
    expect(fieldKeyOf('$.users[3].phone')).toBe('$.users[*].phone');
    expect(fieldKeyOf("$['a[1]'][0]")).toBe("$['a[1]'][*]");
    expect(fieldKeyOf('plain')).toBe('plain');
    expect(keySegment("it's")).toBe("['it\\'s']");
  });

  it("fieldKeyOf turns object keys that are data (a phone or an e-mail as key) into ['*']", () => {
    expect(fieldKeyOf("$.byPhone['13812345678'].name")).toBe("$.byPhone['*'].name");
    expect(fieldKeyOf("$['li@example.com'][2]")).toBe("$['*'][*]");
    expect(fieldKeyOf("$['first name']")).toBe("$['first name']");
  });
});

describe('probeJson', () => {
  it('probeJson tells JSON from NDJSON and from INI-like text', () => {
    expect(probeJson('{"a":1}\n{"a":2}\n', 'x', true)).toBe('ndjson');
    expect(probeJson('{\n  "a": 1\n}\n', 'x', true)).toBe('json');
    expect(probeJson('[section]\nkey=value\n', 'x.ini', true)).toBeUndefined();
    expect(probeJson('{"a":1}\n', 'x.jsonl', true)).toBe('ndjson');
  });
});

describe('readJson', () => {
  it('readJson reports invalid JSON with its line and scans the rest as text', async () => {
    const text = '{\n "email": "a@example.com",\n "x": oops\n "phone": "13800138000"\n}\n';
    const { fragments, problems } = await collect(readBytesFragments(Buffer.from(text), 'data.json'));
    expect(fragments[0]).toEqual({ text: 'a@example.com', loc: { line: 2, field: '$.email' }, structured: true });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ problem: 'LG_FORMAT_CORRUPT', loc: { line: 3 } });
    expect(
      fragments
        .slice(1)
        .map((f) => f.text)
        .join(''),
    ).toContain('13800138000');
    expect(fragments[1]?.loc.line).toBe(3);
  });

  it('readNdjson yields leaves per line with the line as row and reports bad lines', async () => {
    const text = '{"email":"a@example.com"}\n\nnot json\n{"tags":["x","y"]}\n';
    const { fragments, problems } = await collect(readBytesFragments(Buffer.from(text), 'events.ndjson'));
    expect(fragments).toEqual([
      { text: 'a@example.com', loc: { row: 1, field: '$.email' }, structured: true },
      { text: 'x', loc: { row: 4, field: '$.tags[0]' }, structured: true },
      { text: 'y', loc: { row: 4, field: '$.tags[1]' }, structured: true },
    ]);
    expect(problems.map((p) => [p.problem, p.loc.row])).toEqual([['LG_FORMAT_CORRUPT', 3]]);
  });
});
