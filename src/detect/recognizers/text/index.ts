/**
 * Text-level recognizers: person names, postal addresses and dates of birth (Chinese and English). They fire on
 * cue keywords (labels, honorifics, gazetteer names) rather than on every character, so ordinary prose costs a
 * table lookup per character.
 */
import type { Recognizer } from '../../recognizer.js';
import { addressRecognizer } from './address.js';
import { dateOfBirthRecognizer } from './date-of-birth.js';
import { personRecognizer } from './person.js';

/** Every text-level recognizer. */
export const textRecognizers: readonly Recognizer[] = [personRecognizer, addressRecognizer, dateOfBirthRecognizer];
