/**
 * Character-class helpers for recognizers. All operate on UTF-16 code units of the normalised text
 * (so full-width forms have already been folded to ASCII). `NaN` (out of range) is never in any class,
 * which makes `text.charCodeAt(-1)` and `text.charCodeAt(text.length)` safe boundary probes.
 */

/** ASCII digit 0-9. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letter A-Z or a-z. */
export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** ASCII uppercase letter. */
export function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** ASCII letter or digit. */
export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** ASCII letter, digit or underscore. */
export function isWordChar(c: number): boolean {
  return isAlnum(c) || c === 95;
}

/** Hex digit 0-9, a-f, A-F. */
export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** CJK unified ideograph (basic block and extension A). */
export function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

/** Separator allowed inside grouped numbers: space or hyphen (after normalisation). */
export function isNumberSeparator(c: number): boolean {
  return c === 32 || c === 45;
}

/** True when the character before `start` and the one at `end` are not ASCII letters/digits. */
export function hasAlnumBoundaries(text: string, start: number, end: number): boolean {
  return !isAlnum(text.charCodeAt(start - 1)) && !isAlnum(text.charCodeAt(end));
}

/**
 * Collect the ASCII digits of `text[start, end)`, skipping separators. Returns `null` on any other character.
 * Allocates: call only after a cheap shape gate.
 */
export function digitsOf(text: string, start: number, end: number): string | null {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) out += text[i];
    else if (c !== 32 && c !== 45) return null;
  }
  return out;
}
