/**
 * The analyzer: one pass over the normalised text finds cheap triggers and calls only the recognizers that
 * subscribed to them; then allow/deny lists, thresholds and overlap resolution.
 *
 * Why a hand-written scanner and not a regex per type: a V8 regex alternating even eight simple patterns runs
 * at about 35 MB/s on mixed text, and every extra type slows it further. Here each character costs one table
 * lookup; work beyond that happens only at digit runs, alphanumeric words that contain a digit, `@`, `+`, `(`,
 * long dash runs and keyword hits — rare in prose. Figures are in BENCHMARKS.md.
 */
import { ENTITY_TYPES, type EntityType, isEntityType } from '../core/entity-types.js';
import type { EntityName, Finding } from '../core/finding.js';
import { type ContextSpec, scoreContext } from './context.js';
import { normalizeText } from './normalize.js';
import { DIGIT_NEIGHBORS, type DigitNeighbor, type MatchContext, type Recognizer, Trigger } from './recognizer.js';
import { resolveOverlaps } from './resolve.js';

/** A value that is always reported as `type` wherever it occurs (exact match after normalisation). */
export interface DenyEntry {
  value: string;
  type: EntityName;
}

/** Options for {@link createAnalyzer}. */
export interface AnalyzerOptions {
  /** Recognizers to run. Default: every built-in recognizer (`builtinRecognizers`). */
  recognizers?: readonly Recognizer[];
  /** Only report these types (recognizers for other types do not run). */
  types?: readonly EntityName[];
  /** Minimum score per type. */
  thresholds?: Readonly<Partial<Record<EntityName, number>>>;
  /** Minimum score for types without their own threshold. Default 0.5. */
  defaultThreshold?: number;
  /** Values never reported (compared after normalisation, ignoring spaces and hyphens, case-insensitive). */
  allow?: readonly string[];
  /** Values always reported. */
  deny?: readonly DenyEntry[];
  /** Also return findings of already-masked values from `detect` (they are always in `analyze().masked`). */
  includeMasked?: boolean;
}

/** Result of {@link Analyzer.analyze}: clear-value findings and already-masked ones, apart. */
export interface AnalysisResult {
  findings: Finding[];
  masked: Finding[];
}

/** A configured detector. Build once, call many times. */
export interface Analyzer {
  /** Findings sorted by offset, non-overlapping, above threshold. Masked values only with `includeMasked`. */
  detect(text: string): Finding[];
  /** Clear-value findings and already-masked findings, apart. */
  analyze(text: string): AnalysisResult;
  /** The recognizers this analyzer runs. */
  readonly recognizers: readonly Recognizer[];
}

// Character classes for the scanner. One Uint8Array lookup per character.
const C_NONE = 0;
const C_DIGIT = 1;
const C_LETTER = 2;
const C_AT = 3;
const C_PLUS = 4;
const C_PAREN = 5;
const C_DASH = 6;
const C_KW = 7; // a non-ASCII character that starts at least one keyword
const C_UNDERSCORE = 8;

interface KeywordEntry {
  readonly recognizer: Recognizer;
  readonly index: number;
  /** Lowercased keyword. */
  readonly word: string;
}

/** Ascii keywords are bucketed by the hash of their first letter-word. */
interface AsciiKeyword extends KeywordEntry {
  /** Length of the first letter-word of the keyword. */
  readonly headLength: number;
}

const MAX_HEAD = 24;
/** Word lengths the ALNUM gate table distinguishes (longer words share the last slot). */
const MAX_ALNUM_WORD = 64;
/** Digit-run lengths the DIGIT gate table distinguishes (longer runs share the last slot). */
const MAX_GATE_RUN = 32;

function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Hash of the first `len` (lowercase) letters; must equal the scanner's hash in `head`. */
function hashWord(word: string, len: number): number {
  let h = 0;
  for (let i = 0; i < len; i++) h = (Math.imul(h, 31) + word.charCodeAt(i)) | 0;
  return h;
}

