/**
 * Line positions in a text: the offsets where lines start, and the line of an offset by binary search.
 */

/**
 * Offsets where each line starts (the first is 0; a line starts after each `\n`).
 *
 * @example
 * lineStarts('a\nbc\n') // [0, 2, 5]
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The 0-based line holding `offset`, given {@link lineStarts} of the text.
 *
 * @example
 * lineOf([0, 2, 5], 3) // 1
 */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
