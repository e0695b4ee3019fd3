/**
 * The guard's audit log: one row per request in the catalog database, chained by SHA-256 — each row's hash
 * covers its own fields and the previous row's hash, and a head row holds the last sequence number and hash.
 * `verifyAudit` recomputes the chain and reports the first edited, removed or reordered row; removing rows at
 * the end is caught by the head. Someone with write access to the database can rebuild a consistent chain from
 * the edited row on (a hash chain proves order and integrity against partial edits, not against a full
 * rewrite): export the head hash regularly (`guard audit verify --json` prints it) to anchor it elsewhere.
 *
 * Row formats: format 1 rows (before masked types were recorded) hash the fields of `entryFields`; format 2 rows
 * add the masked types and the format number to the hashed fields. Each row stores its format, so rows written
 * before the upgrade still verify, and changing a row's format breaks its hash.
 *
 * Rows are written in batches (every 50 ms or 200 rows), in transactions of up to 40 rows, so a request never
 * waits for the disk; the row for a request is queued before its response ends.
 */
import { createHash } from 'node:crypto';
import type { SqlDb } from '../catalog/sql.js';

/** One audit record, as the guard writes it. Never holds a raw personal value. */
export interface AuditEntry {
  readonly at: string;
  readonly requestId: string;
  readonly principal: string | null;
  readonly role: string | null;
  readonly client: string | null;
  readonly method: string;
  /** Path with personal values masked. */
  readonly path: string;
  /** The query (body and parameters) with detected personal values masked, truncated. */
  readonly query: string | null;
  readonly status: number;
  readonly decision: 'allow' | 'deny' | 'error';
  readonly reason: string | null;
  readonly records: number;
  readonly bytes: number;
  /** Personal-data types seen in the response, with counts. */
  readonly types: Readonly<Record<string, number>>;
  /** Values masked in the response (detected values changed plus field values removed by field rules). */
  readonly masked: number;
  /** Detected values masked in the response, by type (format 2; absent in format 1 rows). */
  readonly maskedTypes?: Readonly<Record<string, number>> | undefined;
  readonly purpose: string | null;
  readonly durationMs: number;
}

