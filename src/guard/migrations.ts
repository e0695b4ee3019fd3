/**
 * The guard's tables in the catalog database (module `guard`): API keys (hashed), the hash-chained audit log and
 * its head, and alerts. Applied with `migrate(db, 'guard', GUARD_MIGRATIONS)`.
 */
import type { Migration } from '../catalog/migrations.js';

export const GUARD_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'guard keys, audit chain, alerts',
    sql: `
CREATE TABLE lg_guard_keys (
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  role TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  note TEXT
);
CREATE TABLE lg_guard_audit (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  request_id TEXT NOT NULL,
  principal TEXT,
  role TEXT,
  client TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  query TEXT,
  status INTEGER NOT NULL,
  decision TEXT NOT NULL,
  reason TEXT,
  records BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  types TEXT NOT NULL,
  masked BIGINT NOT NULL,
  purpose TEXT,
  duration_ms INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX lg_guard_audit_principal ON lg_guard_audit (principal);
CREATE TABLE lg_guard_head (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE lg_guard_alerts (
  id {{id}},
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  principal TEXT,
  message TEXT NOT NULL,
  detail TEXT NOT NULL,
  delivered INTEGER NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'guard audit rows record masked types (row format 2)',
    // Rows written before stay format 1 and verify as they were hashed; new rows are format 2.
    sql: `
ALTER TABLE lg_guard_audit ADD COLUMN masked_types TEXT;
ALTER TABLE lg_guard_audit ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
`,
  },
];
