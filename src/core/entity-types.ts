/**
 * The entity types leakguard detects. Names are part of the public contract (CLI output, JSONL, catalog):
 * never rename one.
 */

/** Metadata for one entity type. */
export interface EntityTypeInfo {
  readonly description: string;
  /** ISO 3166-1 alpha-2 country, or `null` for international types. */
  readonly country: string | null;
  /**
   * Whether PIPL Art. 28 counts this type as sensitive personal information in general (financial accounts,
   * credentials, virtual property). Identity numbers are personal information of high risk but, per TC260
   * 2024 guidance and GB/T 45574-2025, not sensitive per se; any finding becomes sensitive when its holder is
   * under 14 (derivable from a resident ID) — that is `Finding.sensitive`.
   */
  readonly sensitive: boolean;
  /**
   * Tie-break rank used when two findings overlap with equal score: the more specific type wins
   * (a UnionPay card beats a generic credit card, a Chinese mobile beats an international phone).
   */
  readonly priority: number;
  /** Whether a checksum validates this type (used by eval targets and docs). */
  readonly checksum: boolean;
}

export const ENTITY_TYPES = {
  CN_RESIDENT_ID: {
    description: 'PRC resident identity card number (GB 11643, 18 chars, MOD 11-2 check; 15-digit legacy with context)',
    country: 'CN',
    sensitive: false,
    priority: 95,
    checksum: true,
  },
  CN_RESIDENCE_PERMIT_HMT: {
    description: 'Residence permit for Hong Kong, Macau and Taiwan residents (810000/820000/830000 + GB 11643 scheme)',
    country: 'CN',
    sensitive: false,
    priority: 96,
    checksum: true,
  },
  CN_MOBILE: {
    description: 'Mainland China mobile number (11 digits, 1[3-9]x carrier prefixes, optional +86)',
    country: 'CN',
    sensitive: false,
    priority: 85,
    checksum: false,
  },
  CN_LANDLINE: {
    description:
      'Mainland China fixed-line number (area code + 7/8 digits); 400/800 service numbers are organisational',
    country: 'CN',
    sensitive: false,
    priority: 80,
    checksum: false,
  },
  CN_BANK_CARD: {
    description: 'Bank card number issued in China (UnionPay 62/81 and Chinese issuer BINs, 16-19 digits, Luhn)',
    country: 'CN',
    sensitive: true,
    priority: 88,
    checksum: true,
  },
  CN_USCC: {
    description: 'Unified Social Credit Code (GB 32100, 18 chars, mod-31 check); individual businesses told apart',
    country: 'CN',
    sensitive: false,
    priority: 90,
    checksum: true,
  },
  CN_PASSPORT: {
    description: 'PRC passport number (E/G/P/S/D + 8 chars)',
    country: 'CN',
    sensitive: false,
    priority: 70,
    checksum: false,
  },
  CN_HK_MACAU_PERMIT: {
    description: 'Exit-entry permit / mainland travel permit for Hong Kong and Macau (C/H/M + 8-10 digits)',
    country: 'CN',
    sensitive: false,
    priority: 70,
    checksum: false,
  },
  CN_TAIWAN_PERMIT: {
    description: 'Mainland travel permit for Taiwan residents (台胞证, 8 digits, older forms with letters)',
    country: 'CN',
    sensitive: false,
    priority: 65,
    checksum: false,
  },
  HK_ID: {
    description: 'Hong Kong identity card number (1-2 letters + 6 digits + check digit)',
    country: 'HK',
    sensitive: false,
    priority: 80,
    checksum: true,
  },
  TW_NATIONAL_ID: {
    description: 'Taiwan national identification number (letter + 9 digits, checksum)',
    country: 'TW',
    sensitive: false,
    priority: 80,
    checksum: true,
  },
  CN_FOREIGN_PR_ID: {
    description:
      'Foreign permanent resident ID card (2017: 9 + region + nationality + date + check; 2023: 18-char GB 11643 style)',
    country: 'CN',
    sensitive: false,
    priority: 94,
    checksum: true,
  },
  CN_LICENSE_PLATE: {
    description: 'Mainland China vehicle licence plate (province abbreviation + letter + 5 or 6 characters)',
    country: 'CN',
    sensitive: false,
    priority: 70,
    checksum: false,
  },
  VIN: {
    description: 'Vehicle identification number (17 chars, ISO 3779, position-9 check digit)',
    country: null,
    sensitive: false,
    priority: 75,
    checksum: true,
  },
  EMAIL_ADDRESS: {
    description: 'E-mail address (RFC 5321 shape, Unicode local parts)',
    country: null,
    sensitive: false,
    priority: 75,
    checksum: false,
  },
  PHONE_NUMBER: {
    description: 'International telephone number (validated against libphonenumber metadata)',
    country: null,
    sensitive: false,
    priority: 60,
    checksum: false,
  },
  CREDIT_CARD: {
    description: 'Payment card number (Visa, Mastercard, Amex, Discover, JCB, Diners; Luhn)',
    country: null,
    sensitive: true,
    priority: 78,
    checksum: true,
  },
  IBAN_CODE: {
    description: 'International bank account number (per-country length, mod 97)',
    country: null,
    sensitive: true,
    priority: 85,
    checksum: true,
  },
  US_SSN: {
    description: 'US social security number (invalid areas and groups rejected)',
    country: 'US',
    sensitive: false,
    priority: 70,
    checksum: false,
  },
  IP_ADDRESS: {
    description: 'IPv4 or IPv6 address (including compressed IPv6)',
    country: null,
    sensitive: false,
    priority: 50,
    checksum: false,
  },
  MAC_ADDRESS: {
    description: 'IEEE 802 MAC address (colon, hyphen or dot notation)',
    country: null,
    sensitive: false,
    priority: 55,
    checksum: false,
  },
  CRYPTO: {
    description: 'Cryptocurrency address (Bitcoin base58check, bech32/bech32m; Ethereum with EIP-55)',
    country: null,
    sensitive: true,
    priority: 80,
    checksum: true,
  },
  DATE_OF_BIRTH: {
    description: 'A calendar date with birth context',
    country: null,
    sensitive: false,
    priority: 40,
    checksum: false,
  },
  PERSON: {
    description: "A person's name (Chinese surname lists incl. compound surnames; English names with context)",
    country: null,
    sensitive: false,
    priority: 30,
    checksum: false,
  },
  ADDRESS: {
    description: 'A postal address (Chinese administrative structure; US-style street addresses)',
    country: null,
    sensitive: false,
    priority: 35,
    checksum: false,
  },
  SECRET: {
    description:
      'A credential that opens a data store: cloud keys, private keys, JWTs, URLs with passwords, password assignments',
    country: null,
    sensitive: true,
    priority: 92,
    checksum: false,
  },
} as const satisfies Record<string, EntityTypeInfo>;

/** An entity type name, e.g. `CN_RESIDENT_ID`. */
export type EntityType = keyof typeof ENTITY_TYPES;

/** All entity type names in declaration order. */
export const ENTITY_TYPE_NAMES = Object.keys(ENTITY_TYPES) as readonly EntityType[];

/** Whether `name` is a known entity type. */
export function isEntityType(name: string): name is EntityType {
  return Object.hasOwn(ENTITY_TYPES, name);
}
