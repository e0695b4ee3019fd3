/**
 * A scan run: plan units for every source, skip the ones unchanged since the last run, read the rest, store
 * each unit's result in the catalog, then aggregate assets (counts, people, field decisions, grade) and record
 * what changed since the previous run.
 *
 *   sources ─ units() ─▶ incremental check ─▶ read ─▶ detect ─▶ UnitResult ─▶ catalog (per unit, idempotent)
 *                                                                       └──▶ aggregate assets ─▶ grade ─▶ changes
 */
import type { AssetRecord, Catalog, ChangeRecord, FieldStats, Sample, UnitResult } from '../catalog/catalog.js';
import { HyperLogLog } from '../catalog/hll.js';
import { ENTITY_TYPES, isEntityType } from '../core/entity-types.js';
import type { Analyzer } from '../detect/analyzer.js';
import { isNote as isFormatNote } from '../sources/formats/types.js';
import type { Source, Unit } from '../sources/source.js';
import { classifyField } from './classify.js';
import { DEFAULT_GRADING, type GradingConfig, gradeAsset, isSensitive } from './grading.js';
import { PERSON_KEYS, processUnit } from './unit.js';

/**
 * Problem codes that are notes about content passed over on purpose (binary files, tables without a key read
 * whole, a sampling fallback), not problems with the input: listed in reports, not counted against exit status.
 */
const SOURCE_NOTES = new Set(['binary-skipped', 'no-key', 'sample-fallback', 'source-disabled']);

/** Whether a problem code is an informational note (the format readers' `skipped-*` notes or a source's). */
export function isNote(code: string): boolean {
  return isFormatNote(code) || SOURCE_NOTES.has(code);
}

/** A source with the id it is catalogued under (a path URI or a URL without password). */
export interface ScanSource {
  id: string;
  source: Source;
  /** The path or URL the source was opened from, so a worker thread can open it again. */
  spec?: string;
}

/** Reads units somewhere else (worker threads, another machine); see pool.ts. */
export interface UnitRunner {
  /** Worker count: how many units to keep in flight. */
  readonly threads: number;
  run(job: { spec: string; sourceId: string; unit: Unit }): Promise<UnitResult>;
}

/** Progress of a run, for progress bars. */
export interface ScanProgress {
  phase: 'planning' | 'reading' | 'aggregating';
  unitsPlanned: number;
  unitsDone: number;
  unitsSkipped: number;
  unitsFailed: number;
  /** Bytes of file units (planned sizes). */
  bytesPlanned: number;
  bytesDone: number;
  /** Rows or documents of table and index units (planned: the sample size, or the table's row count). */
  rowsPlanned: number;
  rowsDone: number;
  elapsedMs: number;
  current?: string;
}

export interface ScanOptions {
  catalog: Catalog;
  analyzer: Analyzer;
  hashKey: Uint8Array;
  /** Re-read every unit even when unchanged. */
  full?: boolean;
  grading?: GradingConfig;
  samplesPerType?: number;
  /** Units read concurrently in this thread (I/O overlap). Default 4; with `runner`, its thread count + 1. */
  concurrency?: number;
  /** Read units in worker threads (sources that have a `spec`); default: in this thread. */
  runner?: UnitRunner;
  onProgress?: (p: ScanProgress) => void;
  signal?: AbortSignal;
  /** Options recorded with the run. */
  runOptions?: Record<string, unknown>;
}

export interface ScanSummary {
  runId: number;
  sources: number;
  assets: number;
  units: number;
  unitsRead: number;
  unitsSkipped: number;
  unitsFailed: number;
  unitsRemoved: number;
  bytes: number;
  rows: number;
  findings: number;
  byType: Record<string, number>;
  masked: number;
  /**
   * Distinct people across all assets, estimated from identifiers: the distinct values of the most frequent
   * identifying type (resident ID, phone, e-mail, card, passport…; see PERSON_KEYS), merged over every asset so
   * a person found in three files counts once. People with no identifier (a name alone) are not counted.
   */
  people: number;
  grades: Record<string, number>;
  /** Problems with the input (corrupt files, malformed rows, refused archives, unreadable units). */
  problems: number;
  /** Notes on content passed over on purpose (binary files, unsupported formats). */
  skipped: number;
  changes: number;
  durationMs: number;
}

