/**
 * The value layer every file format shares: one structured value (a CSV cell, a JSON leaf, a Parquet or XLSX
 * cell) or one window of free text in, its protected (or revealed) form out.
 *
 * Which rule a structured value gets (the policy's precedence, applied to a whole value):
 * 1. Its column has a rule with `column:` and no `type:` → that rule on the WHOLE value, whatever detection says
 *    (`keep` leaves it untouched and skips detection).
 * 2. Its column has rules with both `type:` and `column:` → the value is detected; a finding of one of those
 *    types selects its rule, applied to the whole value; otherwise rule 1 applies if the column has one, else
 *    the first such rule (the column is declared to hold that type).
 * 3. No column rule → detection over the value, the detected spans get their type's rule (`type:` rules and
 *    `default`), the text around them is kept.
 *
 * Detection of a structured value runs over `"<column label>: <value>"` so a header such as `姓名` or `name` is
 * context for the recognizers (a bare `张伟` is not a name to them, `姓名: 张伟` is), then offsets are mapped
 * back into the value.
 *
 * The type given to an operator on a whole value: for irreversible operators, the detected type when one
 * finding covers the whole value (so `pseudonym`/`mask` produce the right shape); for reversible ones
 * (`fpe`, `encrypt`, `tokenize`, `dateshift`), only the type the rule itself declares, so `reveal` can
 * reproduce it without depending on detection of the protected value.
 */
import { ConfigError, type ErrorLocation, isLeakguardError, PolicyError } from '../../core/errors.js';
import type { EntityName, Finding } from '../../core/finding.js';
import type { Analyzer } from '../../detect/analyzer.js';
import {
  type AnonymizeResult,
  anonymizeText,
  anonymizeTextAsync,
  type RevealResult,
  revealText,
  revealTextAsync,
} from '../anonymizer.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import type { CompiledPolicy, CompiledRule } from '../policy.js';

/** Operators whose output a `reveal` can turn back into the original. */
export const REVERSIBLE_ACTIONS: ReadonlySet<string> = new Set(['fpe', 'encrypt', 'tokenize', 'dateshift']);

/**
 * Whether `policy` has at least one rule `reveal` can reverse.
 *
 * @example
 * hasReversibleRule(parsePolicy('rules:\n  - { type: CN_MOBILE, action: mask }\n', 'p.yaml')); // false
 */
export function hasReversibleRule(policy: CompiledPolicy): boolean {
  for (const r of policy.rules) if (REVERSIBLE_ACTIONS.has(r.action)) return true;
  return REVERSIBLE_ACTIONS.has(policy.defaultRule.action);
}

/**
 * Whether applying `policy` may answer asynchronously (a `tokenize` rule: its vault may be remote).
 *
 * @example
 * if (policyMayBeAsync(policy)) await result;
 */
export function policyMayBeAsync(policy: CompiledPolicy): boolean {
  for (const r of policy.rules) if (r.operator.mayBeAsync) return true;
  return policy.defaultRule.operator.mayBeAsync;
}

/**
 * Whether the policy's token vault answers with promises (a network vault). The built-in memory and SQLite
 * vaults answer synchronously, which keeps `tokenize` on the synchronous fast path; a lookup of an index that
 * cannot exist tells them apart without side effects.
 */
function vaultIsAsync(policy: CompiledPolicy): boolean {
  const vault = policy.vault;
  if (!vault) return false;
  try {
    const r = vault.lookup('leakguard-probe');
    if (isPromiseLike(r)) {
      r.catch(() => undefined);
      return true;
    }
    return false;
  } catch {
    return true;
  }
}

/**
 * Column names match case-insensitively; JSON paths (`$.a.b`) exactly (as the policy loader does).
 *
 * @example
 * columnKey('Phone'); // 'phone'
 */
export function columnKey(column: string): string {
  return column.startsWith('$') ? column : column.toLowerCase();
}

/** Longest column label used as detection context; longer headers are not labels. */
const MAX_LABEL = 64;

/**
 * Where a structured value comes from: the names rules are looked up under (most specific first: a JSON leaf
 * tries its exact path, then the path with `[*]`, then its last key), and the label used as detection context.
 */
