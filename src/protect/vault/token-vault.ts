/**
 * The token vault contract used by the `tokenize` operator: random tokens mapped to their originals, which are
 * stored encrypted (AES-SIV under the rule key's `tokenize-seal` subkey, with the token as associated data, so a
 * sealed value cannot be moved to another token). The vault never sees a clear value or a key.
 *
 * Methods may return promises so network-backed vaults (PostgreSQL) fit; the built-in in-memory and SQLite
 * vaults answer synchronously, which keeps `tokenize` on the synchronous fast path.
 */
import type { MaybePromise } from '../operator.js';

/** One stored token. */
export interface TokenRecord {
  /** The token handed out in place of the value. */
  readonly token: string;
  /**
   * A keyed hash of the normalised value (hex HMAC-SHA256 under the key's `tokenize-index` subkey): the same
   * value tokenized twice under the same key finds its existing token without decrypting anything.
   */
  readonly index: string;
  /** The original, sealed with AES-SIV (`V ‖ C`). */
  readonly sealed: Uint8Array;
  /** Id of the key that sealed it. */
  readonly kid: string;
  /** Entity type or column the value was tokenized as (metadata; may be empty). */
  readonly type: string;
  /** ISO 8601 creation time. */
  readonly createdAt: string;
}

/** What happened when someone asked for an original. */
export type VaultAuditOutcome = 'ok' | 'not-found' | 'failed';

/** One audit record: written for every detokenize attempt, successful or not. Holds no personal value. */
export interface VaultAuditEvent {
  /** ISO 8601 time. */
  readonly at: string;
  readonly action: 'detokenize';
  readonly token: string;
  /** Id of the key used (when known). */
  readonly kid: string;
  /** Who asked (free text from the caller, e.g. a user name or service id); empty when not given. */
  readonly actor: string;
  readonly outcome: VaultAuditOutcome;
}

/** Token storage. Implementations pass the shared suite in `vault.test.ts`. */
export interface TokenVault {
  /**
   * Stores `record` unless a record with the same `index` exists.
   * Returns the record now stored for that index (an existing one wins, so concurrent writers agree), or
   * `undefined` when `record.token` is already taken by a different index (the caller draws a new token).
   */
  put(record: TokenRecord): MaybePromise<TokenRecord | undefined>;
  /** The record for a keyed value hash, if any. */
  lookup(index: string): MaybePromise<TokenRecord | undefined>;
  /** The record for a token, if any. */
  get(token: string): MaybePromise<TokenRecord | undefined>;
  /** Appends an audit record. */
  audit(event: VaultAuditEvent): MaybePromise<void>;
  /** Audit records, oldest first (for review and tests). */
  auditLog(): MaybePromise<readonly VaultAuditEvent[]>;
  /** Releases resources (database handles). */
  close(): MaybePromise<void>;
  /**
   * A random id created with the vault's storage and kept in it (`lg_vault_meta`), so processes can tell whether
   * they share one vault however they reach it (distributed protect refuses a worker whose vault differs: its
   * tokens would never be found by `reveal`). Optional for custom vaults: without it nothing is checked.
   */
  vaultId?(): MaybePromise<string>;
  /**
   * Connects a vault that connects lazily (PostgreSQL) and runs its migrations; resolves at once for the others.
   * Callers await it before reading data so an unreachable vault fails first.
   */
  ready?(): Promise<void>;
}
