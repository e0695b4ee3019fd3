/**
 * Schema of the `leak` module (canary registry and the private-lookup store), applied with
 * `migrate(db, 'leak', LEAK_MIGRATIONS)` on SQLite or PostgreSQL. Never edit a released migration: add one.
 *
 * Nothing here holds a personal value in clear: canary values are stored as keyed hashes (their clear form is
 * synthetic anyway and re-derivable from the key), breach identifiers only as VOPRF outputs.
 */
import type { Migration } from '../catalog/migrations.js';

export const LEAK_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'canary registry and leak lookup',
    sql: `
CREATE TABLE lg_canary_plants (
  id {{id}},
  plant_id TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  target TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  planted_at TEXT NOT NULL,
  records INTEGER NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE lg_canary_values (
  fingerprint TEXT NOT NULL,
  plant_id TEXT NOT NULL,
  record INTEGER NOT NULL,
  field TEXT NOT NULL,
  type TEXT NOT NULL,
  strength TEXT NOT NULL,
  PRIMARY KEY (fingerprint, plant_id, record, field)
);
CREATE INDEX lg_canary_values_plant ON lg_canary_values (plant_id);
CREATE TABLE lg_leak_breaches (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  breach_date TEXT,
  ingested_at TEXT NOT NULL,
  identifiers BIGINT NOT NULL
);
CREATE TABLE lg_leak_outputs (
  output TEXT NOT NULL,
  breach_id BIGINT NOT NULL,
  fields BIGINT NOT NULL,
  PRIMARY KEY (output, breach_id)
);
`,
  },
];
