/**
 * Helpers shared by the `cn` recognizers: allocation-free character probes and the GB 11643 parse used by the
 * resident-ID, residence-permit and foreign-permanent-resident recognizers.
 */
import type { ContextSpec } from '../../context.js';
import type { MatchContext } from '../../recognizer.js';
import { ageBand, birthAgeAt } from '../../validators/cn-date.js';
import { isMod112CheckCode, mod112CheckValueAt } from '../../validators/mod11-2.js';

/** ASCII digit. */
export function isD(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letter or digit. */
export function isAN(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Upper-case ASCII letter. */
export function isUp(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** Space or hyphen (the separators left after normalisation). */
export function isSep(c: number): boolean {
  return c === 32 || c === 45;
}

/**
 * End of the `[A-Za-z0-9]` word starting at `pos`, looking at most `max` characters ahead: returns `pos + max + 1`
 * when the word is longer than `max` (so callers can reject over-long words without scanning them).
 */
export function wordEnd(text: string, pos: number, max: number): number {
  const limit = pos + max;
  let i = pos;
  while (i <= limit && isAN(text.charCodeAt(i))) i++;
  return i;
}

/** End of the digit run starting at `pos`, looking at most `max` characters ahead (as {@link wordEnd}). */
export function digitEnd(text: string, pos: number, max: number): number {
  const limit = pos + max;
  let i = pos;
  while (i <= limit && isD(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Start of a `86`/`+86`/`0086` prefix (optionally in brackets, `(+86)`) that ends right before `pos`, allowing one
 * space or hyphen between it and the number; -1 when there is none.
 */
export function prefixStart(text: string, pos: number): number {
  let j = pos;
  if (isSep(text.charCodeAt(j - 1))) j--;
  const paren = text.charCodeAt(j - 1) === 41;
  if (paren) j--;
  if (text.charCodeAt(j - 1) !== 54 || text.charCodeAt(j - 2) !== 56) return -1;
  let k = j - 2;
  if (text.charCodeAt(k - 1) === 48 && text.charCodeAt(k - 2) === 48) k -= 2;
  if (isD(text.charCodeAt(k - 1))) return -1;
  if (text.charCodeAt(k - 1) === 43) k--;
  if (paren) {
    if (text.charCodeAt(k - 1) !== 40) return -1;
    k--;
  }
  return isAN(text.charCodeAt(k - 1)) ? -1 : k;
}

/**
 * Whether `c` ends a clause: `,` `，` `;` `；` `。` `、` `!` `！` `?` `？`, a tab, `|` or a line break. Labels
 * name the value of their own clause or table cell (`订单DD2025…，退回原卡6217…`: `订单` names the order number).
 */
export function isClauseBreak(c: number): boolean {
  return (
    c === 44 ||
    c === 0xff0c ||
    c === 59 ||
    c === 0xff1b ||
    c === 0x3002 ||
    c === 0x3001 ||
    c === 33 ||
    c === 0xff01 ||
    c === 63 ||
    c === 0xff1f ||
    c === 9 ||
    c === 124 ||
    c === 10 ||
    c === 13
  );
}

/**
 * Result of {@link clauseContext} when the nearest context word is negative but sits in another clause than the
 * value (beyond a {@link isClauseBreak}): a weak hint, not a label of the value.
 */
export const FAR_NEGATIVE = 2;

/** A context spec plus, built on first use, copies with windows cut at clause breaks (see {@link clauseContext}). */
export interface ClauseContextSpec {
  readonly full: ContextSpec;
  /** Cut copies by `before * (full.after + 1) + after`; each allocated once, then reused. */
  readonly cut: (ContextSpec | undefined)[];
}

/** Wrap a module-level context spec for {@link clauseContext}. */
export function defineClauseContext(full: ContextSpec): ClauseContextSpec {
  return { full, cut: new Array((full.before + 1) * (full.after + 1)) };
}

/**
 * Nearest context word around `[start, end)` as `ctx.context` does, except that a negative word counts as a label
 * of the value (`-1`) only inside the value's own clause; a nearest negative word beyond a clause break
 * (`订单DD2025…，退回原卡6217…`, a `卡号` column header two cells away, `…，QQ邮箱…` after a phone number) gives
 * {@link FAR_NEGATIVE}. Positive words count anywhere in the window: a label in an earlier clause or a table
 * header still describes the value. Bounded work: at most `before + after` character reads and two context
 * evaluations, only after the caller validated a candidate.
 */
export function clauseContext(
  text: string,
  start: number,
  end: number,
  ctx: MatchContext,
  spec: ClauseContextSpec,
): -1 | 0 | 1 | typeof FAR_NEGATIVE {
  const full = spec.full;
  const c = ctx.context(start, end, full);
  if (c !== -1) return c;
  let b = 0;
  while (b < full.before && b < start && !isClauseBreak(text.charCodeAt(start - b - 1))) b++;
  let a = 0;
  while (a < full.after && end + a < text.length && !isClauseBreak(text.charCodeAt(end + a))) a++;
  if (b === full.before && a === full.after) return -1;
  const k = b * (full.after + 1) + a;
  let cut = spec.cut[k];
  if (cut === undefined) {
    cut = { positive: full.positive, negative: full.negative, before: b, after: a };
    spec.cut[k] = cut;
  }
  const inClause = ctx.context(start, end, cut);
  return inClause === 0 ? FAR_NEGATIVE : inClause;
}

/** Clamp a score into [0, 1] and round it to two decimals (stable, comparable figures). */
export function clampScore(s: number): number {
  const r = Math.round(s * 100) / 100;
  return Math.min(1, Math.max(0, r));
}

/** Result of {@link parseGb11643At}: holder facts derived from a validated number. */
export interface Gb11643Facts {
  /** Age in completed years. */
  readonly age: number;
  readonly sex: 'male' | 'female';
}

/**
 * Validate the birth date (positions 7–14) and MOD 11-2 check (position 18) of an 18-character GB 11643-style
 * number at `text[start, start + 18)`, returning the holder's age and sex, or `null`. The address code is the
 * caller's business. Allocates only the small result object, after both checks passed.
 */
export function parseGb11643At(text: string, start: number): Gb11643Facts | null {
  if (!isMod112CheckCode(mod112CheckValueAt(text, start, start + 17), text.charCodeAt(start + 17))) return null;
  const age = birthAgeAt(text, start + 6);
  if (age < 0) return null;
  return { age, sex: (text.charCodeAt(start + 16) - 48) % 2 === 1 ? 'male' : 'female' };
}

/** Non-identifying attributes and the PIPL Art. 28 flag for a validated number's holder. */
export function holderAttrs(facts: Gb11643Facts): { ageBand: string; sex: string } {
  return { ageBand: ageBand(facts.age), sex: facts.sex };
}

/**
 * Where a spaced 18-character GB 11643 number (`110105 19491231 002X`, 6-8-4 groups with one space or hyphen)
 * starting at `pos` ends, or -1. Allocation-free.
 */
export function spacedIdEnd(text: string, pos: number): number {
  const s1 = text.charCodeAt(pos + 6);
  if (!isSep(s1) || text.charCodeAt(pos + 15) !== s1) return -1;
  for (let i = pos + 7; i < pos + 15; i++) if (!isD(text.charCodeAt(i))) return -1;
  for (let i = pos + 16; i < pos + 19; i++) if (!isD(text.charCodeAt(i))) return -1;
  const last = text.charCodeAt(pos + 19);
  if (!(isD(last) || last === 88 || last === 120)) return -1;
  return pos + 20;
}

/** Copy of the 18 significant characters of a spaced number (6-8-4 layout) for validation. */
export function compactSpacedId(text: string, pos: number): string {
  return text.slice(pos, pos + 6) + text.slice(pos + 7, pos + 15) + text.slice(pos + 16, pos + 20);
}