/** Verify an ASCII-led keyword at `pos` (its head already matched): separators ` _-` are interchangeable. */
function verifyKeyword(text: string, pos: number, word: string): number {
  const n = word.length;
  if (pos + n > text.length) return -1;
  for (let i = 0; i < n; i++) {
    const k = word.charCodeAt(i);
    const c = text.charCodeAt(pos + i);
    if (k === 32 || k === 95 || k === 45) {
      if (c !== 32 && c !== 95 && c !== 45) return -1;
    } else if (lowerCode(c) !== k) return -1;
  }
  const last = word.charCodeAt(n - 1);
  if (isAsciiLetterCode(last) && pos + n < text.length && isAsciiLetterCode(text.charCodeAt(pos + n))) return -1;
  return pos + n;
}

class Scanner implements MatchContext {
  text = '';
  runEnd = 0;
  keyword = 0;
  keywordEnd = 0;
  out: Finding[] = [];
  private readonly cls: Uint8Array;

  /** ALNUM recognizers per (first letter code − 65) × 65 + min(word length, 64). */
  private readonly alnumTable: (readonly Recognizer[])[];
  private readonly hasAlnum: boolean;
  /** CJK keyword entries by first character code. */
  private readonly cjkTable: (readonly KeywordEntry[] | undefined)[];
  /** DIGIT recognizers per (first digit, min(run length, 32), class before, class after); see `digitIndex`. */
  private readonly digitTable: (readonly Recognizer[])[];

  constructor(
    digit: readonly Recognizer[],
    alnum: readonly Recognizer[],
    private readonly hex: readonly Recognizer[],
    private readonly at: readonly Recognizer[],
    private readonly plus: readonly Recognizer[],
    private readonly paren: readonly Recognizer[],
    private readonly dashes: readonly Recognizer[],
    private readonly whole: readonly Recognizer[],
    cjkKeywords: ReadonlyMap<number, readonly KeywordEntry[]>,
    private readonly asciiKeywords: ReadonlyMap<number, readonly AsciiKeyword[]>,
    /**
     * Bit i of entry (first letter − a) × 27 + (second letter − a, or 26 for a one-letter head) set when some
     * ASCII keyword's head starts with those letters and has length i.
     */
    private readonly asciiHeadGate: Uint32Array,
  ) {
    this.digitTable = buildDigitTable(digit);
    this.alnumTable = buildAlnumTable(alnum);
    this.hasAlnum = alnum.length > 0;
    const cls = new Uint8Array(65536);
    for (let c = 48; c <= 57; c++) cls[c] = C_DIGIT;
    for (let c = 65; c <= 90; c++) cls[c] = C_LETTER;
    for (let c = 97; c <= 122; c++) cls[c] = C_LETTER;
    cls[95] = C_UNDERSCORE;
    if (at.length > 0) cls[64] = C_AT;
    if (plus.length > 0) cls[43] = C_PLUS;
    if (paren.length > 0) cls[40] = C_PAREN;
    if (dashes.length > 0) cls[45] = C_DASH;
    for (const c of cjkKeywords.keys()) cls[c] = C_KW;
    // A flat table instead of Map.get on every keyword-start character (frequent in Chinese prose).
    this.cjkTable = new Array(65536);
    for (const [c, entries] of cjkKeywords) this.cjkTable[c] = entries;
    this.cls = cls;
  }

  context(start: number, end: number, spec: ContextSpec): -1 | 0 | 1 {
    return scoreContext(this.text, start, end, spec);
  }

  emit(finding: Finding): void {
    this.out.push(finding);
  }

  /** Dispatch a DIGIT trigger through the gate table. */
  private callDigit(text: string, pos: number, runEnd: number): void {
    const len = runEnd - pos;
    const list =
      this.digitTable[
        digitIndex(
          text.charCodeAt(pos) - 48,
          Math.min(len, MAX_GATE_RUN),
          // Bounds-checked: an out-of-range read gives NaN (class 0) but throws optimised code away once.
          pos > 0 ? neighborClass(text.charCodeAt(pos - 1)) : 0,
          runEnd < text.length ? neighborClass(text.charCodeAt(runEnd)) : 0,
        )
      ]!;
    for (let r = 0; r < list.length; r++) {
      this.runEnd = runEnd;
      list[r]!.match(text, pos, this);
    }
  }