export interface ScanReport {
  runId: number;
  assets: AssetRecord[];
  changes: ChangeRecord[];
  summary: ScanSummary;
}

/**
 * Run a scan over `sources`.
 *
 * @example
 * const report = await runScan([{ id: 'file:/data', source }], { catalog, analyzer, hashKey });
 */
export async function runScan(sources: readonly ScanSource[], options: ScanOptions): Promise<ScanReport> {
  const { catalog } = options;
  const t0 = Date.now();
  // Grading rules given for the run are kept with it: a later report grades (and maps SARIF levels) alike.
  const runId = await catalog.startRun(
    sources.map((s) => s.id),
    { ...options.runOptions, ...(options.grading ? { grading: options.grading } : {}) },
  );
  const progress: ScanProgress = {
    phase: 'planning',
    unitsPlanned: 0,
    unitsDone: 0,
    unitsSkipped: 0,
    unitsFailed: 0,
    bytesPlanned: 0,
    bytesDone: 0,
    rowsPlanned: 0,
    rowsDone: 0,
    elapsedMs: 0,
  };
  const tick = (current?: string) => {
    progress.elapsedMs = Date.now() - t0;
    if (current !== undefined) progress.current = current;
    options.onProgress?.(progress);
  };
  let unitsRemoved = 0;
  /** Assets with a unit read or removed in this run: only these are aggregated again. */
  const changed = new Set<string>();
  let problems = 0;
  let skipped = 0;
  const allAssets: AssetRecord[] = [];
  const allChanges: ChangeRecord[] = [];
  const people = new PeopleCounter();
  try {
    // Plan everything first: totals make progress and ETA honest.
    const planned: { s: ScanSource; units: Unit[] }[] = [];
    for (const s of sources) {
      const units: Unit[] = [];
      for await (const u of s.source.units(options.signal)) {
        units.push(u);
        progress.unitsPlanned++;
        if (countsRows(u)) progress.rowsPlanned += u.size ?? 0;
        else progress.bytesPlanned += u.size ?? 0;
        if (progress.unitsPlanned % 256 === 0) tick();
      }
      planned.push({ s, units });
    }
    progress.phase = 'reading';
    tick();
    for (const { s, units } of planned) {
      // Largest units first when several run at once: a big byte range started last would leave one thread
      // working alone at the end (longest-processing-time-first scheduling).
      const queue = options.runner ? [...units].sort((a, b) => (b.size ?? 0) - (a.size ?? 0)) : [...units];
      const worker = async () => {
        for (let u = queue.shift(); u !== undefined; u = queue.shift()) {
          options.signal?.throwIfAborted();
          const fp = u.fingerprint ? JSON.stringify(u.fingerprint) : null;
          if (!options.full && fp !== null && (await catalog.unitFingerprint(u.id)) === fp) {
            // Its problems come along: a corrupt file stays reported (and the exit status says so) until it changes.
            for (const code of await catalog.touchUnit(runId, u.id)) {
              if (isNote(code)) skipped++;
              else problems++;
            }
            progress.unitsSkipped++;
            progress.unitsDone++;
            if (countsRows(u)) progress.rowsDone += u.size ?? 0;
            else progress.bytesDone += u.size ?? 0;
            tick(u.asset);
            continue;
          }
          tick(u.asset);
          const result =
            options.runner && s.spec !== undefined
              ? await options.runner.run({ spec: s.spec, sourceId: s.id, unit: u })
              : await processUnit(s.source, s.id, u, {
                  analyzer: options.analyzer,
                  hashKey: options.hashKey,
                  ...(options.samplesPerType !== undefined ? { samplesPerType: options.samplesPerType } : {}),
                  ...(options.signal ? { signal: options.signal } : {}),
                });
          await catalog.saveUnit(runId, result);
          changed.add(u.asset);
          for (const pr of result.problems) {
            if (isNote(pr.code)) skipped++;
            else problems++;
          }
          if (result.status === 'failed') progress.unitsFailed++;
          progress.unitsDone++;
          if (countsRows(u)) progress.rowsDone += u.size ?? result.rows;
          else progress.bytesDone += u.size ?? result.bytes;
          tick(u.asset);
        }
      };
      const inFlight = options.concurrency ?? (options.runner ? options.runner.threads + 1 : 4);
      await Promise.all(Array.from({ length: Math.max(1, inFlight) }, worker));
      const removed = await catalog.removeUnitsNotIn(s.id, new Set(units.map((u) => u.id)));
      unitsRemoved += removed.units;
      for (const a of removed.assets) changed.add(a);
      progress.phase = 'aggregating';
      tick();
      const { assets, changes } = await aggregateSource(catalog, runId, s.id, changed, people, {
        full: Boolean(options.full),
        ...(options.grading ? { grading: options.grading } : {}),
      });
      allChanges.push(...changes);
      allAssets.push(...assets);
    }
    await catalog.saveChanges(runId, allChanges);
    const summary = summarize(
      runId,
      sources.length,
      allAssets,
      allChanges,
      progress,
      unitsRemoved,
      problems,
      skipped,
      Date.now() - t0,
    );
    summary.people = people.total();
    await catalog.finishRun(runId, 'done', summary as unknown as Record<string, unknown>);
    return { runId, assets: allAssets, changes: allChanges, summary };
  } catch (e) {
    await catalog
      .finishRun(runId, options.signal?.aborted ? 'interrupted' : 'failed', {
        error: (e as { code?: string }).code ?? 'internal',
      })
      .catch(() => undefined);
    throw e;
  }
}

