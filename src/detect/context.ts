/**
 * Context words: words near a candidate raise or lower its score. Compiled once per recognizer into one
 * regex per polarity; evaluated only on a short window around a candidate (candidates are rare, so the
 * hot path never pays for context).
 */

/** A compiled set of context words. */
export interface ContextSpec {
  readonly positive: RegExp | null;
  readonly negative: RegExp | null;
  /** Window before the candidate, in UTF-16 units. */
  readonly before: number;
  /** Window after the candidate, in UTF-16 units. */
  readonly after: number;
  /** Prefilter built by {@link defineContext}: skips the regexes on windows that cannot hold a word. */
  readonly gate?: ContextGate;
}

/**
 * Which polarity (bit 1 positive, bit 2 negative) could match at a character: a necessary condition, checked
 * in one pass over a window before any regex runs. Most windows hold no context word at all, and four regex
 * searches over two sliced windows cost far more than one table lookup per character.
 */
interface ContextGate {
  /** Whole-word ASCII words, by their first two letters at a word start: (first − a) × 27 + (second − a | 26). */
  readonly bigram: Uint8Array;
  /** Words that may start anywhere (non-ASCII-led, or ASCII-led but not whole-word): by first code unit. */
  readonly anywhere: Uint8Array;
}

export interface ContextOptions {
  positive?: readonly string[];
  negative?: readonly string[];
  before?: number;
  after?: number;
}

/** Negative context shared by every digit-shaped type: order, tracking and serial numbers, versions, timestamps. */
export const COMMON_NEGATIVE: readonly string[] = [
  '订单号',
  '订单编号',
  '订单',
  '快递单号',
  '运单号',
  '单号',
  '流水号',
  '交易号',
  '序列号',
  '编号',
  '版本',
  '时间戳',
  '发票',
  'order',
  'order no',
  'order id',
  'invoice',
  'tracking',
  'serial',
  'version',
  'timestamp',
  'ts',
  'txn',
  'transaction',
  'sku',
  'build',
];

const ASCII_WORD = /^[\x20-\x7e]+$/;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(words: readonly string[] | undefined): RegExp | null {
  if (!words || words.length === 0) return null;
  // Longest first so that `订单号` wins over `订单` at the same position.
  const sorted = [...new Set(words)].sort((a, b) => b.length - a.length);
  const parts = sorted.map((w) => {
    const e = escapeRegex(w).replace(/ /g, '[ _-]?');
    // ASCII words match whole-word (letters only: `phone1` still counts as `phone`); CJK words match anywhere.
    return ASCII_WORD.test(w) ? `(?<![A-Za-z])${e}(?![A-Za-z])` : e;
  });
  return new RegExp(parts.join('|'), 'gi');
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function buildGate(positive: readonly string[] | undefined, negative: readonly string[] | undefined): ContextGate {
  const bigram = new Uint8Array(26 * 27);
  const anywhere = new Uint8Array(65536);
  const mark = (table: Uint8Array, i: number, bit: number) => {
    table[i] = (table[i] ?? 0) | bit;
  };
  const add = (words: readonly string[] | undefined, bit: number) => {
    for (const w of words ?? []) {
      if (w.length === 0) continue;
      const c0 = w.charCodeAt(0);
      if (ASCII_WORD.test(w) && isLetterCode(c0)) {
        const l0 = (c0 | 32) - 97;
        const c1 = w.charCodeAt(1);
        if (isLetterCode(c1)) {
          mark(bigram, l0 * 27 + ((c1 | 32) - 97), bit);
        } else {
          // One letter, or a separator next (`a b` also matches `ab`): any second character.
          for (let k = 0; k < 27; k++) mark(bigram, l0 * 27 + k, bit);
        }
      } else {
        // The regex is case-insensitive: an ASCII letter may match in either case.
        mark(anywhere, c0, bit);
        if (isLetterCode(c0)) mark(anywhere, c0 ^ 32, bit);
      }
    }
  };
  add(positive, 1);
  add(negative, 2);
  return { bigram, anywhere };
}

/**
 * Polarities that could match in `text[from, to)`; `wordStartAtFrom` treats `from` as a word start whatever
 * precedes it (the after-window regex runs on a slice that begins there).
 */
function gateWindow(gate: ContextGate, text: string, from: number, to: number, wordStartAtFrom: boolean): number {
  const { bigram, anywhere } = gate;
  let bits = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    bits |= anywhere[c]!;
    if (isLetterCode(c) && ((wordStartAtFrom && i === from) || !isLetterCode(text.charCodeAt(i - 1)))) {
      const n = text.charCodeAt(i + 1);
      bits |= bigram[((c | 32) - 97) * 27 + (isLetterCode(n) ? (n | 32) - 97 : 26)]!;
    }
    if (bits === 3) break;
  }
  return bits;
}

