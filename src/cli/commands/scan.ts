/**
 * `leakguard scan <source…>` — discover personal information in files and databases, classify and grade it,
 * keep it in the catalog, report it.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { renderAuditHtml } from '../../audit/render.js';
import { Catalog, type UnitProblem } from '../../catalog/catalog.js';
import { isEntityType } from '../../core/entity-types.js';
import { UsageError } from '../../core/errors.js';
import { assetSummary } from '../../report/formats.js';
import { formatLoc, renderHtml } from '../../report/html.js';
import { loadReportModel } from '../../report/model.js';
import { DEFAULT_GRADING, type GradingConfig, gradeRank, loadGrading } from '../../scan/grading.js';
import { resolveScanKey } from '../../scan/key.js';
import { openScanSource } from '../../scan/open-source.js';
import { UnitPool } from '../../scan/pool.js';
import { planQueuedRun, QueuedRuns, queuedRunReport } from '../../scan/queue.js';
import { isNote, runScan, type ScanReport, type ScanSource } from '../../scan/scan.js';
import { numberOption, parse } from '../args.js';
import { latestAudit } from '../audit-report.js';
import { analyzerSpec, buildAnalyzer } from '../common.js';
import { type CliIO, write } from '../io.js';
import { createProgress } from '../progress.js';
import { version } from '../version.js';
import { queueProgressState, scanStatusCommand } from './scan-status.js';

export const scanHelp = `Usage: leakguard scan <source…> [options]
       leakguard scan status <run> [--queue URL] [--catalog …] [--wait] [--json]

Discover personal information: read every source, detect, classify columns and fields, grade each asset,
store the results in the catalog (never raw values) and print a summary. Unchanged files and tables are
skipped (incremental) unless --full.

Sources:
  PATH                        A file or directory (recursive; .gitignore and .leakguardignore honoured;
                              links leaving the root are never followed). Formats are sniffed by content:
                              text/log/Markdown, CSV/TSV, JSON/NDJSON, XLSX, Parquet, PDF, DOCX, EML, zip/tar/gz
  postgres://user@host/db     PostgreSQL (also mysql://, mariadb://, sqlite:PATH); ?tables=a,b&schema=s
  es+http://host:9200/idx*    Elasticsearch / OpenSearch index pattern

Options:
  --catalog PATH|URL          Catalog database (default .leakguard/catalog.db; postgres://… for teams)
  --full                      Re-read unchanged assets; read every row/document instead of a sample
  --sample N                  Rows sampled per table / documents per index (default 1000)
  --include GLOB              Only files matching (repeatable)
  --exclude GLOB              Skip files matching (repeatable)
  --config FILE               Detection config (custom recognizers, thresholds, allow/deny)
  --grading FILE              Grading rules (YAML); default levels L1–L4, see README
  --report FILE               Also write the HTML report to FILE
  --json                      Print { assets: [{ uri, kind, types, people, sensitive, grade }], summary }
  --fail-on GRADE|TYPE        Exit 1 when an asset has this grade or higher, or this entity type
  --queue URL                 Distribute units over BullMQ on Redis (redis://host:6379, or
                              LEAKGUARD_QUEUE): run \`leakguard worker --queue URL\` on any number of
                              machines; they store results in the catalog (PostgreSQL for several
                              machines). This process plans, enqueues and waits (progress on stderr)
  --detach                    With --queue: plan, enqueue, print the run id and exit 0; follow it with
                              \`leakguard scan status RUN\` (the run completes without this process)
  --threads N                 Worker threads reading units (default: the number of cores; 1 reads in
                              this thread)
  --quiet                     No progress output
  -h, --help                  Show this help

Exit status: 0 done (--detach: enqueued), 1 --fail-on matched, 2 usage/configuration/fatal error,
3 done but some units could not be read or had problems (listed in the summary and the catalog).

\`scan status RUN\` (RUN: the id --detach printed, or the catalog's run number) shows units done/total,
failed and parked units with their errors, bytes, MB/s and ETA; --wait follows the run to its end (and, with
--queue, enqueues units again if Redis lost them, and finalises the run). Exit 0 complete, 1 complete with
parked units, 3 still running.
`;

const OPTIONS = {
  catalog: { type: 'string' },
  full: { type: 'boolean' },
  sample: { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  config: { type: 'string' },
  grading: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  'fail-on': { type: 'string' },
  quiet: { type: 'boolean' },
  threads: { type: 'string' },
  queue: { type: 'string' },
  detach: { type: 'boolean' },
} as const;

/** Default catalog location, relative to the working directory. */
export const DEFAULT_CATALOG = '.leakguard/catalog.db';

/** Resolve a `--catalog` value (URL stays, path is made absolute). */
export function catalogTarget(value: string | undefined, io: CliIO): string {
  const v = value ?? io.env.LEAKGUARD_CATALOG ?? DEFAULT_CATALOG;
  return /^postgres(ql)?:\/\//i.test(v) ? v : resolve(io.cwd, v.replace(/^sqlite:/, ''));
}

