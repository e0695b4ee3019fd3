/**
 * The catalog: what each scan found, where, and how it changed — never a raw value. Results are stored per
 * *unit* (idempotently: a retried unit replaces its row), assets are aggregated from their units, and each run
 * keeps a snapshot of its assets so the next run can say what changed.
 */
import type { FragmentLocation } from '../sources/source.js';
import { CATALOG_MIGRATIONS, migrate } from './migrations.js';
import { openSqlDb, type SqlDb } from './sql.js';

/** Per-field statistics of structured values (a CSV column, a JSON path, a DB column). */
export interface FieldStats {
  /** Values seen (including empty). */
  values: number;
  /** Non-empty values. */
  nonEmpty: number;
  /** Values with at least one clear finding of each type. */
  hits: Record<string, number>;
  /** Values that are already-masked forms of each type. */
  masked: Record<string, number>;
}

/** A masked example of a finding with its location and a keyed hash (never the value). */
export interface Sample {
  type: string;
  loc: FragmentLocation;
  preview: string;
  /** Keyed hash (HMAC-SHA256, truncated) of the normalised value: equal values, equal hashes. */
  hash: string;
}

/** A problem recorded for a unit. */
export interface UnitProblem {
  code: string;
  message: string;
  loc?: FragmentLocation;
}

/** The result of reading one unit. */
export interface UnitResult {
  unitId: string;
  source: string;
  asset: string;
  kind: string;
  fingerprint: Record<string, string | number> | null;
  status: 'ok' | 'failed';
  counts: Record<string, number>;
  masked: Record<string, number>;
  /** Findings that were sensitive beyond their type (e.g. a minor's resident ID). */
  sensitiveFindings: number;
  fields: Record<string, FieldStats>;
  /** HyperLogLog sketches (base64) of keyed hashes per identifying type. */
  sketches: Record<string, string>;
  samples: Sample[];
  problems: UnitProblem[];
  bytes: number;
  rows: number;
}

/** Aggregated view of one asset (file, table, index) in a run. */
export interface AssetRecord {
  asset: string;
  source: string;
  kind: string;
  types: Record<string, number>;
  people: number;
  sensitive: boolean;
  grade: string;
  detail: AssetDetail;
}

/** Everything else the reports show about an asset. */
export interface AssetDetail {
  masked: Record<string, number>;
  fields: FieldDecision[];
  samples: Sample[];
  gradeReasons: string[];
  units: number;
  failedUnits: number;
  bytes: number;
  rows: number;
  problems: number;
}

/** A column/field classification decision with its evidence. */
export interface FieldDecision {
  field: string;
  type: string | null;
  confidence: number;
  evidence: { sampled: number; nonEmpty: number; hits: number; ratio: number; nameHint: string | null; masked: number };
}

/** A change between two runs. */
export interface ChangeRecord {
  asset: string;
  change: 'new-asset' | 'removed-asset' | 'new-type' | 'grown' | 'shrunk' | 'removed-type' | 'grade-changed';
  type: string | null;
  before: number | null;
  after: number | null;
}

export interface RunRecord {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  sources: string[];
  options: Record<string, unknown>;
  summary: Record<string, unknown> | null;
}

