/**
 * Length-preserving text normalisation (reference §0): every change maps one UTF-16 unit to one, so offsets
 * found in the normalised text are offsets into the original.
 *
 * - full-width forms U+FF01–U+FF5E → ASCII (`１３８` → `138`, `＠` → `@`, `：` → `:`);
 * - ideographic space U+3000, NBSP, U+2000–U+200A, narrow NBSP → space;
 * - dash variants U+2010–U+2015, U+2212 (minus) → `-`;
 * - middle-dot variants (U+2022, U+30FB, U+FF65) → U+00B7 (names such as `买买提·艾力`).
 */

const UTF16 = new TextDecoder('utf-16le');

/** Characters that need folding: a quick test lets the common case return the input unchanged. */
const NEEDS_FOLD = /[\uff01-\uff5e\u3000\u00a0\u2000-\u200a\u202f\u2010-\u2015\u2212\u2022\u30fb\uff65]/;

function foldChar(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) return c - 0xfee0;
  if (c === 0x3000 || c === 0xa0 || c === 0x202f || (c >= 0x2000 && c <= 0x200a)) return 32;
  if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212) return 45;
  if (c === 0x2022 || c === 0x30fb || c === 0xff65) return 0xb7;
  return c;
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
  const n = text.length;
  const codes = new Uint16Array(n);
  for (let i = 0; i < first; i++) codes[i] = text.charCodeAt(i);
  for (let i = first; i < n; i++) codes[i] = foldChar(text.charCodeAt(i));
  // Lone surrogates decode to U+FFFD: one unit in, one unit out, so the length is still preserved.
  return UTF16.decode(codes);
}