export async function scanCommand(argv: readonly string[], io: CliIO): Promise<number> {
  // \`scan status RUN\`: a directory named "status" is scanned as ./status.
  if (argv[0] === 'status') return scanStatusCommand(argv.slice(1), io);
  const { values, positionals, help } = parse(argv, OPTIONS, 'scan');
  if (help) {
    await write(io.stdout, scanHelp);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('Invalid arguments for "scan": give at least one source (a path or a database URL)');
  const grading: GradingConfig = values.grading ? loadGrading(resolve(io.cwd, values.grading)) : DEFAULT_GRADING;
  const failOn = values['fail-on'];
  if (failOn !== undefined && gradeRank(failOn, grading) < 0 && !isEntityType(failOn)) {
    throw new UsageError(
      `Invalid value for --fail-on: "${failOn}" is neither a grade (${grading.grades.map((g) => g.grade).join(', ')}) nor an entity type`,
    );
  }
  const sampleRows = numberOption(values.sample, 'sample', 1, 10_000_000);
  const threads = numberOption(values.threads, 'threads', 1, 256) ?? availableParallelism();
  const flags = values.config !== undefined ? { config: values.config } : {};
  const analyzer = buildAnalyzer(io, flags);
  const target = catalogTarget(values.catalog, io);
  const hashKey = resolveScanKey(target, io.env);
  const sources: ScanSource[] = [];
  const openOptions = {
    cwd: io.cwd,
    ...(values.include ? { include: values.include } : {}),
    ...(values.exclude ? { exclude: values.exclude } : {}),
    ...(values.full ? { full: true } : {}),
    ...(sampleRows !== undefined ? { sampleRows } : {}),
  };
  for (const spec of positionals) sources.push(await openScanSource(spec, openOptions));
  const queueUrl = values.queue ?? io.env.LEAKGUARD_QUEUE;
  if (values.detach && !queueUrl) throw new UsageError('Invalid arguments for "scan": --detach needs --queue URL');
  if (values.detach && (values.report !== undefined || failOn !== undefined)) {
    throw new UsageError(
      'Invalid arguments for "scan": --report and --fail-on need the finished run; with --detach follow it with `leakguard scan status RUN --wait`, then `leakguard report`',
    );
  }
  const runner =
    !queueUrl && threads > 1
      ? new UnitPool({ analyzer: analyzerSpec(io, flags), open: openOptions, hashKey }, { threads })
      : undefined;
  const catalog = await Catalog.open(target);
  const progress = createProgress({
    stream: io.stderr,
    isTTY: io.isTTY,
    quiet: Boolean(values.quiet) || Boolean(values.json && !io.isTTY),
  });
  try {
    let report: ScanReport;
    if (queueUrl) {
      // Workers reopen the sources; this process only plans them.
      const planned = await planQueuedRun(sources, {
        catalog,
        catalogTarget: target,
        queueUrl,
        run: randomUUID(),
        analyzer: analyzerSpec(io, flags),
        open: openOptions,
        hashKey,
        full: Boolean(values.full),
        ...(values.grading ? { grading } : {}),
        runOptions: { full: Boolean(values.full), ...(sampleRows !== undefined ? { sample: sampleRows } : {}) },
        onPlanned: (p) =>
          progress.update({
            done: 0,
            total: p.units,
            amount: 0,
            amountTotal: p.bytes,
            unit: 'B',
            ...(p.rows > 0 ? { rows: 0, rowsTotal: p.rows } : {}),
          }),
      }).finally(async () => {
        for (const s of sources) await s.source.close();
      });
      if (values.detach) {
        progress.done();
        await write(
          io.stdout,
          values.json
            ? `${JSON.stringify({ run: planned.run, runId: planned.runId, units: planned.units, queued: planned.queued })}\n`
            : `${planned.run}\n`,
        );
        if (!values.json && !values.quiet) {
          await write(
            io.stderr,
            `run ${planned.run} (catalog run ${planned.runId}): ${planned.queued} of ${planned.units} units enqueued; follow it with \`leakguard scan status ${planned.run}\`\n`,
          );
        }
        return 0;
      }
      const runs = await QueuedRuns.open(catalog, queueUrl);
      try {
        await runs.wait(planned.run, {
          onProgress: (p) => progress.update(queueProgressState(p)),
          onNotice: (m) => {
            progress.done();
            void write(io.stderr, `scan: ${m}\n`);
          },
        });
        report = await queuedRunReport(catalog, planned.run);
      } finally {
        await runs.close();
      }
    } else {
      report = await runScan(sources, {
        catalog,
        analyzer,
        hashKey,
        full: Boolean(values.full),
        ...(runner ? { runner } : {}),
        ...(values.grading ? { grading } : {}),
        runOptions: { full: Boolean(values.full), ...(sampleRows !== undefined ? { sample: sampleRows } : {}) },
        onProgress: (p) =>
          progress.update({
            done: p.unitsDone,
            total: p.unitsPlanned,
            amount: p.bytesDone,
            amountTotal: p.bytesPlanned,
            unit: 'B',
            // Tables and indices count rows, files bytes: each gets its own rate.
            rows: p.rowsDone,
            rowsTotal: p.rowsPlanned,
            ...(p.current !== undefined ? { label: p.current } : {}),
          }),
      });
    }
    progress.done();
    await runner?.close();
    if (!queueUrl) for (const s of sources) await s.source.close();
    const { summary } = report;
    if (values.report) {
      const model = await loadReportModel(catalog, { runId: report.runId, version: version(), grading });
      const audit = await latestAudit(target);
      writeFileSync(resolve(io.cwd, values.report), renderHtml(model, audit ? [renderAuditHtml(audit)] : []));
    }
    // The run's problems (those of unchanged units carried over): each with its file or table and location.
    const problems = (await catalog.problems(report.runId)).filter((p) => !isNote(p.code));
    if (values.json) {
      const assets = report.assets.map(assetSummary);
      const listed = problems.slice(0, MAX_JSON_PROBLEMS).map((p) => ({
        asset: p.asset,
        unit: p.unitId,
        code: p.code,
        message: p.message,
        ...(p.loc ? { loc: p.loc } : {}),
      }));
      await write(
        io.stdout,
        `${JSON.stringify({ assets, summary, changes: report.changes, problems: listed }, null, 2)}\n`,
      );
    } else {
      await write(io.stdout, renderSummary(report.assets, summary, report.changes.length, grading));
      if (problems.length > 0) await write(io.stdout, renderProblems(problems));
      if (values.report) await write(io.stderr, `report written to ${values.report}\n`);
    }
    if (failOn !== undefined) {
      const rank = gradeRank(failOn, grading);
      const hit = report.assets.some((a) =>
        rank >= 0 ? gradeRank(a.grade, grading) >= rank : (a.types[failOn] ?? 0) > 0,
      );
      if (hit) return 1;
    }
    return summary.unitsFailed > 0 || summary.problems > 0 ? 3 : 0;
  } finally {
    await runner?.close();
    await catalog.close();
  }
}

/** Problems listed in `--json` output (the catalog and `leakguard report` keep them all). */
const MAX_JSON_PROBLEMS = 1000;
/** Problems listed after the text summary. */
const MAX_TEXT_PROBLEMS = 20;

/** The problems after the summary: code, asset, location and message (locations, never values). */
function renderProblems(problems: readonly (UnitProblem & { asset: string })[]): string {
  let out = '\nproblems:\n';
  for (const p of problems.slice(0, MAX_TEXT_PROBLEMS)) {
    const loc = p.loc ? formatLoc(p.loc) : '';
    out += `  ${p.code}  ${p.asset}${loc ? ` (${loc})` : ''}: ${p.message}\n`;
  }
  if (problems.length > MAX_TEXT_PROBLEMS)
    out += `  … and ${problems.length - MAX_TEXT_PROBLEMS} more: \`leakguard report --format md\` lists them all\n`;
  return out;
}

function renderSummary(
  assets: readonly {
    asset: string;
    kind: string;
    types: Record<string, number>;
    people: number;
    grade: string;
    sensitive: boolean;
  }[],
  s: import('../../scan/scan.js').ScanSummary,
  changes: number,
  grading: GradingConfig,
): string {
  const rank = (g: string) => gradeRank(g, grading);
  const rows = [...assets].sort((a, b) => rank(b.grade) - rank(a.grade) || a.asset.localeCompare(b.asset));
  const width = Math.min(60, Math.max(5, ...rows.map((r) => r.asset.length)));
  let out = `${'GRADE'.padEnd(6)}${'ASSET'.padEnd(width + 2)}${'PEOPLE'.padStart(8)}  TYPES\n`;
  for (const a of rows) {
    const name = a.asset.length > width ? `…${a.asset.slice(-(width - 1))}` : a.asset;
    const types = Object.entries(a.types)
      .sort((x, y) => y[1] - x[1])
      .map(([t, n]) => `${t}×${n}`)
      .join(' ');
    out += `${a.grade.padEnd(6)}${name.padEnd(width + 2)}${String(a.people).padStart(8)}  ${types || '-'}\n`;
  }
  const grades = Object.entries(s.grades)
    .sort((a, b) => rank(b[0]) - rank(a[0]))
    .map(([g, n]) => `${g} ${n}`)
    .join(', ');
  out += `\n${s.assets} assets (${grades || 'none'}), ${s.findings} findings, ~${s.people} people (distinct identifiers across assets); `;
  out += `${s.unitsRead} units read, ${s.unitsSkipped} unchanged, ${s.unitsFailed} failed, ${s.problems} problems; `;
  out += `${changes} changes since the last run; run ${s.runId} in ${(s.durationMs / 1000).toFixed(1)} s\n`;
  return out;
}