export interface ColumnRef {
  /** Shown in messages and reports (a header, a JSON path with `[*]`, a Parquet field). */
  readonly name: string;
  /** Lookup keys, already normalised with {@link columnKey}, in precedence order. */
  readonly keys: readonly string[];
  /** Context prefix for detection (`姓名`), or undefined. */
  readonly label: string | undefined;
}

/**
 * A {@link ColumnRef} for `name`, with extra lookup names and an optional detection label (default: `name`
 * itself when it is a short label).
 *
 * @example
 * columnRef('$.user.phone', ['phone'], 'phone')
 */
export function columnRef(name: string, extra: readonly string[] = [], label?: string): ColumnRef {
  const keys = [columnKey(name)];
  for (const e of extra) {
    const k = columnKey(e);
    if (!keys.includes(k)) keys.push(k);
  }
  const l = label ?? name;
  const usable = l.length > 0 && l.length <= MAX_LABEL && !l.startsWith('$') && !/^column [0-9A-Z]+$/.test(l);
  return { name, keys, label: usable ? l : undefined };
}

/** How rules apply to one column, computed once per column. */
interface ColumnPlan {
  /** The column-only rule (whole value, regardless of detection). */
  readonly column: CompiledRule | undefined;
  /** Type+column rules by type (whole value when detection finds that type). */
  readonly typed: ReadonlyMap<EntityName, CompiledRule>;
  /** The first type+column rule (used when detection finds none of its types and there is no column rule). */
  readonly firstTyped: CompiledRule | undefined;
}

const NO_PLAN: ColumnPlan = { column: undefined, typed: new Map(), firstTyped: undefined };

/** Counters of one run. Values are never kept, only counts. */
export interface TransformStats {
  /** Values changed: detected spans and whole column values protected, or values revealed. */
  values: number;
  /** Detected spans handled, by entity type. */
  byType: Record<string, number>;
  /** Values changed, by operator. */
  byAction: Record<string, number>;
  /** Whole values changed by a column rule, by column. */
  byColumn: Record<string, number>;
  /** Values an operator failed on and the policy's `onError: redact` removed (protect), or that did not open (reveal). */
  failed: number;
}

/**
 * A fresh {@link TransformStats}.
 *
 * @example
 * const stats = emptyStats(); // { values: 0, byType: {}, byAction: {}, byColumn: {}, failed: 0 }
 */
export function emptyStats(): TransformStats {
  return { values: 0, byType: {}, byAction: {}, byColumn: {}, failed: 0 };
}

function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/** Options of {@link ValueTransformer}. */
export interface ValueTransformerOptions {
  /** Who is asking (recorded by token reverts in the vault's audit log). */
  readonly actor?: string | undefined;
  /**
   * Remember every clear value protected so far (up to 200,000 of up to 256 characters) and protect a later
   * value that is exactly one of them even where detection alone finds nothing: a name protected in the `姓名`
   * column is then protected in a `备注` cell too. Default true; the text path turns it off (its windows see
   * context anyway).
   */
  readonly rememberValues?: boolean;
}

/** Values remembered by a transformer at most. */
const MAX_KNOWN = 200_000;

/** Direction of a run. */
export type TransformMode = 'protect' | 'reveal';

/**
 * Applies a policy to values in one direction. Build one per file; it caches each column's rule plan.
 *
 * Every method returns a string synchronously unless the policy holds an operator that may be asynchronous
 * (`tokenize` with a network vault), in which case it may return a promise; callers test with `isPromiseLike`.
 *
 * @example
 * const values = new ValueTransformer(policy, createAnalyzer(), 'protect');
 * values.value('13812345678', columnRef('手机'), undefined, () => ({ file: 'a.csv', row: 1 })); // '138****5678'
 */
export class ValueTransformer {
  readonly stats: TransformStats = emptyStats();
  readonly async: boolean;
  readonly #plans = new Map<string, ColumnPlan>();
  readonly #columnOnly = new Map<string, CompiledRule>();
  readonly #typed = new Map<string, Map<EntityName, CompiledRule>>();
  readonly #firstTyped = new Map<string, CompiledRule>();
  readonly #hasColumnRules: boolean;
  /** Clear values protected so far with their type (structured files only; see {@link ValueTransformerOptions}). */
  readonly #known = new Map<string, EntityName>();
  readonly #structured: boolean;
  readonly #used = new Set<string>();
  /** Values protected in free text by a rule `reveal` cannot find there again, by rule index. */
  readonly #unfindable = new Map<number, number>();
  #freeText = false;