/**
 * Compile context words.
 *
 * @example
 * const ctx = defineContext({ positive: ['手机', 'mobile'], negative: COMMON_NEGATIVE });
 */
export function defineContext(options: ContextOptions): ContextSpec {
  return {
    positive: compile(options.positive),
    negative: compile(options.negative),
    before: options.before ?? 32,
    after: options.after ?? 12,
    gate: buildGate(options.positive, options.negative),
  };
}

// Windows are cut one character wider than they count so a word's look-around sees its real neighbour
// (`paid` must not read as `id` at the window edge); matches that start in that extra character are ignored.
function nearestBefore(re: RegExp | null, text: string, from: number, to: number): number {
  if (re === null || to <= from) return Number.POSITIVE_INFINITY;
  const lead = from > 0 ? 1 : 0;
  const window = text.slice(from - lead, to);
  re.lastIndex = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let m = re.exec(window); m !== null; m = re.exec(window)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (m.index >= lead) best = window.length - (m.index + m[0].length);
  }
  return best;
}

function nearestAfter(re: RegExp | null, text: string, from: number, to: number): number {
  if (re === null || to <= from) return Number.POSITIVE_INFINITY;
  const window = text.slice(from, to + 1);
  re.lastIndex = 0;
  for (let m = re.exec(window); m !== null; m = re.exec(window)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (m.index + m[0].length <= to - from) return m.index;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Nearest context word around `[start, end)` in `text`: 1 positive, -1 negative, 0 none.
 * Words before the candidate count at their distance (a label on the line above counts); words after, on the
 * same line only, at their distance plus a small penalty (labels usually precede values).
 */
export function scoreContext(text: string, start: number, end: number, spec: ContextSpec): -1 | 0 | 1 {
  const from = Math.max(start - spec.before, 0);
  // The window after a value ends at its line's end: the next line is another record (a log line, a CSV row),
  // and a line-by-line stream has not seen it yet when it must decide (`protect`, live logs).
  const limit = Math.min(end + spec.after, text.length);
  let to = end;
  while (to < limit && text.charCodeAt(to) !== 10) to++;
  const gate = spec.gate;
  const before = gate === undefined ? 3 : gateWindow(gate, text, from, start, false);
  const after = gate === undefined ? 3 : gateWindow(gate, text, end, to, true);
  if (before === 0 && after === 0) return 0;
  const pb = before & 1 ? nearestBefore(spec.positive, text, from, start) : Number.POSITIVE_INFINITY;
  const nb = before & 2 ? nearestBefore(spec.negative, text, from, start) : Number.POSITIVE_INFINITY;
  const pa = (after & 1 ? nearestAfter(spec.positive, text, end, to) : Number.POSITIVE_INFINITY) + 4;
  const na = (after & 2 ? nearestAfter(spec.negative, text, end, to) : Number.POSITIVE_INFINITY) + 4;
  const p = Math.min(pb, pa);
  const n = Math.min(nb, na);
  if (p === Number.POSITIVE_INFINITY && n === Number.POSITIVE_INFINITY) return 0;
  return p <= n ? 1 : -1;
}
