/**
 * Turning stored values into text fragments: scalars to text, JSON walked into one fragment per string or number
 * with its path (`profile.$.contact.phone`), binary skipped.
 *
 * JSON is parsed by {@link parseJsonLossless}, not `JSON.parse`: a bank card or resident-ID number stored as a
 * JSON number (a Java `long` in a document) has 16 to 19 digits, and `JSON.parse` would round it to the nearest
 * double (`6222021234567890123` → `6222021234567890000`), destroying exactly the digits detection needs.
 *
 * Used by the SQL sources and the Elasticsearch source.
 */
import type { Fragment, FragmentLocation, Problem } from '../source.js';

/** Nesting deeper than this is not walked: the rest of the value is scanned as one text fragment. */
export const MAX_JSON_DEPTH = 64;

/**
 * A JSON object key that can be written in dot notation (RFC 9535 §2.5.1.1 `member-name-shorthand`: a letter,
 * `_` or any non-ASCII character, then those or digits). Example match: `phone`, `姓名`. Does not match `first
 * name`, `2fa` or `a-b`, which are written `["first name"]`.
 */
const SHORTHAND_RE = /^[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_\u0080-\uFFFF]{0,255}$/;

/**
 * A key that looks like data rather than a name: five or more digits in a row, or an `@`. Example match:
 * `13800138000`, `li.wei@example.cn`. Such keys (maps keyed by phone or e-mail) would put personal data into
 * field paths, so the path says `[*]` and the key itself is scanned as a fragment. Does not match `address2` or
 * `line_1`.
 */
const DATA_KEY_RE = /[0-9]{5}|@/;

/** Whether an object key looks like data (it is scanned, and replaced by `[*]` in paths). */
export function isDataKey(key: string): boolean {
  return key.length > 256 || DATA_KEY_RE.test(key);
}

/** The path of member `key` under `parent` (`$.a`, `$["a b"]`, `$[*]` for data-like keys). */
export function memberPath(parent: string, key: string): string {
  if (isDataKey(key)) return `${parent}[*]`;
  if (SHORTHAND_RE.test(key)) return `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Replace array indices by `[*]` so every element of an array counts as one field (`$.phones[3]` → `$.phones[*]`).
 * Locations keep the exact index; classification per field uses this.
 *
 * @example
 * generalizeFieldPath('tags.$[2].name') // 'tags.$[*].name'
 */
export function generalizeFieldPath(path: string): string {
  // `[` digits `]`: an array index (`[12]`). Does not match quoted members (`["12"]`), which start with a quote.
  return path.replace(/\[[0-9]{1,10}\]/g, '[*]');
}

/** The text of a scalar value, or undefined when it cannot hold personal data (null, booleans, bytes, empty). */
export function scalarText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v.length > 0 && v.trim().length > 0 ? v : undefined;
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined;
    case 'bigint':
      return v.toString();
    case 'object':
      if (v === null || v instanceof Uint8Array) return undefined;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
      return undefined;
    default:
      return undefined;
  }
}

/** Where walked fragments and problems go. */
export interface FragmentSink {
  fragment(text: string, field: string, structured: boolean): void;
  problem(problem: string, message: string, field: string): void;
}

/**
 * Walk a parsed JSON value (as returned by {@link parseJsonLossless} or a driver) and emit every string and
 * number with its path. Object keys that look like data are emitted too (unstructured), with `[*]` in the path.
 *
 * @example
 * // walkJson({ a: { phone: '13800138000' } }, 'profile.$', sink) → sink.fragment('13800138000', 'profile.$.a.phone', true)
 */
export function walkJson(value: unknown, path: string, sink: FragmentSink, depth = 0): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || value instanceof Date) {
    const t = scalarText(value);
    if (t !== undefined) sink.fragment(t, path, true);
    return;
  }
  if (value instanceof Uint8Array) return;
  if (depth >= MAX_JSON_DEPTH) {
    sink.problem(
      'json-too-deep',
      `Value at "${path}" is nested deeper than ${MAX_JSON_DEPTH} levels: scanned as one text fragment`,
      path,
    );
    sink.fragment(stringifyLossless(value), path, false);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walkJson(value[i], `${path}[${i}]`, sink, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    const child = memberPath(path, key);
    if (isDataKey(key)) sink.fragment(key, child, false);
    walkJson((value as Record<string, unknown>)[key], child, sink, depth + 1);
  }
}

/** `JSON.stringify` that writes bigints as strings of their digits (for text fragments, not for requests). */
export function stringifyLossless(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)) ?? '';
}

/**
 * Parse JSON like `JSON.parse`, except that integers beyond ±2^53 come back as `bigint` (digits intact). Object
 * keys `__proto__` become own properties (no prototype pollution), as with `JSON.parse`.
 *
 * @throws {SyntaxError} on invalid JSON or nesting deeper than 512 levels.
 * @example
 * parseJsonLossless('{"card":6222021234567890123}') // { card: 6222021234567890123n }
 */
export function parseJsonLossless(text: string): unknown {
  const p = new LosslessParser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('unexpected text after the value');
  return v;
}

const MAX_PARSE_DEPTH = 512;

class LosslessParser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new SyntaxError(`Invalid JSON at offset ${this.i}: ${what}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): unknown {
    if (depth > MAX_PARSE_DEPTH) this.fail('nesting too deep');
    const c = this.s.charCodeAt(this.i);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.s.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (this.s.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (this.s.startsWith('null', this.i)) {
      this.i += 4;
      return null;
    }
    return this.fail('expected a value');
  }

