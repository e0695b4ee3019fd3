/**
 * A {@link TokenVault} in SQLite through better-sqlite3 (synchronous, so `tokenize` stays on the fast path).
 *
 * Tables (created if missing):
 * - `lg_token_vault(token TEXT PRIMARY KEY, idx TEXT UNIQUE, sealed BLOB, kid TEXT, type TEXT, created_at TEXT)`
 * - `lg_vault_audit(id INTEGER PRIMARY KEY, at TEXT, action TEXT, token TEXT, kid TEXT, actor TEXT, outcome TEXT)`
 * - `lg_vault_meta(name TEXT PRIMARY KEY, value TEXT)`: the vault's random id (see `TokenVault.vaultId`)
 *
 * The tables share a database happily with the catalog's (`lg_runs`, `lg_units`, …): the CLI's default vault is
 * the catalog database itself (`.leakguard/catalog.db`), opened on its own connection in WAL mode with a busy
 * timeout, so a scan writing the catalog and a protect run writing tokens wait for each other instead of failing.
 *
 * better-sqlite3 is loaded only when a vault is opened by file name, so importing leakguard's protect layer does
 * not need the native module.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ConfigError } from '../../core/errors.js';
import type { TokenRecord, TokenVault, VaultAuditEvent, VaultAuditOutcome } from './token-vault.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS lg_token_vault (
  token TEXT PRIMARY KEY,
  idx TEXT NOT NULL UNIQUE,
  sealed BLOB NOT NULL,
  kid TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lg_vault_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  token TEXT NOT NULL,
  kid TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lg_vault_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

interface Row {
  token: string;
  idx: string;
  sealed: Buffer;
  kid: string;
  type: string;
  created_at: string;
}

interface AuditRow {
  at: string;
  action: string;
  token: string;
  kid: string;
  actor: string;
  outcome: string;
}

function toRecord(row: Row | undefined): TokenRecord | undefined {
  if (!row) return undefined;
  return {
    token: row.token,
    index: row.idx,
    sealed: new Uint8Array(row.sealed),
    kid: row.kid,
    type: row.type,
    createdAt: row.created_at,
  };
}

/** Options for {@link createSqliteTokenVault}. */
export interface SqliteTokenVaultOptions {
  /** Close the database when the vault is closed (default: only when the vault opened it). */
  closeDatabase?: boolean;
}

/**
 * A vault on an open better-sqlite3 database (creates the two tables if missing).
 *
 * @example
 * const vault = createSqliteTokenVault(new Database('vault.db'));
 */
export function createSqliteTokenVault(db: BetterSqlite3.Database, options: SqliteTokenVaultOptions = {}): TokenVault {
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT OR IGNORE INTO lg_token_vault (token, idx, sealed, kid, type, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byIndex = db.prepare<[string], Row>('SELECT * FROM lg_token_vault WHERE idx = ?');
  const byToken = db.prepare<[string], Row>('SELECT * FROM lg_token_vault WHERE token = ?');
  const addAudit = db.prepare(
    'INSERT INTO lg_vault_audit (at, action, token, kid, actor, outcome) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const readAudit = db.prepare<[], AuditRow>(
    'SELECT at, action, token, kid, actor, outcome FROM lg_vault_audit ORDER BY id',
  );
  db.prepare("INSERT OR IGNORE INTO lg_vault_meta (name, value) VALUES ('id', ?)").run(randomUUID());
  const id =
    (db.prepare("SELECT value FROM lg_vault_meta WHERE name = 'id'").pluck().get() as string | undefined) ?? '';
  const put = db.transaction((r: TokenRecord): TokenRecord | undefined => {
    const info = insert.run(r.token, r.index, Buffer.from(r.sealed), r.kid, r.type, r.createdAt);
    if (info.changes === 1) return r;
    // Either the index exists (return the stored record) or the token is taken by another index.
    return toRecord(byIndex.get(r.index));
  });
  return {
    put: (record) => put(record),
    lookup: (index) => toRecord(byIndex.get(index)),
    get: (token) => toRecord(byToken.get(token)),
    audit(e: VaultAuditEvent) {
      addAudit.run(e.at, e.action, e.token, e.kid, e.actor, e.outcome);
    },
    auditLog: () =>
      readAudit.all().map((r) => ({
        at: r.at,
        action: 'detokenize' as const,
        token: r.token,
        kid: r.kid,
        actor: r.actor,
        outcome: r.outcome as VaultAuditOutcome,
      })),
    close() {
      if (options.closeDatabase && db.open) db.close();
    },
    vaultId: () => id,
  };
}

/**
 * Opens (or creates) a SQLite vault file. Loads better-sqlite3 on first use.
 *
 * @throws ConfigError `LG_CONFIG_INVALID` when better-sqlite3 is not installed or the file cannot be opened
 * @example
 * const vault = openSqliteTokenVault('./vault.db');
 */
export function openSqliteTokenVault(filename: string): TokenVault {
  let Database: typeof BetterSqlite3;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (e) {
    throw new ConfigError(
      'LG_CONFIG_INVALID',
      'Cannot open SQLite vault: the "better-sqlite3" package is not installed',
      {
        cause: e,
      },
    );
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Database(filename);
    db.pragma('journal_mode = WAL');
    // The file may be the catalog database, written by a scan at the same time.
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    throw new ConfigError('LG_CONFIG_INVALID', `Cannot open SQLite vault "${filename}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  return createSqliteTokenVault(db, { closeDatabase: true });
}
