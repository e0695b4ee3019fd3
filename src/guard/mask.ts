/**
 * Dynamic masking of responses as they stream. JSON is rewritten leaf by leaf (`JsonStream`, over decoded text) with
 * the role's protect policy through the protect module's `ValueTransformer` — column rules by field name,
 * detection inside every string value with the field name as context — so memory is bounded by nesting depth
 * and the longest string, never by the response size. Field rules (allow/deny) apply to document sources: a
 * denied field's value is written as `null`. Non-JSON responses are masked line by line. The masker also
 * counts records, collects the types seen, reads scroll and point-in-time ids, and offers every clear string
 * to a canary matcher.
 *
 * Malformed JSON stops the masker at the first error: nothing after it is written (the proxy then fails the
 * response), so a broken document can never carry clear values past the guard.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Analyzer } from '../detect/analyzer.js';
import { type ColumnRef, columnRef, ValueTransformer } from '../protect/files/values.js';
import type { CompiledPolicy } from '../protect/policy.js';
import type { RecordCount } from './authorize.js';
import type { FieldMatcher } from './glob.js';
import { detach, JsonStream, type LeafKind } from './json-stream.js';

/**
 * A canary matcher (provided by the leak-detection module): labels of the canary records found in a text.
 * Called with clear values before masking.
 */
export interface CanaryMatcher {
  match(text: string): { label: string }[];
  /** Picks up plants made since it was loaded (called on reload and with the key refresh); true when changed. */
  refresh?(): Promise<boolean>;
}

/** Options of {@link ResponseMasker}. */
export interface MaskerOptions {
  readonly policy: CompiledPolicy;
  readonly analyzer: Analyzer;
  readonly json: boolean;
  readonly records: RecordCount;
  readonly sourceRoot: boolean;
  readonly allowFields?: FieldMatcher | undefined;
  readonly denyFields?: FieldMatcher | undefined;
  /** Where field rules apply (default `source`; see `RequestPlan.fieldScope`). */
  readonly fieldScope?: 'source' | 'body' | undefined;
  readonly canary?: CanaryMatcher | undefined;
  /** `scroll`: capture `$._scroll_id`; `pit`: capture `$.id` and `$.pit_id`. */
  readonly capture?: 'scroll' | 'pit' | undefined;
  readonly maxStringChars: number;
  /** Longest text line held (non-JSON); a longer one is masked in pieces of this size. */
  readonly maxLineChars?: number;
  /**
   * Clean values of this policy, shared across responses (default: one for this response). Must belong to the
   * same policy and analyzer.
   */
  readonly cache?: CleanCache | undefined;
  /** Now, for the cache's expiry. */
  readonly now?: number | undefined;
}

/** Values up to this length are cached when they hold nothing to mask (index names, cities, enum values). */
const CACHE_MAX_CHARS = 64;
/** The field name clean object keys are cached under (no JSON key can be this: a lone NUL). */
const KEYS_FIELD = '\u0000';

/** Options of {@link CleanCache}. */
export interface CleanCacheOptions {
  /** Values remembered per field. Default 4096. */
  readonly maxPerField?: number;
  /** Fields remembered. Default 2048. */
  readonly maxFields?: number;
  /** Values remembered in all fields together. Default 100,000 (≈ 15 MB at the longest values). */
  readonly maxValues?: number;
  /**
   * A field stops taking new values after this many insertions when fewer than one lookup in four hit (ids,
   * timestamps, free text: values that never repeat). Default 512.
   */
  readonly probation?: number;
  /** Everything is dropped after this long: validators depend on today's date (a birth date not in the future). */
  readonly ttlMs?: number;
}

/**
 * The clean values of one field (see {@link CleanCache.field}).
 *
 * @example
 * const f = cache.field('city');
 * if (!f?.has(value)) f?.add(value);
 */
export class CleanField {
  readonly values = new Set<string>();
  inserted = 0;
  hits = 0;
  closed = false;

