/**
 * Test helpers shared by unit and end-to-end tests (not used by the product): cutting input into chunks at
 * arbitrary points, for property tests of streaming parsers and scanners — whatever the chunking, the result
 * must equal the one-piece result.
 */

/**
 * `data` cut at `cuts` (each taken modulo `length + 1`, duplicates dropped, in order). Pieces may be empty
 * where two cuts coincide with an end.
 *
 * @example
 * splitAt('abcdef', [2, 4]) // ['ab', 'cd', 'ef']
 */
export function splitAt<T extends string | Buffer>(data: T, cuts: readonly number[]): T[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const piece = (from: number, to: number): T =>
    (typeof data === 'string' ? data.slice(from, to) : (data as Buffer).subarray(from, to)) as T;
  const out: T[] = [];
  let from = 0;
  for (const p of points) {
    out.push(piece(from, p));
    from = p;
  }
  out.push(piece(from, data.length));
  return out;
}
