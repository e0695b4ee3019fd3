/**
 * International recognizers: e-mail, phone numbers, payment cards, IBAN, US SSN, IP and MAC addresses,
 * cryptocurrency addresses and credentials.
 */
import type { Recognizer } from '../../recognizer.js';
import { creditCardRecognizer } from './credit-card.js';
import { cryptoRecognizer } from './crypto.js';
import { emailRecognizer } from './email.js';
import { ibanRecognizer } from './iban.js';
import { ipAddressRecognizer } from './ip-address.js';
import { macAddressRecognizer } from './mac-address.js';
import { phoneRecognizer } from './phone.js';
import { secretAssignmentRecognizer } from './secret-assignment.js';
import { secretJwtRecognizer } from './secret-jwt.js';
import { secretPrivateKeyRecognizer } from './secret-private-key.js';
import { secretTokenRecognizer } from './secret-token.js';
import { secretUrlRecognizer } from './secret-url.js';
import { usSsnRecognizer } from './us-ssn.js';

/** Every international recognizer, in the order the analyzer calls them for a shared trigger. */
export const intlRecognizers: readonly Recognizer[] = [
  emailRecognizer,
  creditCardRecognizer,
  phoneRecognizer,
  usSsnRecognizer,
  ipAddressRecognizer,
  macAddressRecognizer,
  ibanRecognizer,
  cryptoRecognizer,
  secretTokenRecognizer,
  secretJwtRecognizer,
  secretPrivateKeyRecognizer,
  secretUrlRecognizer,
  secretAssignmentRecognizer,
];
