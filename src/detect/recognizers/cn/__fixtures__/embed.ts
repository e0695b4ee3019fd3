/**
 * Test support for the `cn` recognizer tests (not part of the build): random CJK/ASCII surroundings that never
 * extend a value (no letters, digits, `*`, `+`, `(` or `·` next to it) and never carry context words, and a
 * one-recognizer analyzer.
 */
import fc from 'fast-check';
import type { Finding } from '../../../../core/finding.js';
import { createSeededRng, type Rng } from '../../../../synth/rng.js';
import { createAnalyzer } from '../../../analyzer.js';
import type { Recognizer } from '../../../recognizer.js';

const FILLER_CHARS = Array.from(
  '的是在了和我你他们中人说上下年月日今天明后前里外来去看好很也都就要会可以这那么没着过把被让给对从向跟与或但所因为如果虽然，。、；：！？“”《》（）【】 \n\t,.;:!?"\'[]{}<>/=&|~_',
);

/** Random filler text: CJK, Chinese and ASCII punctuation, spaces and newlines. */
export const filler: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...FILLER_CHARS), { maxLength: 24 })
  .map((a) => a.join(''));

/** A generator-produced value embedded in random filler, with an optional label right before it. */
export function embedded(
  generate: (rng: Rng) => string,
  label = '',
): fc.Arbitrary<{ text: string; start: number; end: number; value: string }> {
  return fc.tuple(filler, fc.integer({ min: 0, max: 0x7fffffff }), filler).map(([pre, seed, post]) => {
    const value = generate(createSeededRng(seed));
    // The analyzer treats `_` as a word character and fires ALNUM only where a word starts, so `_E12345678` is one
    // word that does not start with the value: keep `_` off the character right before the value.
    const head = `${pre}${label}`.replace(/_$/, ' ');
    return { text: `${head}${value}${post}`, start: head.length, end: head.length + value.length, value };
  });
}

/** Findings of one recognizer alone (masked ones included), above the default threshold. */
export function findingsOf(recognizer: Recognizer, text: string): Finding[] {
  let a = cache.get(recognizer);
  if (a === undefined) {
    a = createAnalyzer({ recognizers: [recognizer], includeMasked: true });
    cache.set(recognizer, a);
  }
  return a.detect(text);
}

const cache = new Map<Recognizer, ReturnType<typeof createAnalyzer>>();

/** `[type, start, end]` triples, for compact assertions. */
export function spans(recognizer: Recognizer, text: string): [string, number, number][] {
  return findingsOf(recognizer, text).map((f) => [f.type, f.start, f.end]);
}

/** Replace the character at `i` of `s` by `c`. */
export function replaceAt(s: string, i: number, c: string): string {
  return s.slice(0, i) + c + s.slice(i + 1);
}
