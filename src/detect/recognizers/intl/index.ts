/**
 * International recognizers: e-mail, phone numbers, payment cards, IBAN, US SSN, IP and MAC addresses,
 * cryptocurrency addresses and credentials.
 */
import type { Recognizer } from '../../recognizer.js';

/** Every international recognizer, in the order the analyzer calls them. */
export const intlRecognizers: readonly Recognizer[] = [];
