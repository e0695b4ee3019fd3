/**
 * The recognizer contract.
 *
 * Detection is one pass over the (length-preserving) normalised text. The analyzer's scanner finds cheap
 * *triggers* — the start of a digit run, an alphanumeric word that contains a digit, an `@`, a keyword — and
 * calls only the recognizers that subscribed to that trigger, at that position. A recognizer then decides in
 * O(1) whether the shape can start there, extracts the value (hand-written or with a sticky, linear-time
 * regex anchored at the position), validates it (checksums), scores it with context and emits findings.
 *
 * Rules for recognizers (the registry test enforces the checkable ones):
 * - synchronous and pure; no allocation before the O(1) shape gate says "maybe";
 * - bounded work per trigger (never scan to the end of the text);
 * - offsets into `ctx.text`, which has exactly the original's length;
 * - findings never carry values; at least 3 `examples.match` and 3 `examples.noMatch`.
 */
import type { EntityName, Finding } from '../core/finding.js';
import type { ContextSpec } from './context.js';

/** Trigger bits a recognizer subscribes to. */
export const Trigger = {
  /** An ASCII digit (after folding) whose previous character is not a digit. `ctx.runEnd` = end of the digit run. */
  DIGIT: 1,
  /**
   * The first character of a `[A-Za-z0-9_]` run that starts with a letter and contains at least one digit
   * (`E12345678`, `LATPAB071W1005301`, `AKIA…`). `ctx.runEnd` = end of that run.
   */
  ALNUM: 2,
  /**
   * The first character of a run of 1–4 hex letters `[A-Fa-f]` (no digit) directly followed by `:`, `-` or `.`
   * (MAC and IPv6 groups such as `fe:`, `ab-`). `ctx.runEnd` = end of that run.
   */
  HEX: 4,
  /** An `@`. Recognizers look left (bounded) for the local part. */
  AT: 8,
  /** A `+` followed by a digit, or by one space and a digit. */
  PLUS: 16,
  /** A `(` followed by a digit. */
  PAREN: 32,
  /**
   * One of the recognizer's `keywords`. ASCII keywords match case-insensitively as whole words (their own
   * boundaries are non-`[A-Za-z0-9]`); keywords containing CJK match as substrings. `ctx.keyword` is the index
   * into `keywords`, `ctx.keywordEnd` the end offset of the hit.
   */
  KEYWORD: 64,
  /** A `-` followed by `-----BEGIN` style armour or similar: a dash run of length ≥ 5 (private key blocks). */
  DASHES: 128,
  /**
   * Called once per text with `pos = 0` (custom regex recognizers from user files). The recognizer scans the
   * whole text itself, so it must be linear; built-ins never use it.
   */
  TEXT: 256,
} as const;

/**
 * Class of the character next to a digit run, for {@link Recognizer.digitGate}: `mask` is `*`, `#` or `·`; `x` is
 * `x`/`X`; `letter` any other ASCII letter or `_`; `open`/`close` are `(`/`)`; `other` is everything else,
 * including non-ASCII text and the start or end of the text.
 */
export type DigitNeighbor =
  | 'space'
  | 'hyphen'
  | 'mask'
  | 'dot'
  | 'colon'
  | 'x'
  | 'letter'
  | 'plus'
  | 'open'
  | 'close'
  | 'other';

/** Every {@link DigitNeighbor}, in the analyzer's table order. */
export const DIGIT_NEIGHBORS: readonly DigitNeighbor[] = [
  'other',
  'space',
  'hyphen',
  'mask',
  'dot',
  'colon',
  'x',
  'letter',
  'plus',
  'open',
  'close',
];

/** Mutable per-call state the analyzer hands to a recognizer. One object is reused for every call. */
export interface MatchContext {
  /** The normalised text (full-width folded to ASCII, dash/space variants unified). Same length as the original. */
  readonly text: string;
  /** End (exclusive) of the run that fired the trigger; see {@link Trigger}. */
  runEnd: number;
  /** For KEYWORD triggers: index into the recognizer's `keywords`. */
  keyword: number;
  /** For KEYWORD triggers: end offset (exclusive) of the keyword hit. */
  keywordEnd: number;
  /**
   * Nearest context word around `[start, end)`: `1` positive, `-1` negative, `0` none.
   * Positive and negative at the same distance count as positive.
   */
  context(start: number, end: number, spec: ContextSpec): -1 | 0 | 1;
  /** Report a finding. The analyzer resolves overlaps and applies thresholds afterwards. */
  emit(finding: Finding): void;
}

/** A detector of one or more entity types. */
export interface Recognizer {
  /** Kebab-case id, `cn.` prefix for Chinese ones: `cn.resident-id`. */
  readonly id: string;
  readonly entities: readonly EntityName[];
  /** ISO country for national recognizers. */
  readonly country?: string;
  /** Bitwise OR of {@link Trigger} values. */
  readonly triggers: number;
  /** Words that fire the KEYWORD trigger (see {@link Trigger.KEYWORD}). */
  readonly keywords?: readonly string[];
  /**
   * Optional prefilter for the DIGIT trigger, evaluated for every combination of (first digit, run length, class
   * of the character before, class of the character after) when an analyzer is built — never on the hot path.
   * Return `false` only when `match` certainly returns without emitting for such a digit run (runs of 32 or more
   * digits are asked as 32). The analyzer then skips the call: with a dozen DIGIT recognizers and ~70,000 digit
   * runs per MB of log text, the calls alone would cost more than the scan.
   */
  readonly digitGate?: (first: number, length: number, prev: DigitNeighbor, next: DigitNeighbor) => boolean;
  /**
   * Optional prefilter for the ALNUM trigger, evaluated once per (first character, word length) when an analyzer
   * is built: `false` only when `match` certainly returns without emitting for a `[A-Za-z0-9_]` word that starts
   * with ASCII letter `first` and is `length` characters long (words of 64 or more are asked as 64).
   */
  readonly alnumGate?: (first: string, length: number) => boolean;
  /** Called at each trigger position this recognizer subscribed to. */
  match(text: string, pos: number, ctx: MatchContext): void;
  /** Inline examples, tested: each `match` string must yield a finding of one of `entities`, each `noMatch` none. */
  readonly examples: { readonly match: readonly string[]; readonly noMatch: readonly string[] };
}

/**
 * Define a recognizer (identity function that checks the contract at definition time).
 *
 * @throws TypeError when the definition misses examples or triggers
 * @example
 * export const qqRecognizer = defineRecognizer({ id: 'cn.qq', entities: ['CN_QQ'], triggers: Trigger.DIGIT, match, examples });
 */
export function defineRecognizer<R extends Recognizer>(r: R): R {
  if (!/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/.test(r.id)) throw new TypeError(`Recognizer id "${r.id}" must be kebab-case`);
  if (r.triggers === 0) throw new TypeError(`Recognizer "${r.id}" subscribes to no trigger`);
  if ((r.triggers & Trigger.KEYWORD) !== 0 && (!r.keywords || r.keywords.length === 0)) {
    throw new TypeError(`Recognizer "${r.id}" uses the KEYWORD trigger without keywords`);
  }
  if (r.examples.match.length < 3 || r.examples.noMatch.length < 3) {
    throw new TypeError(`Recognizer "${r.id}" needs at least 3 match and 3 noMatch examples`);
  }
  return r;
}
