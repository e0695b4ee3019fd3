/**
 * The key behind the catalog's keyed hashes (distinct-people sketches, sample hashes). From `LEAKGUARD_KEY`
 * (hex or base64, ≥ 32 bytes), else a key file beside the SQLite catalog, created on first use with mode 0600.
 * A PostgreSQL catalog is shared between machines, so it needs `LEAKGUARD_KEY` on each of them: it fails
 * closed rather than invent a key that only one machine knows.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { loadKey } from '../protect/keys/index.js';

/**
 * Resolve the scan hash key (32 bytes, derived for the `hash` purpose).
 *
 * @throws ConfigError LG_KEY_MISSING for a shared catalog without `LEAKGUARD_KEY`; LG_KEY_INVALID for a bad key
 * @example
 * const hashKey = resolveScanKey('.leakguard/catalog.db', process.env);
 */
export function resolveScanKey(catalog: string, env: Readonly<Record<string, string | undefined>>): Uint8Array {
  if (env.LEAKGUARD_KEY) return loadKey('scan', { env: 'LEAKGUARD_KEY' }, { env }).derive('hash');
  if (/^postgres(ql)?:\/\//i.test(catalog)) {
    throw new ConfigError(
      'LG_KEY_MISSING',
      'Cannot use a shared PostgreSQL catalog without LEAKGUARD_KEY: every machine must hash with the same key',
    );
  }
  const file = join(dirname(catalog), 'catalog.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return loadKey('scan', { file }, { env }).derive('hash');
}
