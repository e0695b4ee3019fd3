/**
 * Chinese and Greater-China recognizers, in the order the analyzer calls them for a shared trigger: the
 * checksum-validated 18-character numbers first (their O(1) gates reject most digit runs), then phones and
 * cards, then the shape-only documents.
 */
import type { Recognizer } from '../../recognizer.js';
import { bankCardRecognizer } from './bank-card.js';
import { foreignPrIdRecognizer } from './foreign-pr-id.js';
import { hkIdRecognizer } from './hk-id.js';
import { hkMacauPermitRecognizer } from './hk-macau-permit.js';
import { landlineRecognizer } from './landline.js';
import { licensePlateRecognizer } from './license-plate.js';
import { mobileRecognizer } from './mobile.js';
import { passportRecognizer } from './passport.js';
import { residencePermitHmtRecognizer } from './residence-permit-hmt.js';
import { residentIdRecognizer } from './resident-id.js';
import { taiwanPermitRecognizer } from './taiwan-permit.js';
import { twIdRecognizer } from './tw-id.js';
import { usccRecognizer } from './uscc.js';
import { vinRecognizer } from './vin.js';

/** Every recognizer for mainland-China, Hong Kong, Macau and Taiwan identifiers. */
export const cnRecognizers: readonly Recognizer[] = [
  residentIdRecognizer,
  residencePermitHmtRecognizer,
  foreignPrIdRecognizer,
  usccRecognizer,
  bankCardRecognizer,
  mobileRecognizer,
  landlineRecognizer,
  taiwanPermitRecognizer,
  passportRecognizer,
  hkMacauPermitRecognizer,
  hkIdRecognizer,
  twIdRecognizer,
  vinRecognizer,
  licensePlateRecognizer,
];
