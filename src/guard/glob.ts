/**
 * Small globs for index patterns, field names and paths, compiled once at configuration load.
 */

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * An index or field pattern (`people*`, `user.*`) as an anchored regex: `*` is any run of characters.
 * Linear time: the only quantifier is `.*` between literal runs, matched by a backtracking engine on short
 * names (index names ≤ 255 characters).
 *
 * @example
 * namePattern('people*').test('people-2024') // true
 */
export function namePattern(p: string): RegExp {
  return new RegExp(`^${p.split('*').map(escapeRegex).join('.*')}$`);
}

/**
 * A path glob: `*` one segment, `**` any rest (`/api/users/*`, `/api/**`). Query strings are not part of it.
 *
 * @example
 * pathPattern('/api/users/*').test('/api/users/42') // true
 */
export function pathPattern(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*' && p[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`);
}

/** A compiled index allow list. */
export class IndexMatcher {
  readonly #exact: RegExp[];
  /** Literal prefixes of `prefix*` patterns (wildcard requests are allowed only under one). */
  readonly #prefixes: string[];
  readonly #all: boolean;

  constructor(patterns: readonly string[]) {
    this.#exact = patterns.map(namePattern);
    this.#all = patterns.includes('*');
    this.#prefixes = patterns
      .filter((p) => p.endsWith('*') && !p.slice(0, -1).includes('*'))
      .map((p) => p.slice(0, -1));
  }

  /**
   * Whether every index a request expression can reach is allowed. A concrete name must match a pattern; a
   * wildcard expression must stay under an allowed `prefix*` (its literal head starts with the prefix), since
   * the guard cannot know which indices the wildcard will expand to. Exclusions (`-name`) only narrow.
   */
  covers(expression: string): boolean {
    const parts = expression.split(',');
    let any = false;
    for (let raw of parts) {
      raw = raw.trim();
      if (raw === '') continue;
      if (raw.startsWith('-')) continue;
      any = true;
      if (raw.includes(':')) return false; // cross-cluster search: never
      if (raw === '_all') raw = '*';
      if (this.#all) continue;
      const star = raw.indexOf('*');
      if (star < 0) {
        if (!this.#exact.some((r) => r.test(raw))) return false;
        continue;
      }
      const head = raw.slice(0, star);
      if (!this.#prefixes.some((p) => head.startsWith(p))) return false;
    }
    return any;
  }
}

/**
 * A field name as given in a rule: `$.items[*].mobile` (rooted JSON path) becomes `items.mobile`; array steps
 * (`[*]`, `[3]`) are dropped because field paths skip arrays. Example: `$.data.owner` → `data.owner`.
 */
function rootedName(f: string): string {
  return f
    .replace(/^\$\.?/, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.|\.$/g, '');
}

/**
 * A compiled field allow or deny list (`phone`, `address.*`, `id_card`, `$.items[*].mobile`).
 *
 * Elasticsearch mode matches dotted paths inside a document's `_source` ({@link matches}). Generic mode
 * ({@link matchesAnywhere}) matches the whole response body: an entry starting with `$` is a JSON path from the
 * body's root (array steps optional); any other entry names a key (or a dotted run of keys) wherever it appears.
 */
export class FieldMatcher {
  readonly #patterns: RegExp[];
  readonly #names: string[];
  readonly #rooted: boolean[];

  constructor(fields: readonly string[]) {
    this.#rooted = fields.map((f) => f.startsWith('$'));
    this.#names = fields.map((f) => (f.startsWith('$') ? rootedName(f) : f));
    this.#patterns = this.#names.map(namePattern);
  }

  #one(i: number, path: string): boolean {
    if ((this.#patterns[i] as RegExp).test(path)) return true;
    const n = this.#names[i] as string;
    return path.length > n.length && path.startsWith(n) && path.charCodeAt(n.length) === 0x2e;
  }

  /** Whether a dotted field path is the listed field or inside it. */
  matches(path: string): boolean {
    for (let i = 0; i < this.#patterns.length; i++) if (this.#one(i, path)) return true;
    return false;
  }

  /**
   * Whether a dotted path from the response body's root (array steps skipped) is a listed field or inside one:
   * a rooted entry (`$.items.mobile`) from the root only, a key entry (`mobile`, `owner.mobile`) starting at any
   * key. Example: `mobile` matches `items.mobile` and `data.owner.mobile.raw`, not `mobile_note`.
   */
  matchesAnywhere(path: string): boolean {
    for (let i = 0; i < this.#patterns.length; i++) {
      if (this.#one(i, path)) return true;
      if (this.#rooted[i]) continue;
      for (let at = path.indexOf('.'); at >= 0; at = path.indexOf('.', at + 1)) {
        if (this.#one(i, path.slice(at + 1))) return true;
      }
    }
    return false;
  }

  /** Whether `path` is an ancestor of a listed field (`address` when `address.city` is listed). */
  isAncestor(path: string): boolean {
    for (const n of this.#names)
      if (n.length > path.length && n.startsWith(path) && n.charCodeAt(path.length) === 0x2e) return true;
    return false;
  }

  /** Listed names (for reference checks in queries); rooted entries without their `$`. */
  get names(): readonly string[] {
    return this.#names;
  }
}
