/**
 * Length-preserving text normalisation (reference §0): every change maps one UTF-16 unit to one, so offsets
 * found in the normalised text are offsets into the original.
 *
 * - full-width forms U+FF01–U+FF5E → ASCII (`１３８` → `138`, `＠` → `@`, `：` → `:`), EXCEPT the sentence
 *   punctuation that fills ordinary Chinese prose and never sits inside a value: `，` `；` `！` `？` `～` stay as
 *   they are (recognizers treat them as boundaries, like any non-alphanumeric). Skipping them keeps plain Chinese
 *   prose on the no-copy fast path: folding costs ~2.5 ns/char, the whole detection budget is ~7 ns/char;
 * - ideographic space U+3000, NBSP, U+2000–U+200A, narrow NBSP → space;
 * - dash variants U+2010–U+2015, U+2212 (minus) → `-`;
 * - middle-dot variants (U+2022, U+30FB, U+FF65) → U+00B7 (names such as `买买提·艾力`).
 */

/** Characters that need folding: a quick search lets the common case return the input unchanged. */
const NEEDS_FOLD =
  /[\uff02-\uff0b\uff0d-\uff1a\uff1c-\uff1e\uff20-\uff5d\u3000\u00a0\u2000-\u200a\u202f\u2010-\u2015\u2212\u2022\u30fb\uff65]/;

/** Folded code per code unit; 0 = unchanged. */
const FOLD = new Uint16Array(65536);
for (let c = 0xff01; c <= 0xff5e; c++) FOLD[c] = c - 0xfee0;
for (const c of [0xff0c, 0xff1b, 0xff01, 0xff1f, 0xff5e]) FOLD[c] = 0;
for (const c of [0x3000, 0xa0, 0x202f]) FOLD[c] = 32;
for (let c = 0x2000; c <= 0x200a; c++) FOLD[c] = 32;
for (let c = 0x2010; c <= 0x2015; c++) FOLD[c] = 45;
FOLD[0x2212] = 45;
for (const c of [0x2022, 0x30fb, 0xff65]) FOLD[c] = 0xb7;

const CHAR: string[] = [];
for (let c = 0; c < 256; c++) CHAR.push(String.fromCharCode(c));

/** Short texts: splice folded characters between slices (few pieces, no per-char copy in JS). */
function foldSplice(text: string, from: number): string {
  let out = '';
  let prev = 0;
  const n = text.length;
  for (let i = from; i < n; i++) {
    const f = FOLD[text.charCodeAt(i)]!;
    if (f !== 0) {
      out += text.slice(prev, i) + CHAR[f]!;
      prev = i + 1;
    }
  }
  return out + text.slice(prev);
}

/** Long texts: one UTF-16 buffer, decoded once. */
function foldBuffer(text: string): string {
  const n = text.length;
  const buf = Buffer.allocUnsafe(n * 2);
  const u16 = new Uint16Array(buf.buffer, buf.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const f = FOLD[c]!;
    u16[i] = f === 0 ? c : f;
  }
  return buf.toString('utf16le');
}

/**
 * Normalise `text` for matching. Returns `text` itself when nothing needs folding.
 *
 * @example
 * normalizeText('手机：１３８－１２３４－５６７８') // '手机:138-1234-5678'
 */
export function normalizeText(text: string): string {
  const first = text.search(NEEDS_FOLD);
  if (first < 0) return text;
  return text.length < 16384 ? foldSplice(text, first) : foldBuffer(text);
}