/** Whether a unit's size counts rows or documents (tables, indices) rather than bytes (files). */
export function countsRows(u: Pick<Unit, 'kind'>): boolean {
  return u.kind === 'table' || u.kind === 'table-range' || u.kind === 'index' || u.kind === 'index-slice';
}

/**
 * Distinct people over a whole run: the per-type distinct-identifier sketches of every asset merged, so one
 * person found in three assets counts once (the per-asset estimates stay per asset). The total is the largest
 * distinct count over the identifying types — one person usually has one resident ID, one phone, one e-mail —
 * capped by that type's finding count like an asset's own estimate.
 */
export class PeopleCounter {
  readonly #sketches = new Map<string, HyperLogLog>();
  readonly #counts = new Map<string, number>();

  /** Add one asset: its per-type finding counts and its sketches (type → base64). */
  add(types: Readonly<Record<string, number>>, sketches: Readonly<Record<string, string>>): void {
    for (const [t, b64] of Object.entries(sketches)) {
      if (!PERSON_KEYS.has(t)) continue;
      const other = HyperLogLog.fromBase64(b64);
      const h = this.#sketches.get(t);
      if (h) h.merge(other);
      else this.#sketches.set(t, other);
      this.#counts.set(t, (this.#counts.get(t) ?? 0) + (types[t] ?? 0));
    }
  }