  constructor(
    readonly policy: CompiledPolicy,
    readonly analyzer: Analyzer,
    readonly mode: TransformMode,
    readonly options: ValueTransformerOptions = {},
  ) {
    this.async = policyMayBeAsync(policy) && vaultIsAsync(policy);
    this.#structured = options.rememberValues ?? true;
    for (const r of policy.rules) {
      if (!r.columns) continue;
      for (const c of r.columns) {
        const k = columnKey(c);
        if (!r.types) {
          if (!this.#columnOnly.has(k)) this.#columnOnly.set(k, r);
          continue;
        }
        let m = this.#typed.get(k);
        if (!m) this.#typed.set(k, (m = new Map()));
        for (const t of r.types) if (!m.has(t)) m.set(t, r);
        if (!this.#firstTyped.has(k)) this.#firstTyped.set(k, r);
      }
    }
    this.#hasColumnRules = this.#columnOnly.size > 0 || this.#typed.size > 0;
  }

  #shadow: ValueTransformer | undefined;

  /**
   * What {@link value} would write for `value` from `col`, without counting it or remembering it: formats that
   * need a record's subject before its cells (JSON) compute the subject leaf's protected form with it, and the
   * leaf itself is counted when it is written.
   */
  peek(value: string, col: ColumnRef | undefined, where: () => ValueLocation): MaybePromise<string> {
    this.#shadow ??= new ValueTransformer(this.policy, this.analyzer, this.mode, {
      ...this.options,
      rememberValues: false,
    });
    return this.#shadow.value(value, col, undefined, where);
  }

  /** Whether any rule names a column (callers skip building column names when none does). */
  get hasColumnRules(): boolean {
    return this.#hasColumnRules;
  }