  object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail('expected a key');
      const k = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail('expected ":"');
      this.i++;
      this.ws();
      const v = this.value(depth + 1);
      // defineProperty: a `__proto__` key becomes data, not the prototype (JSON.parse semantics).
      if (k === '__proto__')
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k] = v;
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x2c) {
        this.ws();
        continue;
      }
      if (c === 0x7d) return out;
      this.i--;
      this.fail('expected "," or "}"');
    }
  }

  array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x2c) {
        this.ws();
        continue;
      }
      if (c === 0x5d) return out;
      this.i--;
      this.fail('expected "," or "]"');
    }
  }

  number(): number | bigint {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    if (s.charCodeAt(i) === 0x30) i++;
    else {
      if (!(s.charCodeAt(i) >= 0x31 && s.charCodeAt(i) <= 0x39)) {
        this.i = i;
        this.fail('expected a digit');
      }
      while (s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    }
    const intDigits = i - intStart;
    let integer = true;
    if (s.charCodeAt(i) === 0x2e) {
      integer = false;
      i++;
      if (!(s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39)) {
        this.i = i;
        this.fail('expected a digit after "."');
      }
      while (s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      integer = false;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!(s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39)) {
        this.i = i;
        this.fail('expected a digit in the exponent');
      }
      while (s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    }
    this.i = i;
    const lexeme = s.slice(start, i);
    if (integer && intDigits >= 16) {
      const n = Number(lexeme);
      return Number.isSafeInteger(n) ? n : BigInt(lexeme);
    }
    return Number(lexeme);
  }

  string(): string {
    const s = this.s;
    let i = this.i + 1;
    let out = '';
    let from = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(from, i);
        this.i = i + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(from, i);
        const esc = s.charCodeAt(i + 1);
        switch (esc) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const hex = s.slice(i + 2, i + 6);
            // Four hex digits of a \u escape (RFC 8259 §7). Example: `00e9`. Does not match `00g9` or fewer digits.
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
              this.i = i;
              this.fail('bad \\u escape');
            }
            out += String.fromCharCode(Number.parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.i = i;
            this.fail('bad escape');
        }
        i += 2;
        from = i;
        continue;
      }
      if (Number.isNaN(c)) {
        this.i = i;
        this.fail('unterminated string');
      }
      if (c < 0x20) {
        this.i = i;
        this.fail('control character in string');
      }
      i++;
    }
  }
}

/** A fragment at `field` of row `row`, keyed `key`. */
export function makeFragment(
  text: string,
  row: number,
  field: string,
  key: string | undefined,
  structured: boolean,
): Fragment {
  const loc: FragmentLocation = key === undefined ? { row, field } : { row, field, key };
  return structured ? { text, loc, structured: true } : { text, loc };
}

/** A problem at `field` of row `row`. */
export function makeProblem(problem: string, message: string, loc: FragmentLocation): Problem {
  return { problem, message, loc };
}