  constructor(readonly owner: CleanCache) {}

  /** Whether `value` is known clean. */
  has(value: string): boolean {
    if (!this.values.has(value)) return false;
    this.hits++;
    return true;
  }

  /** Remembers `value` as clean (when there is room and this field's values repeat). */
  add(value: string): void {
    if (this.closed || !this.owner.reserve(this)) return;
    const before = this.values.size;
    this.values.add(detach(value));
    this.owner.added(this.values.size - before);
    this.inserted++;
    if (this.inserted >= this.owner.probation && this.hits * 4 < this.inserted) {
      // Values that do not repeat (ids, timestamps, free text): stop looking them up at all.
      this.closed = true;
      this.owner.added(-this.values.size);
      this.values.clear();
    }
  }
}

/**
 * Values known to hold nothing to mask, per field, for one policy: detection is skipped for them. A value is
 * clean when masking returned it unchanged and counted no type, so serving it from the cache gives exactly the
 * slow path's output and counts. Share one per policy across responses (the guard keeps one per role); the
 * field is the last key, or the exact JSON path when the policy has path rules (a path decides the rule).
 * Holds only values detection found nothing in, of up to 64 characters, at most `maxValues` of them. A field
 * whose values do not repeat is closed after `probation` values: its values are no longer even looked up
 * (hashing a value costs about as much as a cheap detection).
 *
 * @example
 * const cache = new CleanCache();
 * new ResponseMasker({ ...options, cache });
 */
export class CleanCache {
  readonly #fields = new Map<string, CleanField>();
  readonly #maxPerField: number;
  readonly #maxFields: number;
  readonly #maxValues: number;
  readonly probation: number;
  readonly #ttlMs: number;
  #values = 0;
  #since = 0;

  constructor(options: CleanCacheOptions = {}) {
    this.#maxPerField = options.maxPerField ?? 4096;
    this.#maxFields = options.maxFields ?? 2048;
    this.#maxValues = options.maxValues ?? 100_000;
    this.probation = options.probation ?? 512;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
  }

