/**
 * The progress record of in-place protection: `lg_protect_progress`, one row per (job, table), in the protected
 * database itself so it commits in the same transaction as the rows of each batch. A crash loses at most the
 * uncommitted batch (its rows and its progress together); a restart resumes after `last_key`, so no value is
 * protected twice.
 *
 * `policy_hash` fingerprints the rules (types, columns, operators, their options and key ids, the default rule,
 * `onError`): resuming with another policy would mix two protections in one table and is refused.
 */
import { createHash } from 'node:crypto';
import type { CompiledPolicy, CompiledRule } from '../policy.js';
import type { WriteConnection } from './connection.js';

/** The state table's name. */
export const PROGRESS_TABLE = 'lg_protect_progress';

/** One progress record. */
export interface ProgressRecord {
  /** The last primary key committed (`encodeKey` JSON), or null before the first batch. */
  readonly lastKey: string | null;
  readonly policyHash: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** When the job finished the table, or null. */
  readonly finishedAt: string | null;
  /** Rows processed so far. */
  readonly rows: number;
}

/**
 * The fingerprint of a policy's rules (SHA-256 hex). Holds no key material: keys enter by id only.
 *
 * @example
 * policyHash(policy) // 'f3a1…' (64 hex digits)
 */
export function policyHash(policy: CompiledPolicy): string {
  const rule = (r: CompiledRule): unknown => [
    r.types ?? null,
    r.columns ?? null,
    r.action,
    r.params ?? null,
    r.key?.id ?? null,
  ];
  const canonical = JSON.stringify(
    { rules: policy.rules.map(rule), default: rule(policy.defaultRule), onError: policy.onError },
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof RegExp) return v.toString();
      if (v instanceof Uint8Array) return createHash('sha256').update(v).digest('hex');
      if (v instanceof Map) return [...v.entries()];
      if (v instanceof Set) return [...v];
      if (typeof v === 'function') return undefined;
      return v;
    },
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/** Statements over the progress table for one connection's dialect. */
export class ProgressStore {
  readonly #conn: WriteConnection;
  readonly #table: string;
  readonly #col: string;

  constructor(conn: WriteConnection) {
    this.#conn = conn;
    const q = conn.dialect.quote;
    this.#table =
      conn.dialect.name === 'mysql' && conn.defaultSchema
        ? `${q(conn.defaultSchema)}.${q(PROGRESS_TABLE)}`
        : q(PROGRESS_TABLE);
    this.#col = q('table');
  }

  #p(i: number): string {
    return this.#conn.dialect.param(i);
  }

  /** Creates the table when missing (outside any transaction: MySQL commits DDL implicitly). */
  async ensure(): Promise<void> {
    const big = this.#conn.dialect.name === 'sqlite' ? 'INTEGER' : 'BIGINT';
    const text = this.#conn.dialect.name === 'mysql' ? 'LONGTEXT' : 'TEXT';
    await this.#conn.query(
      `CREATE TABLE IF NOT EXISTS ${this.#table} (job VARCHAR(150) NOT NULL, ${this.#col} VARCHAR(400) NOT NULL,
        last_key ${text}, policy_hash CHAR(64) NOT NULL, started_at VARCHAR(40) NOT NULL, updated_at VARCHAR(40) NOT NULL,
        finished_at VARCHAR(40), rows_done ${big} NOT NULL DEFAULT 0, PRIMARY KEY (job, ${this.#col}))`,
    );
  }

  /** The record of `job` on `table`, locked until the transaction ends when `lock` (PostgreSQL, MySQL). */
  async get(job: string, table: string, lock = false): Promise<ProgressRecord | undefined> {
    const forUpdate = lock && this.#conn.dialect.name !== 'sqlite' ? ' FOR UPDATE' : '';
    const rows = await this.#conn.query(
      `SELECT last_key, policy_hash, started_at, updated_at, finished_at, rows_done FROM ${this.#table}
       WHERE job = ${this.#p(1)} AND ${this.#col} = ${this.#p(2)}${forUpdate}`,
      [job, table],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      lastKey: r[0] == null ? null : String(r[0]),
      policyHash: String(r[1]),
      startedAt: String(r[2]),
      updatedAt: String(r[3]),
      finishedAt: r[4] == null ? null : String(r[4]),
      rows: Number(r[5]),
    };
  }

  /** Starts (or restarts) `job` on `table` from the first key. */
  async start(job: string, table: string, hash: string): Promise<void> {
    const now = new Date().toISOString();
    await this.#conn.query(`DELETE FROM ${this.#table} WHERE job = ${this.#p(1)} AND ${this.#col} = ${this.#p(2)}`, [
      job,
      table,
    ]);
    await this.#conn.query(
      `INSERT INTO ${this.#table} (job, ${this.#col}, last_key, policy_hash, started_at, updated_at, finished_at, rows_done)
       VALUES (${this.#p(1)}, ${this.#p(2)}, NULL, ${this.#p(3)}, ${this.#p(4)}, ${this.#p(5)}, NULL, 0)`,
      [job, table, hash, now, now],
    );
  }

  /** Moves the record past one committed batch (call inside the batch's transaction). */
  async advance(job: string, table: string, lastKey: string, rows: number): Promise<void> {
    await this.#conn.query(
      `UPDATE ${this.#table} SET last_key = ${this.#p(1)}, rows_done = ${this.#p(2)}, updated_at = ${this.#p(3)}
       WHERE job = ${this.#p(4)} AND ${this.#col} = ${this.#p(5)}`,
      [lastKey, rows, new Date().toISOString(), job, table],
    );
  }

  /** Marks the job finished on the table. */
  async finish(job: string, table: string): Promise<void> {
    const now = new Date().toISOString();
    await this.#conn.query(
      `UPDATE ${this.#table} SET finished_at = ${this.#p(1)}, updated_at = ${this.#p(2)}
       WHERE job = ${this.#p(3)} AND ${this.#col} = ${this.#p(4)}`,
      [now, now, job, table],
    );
  }
}