  /** The run's estimate of distinct people. */
  total(): number {
    let people = 0;
    for (const [t, h] of this.#sketches) people = Math.max(people, Math.min(h.estimate(), this.#counts.get(t) ?? 0));
    return people;
  }
}

/**
 * Aggregate the assets of one source after its units were read (shared by local and queued runs): an asset
 * none of whose units changed keeps its last snapshot (unless `full` or grading rules were given: they may
 * differ from the last run's); the others are aggregated from their units, one asset at a time (bounded
 * memory). Stores the snapshots and each asset's merged sketches, adds every asset to `people`, and returns
 * the snapshots and the changes since the previous run.
 */
export async function aggregateSource(
  catalog: Catalog,
  runId: number,
  source: string,
  changed: ReadonlySet<string>,
  people: PeopleCounter,
  options: { full?: boolean; grading?: GradingConfig },
): Promise<{ assets: AssetRecord[]; changes: ChangeRecord[] }> {
  const previous = await catalog.previousAssets(source, runId);
  const assets: AssetRecord[] = [];
  const current = await catalog.assetsOfSource(source);
  for (const asset of current) {
    const prev = previous.get(asset);
    if (prev && !changed.has(asset) && !options.full && options.grading === undefined) {
      let sketches = await catalog.assetSketches(asset);
      if (sketches === undefined) {
        // A catalog from before sketches were kept per asset: merge them from the units once.
        sketches = sketchesToBase64(mergeSketches(await catalog.unitsOfAsset(asset)));
        await catalog.saveAssetSketches(runId, source, asset, sketches);
      }
      people.add(prev.types, sketches);
      assets.push(prev);
      continue;
    }
    const units = await catalog.unitsOfAsset(asset);
    const merged = mergeSketches(units);
    const record = aggregateAsset(asset, source, units, options.grading ?? DEFAULT_GRADING, merged);
    const sketches = sketchesToBase64(merged);
    await catalog.saveAssetSketches(runId, source, asset, sketches);
    people.add(record.types, sketches);
    assets.push(record);
  }
  await catalog.pruneAssetSketches(source, new Set(current));
  const changes = diffAssets(previous, assets);
  await catalog.saveAssets(runId, assets);
  return { assets, changes };
}

/** The units' sketches merged per type. */
export function mergeSketches(units: readonly UnitResult[]): Map<string, HyperLogLog> {
  const sketches = new Map<string, HyperLogLog>();
  for (const u of units) {
    for (const [t, b64] of Object.entries(u.sketches)) {
      const h = sketches.get(t);
      const other = HyperLogLog.fromBase64(b64);
      if (h) h.merge(other);
      else sketches.set(t, other);
    }
  }
  return sketches;
}

function sketchesToBase64(sketches: ReadonlyMap<string, HyperLogLog>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [t, h] of sketches) out[t] = h.toBase64();
  return out;
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Aggregate an asset from its units: sums, merged sketches, field decisions, grade.
 */
export function aggregateAsset(
  asset: string,
  source: string,
  units: readonly UnitResult[],
  grading: GradingConfig,
  /** The units' sketches already merged ({@link mergeSketches}), when the caller has them. */
  merged?: ReadonlyMap<string, HyperLogLog>,
): AssetRecord {
  const types: Record<string, number> = {};
  const masked: Record<string, number> = {};
  const fields = new Map<string, FieldStats>();
  const sketches = merged ?? mergeSketches(units);
  const samples: Sample[] = [];
  const perType = new Map<string, number>();
  let sensitiveFindings = 0;
  let bytes = 0;
  let rows = 0;
  let failed = 0;
  let problems = 0;
  for (const u of units) {
    add(types, u.counts);
    add(masked, u.masked);
    sensitiveFindings += u.sensitiveFindings;
    bytes += u.bytes;
    rows += u.rows;
    problems += u.problems.length;
    if (u.status === 'failed') failed++;
    for (const [name, s] of Object.entries(u.fields)) {
      const f = fields.get(name) ?? { values: 0, nonEmpty: 0, hits: {}, masked: {} };
      f.values += s.values;
      f.nonEmpty += s.nonEmpty;
      add(f.hits, s.hits);
      add(f.masked, s.masked);
      fields.set(name, f);
    }
    for (const s of u.samples) {
      const n = perType.get(s.type) ?? 0;
      if (n < 5) {
        perType.set(s.type, n + 1);
        samples.push(s);
      }
    }
  }
  let people = 0;
  let sensitivePeople = 0;
  for (const [t, h] of sketches) {
    const est = Math.min(h.estimate(), types[t] ?? 0);
    if (PERSON_KEYS.has(t) && est > people) people = est;
    if (isEntityType(t) && ENTITY_TYPES[t].sensitive && est > sensitivePeople) sensitivePeople = est;
  }
  const decisions = [...fields.entries()]
    .map(([name, s]) => classifyField(name, s))
    .filter((d) => d.type !== null)
    .sort((a, b) => a.field.localeCompare(b.field));
  const gradeInput = { types, people, sensitivePeople, sensitiveFindings };
  const { grade, reasons } = gradeAsset(gradeInput, grading);
  return {
    asset,
    source,
    kind:
      units[0]?.kind === 'table' || units[0]?.kind === 'table-range'
        ? 'table'
        : units[0]?.kind?.startsWith('index')
          ? 'index'
          : 'file',
    types,
    people,
    sensitive: isSensitive(gradeInput),
    grade,
    detail: {
      masked,
      fields: decisions,
      samples,
      gradeReasons: reasons,
      units: units.length,
      failedUnits: failed,
      bytes,
      rows,
      problems,
    },
  };
}

/** What changed per asset between the previous snapshot and this one. */
export function diffAssets(
  previous: ReadonlyMap<string, AssetRecord>,
  current: readonly AssetRecord[],
): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  const seen = new Set<string>();
  for (const a of current) {
    seen.add(a.asset);
    const p = previous.get(a.asset);
    if (!p) {
      if (Object.keys(a.types).length > 0)
        out.push({ asset: a.asset, change: 'new-asset', type: null, before: null, after: total(a.types) });
      continue;
    }
    for (const [t, n] of Object.entries(a.types)) {
      const b = p.types[t] ?? 0;
      if (b === 0) out.push({ asset: a.asset, change: 'new-type', type: t, before: 0, after: n });
      else if (n > b) out.push({ asset: a.asset, change: 'grown', type: t, before: b, after: n });
      else if (n < b) out.push({ asset: a.asset, change: 'shrunk', type: t, before: b, after: n });
    }
    for (const [t, b] of Object.entries(p.types)) {
      if (!(t in a.types) && b > 0) out.push({ asset: a.asset, change: 'removed-type', type: t, before: b, after: 0 });
    }
    if (p.grade !== a.grade)
      out.push({ asset: a.asset, change: 'grade-changed', type: `${p.grade}→${a.grade}`, before: null, after: null });
  }
  for (const [asset, p] of previous) {
    if (!seen.has(asset) && Object.keys(p.types).length > 0) {
      out.push({ asset, change: 'removed-asset', type: null, before: total(p.types), after: 0 });
    }
  }
  return out;
}