  /** Column names of the policy's column rules that no value has matched so far (typos, other files' columns). */
  unusedColumnRules(): string[] {
    const out: string[] = [];
    for (const r of this.policy.rules) {
      for (const c of r.columns ?? []) if (!this.#used.has(columnKey(c)) && !out.includes(c)) out.push(c);
    }
    return out;
  }

  /**
   * Warnings about reversible values `reveal` cannot find in free text (see `CompiledRule.unfindableInText`):
   * in protect mode, how many such values this run wrote; in reveal mode, which such rules could have left
   * values protected in the free text this run read. Empty when none applies.
   */
  unfindableWarnings(file: string): string[] {
    const out: string[] = [];
    const describe = (r: CompiledRule): string =>
      `rules[${r.index}] (${r.action} of ${(r.types ?? []).join(', ')}, line ${r.location.line ?? '?'})`;
    if (this.mode === 'protect') {
      for (const [index, n] of this.#unfindable) {
        const r = this.policy.rules.find((x) => x.index === index);
        if (!r) continue;
        out.push(
          `${n} value(s) in "${file}" were protected by ${describe(r)} in free text, where reveal cannot find them again: they can only be restored by detokenizing or decrypting them one by one, or by protecting them under a column rule or JSON path`,
        );
      }
    } else if (this.#freeText) {
      const rules = this.policy.rules.filter((r) => r.unfindableInText);
      if (rules.length > 0) {
        out.push(
          `Values protected in free text by ${rules.map(describe).join(', ')} cannot be found by reveal and stay protected in "${file}" (column rules and JSON paths are restored)`,
        );
      }
    }
    return out;
  }

  /** Whether `name` (already a lookup key) is named by a column rule. */
  isRuled(key: string): boolean {
    return this.#columnOnly.has(key) || this.#typed.has(key);
  }

  #plan(col: ColumnRef): ColumnPlan {
    if (!this.#hasColumnRules) return NO_PLAN;
    const id = col.keys.join('\u0000');
    let plan = this.#plans.get(id);
    if (plan) return plan;
    let column: CompiledRule | undefined;
    let typed: Map<EntityName, CompiledRule> | undefined;
    let firstTyped: CompiledRule | undefined;
    // The most specific key that names any rule decides (an exact JSON path wins over `[*]` and the last key).
    for (const k of col.keys) {
      const c = this.#columnOnly.get(k);
      const t = this.#typed.get(k);
      if (!c && !t) continue;
      this.#used.add(k);
      column = c;
      typed = t;
      firstTyped = this.#firstTyped.get(k);
      break;
    }
    plan = column || typed ? { column, typed: typed ?? new Map(), firstTyped } : NO_PLAN;
    if (this.#plans.size < 100_000) this.#plans.set(id, plan);
    return plan;
  }

  /**
   * Findings in `value`, detected with the column label as context. Offsets are into `value`.
   */
  detect(value: string, label: string | undefined): Finding[] {
    if (label === undefined) return this.analyzer.detect(value);
    const prefix = label.length + 2;
    const found = this.analyzer.detect(`${label}: ${value}`);
    const out: Finding[] = [];
    for (const f of found) {
      if (f.end <= prefix) continue;
      f.start = f.start < prefix ? 0 : f.start - prefix;
      f.end -= prefix;
      out.push(f);
    }
    return out;
  }

  /**
   * Transforms one structured value from `col` (undefined for values without a column, such as XLSX comments).
   * `subject` is the data subject for `dateshift`.
   *
   * @throws PolicyError `LG_OPERATOR_FAILED` (with `where()` as its location) when an operator fails and the
   *   policy says `onError: fail`
   */
  value(
    value: string,
    col: ColumnRef | undefined,
    subject: string | undefined,
    where: () => ValueLocation,
    numeric = false,
  ): MaybePromise<string> {
    if (value.length === 0) return value;
    const plan = col ? this.#plan(col) : NO_PLAN;
    if (plan.column?.action === 'keep' && plan.typed.size === 0) return value;
    if (plan === NO_PLAN) return this.#spans(value, col, subject, where);
    let rule: CompiledRule | undefined;
    let type: EntityName | undefined;
    let findings: Finding[] | undefined;
    if (plan.typed.size > 0) {
      findings = this.detect(value, col?.label);
      for (const f of findings) {
        const r = plan.typed.get(f.type);
        if (r) {
          rule = r;
          type = f.type;
          break;
        }
      }
    }
    if (!rule) {
      rule = plan.column ?? plan.firstTyped;
      if (rule && rule === plan.firstTyped) type = rule.types?.[0];
    }
    if (!rule) return this.#spans(value, col, subject, where);
    if (rule.action === 'keep') return value;
    if (type === undefined && rule.types?.length === 1) type = rule.types[0];
    if (type === undefined && this.mode === 'protect' && !REVERSIBLE_ACTIONS.has(rule.action)) {
      findings ??= rule.action === 'redact' ? [] : this.detect(value, col?.label);
      const only = findings.length === 1 ? findings[0] : undefined;
      if (only && value.slice(0, only.start).trim() === '' && value.slice(only.end).trim() === '') type = only.type;
    }
    if (
      type !== undefined &&
      this.mode === 'protect' &&
      this.#structured &&
      value.length <= 256 &&
      this.#known.size < MAX_KNOWN
    ) {
      this.#known.set(value, type);
    }
    return this.#whole(value, rule, type, col, subject, where, numeric);
  }

  #whole(
    value: string,
    rule: CompiledRule,
    type: EntityName | undefined,
    col: ColumnRef | undefined,
    subject: string | undefined,
    where: () => ValueLocation,
    numeric: boolean,
  ): MaybePromise<string> {
    const opts = { type, column: col?.name, subject, actor: this.options.actor };
    const done = (out: string): string => {
      if (out !== value) {
        this.stats.values++;
        bump(this.stats.byAction, rule.action);
        if (col) bump(this.stats.byColumn, col.name);
      }
      return out;
    };
    const failed = (e: unknown): string => {
      if (this.mode === 'reveal') {
        // Fail closed: a value that does not open (another key, altered, a token this vault lacks) stops the run.
        this.stats.failed++;
        throw revealFailed(where(), 1, e);
      }
      if (this.policy.onError === 'redact' && isLeakguardError(e) && e.code === 'LG_OPERATOR_FAILED') {
        this.stats.failed++;
        return '';
      }
      throw located(e, where());
    };
    let out: MaybePromise<string>;
    try {
      let step: (v: string) => MaybePromise<string>;
      if (this.mode === 'protect') step = (v) => rule.apply(v, opts);
      else {
        const revert = rule.revert;
        if (!revert || !REVERSIBLE_ACTIONS.has(rule.action)) return value;
        step = (v) => revert(v, opts);
      }
      out = numeric && rule.action === 'fpe' && INTEGER.test(value) ? cycleWalk(value, step, rule) : step(value);
    } catch (e) {
      return failed(e);
    }
    return isPromiseLike(out) ? out.then(done, failed) : done(out);
  }

  #spans(
    value: string,
    col: ColumnRef | undefined,
    subject: string | undefined,
    where: () => ValueLocation,
  ): MaybePromise<string> {
    let findings = this.detect(value, col?.label);
    this.#freeText = true;
    if (this.mode === 'protect') {
      if (findings.length === 0) {
        // A whole value already protected elsewhere in this file (a name from the 姓名 column, in a note).
        const type = this.#known.get(value);
        if (type === undefined) return value;
        findings = [{ type, start: 0, end: value.length, score: 1, recognizer: 'leakguard.seen-in-file' }];
      } else this.#remember(value, findings);
      return this.anonymize(value, findings, col?.name, subject, where);
    }
    return this.reveal(value, findings, col?.name, subject, where);
  }

