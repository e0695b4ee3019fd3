/**
 * The lookup store: breaches, and per breach the VOPRF outputs `F_k(x)` of the identifiers it exposed with a mask
 * of the field kinds exposed alongside. SQLite by default, PostgreSQL for a shared service; no raw identifier is
 * ever written. Outputs are lower-case hex, so a prefix query is a range scan on the primary key.
 */
import { openMigrated } from '../../catalog/migrations.js';
import type { SqlDb } from '../../catalog/sql.js';
import { LEAK_MIGRATIONS } from '../migrations.js';
import { type FieldKind, fieldsOfMask } from './fields.js';

/** A breach as the range endpoint shows it. */
export interface BreachInfo {
  readonly name: string;
  readonly date: string | null;
  readonly fields: FieldKind[];
}

/** One stored output with its breaches. */
export interface StoredEntry {
  readonly output: string;
  readonly breaches: BreachInfo[];
}

/** Upper bound used as the exclusive end of a hex prefix range (`g` sorts after every hex digit). */
const AFTER_HEX = 'g';

export class LeakcheckStore {
  readonly db: SqlDb;

  private constructor(db: SqlDb) {
    this.db = db;
  }

  /**
   * Open (and migrate) the store at a SQLite path or `postgres://` URL.
   *
   * @throws SourceError LG_SOURCE_CONNECT when it cannot be opened
   * @example
   * const store = await LeakcheckStore.open('.leakguard/leakcheck.db');
   */
  static async open(target: string): Promise<LeakcheckStore> {
    return new LeakcheckStore(await openMigrated(target, 'leak', LEAK_MIGRATIONS));
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** The id of breach `name`, created (with its date) when new. */
  async breachId(name: string, date: string | null): Promise<number> {
    const row = await this.db.get<{ id: number | string }>('SELECT id FROM lg_leak_breaches WHERE name = ?', [name]);
    if (row) {
      if (date !== null) await this.db.run('UPDATE lg_leak_breaches SET breach_date = ? WHERE name = ?', [date, name]);
      return Number(row.id);
    }
    await this.db.run(
      'INSERT INTO lg_leak_breaches (name, breach_date, ingested_at, identifiers) VALUES (?, ?, ?, 0)',
      [name, date, new Date().toISOString()],
    );
    const created = await this.db.get<{ id: number | string }>('SELECT id FROM lg_leak_breaches WHERE name = ?', [
      name,
    ]);
    return Number(created?.id);
  }

  /**
   * Add outputs of one breach in one transaction; an output already stored for the breach gains the new field
   * kinds (bitwise OR), so re-ingesting a file is idempotent.
   */
  async addOutputs(breachId: number, entries: ReadonlyMap<string, number>): Promise<void> {
    if (entries.size === 0) return;
    await this.db.tx(async (t) => {
      for (const [output, mask] of entries) {
        await t.run(
          'INSERT INTO lg_leak_outputs (output, breach_id, fields) VALUES (?, ?, ?) ON CONFLICT (output, breach_id) DO UPDATE SET fields = lg_leak_outputs.fields | excluded.fields',
          [output, breachId, mask],
        );
      }
    });
  }

  /** Recount the distinct identifiers of a breach (after an ingest). */
  async refreshCount(breachId: number): Promise<number> {
    const r = await this.db.get<{ n: number | string }>(
      'SELECT count(*) AS n FROM lg_leak_outputs WHERE breach_id = ?',
      [breachId],
    );
    const n = Number(r?.n ?? 0);
    await this.db.run('UPDATE lg_leak_breaches SET identifiers = ? WHERE id = ?', [n, breachId]);
    return n;
  }

  /** Every stored output starting with `prefix` (lower-case hex), with its breaches. */
  async range(prefix: string): Promise<StoredEntry[]> {
    const rows = await this.db.all<{
      output: string;
      name: string;
      breach_date: string | null;
      fields: number | string;
    }>(
      'SELECT o.output, b.name, b.breach_date, o.fields FROM lg_leak_outputs o JOIN lg_leak_breaches b ON b.id = o.breach_id WHERE o.output >= ? AND o.output < ? ORDER BY o.output, b.name',
      [prefix, prefix + AFTER_HEX],
    );
    const out: StoredEntry[] = [];
    let last: { output: string; breaches: BreachInfo[] } | undefined;
    for (const r of rows) {
      // The range is also checked here: text collations other than byte order must not widen the bucket.
      if (!r.output.startsWith(prefix)) continue;
      if (!last || last.output !== r.output) {
        last = { output: r.output, breaches: [] };
        out.push(last);
      }
      last.breaches.push({ name: r.name, date: r.breach_date, fields: fieldsOfMask(Number(r.fields)) });
    }
    return out;
  }

  /** The largest number of distinct outputs sharing a prefix of `prefixLength` hex characters. */
  async largestBucket(prefixLength: number): Promise<number> {
    const r = await this.db.get<{ n: number | string }>(
      `SELECT max(c) AS n FROM (SELECT count(DISTINCT output) AS c FROM lg_leak_outputs GROUP BY substr(output, 1, ${Math.trunc(prefixLength)})) AS buckets`,
    );
    return Number(r?.n ?? 0);
  }

  /** Breaches with their identifier counts. */
  async breaches(): Promise<{ name: string; date: string | null; identifiers: number; ingestedAt: string }[]> {
    const rows = await this.db.all<{
      name: string;
      breach_date: string | null;
      identifiers: number | string;
      ingested_at: string;
    }>('SELECT name, breach_date, identifiers, ingested_at FROM lg_leak_breaches ORDER BY name');
    return rows.map((r) => ({
      name: r.name,
      date: r.breach_date,
      identifiers: Number(r.identifiers),
      ingestedAt: r.ingested_at,
    }));
  }
}
