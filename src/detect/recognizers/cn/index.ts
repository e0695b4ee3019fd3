/**
 * Chinese and Greater-China recognizers, in the order the analyzer calls them for a shared trigger.
 */
import type { Recognizer } from '../../recognizer.js';

/** Every recognizer for mainland-China, Hong Kong, Macau and Taiwan identifiers. */
export const cnRecognizers: readonly Recognizer[] = [];
