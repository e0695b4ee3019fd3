import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mysqlDialect } from '../mysql/mysql-source.js';
import { sqliteDialect } from '../sqlite/sqlite-source.js';
import { decodeKey, encodeKey, formatKey, keyCompare, rangeLabel, SqlParams } from './keys.js';

const keyValue = fc.oneof(
  fc.integer(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n }),
  fc.string(),
  fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
);

describe('encodeKey / decodeKey', () => {
  it('`decodeKey` returns what `encodeKey` was given, through a JSON round trip, for any key tuple', () => {
    fc.assert(
      fc.property(fc.array(keyValue, { minLength: 1, maxLength: 4 }), (key) => {
        const text = JSON.parse(JSON.stringify(encodeKey(key))) as string;
        expect(decodeKey(text, key.length)).toEqual(key);
      }),
    );
  });

  it('`decodeKey` throws a TypeError when the text is not a tuple of the right arity', () => {
    for (const bad of ['', 'nope', '{}', '[1]', '[{"n":"1x"}]', '[{"z":1}]']) {
      expect(() => decodeKey(bad, 2 - (bad === '[1]' ? 0 : 1)), bad).toThrow(TypeError);
    }
  });
});

describe('formatKey', () => {
  it('`formatKey` writes name=value pairs and quotes values with separators', () => {
    expect(formatKey(['id'], [42n])).toBe('id=42');
    expect(formatKey(['a', 'b'], ['x y', 'p,q'])).toBe('a="x y",b="p,q"');
    expect(formatKey(['bin'], [Buffer.from([0xde, 0xad])])).toBe('bin=0xdead');
    expect(formatKey(['e'], [''])).toBe('e=""');
  });
});

describe('rangeLabel', () => {
  it('`rangeLabel` shows integer bounds and hides text bounds behind the ordinal', () => {
    expect(rangeLabel(true, null, [1000n], 1)).toBe('(,1000]');
    expect(rangeLabel(true, ['1000'], null, 2)).toBe('(1000,]');
    expect(rangeLabel(false, ['li.wei@example.com'], null, 3)).toBe('#3');
  });
});

describe('keyCompare', () => {
  // Evaluate generated predicates in SQLite against JavaScript's lexicographic comparison: the expanded
  // (MySQL) form and the row-value form must both select exactly the tuples after (or up to) the bound.
  const db = new Database(':memory:');
  const tuple = fc.tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
  );
  const lex = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  };

  for (const [name, dialect] of [
    ['expanded (MySQL)', { ...mysqlDialect, param: () => '?' }],
    ['row values (SQLite)', sqliteDialect],
  ] as const) {
    it(`\`keyCompare\` ${name} selects exactly the tuples after and up to a bound`, () => {
      fc.assert(
        fc.property(tuple, tuple, fc.integer({ min: 1, max: 3 }), (row, bound, width) => {
          const refs = ['a', 'b', 'c'].slice(0, width);
          const r = row.slice(0, width);
          const b = bound.slice(0, width);
          for (const op of ['>', '<='] as const) {
            const params = new SqlParams(dialect);
            const where = keyCompare(dialect, refs, op, b, params);
            const sql = `SELECT count(*) AS n FROM (SELECT ${r.map((v, i) => `${v} AS ${refs[i]}`).join(', ')}) WHERE ${where}`;
            const got = (db.prepare(sql).get(...params.values) as { n: number }).n === 1;
            const want = op === '>' ? lex(r, b) > 0 : lex(r, b) <= 0;
            expect(got, `${op} ${sql} ${JSON.stringify(params.values)}`).toBe(want);
          }
        }),
      );
    });
  }
});
