/**
 * Canary records: synthetic people whose every value is derived from the canary key (valid resident ID check
 * character, real carrier prefix, Luhn-valid bank card, plausible name and address), registered by keyed
 * fingerprint so that any single field found in a leak names the plant it came from.
 */
import { generateBankCard, generateMobile, generateResidentId } from '../../synth/cn.js';
import { createKeyedRng, type Rng } from '../../synth/rng.js';
import { generateChineseAddress, generateChineseName } from '../../synth/text.js';

/** Fields of a canary record, in output order. */
export const CANARY_FIELDS = ['name', 'phone', 'resident_id', 'email', 'address', 'bank_card', 'birth_date'] as const;
export type CanaryField = (typeof CANARY_FIELDS)[number];

/** One synthetic person. */
export type CanaryRecord = Record<CanaryField, string>;

/**
 * How much one matching field says about a leak: `strong` values are keyed-random identifiers nobody else holds
 * (one is enough), `medium` ones are unlikely but not impossible to meet by chance, `weak` ones (names) only
 * corroborate a stronger hit in the same record. Birth dates are not registered at all (too few of them).
 */
export const FIELD_STRENGTH: Record<CanaryField, 'strong' | 'medium' | 'weak' | 'none'> = {
  name: 'weak',
  phone: 'strong',
  resident_id: 'strong',
  email: 'strong',
  address: 'medium',
  bank_card: 'strong',
  birth_date: 'none',
};

/** The entity types of each field, as detection reports them. */
export const FIELD_ENTITY: Record<CanaryField, string> = {
  name: 'PERSON',
  phone: 'CN_MOBILE',
  resident_id: 'CN_RESIDENT_ID',
  email: 'EMAIL_ADDRESS',
  address: 'ADDRESS',
  bank_card: 'CN_BANK_CARD',
  birth_date: 'DATE_OF_BIRTH',
};

/** Canary field of a detected entity type or a column name hint. */
export function canaryFieldOfType(type: string): CanaryField | undefined {
  switch (type) {
    case 'PERSON':
      return 'name';
    case 'CN_MOBILE':
    case 'PHONE':
    case 'PHONE_NUMBER':
      return 'phone';
    case 'CN_RESIDENT_ID':
      return 'resident_id';
    case 'EMAIL_ADDRESS':
      return 'email';
    case 'ADDRESS':
      return 'address';
    case 'CN_BANK_CARD':
    case 'CREDIT_CARD':
      return 'bank_card';
    case 'DATE_OF_BIRTH':
      return 'birth_date';
    default:
      return undefined;
  }
}

const MAIL_DOMAINS = ['163.com', '126.com', 'qq.com', 'sina.com', 'foxmail.com', 'outlook.com', 'aliyun.com'];
const LOCAL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

function mailbox(rng: Rng): string {
  let local = String.fromCharCode(97 + rng.int(26));
  const n = 7 + rng.int(5);
  for (let i = 0; i < n; i++) local += LOCAL_CHARS[rng.int(LOCAL_CHARS.length)];
  return `${local}@${rng.pick(MAIL_DOMAINS)}`;
}

/**
 * The `attempt`-th candidate record `index` of plant `plantId` (callers move to the next attempt when a value
 * collides with one already registered).
 *
 * @example
 * generateCanaryRecord(key.generatorKey, 'p-1a2b', 0, 0).phone // '139…'
 */
export function generateCanaryRecord(
  generatorKey: Uint8Array,
  plantId: string,
  index: number,
  attempt = 0,
): CanaryRecord {
  const rng = createKeyedRng(generatorKey, `canary:${plantId}:${index}:${attempt}`);
  const residentId = generateResidentId(rng);
  return {
    name: generateChineseName(rng),
    phone: generateMobile(rng),
    resident_id: residentId,
    email: mailbox(rng),
    address: generateChineseAddress(rng),
    bank_card: generateBankCard(rng),
    birth_date: `${residentId.slice(6, 10)}-${residentId.slice(10, 12)}-${residentId.slice(12, 14)}`,
  };
}