function total(types: Record<string, number>): number {
  let n = 0;
  for (const v of Object.values(types)) n += v;
  return n;
}

/** Totals over a run's assets, for its summary (shared by local and queued runs). */
export function assetTotals(assets: readonly AssetRecord[]): {
  byType: Record<string, number>;
  grades: Record<string, number>;
  masked: number;
  people: number;
  bytes: number;
  rows: number;
  findings: number;
} {
  const byType: Record<string, number> = {};
  const grades: Record<string, number> = {};
  let masked = 0;
  let people = 0;
  let bytes = 0;
  let rows = 0;
  for (const a of assets) {
    add(byType, a.types);
    grades[a.grade] = (grades[a.grade] ?? 0) + 1;
    masked += total(a.detail.masked);
    people += a.people;
    bytes += a.detail.bytes;
    rows += a.detail.rows;
  }
  return { byType, grades, masked, people, bytes, rows, findings: total(byType) };
}

function summarize(
  runId: number,
  sources: number,
  assets: readonly AssetRecord[],
  changes: readonly ChangeRecord[],
  p: ScanProgress,
  unitsRemoved: number,
  problems: number,
  skipped: number,
  durationMs: number,
): ScanSummary {
  const { byType, grades, masked, people, bytes, rows, findings } = assetTotals(assets);
  return {
    runId,
    sources,
    assets: assets.length,
    units: p.unitsPlanned,
    unitsRead: p.unitsDone - p.unitsSkipped,
    unitsSkipped: p.unitsSkipped,
    unitsFailed: p.unitsFailed,
    unitsRemoved,
    bytes,
    rows,
    findings,
    byType,
    masked,
    people,
    grades,
    problems,
    skipped,
    changes: changes.length,
    durationMs,
  };
}
