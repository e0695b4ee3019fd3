/**
 * Moving an old SQLite vault file into another vault: earlier versions kept the CLI's default vault in its own
 * `vault.db` beside the catalog (or in `.leakguard/vault.db` with a PostgreSQL catalog); the default is now the
 * catalog database itself. The first run that opens the new default copies the old file's tokens and audit
 * records into it and records the move in the old file (`lg_vault_moved`), so later runs skip it. The old file is
 * left in place, untouched otherwise: it is the owner's data to keep as a backup or delete.
 *
 * A token whose value already has another token in the target (a vault used under both layouts) cannot be moved,
 * since each value has exactly one token per vault: it is counted in `conflicts`, and files holding it are
 * revealed with `--vault <old file>`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { TokenRecord, TokenVault, VaultAuditOutcome } from './token-vault.js';

/** What {@link importSqliteVaultFile} moved. Counts only. */
export interface VaultImport {
  readonly file: string;
  /** Tokens now in the target (moved, or already there with the same token). */
  readonly tokens: number;
  /** Tokens not moved: the target holds another token for the same value. */
  readonly conflicts: number;
  /** Audit records copied (only when the old file could be marked as moved, so none is copied twice). */
  readonly audit: number;
}

interface Row {
  token: string;
  idx: string;
  sealed: Buffer;
  kid: string;
  type: string;
  created_at: string;
}

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * Copies the tokens (and audit records) of the SQLite vault `file` into `target` unless already done; undefined
 * when there is nothing to move (no such file, not a vault, already moved, or `file` is `targetFile` itself).
 *
 * @throws the target's errors (`LG_VAULT_FAILED`); an unreadable old file is skipped, not an error
 * @example
 * const moved = await importSqliteVaultFile('.leakguard/vault.db', policy.vault);
 */
export async function importSqliteVaultFile(
  file: string,
  target: TokenVault,
  targetFile?: string,
): Promise<VaultImport | undefined> {
  if (!existsSync(file) || (targetFile !== undefined && same(file, targetFile))) return undefined;
  let Database: typeof BetterSqlite3;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch {
    return undefined;
  }
  let db: BetterSqlite3.Database;
  let writable = true;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch {
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      writable = false;
    } catch {
      return undefined;
    }
  }
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!tables.has('lg_token_vault')) return undefined;
    if (tables.has('lg_vault_moved') && db.prepare('SELECT 1 FROM lg_vault_moved LIMIT 1').get()) return undefined;
    if (writable) {
      try {
        db.exec(
          'CREATE TABLE IF NOT EXISTS lg_vault_moved (at TEXT NOT NULL, target TEXT NOT NULL, tokens INTEGER NOT NULL, conflicts INTEGER NOT NULL)',
        );
      } catch {
        writable = false;
      }
    }
    let tokens = 0;
    let conflicts = 0;
    for (const r of db.prepare<[], Row>('SELECT * FROM lg_token_vault ORDER BY rowid').all()) {
      const record: TokenRecord = {
        token: r.token,
        index: r.idx,
        sealed: new Uint8Array(r.sealed),
        kid: r.kid,
        type: r.type,
        createdAt: r.created_at,
      };
      const stored = await target.put(record);
      if (stored?.token === r.token) tokens++;
      else conflicts++;
    }
    let audit = 0;
    if (writable && tables.has('lg_vault_audit')) {
      const rows = db
        .prepare<[], { at: string; token: string; kid: string; actor: string; outcome: string }>(
          'SELECT at, token, kid, actor, outcome FROM lg_vault_audit ORDER BY id',
        )
        .all();
      for (const a of rows) {
        await target.audit({
          at: a.at,
          action: 'detokenize',
          token: a.token,
          kid: a.kid,
          actor: a.actor,
          outcome: a.outcome as VaultAuditOutcome,
        });
        audit++;
      }
    }
    if (writable) {
      const id = target.vaultId ? await target.vaultId() : '';
      db.prepare('INSERT INTO lg_vault_moved (at, target, tokens, conflicts) VALUES (?, ?, ?, ?)').run(
        new Date().toISOString(),
        id,
        tokens,
        conflicts,
      );
    }
    return { file, tokens, conflicts, audit };
  } finally {
    db.close();
  }
}