  private call(list: readonly Recognizer[], text: string, pos: number, runEnd: number): void {
    for (let r = 0; r < list.length; r++) {
      this.runEnd = runEnd;
      list[r]!.match(text, pos, this);
    }
  }

  scan(text: string): Finding[] {
    this.text = text;
    this.out = [];
    const cls = this.cls;
    const n = text.length;
    const hasAlnum = this.hasAlnum;
    const hasHex = this.hex.length > 0;
    const asciiKw = this.asciiKeywords.size > 0;
    for (let r = 0; r < this.whole.length; r++) {
      this.runEnd = n;
      this.whole[r]!.match(text, 0, this);
    }
    let i = 0;
    while (i < n) {
      const k = cls[text.charCodeAt(i)]!;
      if (k === C_NONE) {
        i++;
        continue;
      }
      if (k === C_DIGIT) {
        let j = i + 1;
        while (j < n && cls[text.charCodeAt(j)] === C_DIGIT) j++;
        this.callDigit(text, i, j);
        // A digit run glued to letters (`12ab`) belongs to one word: skip its letters so they do not start a word.
        // (An underscore ends it: `123_password` still has the keyword head `password`.)
        while (j < n) {
          if (cls[text.charCodeAt(j)] !== C_LETTER) break;
          let m = j + 1;
          while (m < n && cls[text.charCodeAt(m)] === C_LETTER) m++;
          if (m < n && cls[text.charCodeAt(m)] === C_DIGIT) {
            let e = m + 1;
            while (e < n && cls[text.charCodeAt(e)] === C_DIGIT) e++;
            this.callDigit(text, m, e);
            j = e;
          } else {
            j = m;
          }
        }
        i = j;
        continue;
      }
      if (k === C_LETTER || k === C_UNDERSCORE) {
        i = this.word(text, i, n, hasAlnum, hasHex, asciiKw);
        continue;
      }
      if (k === C_KW) {
        const entries = this.cjkTable[text.charCodeAt(i)]!;
        for (let e = 0; e < entries.length; e++) {
          const entry = entries[e]!;
          if (text.startsWith(entry.word, i)) {
            this.runEnd = i + entry.word.length;
            this.keyword = entry.index;
            this.keywordEnd = i + entry.word.length;
            entry.recognizer.match(text, i, this);
          }
        }
        i++;
        continue;
      }
      if (k === C_AT) {
        this.call(this.at, text, i, i + 1);
      } else if (k === C_PLUS) {
        const c1 = text.charCodeAt(i + 1);
        if ((c1 >= 48 && c1 <= 57) || (c1 === 32 && cls[text.charCodeAt(i + 2)] === C_DIGIT)) {
          this.call(this.plus, text, i, i + 1);
        }
      } else if (k === C_PAREN) {
        if (cls[text.charCodeAt(i + 1)] === C_DIGIT) this.call(this.paren, text, i, i + 1);
      } else if (k === C_DASH) {
        let j = i + 1;
        while (j < n && text.charCodeAt(j) === 45) j++;
        if (j - i >= 5) this.call(this.dashes, text, i, j);
        i = j;
        continue;
      }
      i++;
    }
    return this.out;
  }

