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
 * Words before the candidate count at their distance; words after at their distance plus a small penalty
 * (labels usually precede values).
 */
export function scoreContext(text: string, start: number, end: number, spec: ContextSpec): -1 | 0 | 1 {
  const from = Math.max(start - spec.before, 0);
  const to = Math.min(end + spec.after, text.length);
  const pb = nearestBefore(spec.positive, text, from, start);
  const nb = nearestBefore(spec.negative, text, from, start);
  const pa = nearestAfter(spec.positive, text, end, to) + 4;
  const na = nearestAfter(spec.negative, text, end, to) + 4;
  const p = Math.min(pb, pa);
  const n = Math.min(nb, na);
  if (p === Number.POSITIVE_INFINITY && n === Number.POSITIVE_INFINITY) return 0;
  return p <= n ? 1 : -1;
}
