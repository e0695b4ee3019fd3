/**
 * `leakguard scan status RUN` — the aggregated progress of a queued scan (units, failures, parked units with
 * their errors, bytes, MB/s, ETA) read from the catalog; `--wait` follows it to the end and, with the queue,
 * reconciles it with Redis (units Redis lost are enqueued again) and finalises it.
 */
import { UsageError } from '../../core/errors.js';
import {
  findQueuedRun,
  openQueueCatalog,
  type QueuedRunProgress,
  QueuedRuns,
  queuedRunProgress,
} from '../../scan/queue.js';
import { parse } from '../args.js';
import { type CliIO, write } from '../io.js';
import { createProgress, type ProgressState } from '../progress.js';
import { catalogTarget } from './scan.js';

export const scanStatusHelp = `Usage: leakguard scan status <run> [options]

Show a queued scan's progress, read from the catalog: units done of total, failed units (unreadable input),
parked units (given up on after every attempt) with their errors, bytes, MB/s and ETA. RUN is the id
\`scan … --queue URL --detach\` printed, or the catalog's run number.

Options:
  --catalog PATH|URL   The catalog the scan writes to (default .leakguard/catalog.db, or LEAKGUARD_CATALOG)
  --queue URL          The queue (or LEAKGUARD_QUEUE; default: the run's queue when it has no password).
                       With --wait, units Redis lost (a restart without persistence) are enqueued again
  --wait               Follow the run until it completes (progress on stderr), finalising it if no worker
                       has: the catalog's run record, assets, grades and changes
  --json               Print the status as JSON
  --quiet              No progress while waiting
  -h, --help           Show this help

Exit status: 0 complete, 1 complete with parked units, 3 still running, 2 usage/configuration error.
`;

const OPTIONS = {
  catalog: { type: 'string' },
  queue: { type: 'string' },
  wait: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** A queued run's progress as a progress-bar state. */
export function queueProgressState(p: QueuedRunProgress): ProgressState {
  const bad = p.units.failed + p.units.parked;
  return {
    done: p.units.done + p.units.parked + p.units.skipped,
    total: p.units.total,
    amount: p.bytes.done,
    amountTotal: p.bytes.total,
    unit: 'B',
    ...(p.rows.total > 0 || p.rows.done > 0 ? { rows: p.rows.done, rowsTotal: p.rows.total } : {}),
    // In the line itself, so plain (non-terminal) progress lines say it too.
    ...(bad > 0 ? { note: `${p.units.failed} failed, ${p.units.parked} parked` } : {}),
  };
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function duration(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

/** The text rendering of a status. Holds ids, counts and error codes only. */
export function renderQueueStatus(p: QueuedRunProgress): string {
  const u = p.units;
  let out = `run ${p.run} (catalog run ${p.runId}): ${p.state === 'done' ? 'complete' : p.state}\n`;
  out += `units   ${u.done + u.parked + u.skipped}/${u.total} (${u.done} read, ${u.skipped} unchanged, ${u.queued} to go); ${u.failed} failed, ${u.parked} parked\n`;
  const rows = p.rows.total > 0 || p.rows.done > 0;
  const bytes = p.bytes.total > 0 || p.bytes.done > 0 || !rows;
  if (bytes) out += `bytes   ${mb(p.bytes.done)} of ${mb(p.bytes.total)}, ${p.mbPerSec.toFixed(1)} MB/s\n`;
  if (rows) {
    out += `rows    ${p.rows.done.toLocaleString('en-US')} of ${p.rows.total.toLocaleString('en-US')}, ${Math.round(p.rowsPerSec).toLocaleString('en-US')} rows/s\n`;
  }
  out +=
    p.state === 'done'
      ? `time    took ${duration(p.elapsedMs / 1000)}\n`
      : p.etaSeconds !== null
        ? `time    ETA ${duration(p.etaSeconds)}\n`
        : '';
  for (const x of p.parkedUnits) out += `parked  ${x.unit}: ${x.error}\n`;
  if (u.parked > p.parkedUnits.length) out += `parked  … and ${u.parked - p.parkedUnits.length} more\n`;
  return out;
}

export async function scanStatusCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, OPTIONS, 'scan status');
  if (help) {
    await write(io.stdout, scanStatusHelp);
    return 0;
  }
  const run = positionals[0];
  if (positionals.length !== 1 || run === undefined)
    throw new UsageError('Invalid arguments for "scan status": give one run id');
  const catalog = await openQueueCatalog(catalogTarget(values.catalog, io));
  let runs: QueuedRuns | undefined;
  try {
    let p = await queuedRunProgress(catalog, run);
    if (values.wait && p.state !== 'done' && p.state !== 'failed') {
      const rec = await findQueuedRun(catalog, run);
      // The run's own queue serves when it needs no password (a redacted URL cannot connect).
      const stored = rec?.meta.queue.includes('***') ? undefined : rec?.meta.queue;
      const queueUrl = values.queue ?? io.env.LEAKGUARD_QUEUE ?? stored;
      runs = await QueuedRuns.open(catalog, queueUrl);
      const progress = createProgress({
        stream: io.stderr,
        isTTY: io.isTTY,
        quiet: Boolean(values.quiet) || Boolean(values.json && !io.isTTY),
      });
      p = await runs.wait(p.run, {
        onProgress: (x) => progress.update(queueProgressState(x)),
        onNotice: (m) => {
          progress.done();
          void write(io.stderr, `scan status: ${m}\n`);
        },
      });
      progress.done();
    }
    await write(io.stdout, values.json ? `${JSON.stringify(p, null, 2)}\n` : renderQueueStatus(p));
    if (p.state !== 'done') return p.state === 'failed' ? 2 : 3;
    return p.units.parked > 0 ? 1 : 0;
  } finally {
    await runs?.close();
    await catalog.close();
  }
}
