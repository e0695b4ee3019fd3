/**
 * Versioned schema migrations for the catalog database (SQLite and PostgreSQL), per module. Each migration runs
 * once, in order, inside a transaction, and is recorded in `lg_migrations`. Never edit a released migration: add one.
 */
import { openSqlDb, type SqlDb } from './sql.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL per dialect; `{{id}}` expands to the dialect's auto-increment primary key column type. */
  readonly sql: string;
}

const ID: Record<SqlDb['dialect'], string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
};

/** The catalog's migrations. JSON columns are TEXT on both engines (one code path; never queried inside). */
export const CATALOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'scan catalog',
    sql: `
CREATE TABLE lg_runs (
  id {{id}},
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  sources TEXT NOT NULL,
  options TEXT NOT NULL,
  summary TEXT
);
CREATE TABLE lg_units (
  unit_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  asset TEXT NOT NULL,
  kind TEXT NOT NULL,
  fingerprint TEXT,
  run_id BIGINT NOT NULL,
  scanned_at TEXT NOT NULL,
  status TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE INDEX lg_units_source ON lg_units (source);
CREATE INDEX lg_units_asset ON lg_units (asset);
CREATE TABLE lg_assets (
  run_id BIGINT NOT NULL,
  asset TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  types TEXT NOT NULL,
  people BIGINT NOT NULL,
  sensitive INTEGER NOT NULL,
  grade TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, asset)
);
CREATE TABLE lg_problems (
  id {{id}},
  run_id BIGINT NOT NULL,
  unit_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  location TEXT
);
CREATE INDEX lg_problems_run ON lg_problems (run_id);
CREATE TABLE lg_changes (
  id {{id}},
  run_id BIGINT NOT NULL,
  asset TEXT NOT NULL,
  change TEXT NOT NULL,
  type TEXT,
  before_count BIGINT,
  after_count BIGINT
);
CREATE INDEX lg_changes_run ON lg_changes (run_id);
`,
  },
  {
    version: 2,
    name: 'carried problems and asset sketches',
    // Unchanged units carry their problems into each run (looked up by run and unit); each asset keeps the
    // merged distinct-identifier sketches of its units, so a run counts people once across assets without
    // re-reading every unit result.
    sql: `
CREATE INDEX lg_problems_unit ON lg_problems (run_id, unit_id);
CREATE TABLE lg_asset_sketches (
  asset TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  run_id BIGINT NOT NULL,
  sketches TEXT NOT NULL
);
CREATE INDEX lg_asset_sketches_source ON lg_asset_sketches (source);
`,
  },
];

/**
 * Apply pending migrations of one module (`catalog`, `vault`, `audit`, …) — idempotent, safe on every start,
 * and safe when several processes start at once (PostgreSQL: table lock; SQLite: immediate transaction).
 *
 * @example
 * await migrate(db, 'catalog', CATALOG_MIGRATIONS);
 */
export async function migrate(db: SqlDb, module: string, migrations: readonly Migration[]): Promise<number> {
  const ledger =
    'CREATE TABLE IF NOT EXISTS lg_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))';
  const apply = async (t: SqlDb): Promise<number> => {
    let applied = 0;
    for (const m of migrations) {
      const done = await t.get('SELECT version FROM lg_migrations WHERE module = ? AND version = ?', [
        module,
        m.version,
      ]);
      if (done) continue;
      await t.exec(m.sql.replaceAll('{{id}}', ID[t.dialect]));
      await t.run('INSERT INTO lg_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)', [
        module,
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
      applied++;
    }
    return applied;
  };
  if (db.dialect === 'postgres') {
    // One transaction under an advisory lock: concurrent starters (several workers) wait, then see the ledger.
    return db.tx(async (t) => {
      await t.get('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await t.exec(ledger);
      return apply(t);
    });
  }
  await db.exec(ledger);
  return db.tx(apply);
}

/** Advisory lock key for migrations (arbitrary constant: "lgmigr" in ASCII). */
const MIGRATION_LOCK = 0x6c676d69;

/**
 * Open the database at `target` (SQLite path or `postgres://` URL) and apply `module`'s migrations; the
 * connection is closed again when migrating fails.
 *
 * @throws SourceError LG_SOURCE_CONNECT when it cannot be opened; the migration's error when one fails
 * @example
 * const db = await openMigrated('.leakguard/catalog.db', 'audit', AUDIT_MIGRATIONS);
 */
export async function openMigrated(target: string, module: string, migrations: readonly Migration[]): Promise<SqlDb> {
  const db = await openSqlDb(target);
  try {
    await migrate(db, module, migrations);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
