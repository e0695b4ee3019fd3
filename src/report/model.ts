/**
 * The report model: everything a report shows about one run, read from the catalog. Holds masked previews,
 * keyed hashes and locations only — the catalog never had raw values.
 */
import type { AssetRecord, Catalog, ChangeRecord, RunRecord, UnitProblem } from '../catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_GRADING, type GradingConfig } from '../scan/grading.js';

export interface ReportModel {
  tool: { name: string; version: string };
  generatedAt: string;
  run: RunRecord;
  previousRun: RunRecord | null;
  assets: AssetRecord[];
  changes: ChangeRecord[];
  problems: (UnitProblem & { unitId: string; asset: string })[];
  grading: GradingConfig;
  totals: {
    findings: number;
    byType: Record<string, number>;
    /**
     * Distinct people in the run, counted once across assets (the run summary's merged sketch estimate; see
     * `ScanSummary.people`). Each asset's own estimate stays on the asset.
     */
    people: number;
    grades: Record<string, number>;
    sensitiveAssets: number;
    masked: number;
  };
}

/**
 * Load the model of `runId` (default: the newest finished run).
 *
 * @throws UsageError when the catalog has no such run
 */
export async function loadReportModel(
  catalog: Catalog,
  options: { runId?: number; version: string; grading?: GradingConfig },
): Promise<ReportModel> {
  const run = options.runId !== undefined ? await catalog.run(options.runId) : await catalog.latestRun();
  if (!run) {
    throw new UsageError(
      options.runId !== undefined
        ? `Cannot find scan run ${options.runId} in the catalog`
        : 'The catalog has no finished scan yet: run `leakguard scan` first',
    );
  }
  const runs = await catalog.runs(200);
  const previousRun = runs.find((r) => r.id < run.id && r.status === 'done') ?? null;
  const assets = await catalog.assets(run.id);
  const byType: Record<string, number> = {};
  const grades: Record<string, number> = {};
  let findings = 0;
  let peopleSum = 0;
  let masked = 0;
  let sensitiveAssets = 0;
  for (const a of assets) {
    for (const [t, n] of Object.entries(a.types)) {
      byType[t] = (byType[t] ?? 0) + n;
      findings += n;
    }
    for (const n of Object.values(a.detail.masked)) masked += n;
    grades[a.grade] = (grades[a.grade] ?? 0) + 1;
    peopleSum += a.people;
    if (a.sensitive) sensitiveAssets++;
  }
  // The run's summary holds the distinct count over all assets; a run without one (interrupted) falls back to
  // the sum of the assets' estimates, an upper bound.
  const fromSummary = run.summary?.people;
  const people = typeof fromSummary === 'number' ? fromSummary : peopleSum;
  return {
    tool: { name: 'leakguard', version: options.version },
    generatedAt: new Date().toISOString(),
    run,
    previousRun,
    assets,
    changes: await catalog.changes(run.id),
    problems: await catalog.problems(run.id),
    grading: options.grading ?? runGrading(run) ?? DEFAULT_GRADING,
    totals: { findings, byType, people, grades, sensitiveAssets, masked },
  };
}

/** The grading rules a run was scanned with, when they were given (kept in the run's options). */
function runGrading(run: RunRecord): GradingConfig | undefined {
  const g = run.options.grading as Partial<GradingConfig> | undefined;
  return g && Array.isArray(g.grades) && Array.isArray(g.rules) ? (g as GradingConfig) : undefined;
}

/** Assets sorted by grade rank (highest first), then findings. */
export function rankedAssets(model: ReportModel): AssetRecord[] {
  const rank = new Map(model.grading.grades.map((g) => [g.grade, g.rank]));
  const total = (a: AssetRecord) => Object.values(a.types).reduce((x, y) => x + y, 0);
  return [...model.assets].sort(
    (a, b) =>
      (rank.get(b.grade) ?? 0) - (rank.get(a.grade) ?? 0) || total(b) - total(a) || a.asset.localeCompare(b.asset),
  );
}
