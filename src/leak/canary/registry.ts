/**
 * The canary registry in the catalog database (module `leak`): every plant (where, when, label, how many records)
 * and the keyed fingerprint of every registered field of every record. No clear value is stored.
 */
import { randomBytes } from 'node:crypto';
import { openMigrated } from '../../catalog/migrations.js';
import type { SqlDb } from '../../catalog/sql.js';
import { LEAK_MIGRATIONS } from '../migrations.js';
import type { CanaryKey } from './key.js';
import { CANARY_FIELDS, type CanaryField, type CanaryRecord, FIELD_STRENGTH, generateCanaryRecord } from './record.js';

/** One plant as registered. */
export interface PlantInfo {
  readonly plantId: string;
  readonly label: string;
  /** Where the records went (redacted URL and table, file path, or `stdout`). */
  readonly target: string;
  readonly targetKind: 'postgres' | 'mysql' | 'sqlite' | 'csv' | 'ndjson' | 'print';
  readonly plantedAt: string;
  readonly records: number;
  readonly detail: Record<string, unknown>;
}

/** A registered field value. */
export interface CanaryValueRef {
  readonly plantId: string;
  readonly record: number;
  readonly field: CanaryField;
  readonly strength: 'strong' | 'medium' | 'weak';
}

/** Everything registered, indexed for matching. */
export interface CanaryIndex {
  readonly plants: ReadonlyMap<string, PlantInfo>;
  readonly byFingerprint: ReadonlyMap<string, readonly CanaryValueRef[]>;
}

/** A fresh plant id: `p-` and 12 random hex digits. */
export function newPlantId(): string {
  return `p-${randomBytes(6).toString('hex')}`;
}

export class CanaryRegistry {
  readonly db: SqlDb;
  private constructor(db: SqlDb) {
    this.db = db;
  }

  /**
   * Open (and migrate) the registry in the catalog at a SQLite path or `postgres://` URL.
   *
   * @throws SourceError LG_SOURCE_CONNECT when it cannot be opened
   */
  static async open(target: string): Promise<CanaryRegistry> {
    return new CanaryRegistry(await openMigrated(target, 'leak', LEAK_MIGRATIONS));
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** Fingerprints of strong and medium fields already registered (new canaries must not reuse them). */
  async takenFingerprints(): Promise<Set<string>> {
    const rows = await this.db.all<{ fingerprint: string }>(
      "SELECT DISTINCT fingerprint FROM lg_canary_values WHERE strength IN ('strong', 'medium')",
    );
    return new Set(rows.map((r) => r.fingerprint));
  }

  /**
   * Generate `count` records for a new plant whose strong and medium values collide with no registered canary
   * nor with each other (unique combinations; a colliding candidate is replaced by the next keyed attempt).
   */
  async generate(key: CanaryKey, plantId: string, count: number): Promise<CanaryRecord[]> {
    const taken = await this.takenFingerprints();
    const out: CanaryRecord[] = [];
    for (let i = 0; i < count; i++) {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 100) throw new RangeError('CanaryRegistry.generate: cannot find a unique record');
        const rec = generateCanaryRecord(key.generatorKey, plantId, i, attempt);
        const fps = CANARY_FIELDS.filter((f) => FIELD_STRENGTH[f] === 'strong' || FIELD_STRENGTH[f] === 'medium').map(
          (f) => key.fingerprint(f, rec[f]),
        );
        if (fps.some((fp) => taken.has(fp))) continue;
        for (const fp of fps) taken.add(fp);
        out.push(rec);
        break;
      }
    }
    return out;
  }

  /** Register a plant and the fingerprints of its records, in one transaction. */
  async register(key: CanaryKey, plant: PlantInfo, records: readonly CanaryRecord[]): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run(
        'INSERT INTO lg_canary_plants (plant_id, label, target, target_kind, planted_at, records, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [
          plant.plantId,
          plant.label,
          plant.target,
          plant.targetKind,
          plant.plantedAt,
          records.length,
          JSON.stringify(plant.detail),
        ],
      );
      for (let i = 0; i < records.length; i++) {
        const rec = records[i] as CanaryRecord;
        for (const field of CANARY_FIELDS) {
          const strength = FIELD_STRENGTH[field];
          if (strength === 'none') continue;
          await t.run(
            'INSERT INTO lg_canary_values (fingerprint, plant_id, record, field, type, strength) VALUES (?, ?, ?, ?, ?, ?)',
            [key.fingerprint(field, rec[field]), plant.plantId, i, field, field, strength],
          );
        }
      }
    });
  }

  /** Every plant, oldest first. */
  async plants(): Promise<PlantInfo[]> {
    const rows = await this.db.all<{
      plant_id: string;
      label: string;
      target: string;
      target_kind: string;
      planted_at: string;
      records: number | string;
      detail: string;
    }>(
      'SELECT plant_id, label, target, target_kind, planted_at, records, detail FROM lg_canary_plants ORDER BY planted_at, id',
    );
    return rows.map((r) => ({
      plantId: r.plant_id,
      label: r.label,
      target: r.target,
      targetKind: r.target_kind as PlantInfo['targetKind'],
      plantedAt: r.planted_at,
      records: Number(r.records),
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  /** A cheap version of the registry: changes whenever a plant is added or removed. */
  async version(): Promise<string> {
    const r = await this.db.get<{ n: number | string; last: number | string | null }>(
      'SELECT COUNT(*) AS n, MAX(id) AS last FROM lg_canary_plants',
    );
    return `${Number(r?.n ?? 0)}:${r?.last ?? ''}`;
  }

  /** Load everything for matching. */
  async load(): Promise<CanaryIndex> {
    const plants = new Map((await this.plants()).map((p) => [p.plantId, p]));
    const rows = await this.db.all<{
      fingerprint: string;
      plant_id: string;
      record: number | string;
      field: string;
      strength: string;
    }>('SELECT fingerprint, plant_id, record, field, strength FROM lg_canary_values');
    const byFingerprint = new Map<string, CanaryValueRef[]>();
    for (const r of rows) {
      const ref: CanaryValueRef = {
        plantId: r.plant_id,
        record: Number(r.record),
        field: r.field as CanaryField,
        strength: r.strength as CanaryValueRef['strength'],
      };
      const list = byFingerprint.get(r.fingerprint);
      if (list) list.push(ref);
      else byFingerprint.set(r.fingerprint, [ref]);
    }
    return { plants, byFingerprint };
  }
}
