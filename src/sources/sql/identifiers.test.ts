import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTableFilter, quoteIdentifier } from './identifiers.js';

describe('quoteIdentifier', () => {
  it('`quoteIdentifier` doubles embedded quotes for both quote styles', () => {
    expect(quoteIdentifier('order "items"', '"')).toBe('"order ""items"""');
    expect(quoteIdentifier('a`b', '`')).toBe('`a``b`');
  });

  it('`quoteIdentifier` throws a TypeError when the name is empty or has NUL', () => {
    expect(() => quoteIdentifier('', '"')).toThrow(TypeError);
    expect(() => quoteIdentifier('a\0b', '"')).toThrow(TypeError);
  });

  it('`quoteIdentifier` round-trips any name through SQLite as a column name', () => {
    const db = new Database(':memory:');
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\0')),
        (name) => {
          // Column metadata, not a row object: a column named `__proto__` is no key of an object (the source
          // reads rows as arrays for the same reason).
          const columns = db.prepare(`SELECT 1 AS ${quoteIdentifier(name, '"')}`).columns();
          expect(columns.map((c) => c.name)).toEqual([name]);
        },
      ),
    );
  });
});

describe('compileTableFilter', () => {
  it('`compileTableFilter` matches names, qualified names and globs case-insensitively', () => {
    const f = compileTableFilter(['users', 'crm.*', 'audit_*'])!;
    expect(f.matches('public', 'Users')).toBe(true);
    expect(f.matches('crm', 'leads')).toBe(true);
    expect(f.matches('public', 'leads')).toBe(false);
    expect(f.matches('x', 'audit_2024')).toBe(true);
    expect(f.matches('x', 'xaudit_2024')).toBe(false);
    expect(f.unmatched()).toEqual([]);
  });

  it('`compileTableFilter` reports plain names that matched nothing', () => {
    const f = compileTableFilter(['users', 'userz', 'logs_*'])!;
    f.matches('public', 'users');
    expect(f.unmatched()).toEqual(['userz']);
    expect(compileTableFilter([])).toBeUndefined();
  });

  it('`compileTableFilter` treats regex characters literally', () => {
    const f = compileTableFilter(['a.b(c)+'])!;
    expect(f.matches('a', 'b(c)+')).toBe(true);
    expect(f.matches('a', 'bcc')).toBe(false);
  });
});
