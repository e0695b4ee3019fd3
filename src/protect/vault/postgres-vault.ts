/**
 * A {@link TokenVault} in PostgreSQL (the team catalog database), through the shared SQL executor. Same tables
 * as the SQLite vault; created by the `vault` migrations. Methods return promises, so `tokenize` runs on the
 * asynchronous path (`anonymizeTextAsync`).
 */
import { randomUUID } from 'node:crypto';
import { migrate } from '../../catalog/migrations.js';
import { openPostgres, type SqlDb } from '../../catalog/sql.js';
import { LeakguardError } from '../../core/errors.js';
import { createLazyTokenVault } from './lazy-vault.js';
import type { TokenRecord, TokenVault, VaultAuditEvent, VaultAuditOutcome } from './token-vault.js';

const VAULT_MIGRATIONS = [
  {
    version: 1,
    name: 'token vault',
    sql: `
CREATE TABLE IF NOT EXISTS lg_token_vault (
  token TEXT PRIMARY KEY,
  idx TEXT NOT NULL UNIQUE,
  sealed BYTEA NOT NULL,
  kid TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lg_vault_audit (
  id {{id}},
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  token TEXT NOT NULL,
  kid TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'token vault id',
    sql: `
CREATE TABLE IF NOT EXISTS lg_vault_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
];

function toRecord(row: Record<string, unknown> | undefined): TokenRecord | undefined {
  if (!row) return undefined;
  return {
    token: String(row.token),
    index: String(row.idx),
    sealed: new Uint8Array(row.sealed as Buffer),
    kid: String(row.kid),
    type: String(row.type),
    createdAt: String(row.created_at),
  };
}

function failed(action: string, e: unknown): LeakguardError {
  // Driver messages can echo parameters (sealed values, tokens): keep them as the cause only.
  return new LeakguardError(
    'LG_VAULT_FAILED',
    `Cannot ${action} in the PostgreSQL token vault: ${(e as { code?: string }).code ?? 'error'}`,
    {
      cause: e,
    },
  );
}

/**
 * A vault on an open PostgreSQL {@link SqlDb} (migrates the vault tables).
 *
 * @example
 * const vault = await createPostgresTokenVault(await openPostgres(url));
 */
export async function createPostgresTokenVault(
  db: SqlDb,
  options: { closeDatabase?: boolean } = {},
): Promise<TokenVault> {
  await migrate(db, 'vault', VAULT_MIGRATIONS);
  await db.run("INSERT INTO lg_vault_meta (name, value) VALUES ('id', ?) ON CONFLICT DO NOTHING", [randomUUID()]);
  const id = String((await db.get("SELECT value FROM lg_vault_meta WHERE name = 'id'"))?.value ?? '');
  const wrap = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw failed(action, e);
    }
  };
  return {
    put: (r) =>
      wrap('store a token', async () => {
        const n = await db.run(
          'INSERT INTO lg_token_vault (token, idx, sealed, kid, type, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
          [r.token, r.index, r.sealed, r.kid, r.type, r.createdAt],
        );
        if (n === 1) return r;
        return toRecord(await db.get('SELECT * FROM lg_token_vault WHERE idx = ?', [r.index]));
      }),
    lookup: (index) =>
      wrap('look up a token', async () =>
        toRecord(await db.get('SELECT * FROM lg_token_vault WHERE idx = ?', [index])),
      ),
    get: (token) =>
      wrap('read a token', async () => toRecord(await db.get('SELECT * FROM lg_token_vault WHERE token = ?', [token]))),
    audit: (e: VaultAuditEvent) =>
      wrap('write an audit record', async () => {
        await db.run('INSERT INTO lg_vault_audit (at, action, token, kid, actor, outcome) VALUES (?, ?, ?, ?, ?, ?)', [
          e.at,
          e.action,
          e.token,
          e.kid,
          e.actor,
          e.outcome,
        ]);
      }),
    auditLog: () =>
      wrap('read the audit log', async () =>
        (await db.all('SELECT at, action, token, kid, actor, outcome FROM lg_vault_audit ORDER BY id')).map((r) => ({
          at: String(r.at),
          action: 'detokenize' as const,
          token: String(r.token),
          kid: String(r.kid),
          actor: String(r.actor),
          outcome: String(r.outcome) as VaultAuditOutcome,
        })),
      ),
    async close() {
      if (options.closeDatabase) await db.close();
    },
    vaultId: () => id,
  };
}

/**
 * Connect to `url` and open a vault there (closes the connection with the vault).
 *
 * @throws SourceError LG_SOURCE_CONNECT when the database cannot be reached
 * @example
 * const vault = await openPostgresTokenVault('postgres://leakguard@db/catalog');
 */
export async function openPostgresTokenVault(url: string): Promise<TokenVault> {
  const db = await openPostgres(url, { max: 2, applicationName: 'leakguard-vault' });
  try {
    return await createPostgresTokenVault(db, { closeDatabase: true });
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}

/**
 * A PostgreSQL vault that connects on first use (or on `ready()`), so a policy loader that must stay
 * synchronous can still name one. Every method answers with a promise.
 *
 * @example
 * const vault = connectPostgresTokenVault(process.env.LEAKGUARD_CATALOG);
 * await vault.ready?.(); // connect and migrate before reading data
 */
export function connectPostgresTokenVault(url: string): TokenVault {
  return createLazyTokenVault(() => openPostgresTokenVault(url));
}
