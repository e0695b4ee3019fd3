/**
 * The canary key: from `LEAKGUARD_CANARY_KEY`, else `LEAKGUARD_KEY`, or a key file (src/protect/keys) — never from
 * code. Two independent subkeys come from it (HKDF-SHA256 over the key ring's `hash` subkey): one seeds the keyed
 * generator of canary values, one computes the keyed fingerprints the registry stores. Without the key nobody can
 * tell a canary from a real record, nor forge one that the registry recognises.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { loadKey } from '../../protect/keys/index.js';
import type { CanaryField } from './record.js';

export const CANARY_KEY_ENV = 'LEAKGUARD_CANARY_KEY';
export const FALLBACK_KEY_ENV = 'LEAKGUARD_KEY';

/** Keyed operations on canary values. */
export interface CanaryKey {
  /** Seed material of the keyed generator. */
  readonly generatorKey: Uint8Array;
  /** Keyed fingerprint (hex, 128 bits) of a field value, over its normalised form. */
  fingerprint(field: CanaryField, value: string): string;
}

/** Options of {@link loadCanaryKey}. */
export interface CanaryKeyOptions {
  env?: Readonly<Record<string, string | undefined>>;
  keyFile?: string | undefined;
  cwd?: string;
  onWarning?: (message: string) => void;
}

/**
 * The normalised form a fingerprint is computed over, so a leaked copy that re-formats a value still matches:
 * phones as their last 11 digits, card numbers as digits, resident IDs and e-mails case-folded, names and
 * addresses without whitespace.
 *
 * @example
 * normalizeCanaryValue('phone', '+86 138-1234-5678') // '13812345678'
 */
export function normalizeCanaryValue(field: CanaryField, value: string): string {
  const v = value.normalize('NFKC').trim();
  switch (field) {
    case 'phone':
      return v.replace(/\D/g, '').slice(-11);
    case 'bank_card':
    case 'birth_date':
      return v.replace(/\D/g, '');
    case 'resident_id':
      return v.replace(/\s/g, '').toUpperCase();
    case 'email':
      return v.toLowerCase();
    case 'name':
    case 'address':
      return v.replace(/\s/g, '');
  }
}

/**
 * A canary key from raw key bytes (tests and callers holding a KeyMaterial's subkey).
 *
 * @example
 * createCanaryKey(randomBytes(32))
 */
export function createCanaryKey(base: Uint8Array): CanaryKey {
  const fp = Buffer.from(hkdfSync('sha256', base, 'leakguard/canary/v1', 'fingerprint', 32));
  const gen = new Uint8Array(hkdfSync('sha256', base, 'leakguard/canary/v1', 'generate', 32));
  return {
    generatorKey: gen,
    fingerprint(field, value) {
      return createHmac('sha256', fp)
        .update(`${field}:${normalizeCanaryValue(field, value)}`)
        .digest('hex')
        .slice(0, 32);
    },
  };
}

/**
 * Load the canary key.
 *
 * @throws ConfigError `LG_KEY_MISSING` / `LG_KEY_INVALID` naming the variable or file, never the material
 * @example
 * const key = loadCanaryKey({ env: process.env });
 */
export function loadCanaryKey(options: CanaryKeyOptions = {}): CanaryKey {
  const env = options.env ?? process.env;
  const spec = options.keyFile
    ? { file: options.keyFile }
    : { env: env[CANARY_KEY_ENV] !== undefined ? CANARY_KEY_ENV : FALLBACK_KEY_ENV };
  const key = loadKey('canary', spec, {
    env,
    ...(options.cwd ? { baseDir: options.cwd } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  return createCanaryKey(key.derive('hash'));
}
