/**
 * The built-in recognizer list, registered explicitly (no discovery by import side effect). Order matters only
 * for speed: the analyzer calls recognizers of a trigger in this order.
 */
import type { Recognizer } from './recognizer.js';
import { cnRecognizers } from './recognizers/cn/index.js';
import { intlRecognizers } from './recognizers/intl/index.js';
import { textRecognizers } from './recognizers/text/index.js';

/** Every built-in recognizer. */
export const builtinRecognizers: readonly Recognizer[] = [...cnRecognizers, ...intlRecognizers, ...textRecognizers];