const J = JSON.stringify;
function parse<T>(s: unknown, fallback: T): T {
  if (typeof s !== 'string') return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

/** The catalog over a {@link SqlDb}. */
export class Catalog {
  private constructor(readonly db: SqlDb) {}

  /**
   * Open (and migrate) the catalog at `target`: a SQLite path or a `postgres://` URL.
   *
   * @example
   * const catalog = await Catalog.open('.leakguard/catalog.db');
   */
  static async open(target: string): Promise<Catalog> {
    const db = await openSqlDb(target);
    await migrate(db, 'catalog', CATALOG_MIGRATIONS);
    return new Catalog(db);
  }

  /** Wrap an already-open database (migrates it). */
  static async from(db: SqlDb): Promise<Catalog> {
    await migrate(db, 'catalog', CATALOG_MIGRATIONS);
    return new Catalog(db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async startRun(sources: readonly string[], options: Record<string, unknown>): Promise<number> {
    const now = new Date().toISOString();
    const row = await this.db.get<{ id: number | string }>(
      'INSERT INTO lg_runs (started_at, status, sources, options) VALUES (?, ?, ?, ?) RETURNING id',
      [now, 'running', J(sources), J(options)],
    );
    return Number(row!.id);
  }

  async finishRun(
    id: number,
    status: 'done' | 'failed' | 'interrupted',
    summary: Record<string, unknown>,
  ): Promise<void> {
    await this.db.run('UPDATE lg_runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?', [
      new Date().toISOString(),
      status,
      J(summary),
      id,
    ]);
  }

  async run(id: number): Promise<RunRecord | undefined> {
    const r = await this.db.get('SELECT * FROM lg_runs WHERE id = ?', [id]);
    return r ? toRun(r) : undefined;
  }

  /** The newest finished run (or the newest of any status with `anyStatus`). */
  async latestRun(anyStatus = false): Promise<RunRecord | undefined> {
    const r = await this.db.get(
      anyStatus
        ? 'SELECT * FROM lg_runs ORDER BY id DESC LIMIT 1'
        : "SELECT * FROM lg_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1",
    );
    return r ? toRun(r) : undefined;
  }

  /** The stored fingerprint of a unit last read successfully, for incremental scans. */
  async unitFingerprint(unitId: string): Promise<string | undefined> {
    const r = await this.db.get<{ fingerprint: string | null; status: string }>(
      'SELECT fingerprint, status FROM lg_units WHERE unit_id = ?',
      [unitId],
    );
    return r && r.status === 'ok' && r.fingerprint ? r.fingerprint : undefined;
  }

  /** Store a unit's result, replacing any earlier result of the same unit (idempotent under retries). */
  async saveUnit(runId: number, r: UnitResult): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM lg_units WHERE unit_id = ?', [r.unitId]);
      await t.run(
        'INSERT INTO lg_units (unit_id, source, asset, kind, fingerprint, run_id, scanned_at, status, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          r.unitId,
          r.source,
          r.asset,
          r.kind,
          r.fingerprint ? J(r.fingerprint) : null,
          runId,
          new Date().toISOString(),
          r.status,
          J(r),
        ],
      );
      await t.run('DELETE FROM lg_problems WHERE run_id = ? AND unit_id = ?', [runId, r.unitId]);
      for (const p of r.problems) {
        await t.run(
          'INSERT INTO lg_problems (run_id, unit_id, asset, code, message, location) VALUES (?, ?, ?, ?, ?, ?)',
          [runId, r.unitId, r.asset, p.code, p.message, p.loc ? J(p.loc) : null],
        );
      }
    });
  }

  /**
   * Mark a unit as seen in this run without re-reading it (incremental skip), carrying the problems it had when
   * last read into this run: a corrupt file stays reported (summary, exit status, report) until it changes.
   * Returns the codes of the carried problems.
   *
   * @example
   * const carried = await catalog.touchUnit(runId, 'file:/data/broken.pdf'); // ['LG_FORMAT_CORRUPT']
   */
  async touchUnit(runId: number, unitId: string): Promise<string[]> {
    return this.db.tx((t) => touchUnitIn(t, runId, unitId));
  }

  /**
   * Delete units of `source` that this run did not plan (files deleted, tables dropped). Returns how many, and
   * the assets they belonged to.
   */
  async removeUnitsNotIn(source: string, keep: ReadonlySet<string>): Promise<{ units: number; assets: string[] }> {
    const rows = await this.db.all<{ unit_id: string; asset: string }>(
      'SELECT unit_id, asset FROM lg_units WHERE source = ?',
      [source],
    );
    const assets = new Set<string>();
    let units = 0;
    for (const { unit_id, asset } of rows) {
      if (!keep.has(unit_id)) {
        await this.db.run('DELETE FROM lg_units WHERE unit_id = ?', [unit_id]);
        assets.add(asset);
        units++;
      }
    }
    return { units, assets: [...assets] };
  }

  /** The assets of `source` that have stored units. */
  async assetsOfSource(source: string): Promise<string[]> {
    const rows = await this.db.all<{ asset: string }>(
      'SELECT DISTINCT asset FROM lg_units WHERE source = ? ORDER BY asset',
      [source],
    );
    return rows.map((r) => r.asset);
  }

  /** Every stored unit result of one asset (aggregation reads one asset at a time: bounded memory). */
  async unitsOfAsset(asset: string): Promise<UnitResult[]> {
    const rows = await this.db.all<{ result: string }>('SELECT result FROM lg_units WHERE asset = ? ORDER BY unit_id', [
      asset,
    ]);
    const out: UnitResult[] = [];
    for (const row of rows) {
      const r = parse<UnitResult | null>(row.result, null);
      if (r) out.push(r);
    }
    return out;
  }

  /** Every stored unit result of `source`, grouped by asset. */
  async unitsBySource(source: string): Promise<Map<string, UnitResult[]>> {
    const rows = await this.db.all<{ asset: string; result: string }>(
      'SELECT asset, result FROM lg_units WHERE source = ? ORDER BY unit_id',
      [source],
    );
    const out = new Map<string, UnitResult[]>();
    for (const row of rows) {
      const r = parse<UnitResult | null>(row.result, null);
      if (!r) continue;
      const list = out.get(row.asset) ?? [];
      list.push(r);
      out.set(row.asset, list);
    }
    return out;
  }

  /**
   * Store an asset's merged distinct-identifier sketches (type → base64 HyperLogLog), replacing earlier ones.
   */
  async saveAssetSketches(
    runId: number,
    source: string,
    asset: string,
    sketches: Record<string, string>,
  ): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM lg_asset_sketches WHERE asset = ?', [asset]);
      await t.run('INSERT INTO lg_asset_sketches (asset, source, run_id, sketches) VALUES (?, ?, ?, ?)', [
        asset,
        source,
        runId,
        J(sketches),
      ]);
    });
  }

  /** An asset's stored sketches, or undefined when none were stored (a catalog from before migration 2). */
  async assetSketches(asset: string): Promise<Record<string, string> | undefined> {
    const r = await this.db.get<{ sketches: string }>('SELECT sketches FROM lg_asset_sketches WHERE asset = ?', [
      asset,
    ]);
    return r ? parse<Record<string, string>>(r.sketches, {}) : undefined;
  }

  /** Drop the sketches of `source`'s assets that are gone (no stored units any more). */
  async pruneAssetSketches(source: string, keep: ReadonlySet<string>): Promise<void> {
    const rows = await this.db.all<{ asset: string }>('SELECT asset FROM lg_asset_sketches WHERE source = ?', [source]);
    for (const { asset } of rows) {
      if (!keep.has(asset)) await this.db.run('DELETE FROM lg_asset_sketches WHERE asset = ?', [asset]);
    }
  }

  async saveAssets(runId: number, assets: readonly AssetRecord[]): Promise<void> {
    await this.db.tx(async (t) => {
      for (const a of assets) {
        await t.run('DELETE FROM lg_assets WHERE run_id = ? AND asset = ?', [runId, a.asset]);
        await t.run(
          'INSERT INTO lg_assets (run_id, asset, source, kind, types, people, sensitive, grade, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [runId, a.asset, a.source, a.kind, J(a.types), a.people, a.sensitive ? 1 : 0, a.grade, J(a.detail)],
        );
      }
    });
  }

  async assets(runId: number): Promise<AssetRecord[]> {
    const rows = await this.db.all('SELECT * FROM lg_assets WHERE run_id = ? ORDER BY asset', [runId]);
    return rows.map(toAsset);
  }

  /** The most recent snapshot of each asset of `source` from runs before `runId`. */
  async previousAssets(source: string, runId: number): Promise<Map<string, AssetRecord>> {
    const prev = await this.db.get<{ run_id: number | string }>(
      'SELECT MAX(run_id) AS run_id FROM lg_assets WHERE source = ? AND run_id < ?',
      [source, runId],
    );
    const out = new Map<string, AssetRecord>();
    if (!prev || prev.run_id === null || prev.run_id === undefined) return out;
    const rows = await this.db.all('SELECT * FROM lg_assets WHERE source = ? AND run_id = ?', [
      source,
      Number(prev.run_id),
    ]);
    for (const r of rows) out.set(String(r.asset), toAsset(r));
    return out;
  }

  async saveChanges(runId: number, changes: readonly ChangeRecord[]): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM lg_changes WHERE run_id = ?', [runId]);
      for (const c of changes) {
        await t.run(
          'INSERT INTO lg_changes (run_id, asset, change, type, before_count, after_count) VALUES (?, ?, ?, ?, ?, ?)',
          [runId, c.asset, c.change, c.type, c.before, c.after],
        );
      }
    });
  }

  async changes(runId: number): Promise<ChangeRecord[]> {
    const rows = await this.db.all('SELECT * FROM lg_changes WHERE run_id = ? ORDER BY id', [runId]);
    return rows.map((r) => ({
      asset: String(r.asset),
      change: r.change as ChangeRecord['change'],
      type: (r.type as string | null) ?? null,
      before: r.before_count === null ? null : Number(r.before_count),
      after: r.after_count === null ? null : Number(r.after_count),
    }));
  }

  async problems(runId: number): Promise<(UnitProblem & { unitId: string; asset: string })[]> {
    const rows = await this.db.all('SELECT * FROM lg_problems WHERE run_id = ? ORDER BY id', [runId]);
    return rows.map((r) => ({
      unitId: String(r.unit_id),
      asset: String(r.asset),
      code: String(r.code),
      message: String(r.message),
      ...(r.location ? { loc: parse<FragmentLocation>(r.location, {}) } : {}),
    }));
  }

  /** Runs, newest first. */
  async runs(limit = 20): Promise<RunRecord[]> {
    const rows = await this.db.all('SELECT * FROM lg_runs ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map(toRun);
  }
}