  /**
   * Scan a `[A-Za-z0-9_]` word starting with a letter or underscore at `i` (its previous character is never a
   * letter or digit: the digit branch of `scan` swallows letters glued after digits); returns its end.
   * Keyword heads are the letter runs at the word start and right after an underscore.
   */
  private word(text: string, i: number, n: number, hasAlnum: boolean, hasHex: boolean, asciiKw: boolean): number {
    const cls = this.cls;
    const start = i;
    let sawDigit = false;
    let atHead = true;
    let j = i;
    while (j < n) {
      const k = cls[text.charCodeAt(j)];
      if (k === C_LETTER) {
        const hs = j;
        j++;
        while (j < n && cls[text.charCodeAt(j)] === C_LETTER) j++;
        if (atHead && asciiKw) this.head(text, hs, j - hs);
        atHead = false;
      } else if (k === C_DIGIT) {
        // A digit run inside a word (`tel13812345678`, `ID110101…`) is a DIGIT trigger too.
        const ds = j;
        j++;
        while (j < n && cls[text.charCodeAt(j)] === C_DIGIT) j++;
        sawDigit = true;
        atHead = false;
        this.callDigit(text, ds, j);
      } else if (k === C_UNDERSCORE) {
        j++;
        atHead = true;
      } else {
        break;
      }
    }
    if (sawDigit) {
      const first = text.charCodeAt(start);
      if (hasAlnum && cls[first] === C_LETTER) {
        const len = j - start;
        this.call(
          this.alnumTable[(first - 65) * (MAX_ALNUM_WORD + 1) + Math.min(len, MAX_ALNUM_WORD)]!,
          text,
          start,
          j,
        );
      }
    } else if (hasHex && j - start <= 4 && j < n) {
      const next = text.charCodeAt(j);
      if (next === 58 || next === 45 || next === 46) {
        let hex = true;
        for (let m = start; m < j; m++) {
          const c = text.charCodeAt(m) | 32;
          if (c < 97 || c > 102) hex = false;
        }
        if (hex) this.call(this.hex, text, start, j);
      }
    }
    return j;
  }

  /** A keyword head candidate: the letters `[pos, pos+len)`. */
  private head(text: string, pos: number, len: number): void {
    if (len > MAX_HEAD) return;
    // Letters only reach here: `| 32` lower-cases them.
    const second = len > 1 ? (text.charCodeAt(pos + 1) | 32) - 97 : 26;
    const gate = this.asciiHeadGate[((text.charCodeAt(pos) | 32) - 97) * 27 + second];
    if (gate === undefined || (gate & (1 << len)) === 0) return;
    let h = 0;
    for (let m = pos; m < pos + len; m++) h = (Math.imul(h, 31) + (text.charCodeAt(m) | 32)) | 0;
    const entries = this.asciiKeywords.get(h);
    if (entries === undefined) return;
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!;
      if (entry.headLength !== len) continue;
      const end = verifyKeyword(text, pos, entry.word);
      if (end < 0) continue;
      this.runEnd = end;
      this.keyword = entry.index;
      this.keywordEnd = end;
      entry.recognizer.match(text, pos, this);
    }
  }
}

/** Neighbour classes, by ASCII code; see {@link DigitNeighbor}. Non-ASCII is `other` (0) except `·` (mask). */
const NEIGHBOR = new Uint8Array(128);
{
  const set = (chars: string, k: DigitNeighbor) => {
    for (const ch of chars) NEIGHBOR[ch.charCodeAt(0)] = DIGIT_NEIGHBORS.indexOf(k);
  };
  for (let c = 65; c <= 90; c++) NEIGHBOR[c] = DIGIT_NEIGHBORS.indexOf('letter');
  for (let c = 97; c <= 122; c++) NEIGHBOR[c] = DIGIT_NEIGHBORS.indexOf('letter');
  set('_', 'letter');
  set(' \t', 'space');
  set('-', 'hyphen');
  set('*#', 'mask');
  set('.', 'dot');
  set(':', 'colon');
  set('xX', 'x');
  set('+', 'plus');
  set('(', 'open');
  set(')', 'close');
}
const MASK_CLASS = DIGIT_NEIGHBORS.indexOf('mask');
const NCLASS = DIGIT_NEIGHBORS.length;

function neighborClass(c: number): number {
  return c < 128 ? NEIGHBOR[c]! : c === 0xb7 ? MASK_CLASS : 0;
}

function digitIndex(first: number, len: number, prev: number, next: number): number {
  return ((first * (MAX_GATE_RUN + 1) + len) * NCLASS + prev) * NCLASS + next;
}

