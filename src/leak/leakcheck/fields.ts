/**
 * The kinds of fields a breach exposed, as a stable vocabulary (the wire contract's `fields` list) stored as a
 * bit mask per identifier and breach, so re-ingesting merges with a bitwise OR in SQL. Append only: a bit's
 * meaning never changes.
 */

/** Field kinds in bit order. */
export const FIELD_KINDS = [
  'PHONE',
  'CN_RESIDENT_ID',
  'EMAIL',
  'NAME',
  'ADDRESS',
  'BANK_CARD',
  'DATE_OF_BIRTH',
  'PASSPORT',
  'LICENSE_PLATE',
  'IP_ADDRESS',
  'PASSWORD',
  'OTHER_ID',
] as const;

export type FieldKind = (typeof FIELD_KINDS)[number];

const BY_TYPE: Record<string, FieldKind> = {
  CN_MOBILE: 'PHONE',
  CN_LANDLINE: 'PHONE',
  PHONE_NUMBER: 'PHONE',
  CN_RESIDENT_ID: 'CN_RESIDENT_ID',
  EMAIL_ADDRESS: 'EMAIL',
  PERSON: 'NAME',
  ADDRESS: 'ADDRESS',
  CN_BANK_CARD: 'BANK_CARD',
  CREDIT_CARD: 'BANK_CARD',
  IBAN_CODE: 'BANK_CARD',
  DATE_OF_BIRTH: 'DATE_OF_BIRTH',
  CN_PASSPORT: 'PASSPORT',
  CN_LICENSE_PLATE: 'LICENSE_PLATE',
  VIN: 'LICENSE_PLATE',
  IP_ADDRESS: 'IP_ADDRESS',
  MAC_ADDRESS: 'IP_ADDRESS',
  SECRET: 'PASSWORD',
};

/**
 * The field kind of a detected entity type (`OTHER_ID` for the remaining identifiers).
 *
 * @example
 * fieldKindOf('CN_MOBILE') // 'PHONE'
 */
export function fieldKindOf(entityType: string): FieldKind {
  return BY_TYPE[entityType] ?? 'OTHER_ID';
}

/** The bit of a field kind. */
export function fieldBit(kind: FieldKind): number {
  return 1 << FIELD_KINDS.indexOf(kind);
}

/**
 * The field kinds of a mask, in vocabulary order (unknown bits ignored).
 *
 * @example
 * fieldsOfMask(0b101) // ['PHONE', 'EMAIL']
 */
export function fieldsOfMask(mask: number): FieldKind[] {
  const out: FieldKind[] = [];
  for (let i = 0; i < FIELD_KINDS.length; i++) if (mask & (1 << i)) out.push(FIELD_KINDS[i] as FieldKind);
  return out;
}
