/**
 * The lookup service's VOPRF key pair, derived from a configured key (environment variable `LEAKGUARD_OPRF_KEY`
 * or a key file, at least 32 random bytes, via src/protect/keys) — never from code. The same configured key always
 * gives the same pair, so `ingest` and `serve` agree without storing the secret scalar anywhere.
 *
 * Derivation: the key ring's `hash` subkey (HKDF-SHA256), then HKDF-SHA256 with salt `leakguard/leakcheck/v1`
 * and info `oprf-seed` to a 32-byte seed, then RFC 9497 DeriveKeyPair(seed, "leakguard leakcheck v1").
 */
import { hkdfSync } from 'node:crypto';
import { loadKey } from '../../protect/keys/index.js';
import { deriveKeyPair, type VoprfKeyPair } from './voprf.js';

/** Environment variable holding the service key (hex or base64). */
export const OPRF_KEY_ENV = 'LEAKGUARD_OPRF_KEY';

/** Options of {@link loadLeakcheckKeys}. */
export interface LeakcheckKeyOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** A key file instead of the environment variable. */
  keyFile?: string | undefined;
  /** Folder a relative key file is resolved against. */
  cwd?: string;
  onWarning?: (message: string) => void;
}

/**
 * Load the service key pair.
 *
 * @throws ConfigError `LG_KEY_MISSING` / `LG_KEY_INVALID` naming the variable or file, never the material
 * @example
 * const keys = loadLeakcheckKeys({ env: process.env });
 */
export function loadLeakcheckKeys(options: LeakcheckKeyOptions = {}): VoprfKeyPair {
  const spec = options.keyFile ? { file: options.keyFile } : { env: OPRF_KEY_ENV };
  const key = loadKey('oprf', spec, {
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { baseDir: options.cwd } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const seed = new Uint8Array(hkdfSync('sha256', key.derive('hash'), 'leakguard/leakcheck/v1', 'oprf-seed', 32));
  return deriveKeyPair(seed, new TextEncoder().encode('leakguard leakcheck v1'));
}