/** Evaluate every ALNUM recognizer's gate once per (first letter, word length); equal lists are shared. */
function buildAlnumTable(alnum: readonly Recognizer[]): (readonly Recognizer[])[] {
  const table: (readonly Recognizer[])[] = [];
  const shared = new Map<string, readonly Recognizer[]>();
  for (let c = 65; c <= 122; c++) {
    const first = String.fromCharCode(c);
    for (let len = 0; len <= MAX_ALNUM_WORD; len++) {
      const list =
        isAsciiLetterCode(c) && len > 0
          ? alnum.filter((r) => r.alnumGate === undefined || r.alnumGate(first, len))
          : [];
      const key = list.map((r) => alnum.indexOf(r)).join(',');
      let got = shared.get(key);
      if (!got) shared.set(key, (got = list));
      table.push(got);
    }
  }
  return table;
}

/** Evaluate every DIGIT recognizer's gate once per table cell; equal lists are shared. */
function buildDigitTable(digit: readonly Recognizer[]): (readonly Recognizer[])[] {
  const table: (readonly Recognizer[])[] = new Array(10 * (MAX_GATE_RUN + 1) * NCLASS * NCLASS);
  const shared = new Map<string, readonly Recognizer[]>();
  for (let d = 0; d < 10; d++) {
    for (let len = 0; len <= MAX_GATE_RUN; len++) {
      for (let p = 0; p < NCLASS; p++) {
        for (let q = 0; q < NCLASS; q++) {
          let key = '';
          const list: Recognizer[] = [];
          if (len > 0) {
            for (let r = 0; r < digit.length; r++) {
              const rec = digit[r]!;
              if (rec.digitGate === undefined || rec.digitGate(d, len, DIGIT_NEIGHBORS[p]!, DIGIT_NEIGHBORS[q]!)) {
                list.push(rec);
                key += `${r},`;
              }
            }
          }
          let got = shared.get(key);
          if (!got) shared.set(key, (got = list));
          table[digitIndex(d, len, p, q)] = got;
        }
      }
    }
  }
  return table;
}

function buildScanner(recognizers: readonly Recognizer[]): Scanner {
  const by = (bit: number) => recognizers.filter((r) => (r.triggers & bit) !== 0);
  const cjk = new Map<number, KeywordEntry[]>();
  const ascii = new Map<number, AsciiKeyword[]>();
  const gate = new Uint32Array(26 * 27);
  for (const r of recognizers) {
    if ((r.triggers & Trigger.KEYWORD) === 0 || !r.keywords) continue;
    r.keywords.forEach((raw, index) => {
      const word = raw.toLowerCase();
      if (word.length === 0) throw new TypeError(`Recognizer "${r.id}" has an empty keyword`);
      const first = word.charCodeAt(0);
      if (isAsciiLetterCode(first)) {
        let headLength = 0;
        while (headLength < word.length && isAsciiLetterCode(word.charCodeAt(headLength))) headLength++;
        if (headLength > MAX_HEAD) throw new TypeError(`Recognizer "${r.id}" keyword "${raw}" is too long`);
        const h = hashWord(word, headLength);
        const list = ascii.get(h) ?? [];
        list.push({ recognizer: r, index, word, headLength });
        ascii.set(h, list);
        const cell = (first - 97) * 27 + (headLength > 1 ? word.charCodeAt(1) - 97 : 26);
        gate[cell] = gate[cell]! | (1 << headLength);
      } else if (first > 127) {
        const list = cjk.get(first) ?? [];
        list.push({ recognizer: r, index, word: raw });
        cjk.set(first, list);
      } else {
        throw new TypeError(`Recognizer "${r.id}" keyword "${raw}" must start with a letter or a non-ASCII character`);
      }
    });
  }
  return new Scanner(
    by(Trigger.DIGIT),
    by(Trigger.ALNUM),
    by(Trigger.HEX),
    by(Trigger.AT),
    by(Trigger.PLUS),
    by(Trigger.PAREN),
    by(Trigger.DASHES),
    by(Trigger.TEXT),
    cjk,
    ascii,
    gate,
  );
}