/** A stored row: the entry with its place in the chain. */
export interface AuditRow extends AuditEntry {
  /** Row format (1: before masked types; 2: with them). */
  readonly format: number;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

const GENESIS = '0'.repeat(64);
const INSERT_ROWS = 40;
/** Rows per transaction (see `flush`). */
const TX_ROWS = 40;
/** The format rows are written in now. */
export const AUDIT_FORMAT = 2;
const INSERT_HEAD = `INSERT INTO lg_guard_audit (seq, at, request_id, principal, role, client, method, path, query, status,
  decision, reason, records, bytes, types, masked, purpose, duration_ms, masked_types, format, prev_hash, hash) VALUES `;
const ROW_PLACEHOLDERS = `(${new Array(22).fill('?').join(', ')})`;

/**
 * The stored fields of an entry after `seq`, in column and hash order; `types` is given in the form each caller
 * needs (sorted pairs for the hash, JSON for the row).
 */
function entryFields(e: AuditEntry, types: unknown): unknown[] {
  return [
    e.at,
    e.requestId,
    e.principal,
    e.role,
    e.client,
    e.method,
    e.path,
    e.query,
    e.status,
    e.decision,
    e.reason,
    e.records,
    e.bytes,
    types,
    e.masked,
    e.purpose,
    e.durationMs,
  ];
}

const sortedPairs = (m: Readonly<Record<string, number>>) =>
  Object.keys(m)
    .sort()
    .map((k) => [k, m[k]]);

/**
 * The hash of one row: SHA-256 over the previous hash and the row's fields in a fixed order. Format 1 hashes the
 * original fields; format 2 adds the masked types (sorted pairs) and the number 2.
 */
export function auditHash(seq: number, prevHash: string, e: AuditEntry, format = AUDIT_FORMAT): string {
  const fields: unknown[] = [seq, ...entryFields(e, sortedPairs(e.types))];
  if (format >= 2) fields.push(sortedPairs(e.maskedTypes ?? {}), format);
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

type DbRow = {
  seq: number | string;
  at: string;
  request_id: string;
  principal: string | null;
  role: string | null;
  client: string | null;
  method: string;
  path: string;
  query: string | null;
  status: number | string;
  decision: string;
  reason: string | null;
  records: number | string;
  bytes: number | string;
  types: string;
  masked: number | string;
  purpose: string | null;
  duration_ms: number | string;
  masked_types: string | null;
  format: number | string | null;
  prev_hash: string;
  hash: string;
};

function fromDb(r: DbRow): AuditRow {
  let types: Record<string, number> = {};
  try {
    types = JSON.parse(r.types) as Record<string, number>;
  } catch {
    types = { __unparseable__: 1 };
  }
  const format = Number(r.format ?? 1);
  let maskedTypes: Record<string, number> | undefined;
  if (r.masked_types !== null && r.masked_types !== undefined) {
    try {
      maskedTypes = JSON.parse(r.masked_types) as Record<string, number>;
    } catch {
      maskedTypes = { __unparseable__: 1 };
    }
  }
  return {
    format,
    seq: Number(r.seq),
    at: r.at,
    requestId: r.request_id,
    principal: r.principal,
    role: r.role,
    client: r.client,
    method: r.method,
    path: r.path,
    query: r.query,
    status: Number(r.status),
    decision: r.decision as AuditEntry['decision'],
    reason: r.reason,
    records: Number(r.records),
    bytes: Number(r.bytes),
    types,
    masked: Number(r.masked),
    ...(maskedTypes !== undefined ? { maskedTypes } : {}),
    purpose: r.purpose,
    durationMs: Number(r.duration_ms),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Appends rows to the chain. One instance per guard process; several processes may share a database. */
export class AuditLog {
  readonly #db: SqlDb;
  #queue: AuditEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Rows that could not be written (database down): counted and reported by metrics. */
  failures = 0;
  onError: ((e: unknown) => void) | undefined;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  /** Queues a row; it is written within 50 ms. */
  append(e: AuditEntry): void {
    this.#queue.push(e);
    if (this.#queue.length >= 200) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), 50);
  }

  /** Writes every queued row. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#queue;
    if (batch.length === 0) return this.#flushing;
    this.#queue = [];
    this.#flushing = this.#flushing.then(async () => {
      // SQLite (better-sqlite3) writes on the event loop: a 200-row transaction held it for 3–15 ms on the
      // loaded bench machine, a stall every in-flight request saw. Transactions of TX_ROWS rows with a turn of
      // the event loop between them bound that stall; each one extends the chain from the head it reads.
      for (let at = 0; at < batch.length; at += TX_ROWS) {
        if (at > 0) await new Promise<void>((r) => setImmediate(r));
        const part = at === 0 && batch.length <= TX_ROWS ? batch : batch.slice(at, at + TX_ROWS);
        // A busy or briefly unreachable database gets three more tries before the rows count as lost.
        for (let attempt = 0; ; attempt++) {
          try {
            await this.#write(part);
            break;
          } catch (e) {
            if (attempt >= 3) {
              this.failures += part.length;
              this.onError?.(e);
              break;
            }
            await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          }
        }
      }
    });
    return this.#flushing;
  }

  async #write(batch: readonly AuditEntry[]): Promise<void> {
    await this.#db.tx(async (t) => {
      const lock = t.dialect === 'postgres' ? ' FOR UPDATE' : '';
      // The head row exists once; concurrent first writers must not both insert it.
      await t.run('INSERT INTO lg_guard_head (id, seq, hash) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING', [GENESIS]);
      const head = await t.get<{ seq: number | string; hash: string }>(
        `SELECT seq, hash FROM lg_guard_head WHERE id = 1${lock}`,
      );
      let seq = Number(head?.seq ?? 0);
      let prev = head?.hash ?? GENESIS;
      // Rows go in as multi-row INSERTs of up to INSERT_ROWS rows: one statement to prepare per group instead
      // of per row (20 parameters a row stays under SQLite's old 999-parameter limit).
      let params: (string | number | null)[] = [];
      let rows = 0;
      const put = async () => {
        if (rows === 0) return;
        await t.run(`${INSERT_HEAD}${new Array(rows).fill(ROW_PLACEHOLDERS).join(', ')}`, params);
        params = [];
        rows = 0;
      };
      for (const e of batch) {
        seq++;
        const hash = auditHash(seq, prev, e);
        params.push(
          seq,
          ...(entryFields(e, JSON.stringify(e.types)) as (string | number | null)[]),
          JSON.stringify(e.maskedTypes ?? {}),
          AUDIT_FORMAT,
          prev,
          hash,
        );
        rows++;
        prev = hash;
        if (rows === INSERT_ROWS) await put();
      }
      await put();
      await t.run('UPDATE lg_guard_head SET seq = ?, hash = ? WHERE id = 1', [seq, prev]);
    });
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    await this.flush();
  }
}

/** The outcome of {@link verifyAudit}. */
export interface AuditVerification {
  readonly ok: boolean;
  readonly rows: number;
  readonly headSeq: number;
  readonly headHash: string;
  /** Problems found, first first: `{ seq, problem }` (never a value). */
  readonly problems: ReadonlyArray<{ seq: number; problem: string }>;
}

/**
 * Recomputes the chain. Reports an edited row (its hash no longer matches), a removed row (a gap in the
 * sequence or a previous-hash mismatch), a reordered row, and rows removed at the end (the head disagrees).
 *
 * @example
 * const v = await verifyAudit(db); if (!v.ok) console.error(v.problems[0]);
 */
export async function verifyAudit(db: SqlDb, options: { maxProblems?: number } = {}): Promise<AuditVerification> {
  const max = options.maxProblems ?? 100;
  const problems: { seq: number; problem: string }[] = [];
  const add = (seq: number, problem: string) => {
    if (problems.length < max) problems.push({ seq, problem });
  };
  let prev = GENESIS;
  let expect = 1;
  let rows = 0;
  let lastSeq = 0;
  // Pages by seq keep memory bounded on a long log.
  for (;;) {
    const page = await db.all<DbRow>('SELECT * FROM lg_guard_audit WHERE seq >= ? ORDER BY seq LIMIT 1000', [expect]);
    if (page.length === 0) break;
    for (const raw of page) {
      const r = fromDb(raw);
      rows++;
      if (r.seq !== expect) add(r.seq, `rows ${expect}..${r.seq - 1} are missing`);
      if (r.prevHash !== prev)
        add(r.seq, 'previous-hash link broken (a row before it was removed, edited or reordered)');
      if (r.format !== 1 && r.format !== AUDIT_FORMAT) add(r.seq, `unknown row format ${r.format} (edited)`);
      else if (auditHash(r.seq, r.prevHash, r, r.format) !== r.hash)
        add(r.seq, 'row content does not match its hash (edited)');
      prev = r.hash;
      expect = r.seq + 1;
      lastSeq = r.seq;
    }
  }
  const head = await db.get<{ seq: number | string; hash: string }>('SELECT seq, hash FROM lg_guard_head WHERE id = 1');
  const headSeq = Number(head?.seq ?? 0);
  const headHash = head?.hash ?? GENESIS;
  if (headSeq !== lastSeq)
    add(headSeq, `head says ${headSeq} rows, the log ends at ${lastSeq} (rows removed at the end)`);
  else if (headHash !== prev) add(headSeq, 'head hash does not match the last row');
  return { ok: problems.length === 0, rows, headSeq, headHash, problems };
}

/**
 * Streams the audit log as NDJSON lines (one row a line, with its chain fields), optionally from a time.
 *
 * @example
 * for await (const line of exportAudit(db)) process.stdout.write(line);
 */
export async function* exportAudit(
  db: SqlDb,
  options: { since?: string; principal?: string } = {},
): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const params: (string | number)[] = [after];
    let where = 'seq > ?';
    if (options.since) {
      where += ' AND at >= ?';
      params.push(options.since);
    }
    if (options.principal) {
      where += ' AND principal = ?';
      params.push(options.principal);
    }
    const page = await db.all<DbRow>(`SELECT * FROM lg_guard_audit WHERE ${where} ORDER BY seq LIMIT 1000`, params);
    if (page.length === 0) return;
    for (const raw of page) {
      const r = fromDb(raw);
      after = r.seq;
      yield `${JSON.stringify(r)}\n`;
    }
  }
}
