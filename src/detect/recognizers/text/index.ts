/**
 * Text-level recognizers: person names, postal addresses and dates of birth (Chinese and English). They fire on
 * cue keywords (labels, honorifics, gazetteer names) rather than on every character, so ordinary prose costs a
 * table lookup per character.
 */
import type { Recognizer } from '../../recognizer.js';

/** Every text-level recognizer. */
export const textRecognizers: readonly Recognizer[] = [];
