/**
 * Identifier quoting and table-name patterns.
 *
 * Table and column names come from the database's own catalog or from a unit that travelled through a queue, so
 * they are always quoted (never interpolated raw) and values always travel as bound parameters.
 */

/**
 * Quote an identifier with `q` (`"` for PostgreSQL and SQLite, a backtick for MySQL), doubling embedded quotes.
 *
 * @throws {TypeError} when the name is empty or contains NUL (no database accepts it; a crafted unit might).
 * @example
 * quoteIdentifier('order "items"', '"') // '"order ""items"""'
 */
export function quoteIdentifier(name: string, q: '"' | '`'): string {
  if (name.length === 0 || name.includes('\0')) throw new TypeError('An SQL identifier must be non-empty without NUL');
  return q + name.split(q).join(q + q) + q;
}

/** A compiled `?tables=` filter. */
export interface TableFilter {
  /** Whether `schema.table` is selected. */
  matches(schema: string, table: string): boolean;
  /** Patterns without a wildcard that matched nothing so far (a typo the user should hear about). */
  unmatched(): string[];
}

/**
 * Compile table patterns (`users`, `public.users`, `audit_*`, `*.users`). A pattern without a dot matches the
 * table name in any selected schema; with a dot, `schema.table`. `*` matches any run of characters. Matching is
 * case-insensitive (a user typing `Users` means the table the catalog spells `users`).
 *
 * @example
 * compileTableFilter(['public.user*']).matches('public', 'users') // true
 */
export function compileTableFilter(patterns: readonly string[] | undefined): TableFilter | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const compiled = patterns.map((p) => {
    const dot = p.lastIndexOf('.');
    return {
      pattern: p,
      wildcard: p.includes('*'),
      qualified: dot > 0,
      re: globToRegExp(p),
      hit: false,
    };
  });
  return {
    matches(schema, table) {
      let any = false;
      const full = `${schema}.${table}`;
      for (const c of compiled) {
        if (c.re.test(c.qualified ? full : table)) {
          c.hit = true;
          any = true;
        }
      }
      return any;
    },
    unmatched() {
      return compiled.filter((c) => !c.wildcard && !c.hit).map((c) => c.pattern);
    },
  };
}

/**
 * A glob with `*` as the only wildcard, as an anchored case-insensitive RegExp. Every other character is escaped,
 * so the result is a chain of literals and `.*` runs: linear in practice for names of catalog length (≤ 128).
 * Example: `audit_*` → /^audit_.*$/i matches `audit_2024`, not `xaudit_2024`.
 */
function globToRegExp(glob: string): RegExp {
  // Regex metacharacters (ECMAScript syntax characters except `*`), escaped with a backslash: `a.b` → `a\.b`.
  // Does not touch `*` (split on above) or letters.
  const body = glob
    .replace(/\*{2,}/g, '*')
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}