function canonical(value: string): string {
  return normalizeText(value)
    .replace(/[\s-]+/g, '')
    .toUpperCase();
}

let defaultRecognizers: readonly Recognizer[] | undefined;

/** Install the default recognizer list (done by the package entry point; avoids an import cycle). */
export function setDefaultRecognizers(recognizers: readonly Recognizer[]): void {
  defaultRecognizers = recognizers;
}

/**
 * Build an analyzer: compiles the trigger tables and keyword lookups once.
 *
 * @throws TypeError on an invalid recognizer set (duplicate ids, bad keywords)
 * @example
 * const analyzer = createAnalyzer({ types: ['CN_MOBILE', 'CN_RESIDENT_ID'] });
 * analyzer.detect('手机13812345678'); // [{ type: 'CN_MOBILE', start: 2, end: 13, … }]
 */
export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  let recognizers = options.recognizers ?? defaultRecognizers;
  if (!recognizers) throw new TypeError('createAnalyzer: no recognizers given and no default list installed');
  const typeFilter = options.types ? new Set<string>(options.types) : null;
  if (typeFilter) recognizers = recognizers.filter((r) => r.entities.some((e) => typeFilter.has(e)));
  const ids = new Set<string>();
  for (const r of recognizers) {
    if (ids.has(r.id)) throw new TypeError(`Duplicate recognizer id "${r.id}"`);
    ids.add(r.id);
  }
  const scanner = buildScanner(recognizers);
  const defaultThreshold = options.defaultThreshold ?? 0.5;
  const thresholds = new Map<string, number>();
  for (const t of Object.keys(ENTITY_TYPES)) thresholds.set(t, defaultThreshold);
  for (const [t, v] of Object.entries(options.thresholds ?? {})) if (v !== undefined) thresholds.set(t, v);
  const allow = options.allow && options.allow.length > 0 ? new Set(options.allow.map(canonical)) : null;
  const deny = (options.deny ?? []).map((d) => ({ value: normalizeText(d.value), type: d.type }));
  const includeMasked = options.includeMasked ?? false;

  /** Scan, then filter and resolve. Returns clear and masked findings mixed, sorted. */
  const run = (original: string): Finding[] => {
    const text = normalizeText(original);
    const raw = scanner.scan(text);
    for (const d of deny) {
      if (d.value.length === 0) continue;
      for (let at = text.indexOf(d.value); at >= 0; at = text.indexOf(d.value, at + d.value.length)) {
        raw.push({ type: d.type, start: at, end: at + d.value.length, score: 1, recognizer: 'deny-list' });
      }
    }
    if (raw.length === 0) return raw;
    const kept: Finding[] = [];
    for (let i = 0; i < raw.length; i++) {
      const f = raw[i]!;
      if (typeFilter && !typeFilter.has(f.type)) continue;
      if (f.score < (thresholds.get(f.type) ?? defaultThreshold)) continue;
      if (allow && f.recognizer !== 'deny-list' && allow.has(canonical(text.slice(f.start, f.end)))) continue;
      kept.push(f);
    }
    return resolveOverlaps(kept, priorityOf);
  };

  return {
    recognizers,
    analyze(text: string): AnalysisResult {
      const all = run(text);
      const findings: Finding[] = [];
      const masked: Finding[] = [];
      for (const f of all) (f.masked ? masked : findings).push(f);
      return { findings, masked };
    },
    detect(text: string): Finding[] {
      const all = run(text);
      if (includeMasked || all.length === 0) return all;
      let anyMasked = false;
      for (let i = 0; i < all.length; i++) if (all[i]!.masked) anyMasked = true;
      return anyMasked ? all.filter((f) => !f.masked) : all;
    },
  };
}

function priorityOf(type: EntityName): number {
  return isEntityType(type) ? ENTITY_TYPES[type as EntityType].priority : 50;
}