  /** Drops everything when older than `ttlMs` (called once per response). */
  refresh(now: number): void {
    if (now - this.#since < this.#ttlMs && now >= this.#since) return;
    this.#fields.clear();
    this.#values = 0;
    this.#since = now;
  }

  /** Values remembered in all fields. */
  get size(): number {
    return this.#values;
  }

  /** The cache of field `name` (created when there is room), or undefined when the field is not cached. */
  field(name: string): CleanField | undefined {
    let f = this.#fields.get(name);
    if (f === undefined) {
      if (this.#fields.size >= this.#maxFields) return undefined;
      f = new CleanField(this);
      this.#fields.set(detach(name), f);
    }
    return f.closed ? undefined : f;
  }

  /** Whether `value` of `field` is known clean. */
  has(field: string, value: string): boolean {
    return this.field(field)?.has(value) ?? false;
  }

  /** Remembers `value` of `field` as clean (when there is room and the field's values repeat). */
  add(field: string, value: string): void {
    this.field(field)?.add(value);
  }

  /** @internal Whether `f` may take one more value. */
  reserve(f: CleanField): boolean {
    return f.values.size < this.#maxPerField && this.#values < this.#maxValues;
  }

  /** @internal Counts values added (or removed, negative). */
  added(n: number): void {
    this.#values += n;
  }
}

/** Streams one response through masking. Not reusable. */
export class ResponseMasker {
  readonly #o: MaskerOptions;
  readonly #values: ValueTransformer;
  readonly #json: JsonStream | undefined;
  readonly #decoder = new StringDecoder('utf8');
  readonly #refs = new Map<string, ColumnRef>();
  readonly #clean: CleanCache;
  /** Field rule decisions (true: removed) by dotted source path. */
  readonly #fieldOut = new Map<string, boolean>();
  readonly #pathRules: boolean;
  /**
   * How masked types are counted: `all` — every detected span is changed (no rule keeps one), so they are the
   * types seen; `none` — every rule keeps (clear values with a purpose); `track` — per value, by comparing the
   * type counts and changed values before and after it.
   */
  readonly #maskedMode: 'all' | 'none' | 'track';
  readonly #masked: Record<string, number> = {};
  readonly #seen: Record<string, number> = {};
  readonly #prefixSegs: string[] = [];
  #lastRecordKey = '';
  #line = '';
  /** Records returned (documents). */
  records = 0;
  /** Field values removed by field rules. */
  removed = 0;
  /** Canary labels seen. */
  readonly canaries = new Set<string>();
  /** A captured scroll / PIT id. */
  captured: string | undefined;
  /** Why the JSON could not be processed. */
  error: string | undefined;

  constructor(options: MaskerOptions) {
    this.#o = options;
    this.#values = new ValueTransformer(options.policy, options.analyzer, 'protect', { rememberValues: false });
    this.#pathRules = options.policy.rules.some((r) => r.columns?.some((c) => c.startsWith('$')) ?? false);
    const rules = [...options.policy.rules, options.policy.defaultRule];
    const keeps = rules.filter((r) => r.action === 'keep').length;
    this.#maskedMode = keeps === 0 ? 'all' : keeps === rules.length ? 'none' : 'track';
    this.#clean = options.cache ?? new CleanCache();
    this.#clean.refresh(options.now ?? Date.now());
    if (options.json)
      this.#json = new JsonStream((kind, value, s) => this.#leaf(kind, value, s), options.maxStringChars);
    if (options.records.kind === 'path') {
      const m = options.records.prefix.slice(1).match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
      this.#prefixSegs.push(...m);
    }
    if (options.records.kind === 'root') this.records = 1;
  }

  /** Detected types (with counts) in what went through. */
  get types(): Record<string, number> {
    return this.#values.stats.byType;
  }

  /**
   * Detected values that were masked (changed), by type: what the audit log records as "which were masked".
   * Whole values changed by a column rule without a detected type, and field values removed by field rules,
   * count in {@link masked} only.
   */
  get maskedTypes(): Record<string, number> {
    if (this.#maskedMode === 'none') return {};
    if (this.#maskedMode === 'all') return { ...this.#values.stats.byType };
    return { ...this.#masked };
  }

  /** Values changed by masking, plus field values removed. */
  get masked(): number {
    return this.#values.stats.values + this.removed;
  }

  #typesTotal(): number {
    let n = 0;
    const t = this.#values.stats.byType;
    for (const k in t) n += t[k] as number;
    return n;
  }

  /** The dotted field path inside the document source, or undefined outside sources. */
  #sourcePath(s: JsonStream): string | undefined {
    const st = s.stack;
    let start = -1;
    if (this.#o.sourceRoot) start = 0;
    else {
      for (let i = 0; i < st.length - 1; i++) {
        const f = st[i] as { obj: boolean; key: string | undefined };
        if (f.obj && f.key === '_source') {
          start = i + 1;
          break;
        }
      }
      if (start < 0) return undefined;
    }
    let p = '';
    for (let i = start; i < st.length; i++) {
      const f = st[i] as { obj: boolean; key: string | undefined };
      if (!f.obj || f.key === undefined) continue;
      p = p ? `${p}.${f.key}` : f.key;
    }
    return p;
  }

  #lastKey(s: JsonStream): string | undefined {
    const st = s.stack;
    for (let i = st.length - 1; i >= 0; i--) {
      const f = st[i] as { obj: boolean; key: string | undefined };
      if (f.obj) return f.key;
    }
    return undefined;
  }

  #path(s: JsonStream, exact: boolean): string {
    let p = '$';
    for (const f of s.stack) p += f.obj ? `.${f.key}` : exact ? `[${f.index}]` : '[*]';
    return p;
  }

  #leaf(kind: LeafKind, value: string, s: JsonStream): string | undefined {
    const o = this.#o;
    if (kind === 'key') {
      if (value === '_source' && o.records.kind === 'source' && this.#sourcePath(s) === undefined) this.records++;
      if (value.length < 6) return undefined;
      if (o.canary) this.#canary(value);
      const cf = value.length <= CACHE_MAX_CHARS ? this.#clean.field(KEYS_FIELD) : undefined;
      if (cf?.has(value)) return undefined;
      const before = cf ? this.#typesTotal() : 0;
      const r = this.#apply(value, undefined, 'key', false);
      if (r === value) {
        if (cf && this.#typesTotal() === before) cf.add(value);
        return undefined;
      }
      return JSON.stringify(r);
    }
    if (o.records.kind === 'path') this.#countPath(s);
    if (o.capture && kind === 'string' && s.depth === 1) {
      const k = (s.stack[0] as { key: string | undefined }).key;
      if ((o.capture === 'scroll' && k === '_scroll_id') || (o.capture === 'pit' && (k === 'id' || k === 'pit_id'))) {
        this.captured = detach(value);
        return undefined;
      }
    }
    if ((o.allowFields || o.denyFields) && this.#removed(s)) {
      this.removed++;
      return 'null';
    }
    if (kind === 'number' && value.length < 6) return undefined;
    // Numbers too: a phone or card stored in a BIGINT column comes back as a JSON number.
    if (o.canary) this.#canary(value);
    const last = this.#lastKey(s);
    // The field a clean value is remembered under: what decides its rule and its detection label. Without path
    // rules that is the last key; with them the exact path (`$.a.phone` may keep what `$.b.phone` masks).
    let cf: CleanField | undefined;
    let exact: string | undefined;
    if (value.length <= CACHE_MAX_CHARS) {
      let field: string;
      if (this.#pathRules) field = exact = this.#path(s, true);
      else field = last ?? '';
      if (kind === 'number') field = `${field}\u0000#`;
      cf = this.#clean.field(field);
      if (cf?.has(value)) return undefined;
    }
    let ref: ColumnRef | undefined;
    if (this.#pathRules) {
      const wild = this.#path(s, false);
      ref = columnRef(exact ?? this.#path(s, true), last !== undefined ? [wild, last] : [wild], last);
    } else {
      const k = last ?? '';
      ref = this.#refs.get(k);
      if (!ref) {
        ref = columnRef(k || '$', [], last);
        if (this.#refs.size < 10_000) this.#refs.set(k, ref);
      }
    }
    // Counting types walks the stats: only for values that can be cached.
    const before = cf ? this.#typesTotal() : 0;
    const r = this.#apply(value, ref, last ?? '$', kind === 'number');
    if (r === value) {
      if (cf && this.#typesTotal() === before) cf.add(value);
      return undefined;
    }
    if (kind === 'number' && /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(r)) return r;
    return JSON.stringify(r);
  }

  /** Masks one value through the policy; in `track` mode also counts which types it masked. */
  #apply(value: string, ref: ColumnRef | undefined, label: string, numeric: boolean): string {
    if (this.#maskedMode !== 'track')
      return this.#values.value(value, ref, undefined, () => ({ field: label }), numeric) as string;
    const stats = this.#values.stats;
    const v0 = stats.values;
    const t0 = this.#typesTotal();
    const r = this.#values.value(value, ref, undefined, () => ({ field: label }), numeric) as string;
    const dt = this.#typesTotal() - t0;
    if (dt > 0) {
      const dv = stats.values - v0;
      for (const k in stats.byType) {
        const now = stats.byType[k] as number;
        const delta = now - (this.#seen[k] ?? 0);
        if (delta <= 0) continue;
        this.#seen[k] = now;
        if (dv === 0) continue;
        // Every span of this value changed, or (some kept) the type's rule for this field does not keep.
        if (dv >= dt || this.#o.policy.ruleFor(k, ref?.name ?? label)?.action !== 'keep')
          this.#masked[k] = (this.#masked[k] ?? 0) + delta;
      }
    }
    return r;
  }

  /** Dotted keys from the body's root, array steps skipped (generic-mode field rules). */
  #bodyPath(s: JsonStream): string {
    let p = '';
    for (const f of s.stack) {
      if (!f.obj || f.key === undefined) continue;
      p = p ? `${p}.${f.key}` : f.key;
    }
    return p;
  }

  /** Whether the field rules (allow/deny lists) remove the value at the current position. */
  #removed(s: JsonStream): boolean {
    const o = this.#o;
    const body = o.fieldScope === 'body';
    const field = body ? this.#bodyPath(s) : this.#sourcePath(s);
    if (field === undefined || field === '') return false;
    let out = this.#fieldOut.get(field);
    if (out === undefined) {
      const allow = o.allowFields as FieldMatcher;
      out = o.denyFields
        ? body
          ? o.denyFields.matchesAnywhere(field)
          : o.denyFields.matches(field)
        : !(body ? allow.matchesAnywhere(field) : allow.matches(field)) && !allow.isAncestor(field);
      if (this.#fieldOut.size < 10_000) this.#fieldOut.set(detach(field), out);
    }
    return out;
  }

  #countPath(s: JsonStream): void {
    const n = this.#prefixSegs.length;
    const st = s.stack;
    if (st.length < n) return;
    let key = '';
    for (let i = 0; i < n; i++) {
      const want = this.#prefixSegs[i] as string;
      const f = st[i] as { obj: boolean; key: string | undefined; index: number };
      if (want === '[*]') {
        if (f.obj) return;
        key += `[${f.index}]`;
      } else if (want.startsWith('[')) {
        if (f.obj || want !== `[${f.index}]`) return;
        key += want;
      } else {
        if (!f.obj || `.${f.key}` !== want) return;
        key += want;
      }
    }
    if (key !== this.#lastRecordKey) {
      this.#lastRecordKey = key;
      this.records++;
    }
  }

  #canary(text: string): void {
    const hits = (this.#o.canary as CanaryMatcher).match(text);
    for (const h of hits) if (this.canaries.size < 100) this.canaries.add(h.label);
  }

  /** Masks a chunk; returns what can be sent now (maybe empty). Check `error` after each call. */
  write(chunk: Buffer): Buffer {
    if (this.error) return EMPTY;
    if (this.#json) {
      const parts = this.#json.write(chunk);
      if (this.#json.error) {
        this.error = this.#json.error;
        return EMPTY;
      }
      return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    }
    return Buffer.from(this.#text(this.#decoder.write(chunk), false), 'utf8');
  }

  /** End of input: the rest. Sets `error` when the JSON is incomplete. */
  end(): Buffer {
    if (this.error) return EMPTY;
    if (this.#json) {
      const parts = this.#json.end();
      if (this.#json.error) {
        this.error = this.#json.error;
        return EMPTY;
      }
      return Buffer.concat(parts);
    }
    return Buffer.from(this.#text(this.#decoder.end(), true), 'utf8');
  }

  #text(s: string, last: boolean): string {
    const max = this.#o.maxLineChars ?? 1024 * 1024;
    let buf = this.#line + s;
    let out = '';
    for (;;) {
      const nl = buf.indexOf('\n');
      if (nl < 0) break;
      out += `${this.#maskLine(buf.slice(0, nl))}\n`;
      buf = buf.slice(nl + 1);
    }
    while (buf.length > max) {
      out += this.#maskLine(buf.slice(0, max));
      buf = buf.slice(max);
    }
    if (last) {
      if (buf) out += this.#maskLine(buf);
      buf = '';
    }
    this.#line = buf;
    return out;
  }

  #maskLine(line: string): string {
    if (!line) return line;
    if (this.#o.canary) this.#canary(line);
    return this.#apply(line, undefined, 'line', false);
  }
}

const EMPTY = Buffer.alloc(0);