/**
 * {@link Catalog.touchUnit} inside an open transaction (the queued planner batches its skips in one). Copies the
 * unit's problems from the run that last carried them (idempotent: a repeated touch in the same run copies
 * nothing twice).
 */
export async function touchUnitIn(db: SqlDb, runId: number, unitId: string): Promise<string[]> {
  const u = await db.get<{ run_id: number | string }>('SELECT run_id FROM lg_units WHERE unit_id = ?', [unitId]);
  if (!u) return [];
  const from = Number(u.run_id);
  if (from !== runId) {
    await db.run('DELETE FROM lg_problems WHERE run_id = ? AND unit_id = ?', [runId, unitId]);
    await db.run(
      'INSERT INTO lg_problems (run_id, unit_id, asset, code, message, location) SELECT ?, unit_id, asset, code, message, location FROM lg_problems WHERE run_id = ? AND unit_id = ? ORDER BY id',
      [runId, from, unitId],
    );
    await db.run('UPDATE lg_units SET run_id = ? WHERE unit_id = ?', [runId, unitId]);
  }
  const rows = await db.all<{ code: string }>('SELECT code FROM lg_problems WHERE run_id = ? AND unit_id = ?', [
    runId,
    unitId,
  ]);
  return rows.map((r) => r.code);
}

function toRun(r: Record<string, unknown>): RunRecord {
  return {
    id: Number(r.id),
    startedAt: String(r.started_at),
    finishedAt: (r.finished_at as string | null) ?? null,
    status: String(r.status),
    sources: parse<string[]>(r.sources, []),
    options: parse<Record<string, unknown>>(r.options, {}),
    summary: parse<Record<string, unknown> | null>(r.summary, null),
  };
}

function toAsset(r: Record<string, unknown>): AssetRecord {
  return {
    asset: String(r.asset),
    source: String(r.source),
    kind: String(r.kind),
    types: parse<Record<string, number>>(r.types, {}),
    people: Number(r.people),
    sensitive: Number(r.sensitive) === 1,
    grade: String(r.grade),
    detail: parse<AssetDetail>(r.detail, {
      masked: {},
      fields: [],
      samples: [],
      gradeReasons: [],
      units: 0,
      failedUnits: 0,
      bytes: 0,
      rows: 0,
      problems: 0,
    }),
  };
}
