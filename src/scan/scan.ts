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
  bytesPlanned: number;
  bytesDone: number;
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
  const runId = await catalog.startRun(
    sources.map((s) => s.id),
    options.runOptions ?? {},
  );
  const progress: ScanProgress = {
    phase: 'planning',
    unitsPlanned: 0,
    unitsDone: 0,
    unitsSkipped: 0,
    unitsFailed: 0,
    bytesPlanned: 0,
    bytesDone: 0,
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
  try {
    // Plan everything first: totals make progress and ETA honest.
    const planned: { s: ScanSource; units: Unit[] }[] = [];
    for (const s of sources) {
      const units: Unit[] = [];
      for await (const u of s.source.units(options.signal)) {
        units.push(u);
        progress.unitsPlanned++;
        progress.bytesPlanned += u.size ?? 0;
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
            await catalog.touchUnit(runId, u.id);
            progress.unitsSkipped++;
            progress.unitsDone++;
            progress.bytesDone += u.size ?? 0;
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
          progress.bytesDone += u.size ?? result.bytes;
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
      // One asset at a time (bounded memory); an asset none of whose units changed keeps its last snapshot
      // (unless grading rules were given: they may differ from the last run's).
      const previous = await catalog.previousAssets(s.id, runId);
      const assets: AssetRecord[] = [];
      for (const asset of await catalog.assetsOfSource(s.id)) {
        const prev = previous.get(asset);
        if (prev && !changed.has(asset) && !options.full && options.grading === undefined) {
          assets.push(prev);
          continue;
        }
        assets.push(aggregateAsset(asset, s.id, await catalog.unitsOfAsset(asset), options.grading ?? DEFAULT_GRADING));
      }
      allChanges.push(...diffAssets(previous, assets));
      await catalog.saveAssets(runId, assets);
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
): AssetRecord {
  const types: Record<string, number> = {};
  const masked: Record<string, number> = {};
  const fields = new Map<string, FieldStats>();
  const sketches = new Map<string, HyperLogLog>();
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
    for (const [t, b64] of Object.entries(u.sketches)) {
      const h = sketches.get(t);
      const other = HyperLogLog.fromBase64(b64);
      if (h) h.merge(other);
      else sketches.set(t, other);
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
