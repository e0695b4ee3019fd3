/**
 * Secret audit result types.
 */

/** What `--verify` concluded about a credential. */
export interface Verification {
  /**
   * `live`: the server checked the password and accepted it. `server-open`: the server let the client in without
   * checking any password, so the credential was not tested (and the server is exposed). `refused`: the server
   * checked and refused it.
   */
  status: 'live' | 'server-open' | 'refused' | 'unreachable' | 'not-service' | 'skipped' | 'unsupported';
  /** What it opens (databases, indices) or why it was not tried. Never the secret. */
  detail?: string;
}

/** One secret, reported once however many commits and files repeat it at the same path. */
export interface SecretFinding {
  /** Rule id: an engine recognizer (`secret-url`, `secret-assignment`, …) or an audit rule (`redis-requirepass`). */
  rule: string;
  type: string;
  /** Path relative to the scanned root (forward slashes). */
  file: string;
  line: number;
  /** Masked preview (kind-naming prefix only). */
  preview: string;
  /** Salted HMAC of rule, file and value: stable for baselines, useless for recovering the value. */
  fingerprint: string;
  score: number;
  /** Present in the working tree (false: deleted, only in history). */
  inWorkingTree: boolean;
  /** The commit that added it (history scans). */
  commit?: string;
  /**
   * For a secret no longer at this path: where the same value still is in the working tree (`file:line`), so it is
   * not reported as deleted. Absent when the value is gone from the tree.
   */
  stillInTree?: string;
  /** Why it matters beyond being a secret, e.g. "well-known default password: …". Never the value. */
  note?: string;
  /** For connection strings: scheme and host:port (no credentials). */
  target?: string;
  verified?: Verification;
}

/** A connection string kept in memory for `--verify` only. */
export interface Verifiable {
  scheme: string;
  host: string;
  port: number;
  user: string;
  password: string;
  path: string;
}
