/**
 * TLS settings from libpq's `sslmode` vocabulary, shared by the PostgreSQL and MySQL drivers (and the
 * Elasticsearch client for `es+https://`).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { UsageError } from '../../core/errors.js';
import type { TlsMode } from '../db-url.js';

/**
 * TLS options for an sslmode (libpq semantics): `disable` → no TLS; `allow`/`prefer`/`require` → TLS without
 * certificate checks (with a CA file, the chain is verified, as libpq does); `verify-ca` → chain verified, host
 * name not; `verify-full` → both. The drivers fall back to plain connections for `allow`/`prefer` only.
 *
 * @example
 * tlsOptions('verify-full', undefined) // { rejectUnauthorized: true }
 */
export function tlsOptions(mode: TlsMode, ca: string | undefined): false | ConnectionOptions {
  switch (mode) {
    case 'disable':
      return false;
    case 'allow':
    case 'prefer':
    case 'require':
      return ca
        ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }
        : { rejectUnauthorized: false };
    case 'verify-ca':
      return { ...(ca ? { ca } : {}), rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...(ca ? { ca } : {}), rejectUnauthorized: true };
  }
}

/**
 * Read the CA file named by `?sslrootcert=`.
 *
 * @throws {UsageError} `LG_USAGE` when the file cannot be read.
 */
export function readCaFile(file: string | undefined, display: string): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UsageError(`Cannot read the sslrootcert file "${file}" of "${display}"`, { cause });
  }
}
