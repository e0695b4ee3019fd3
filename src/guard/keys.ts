/**
 * API keys for the guard: `lgk_<id>_<secret>`, shown once at creation; the catalog keeps only the id, the
 * principal, the role and SHA-256 of the whole key (the secret is 256 random bits, so a fast hash is enough:
 * there is nothing to brute-force). Lookup is by id, comparison in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlDb } from '../catalog/sql.js';
import { UsageError } from '../core/errors.js';

/** A stored key, without its secret. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly principal: string;
  readonly role: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly note: string | null;
}

/** An authenticated key holder. */
export interface KeyPrincipal {
  readonly id: string;
  readonly principal: string;
  readonly role: string;
}

/** Key text: `lgk_` + 12 hex id + `_` + 43 base64url characters. Not keys with other prefixes. */
const KEY_TEXT = /^lgk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const PRINCIPAL = /^[A-Za-z0-9_.@-]{1,128}$/;

function hashKey(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Creates a key for `principal` with `role`; returns the key text (shown once) and its record.
 *
 * @throws UsageError LG_USAGE for an invalid principal or role name
 * @example
 * const { key } = await createApiKey(db, { principal: 'alice', role: 'analyst' });
 */
export async function createApiKey(
  db: SqlDb,
  options: { principal: string; role: string; note?: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  if (!PRINCIPAL.test(options.principal))
    throw new UsageError(`Invalid principal "${options.principal}": use letters, digits, _ . @ -`);
  if (!PRINCIPAL.test(options.role))
    throw new UsageError(`Invalid role "${options.role}": use letters, digits, _ . @ -`);
  const id = randomBytes(6).toString('hex');
  const key = `lgk_${id}_${randomBytes(32).toString('base64url')}`;
  const createdAt = new Date().toISOString();
  await db.run(
    'INSERT INTO lg_guard_keys (id, principal, role, hash, created_at, revoked_at, note) VALUES (?, ?, ?, ?, ?, NULL, ?)',
    [id, options.principal, options.role, hashKey(key).toString('hex'), createdAt, options.note ?? null],
  );
  return {
    key,
    record: {
      id,
      principal: options.principal,
      role: options.role,
      createdAt,
      revokedAt: null,
      note: options.note ?? null,
    },
  };
}

/** Every key (revoked ones too), oldest first. */
export async function listApiKeys(db: SqlDb): Promise<ApiKeyRecord[]> {
  const rows = await db.all<{
    id: string;
    principal: string;
    role: string;
    created_at: string;
    revoked_at: string | null;
    note: string | null;
  }>('SELECT id, principal, role, created_at, revoked_at, note FROM lg_guard_keys ORDER BY created_at, id');
  return rows.map((r) => ({
    id: r.id,
    principal: r.principal,
    role: r.role,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    note: r.note,
  }));
}

/** Revokes a key by id; resolves to whether an active key was revoked. */
export async function revokeApiKey(db: SqlDb, id: string): Promise<boolean> {
  const n = await db.run('UPDATE lg_guard_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
    new Date().toISOString(),
    id,
  ]);
  return n > 0;
}

/** Active keys held in memory for lookup: id → hash and principal. Rebuilt on reload. */
export class KeyTable {
  readonly #byId = new Map<string, { hash: Buffer; principal: KeyPrincipal }>();

  /** Loads the active keys from the catalog. */
  static async load(db: SqlDb): Promise<KeyTable> {
    const t = new KeyTable();
    const rows = await db.all<{ id: string; principal: string; role: string; hash: string }>(
      'SELECT id, principal, role, hash FROM lg_guard_keys WHERE revoked_at IS NULL',
    );
    for (const r of rows) {
      t.#byId.set(r.id, {
        hash: Buffer.from(r.hash, 'hex'),
        principal: { id: r.id, principal: r.principal, role: r.role },
      });
    }
    return t;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The principal of a valid, active key; undefined otherwise. */
  verify(text: string): KeyPrincipal | undefined {
    const m = KEY_TEXT.exec(text);
    if (!m) return undefined;
    const entry = this.#byId.get(m[1] as string);
    const got = hashKey(text);
    // Compare even when the id is unknown so timing does not tell ids apart.
    const want = entry?.hash ?? Buffer.alloc(32);
    return timingSafeEqual(got, want) && entry ? entry.principal : undefined;
  }
}