  /** Remembers clear values found in `text`, so the same value alone in another cell is protected too. */
  #remember(text: string, findings: readonly Finding[]): void {
    if (!this.#structured) return;
    for (const f of findings) {
      if (f.masked || f.end - f.start < 2 || f.end - f.start > 256 || this.#known.size >= MAX_KNOWN) continue;
      this.#known.set(text.slice(f.start, f.end), f.type);
    }
  }

  /**
   * Protects `findings` (sorted, non-overlapping, offsets into `text`) with their type rules.
   *
   * @throws PolicyError `LG_OPERATOR_FAILED` located at `where()` when an operator fails under `onError: fail`
   */
  anonymize(
    text: string,
    findings: readonly Finding[],
    column: string | undefined,
    subject: string | undefined,
    where: () => ValueLocation,
  ): MaybePromise<string> {
    const ctx = {
      ...(column !== undefined ? { column } : {}),
      ...(subject !== undefined ? { subject } : {}),
      ...(this.options.actor !== undefined ? { actor: this.options.actor } : {}),
    };
    const done = (r: AnonymizeResult): string => {
      for (const a of r.applied) {
        if (!a.failed) {
          const rule = this.policy.ruleFor(a.type, column);
          if (rule?.unfindableInText) this.#unfindable.set(rule.index, (this.#unfindable.get(rule.index) ?? 0) + 1);
        }
        bump(this.stats.byType, a.type);
        bump(this.stats.byAction, a.action);
        if (a.failed) this.stats.failed++;
        else if (
          a.newEnd - a.newStart !== a.end - a.start ||
          r.text.slice(a.newStart, a.newEnd) !== text.slice(a.start, a.end)
        ) {
          this.stats.values++;
        }
      }
      return r.text;
    };
    try {
      if (!this.async) return done(anonymizeText(text, findings, this.policy, ctx));
      return anonymizeTextAsync(text, findings, this.policy, ctx).then(done, (e) => {
        throw located(e, where());
      });
    } catch (e) {
      throw located(e, where());
    }
  }

  /**
   * Reveals reversible outputs in `text` (tagged ones by pattern, `fpe` ones at `findings`).
   *
   * @throws ConfigError `LG_REVEAL_FAILED` located at `where()` when a protected value does not open (fail closed)
   */
  reveal(
    text: string,
    findings: readonly Finding[],
    column: string | undefined,
    subject: string | undefined,
    where: (offset?: number) => ValueLocation = () => ({}),
  ): MaybePromise<string> {
    this.#freeText = true;
    const spans = [];
    for (const f of findings) if (!f.masked) spans.push({ type: f.type, start: f.start, end: f.end });
    const options = {
      spans,
      ...(column !== undefined ? { column } : {}),
      ...(subject !== undefined ? { subject } : {}),
      ...(this.options.actor !== undefined ? { actor: this.options.actor } : {}),
    };
    const done = (r: RevealResult): string => {
      for (const a of r.revealed) bump(this.stats.byAction, a.action);
      this.stats.values += r.revealed.length;
      this.stats.failed += r.failed;
      if (r.failed > 0) throw revealFailed(where(r.firstFailedAt), r.failed);
      return r.text;
    };
    if (!this.async) return done(revealText(text, this.policy, options));
    return revealTextAsync(text, this.policy, options).then(done);
  }
}

/** An integer as text: `-12`, `13812345678`. Not `1.5` or `1e3`. */
const INTEGER = /^-?[0-9]{1,400}$/;

/** Whether an integer's text has a leading zero (which a numeric column would drop). */
function leadingZero(s: string): boolean {
  const i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  return s.length > i + 1 && s.charCodeAt(i) === 0x30;
}

/**
 * `fpe` over a number stored as a number: the output must not start with 0, or the column would drop the digit
 * and the value could not be reverted. Cycle walking (applying the permutation again until the result is in
 * the domain) keeps it a permutation of the integers of that length; reverting walks back the same way. About
 * one value in ten takes a second step.
 */
function cycleWalk(value: string, step: (v: string) => MaybePromise<string>, rule: CompiledRule): string {
  let x = step(value);
  for (let i = 0; i < 10_000 && typeof x === 'string' && leadingZero(x); i++) x = step(x);
  if (typeof x !== 'string' || leadingZero(x)) {
    throw new PolicyError(
      'LG_OPERATOR_FAILED',
      `Cannot apply operator "${rule.action}" to a number: no result without a leading zero`,
    );
  }
  return x;
}

/**
 * The error of a reveal that meets protected values it cannot open: `reveal` fails closed (the file output is
 * not written; a stream stops), since a half-revealed copy would pass for a revealed one.
 *
 * @example
 * throw revealFailed({ file: 'a.csv', row: 3, field: 'phone' });
 */
export function revealFailed(where: ValueLocation, n = 1, cause?: unknown): ConfigError {
  const at = describeLocation(where);
  const location: ErrorLocation = {
    ...(where.file !== undefined ? { file: where.file } : {}),
    ...(where.line !== undefined ? { line: where.line } : {}),
    ...(where.field !== undefined ? { field: where.field } : {}),
  };
  return new ConfigError(
    'LG_REVEAL_FAILED',
    `Cannot reveal${at ? ` ${at}` : ''}: ${n === 1 ? 'a protected value does' : `${n} protected values do`} not open with the policy's keys and vault (another key, an altered value, or a token this vault does not hold); the reveal stopped`,
    { location, ...(cause === undefined ? {} : { cause }) },
  );
}

/** Where a value sits in a file: the error location plus the record coordinates messages name. */
export interface ValueLocation extends ErrorLocation {
  /** 1-based data row (CSV without its header, Parquet, XLSX row number) or NDJSON line. */
  row?: number;
  /** XLSX sheet name. */
  sheet?: string;
}

/**
 * `e` with a location (file, sheet, row, line, column) added when it is a leakguard error without one.
 *
 * @example
 * throw located(e, { file: 'a.csv', row: 5, line: 6, field: 'phone' });
 */
export function located(e: unknown, where: ValueLocation): unknown {
  if (!isLeakguardError(e) || e.location) return e;
  const at = describeLocation(where);
  const location: ErrorLocation = {
    ...(where.file !== undefined ? { file: where.file } : {}),
    ...(where.line !== undefined ? { line: where.line } : {}),
    ...(where.field !== undefined ? { field: where.field } : {}),
  };
  return new PolicyError(e.code, at ? `${e.message} (at ${at})` : e.message, { cause: e, location });
}

/**
 * `"users.csv" row 5 (line 6), column "phone"` — locations only, never a value.
 *
 * @example
 * describeLocation({ file: 'a.log', line: 9 }); // '"a.log" line 9'
 */
export function describeLocation(where: ValueLocation): string {
  let s = where.file !== undefined ? `"${where.file}"` : '';
  const add = (part: string): void => {
    s += s ? ` ${part}` : part;
  };
  if (where.sheet !== undefined) add(`sheet "${where.sheet}"`);
  if (where.row !== undefined) add(`row ${where.row}`);
  if (where.line !== undefined) add(where.row !== undefined ? `(line ${where.line})` : `line ${where.line}`);
  if (where.field !== undefined) s += `${s ? ', ' : ''}column "${where.field}"`;
  return s;
}
