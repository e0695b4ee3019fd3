/**
 * Scanning across machines on BullMQ (Redis), with the catalog (PostgreSQL for several machines, SQLite for one)
 * as the durable record of every run.
 *
 * The coordinator (`leakguard scan … --queue redis://…`) plans units, skips unchanged ones, writes the plan to
 * the catalog (`lg_queue_runs`, `lg_queue_units`) 500 units at a time and enqueues each batch once it is there,
 * as jobs whose id is the run token and the unit id (enqueueing twice is a no-op): workers start while the
 * coordinator is still planning, and a run is finalised only once its plan is complete. Workers (`leakguard
 * worker --queue …`, any number, anywhere) read a unit, store its `UnitResult` in the catalog (replacing any
 * earlier result of the unit) and mark the unit done in the plan. Whoever sees the last unit come in — a worker, the waiting coordinator or
 * `leakguard scan status RUN --wait` — claims the run and finalises it (aggregates assets, grades, records the
 * changes, completes the catalog's run record); the claim is one conditional UPDATE, so exactly one does.
 * The coordinator may therefore wait (progress on stderr) or `--detach` and exit at once.
 *
 * Delivery is at-least-once and results are idempotent per unit: a retried or re-delivered unit replaces its
 * result, never adds to it. Because the plan lives in the catalog and not in Redis, Redis is only a work list:
 *
 * - a worker killed mid-unit (SIGKILL, lost machine) stops renewing its job lock; BullMQ's stalled-job check
 *   hands the unit to another worker; SIGTERM drains;
 * - a unit that keeps failing (the worker failing on it — a catalog it cannot write, a source it cannot open —
 *   not a damaged file, which is a normal result) is parked after `attempts` tries with its error, recorded as a
 *   failed unit, and reported while the rest go on;
 * - Redis restarting without its data: the observer (waiting coordinator or `scan status --wait`) sees units
 *   still planned but no job for them and enqueues them again; units finished meanwhile are already in the
 *   catalog, so nothing is lost and nothing is counted twice;
 * - the catalog (PostgreSQL) restarting: a worker's write fails, the job is retried with back-off (1, 2, 4 s)
 *   and parked only after its attempts; parked units are re-read by the next incremental scan of the sources.
 *
 * Credentials never travel through the queue: jobs carry sources and the catalog as catalogued (URLs without
 * password); each worker resolves them against the connections it was given (`--connection URL`, `--catalog`
 * or `LEAKGUARD_CONNECTIONS`). Jobs also carry a fingerprint of the hash key (never the key): a worker holding
 * another key refuses the unit instead of hashing it into sketches that would not merge.
 */
import { createHmac } from 'node:crypto';
import { type Job, Queue, Worker } from 'bullmq';
import { Catalog, type ChangeRecord, touchUnitIn, type UnitResult } from '../catalog/catalog.js';
import { type Migration, migrate } from '../catalog/migrations.js';
import { ConfigError, isLeakguardError, SourceError, UsageError } from '../core/errors.js';
import { type AnalyzerSpec, analyzerFromSpec } from '../detect/spec.js';
import { redactUrl } from '../sources/db-url.js';
import type { Unit } from '../sources/source.js';
import { DEFAULT_GRADING, type GradingConfig } from './grading.js';
import { type OpenSourceOptions, openScanSource } from './open-source.js';
import { UnitPool, UnitThreadError } from './pool.js';
import {
  aggregateSource,
  assetTotals,
  countsRows,
  isNote,
  PeopleCounter,
  type ScanReport,
  type ScanSource,
  type ScanSummary,
} from './scan.js';
import { processUnit, UnitAccumulator } from './unit.js';

/** The queue's name in Redis (scan units and protect ranges share it; `kind` tells them apart). */
export const SCAN_QUEUE = 'leakguard-scan';

/** Tries per unit before it is parked. */
export const DEFAULT_ATTEMPTS = 3;

/** Schema of the queued-run plan, in the catalog database (module `queue`). */
export const QUEUE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'queued runs',
    sql: `
CREATE TABLE lg_queue_runs (
  token TEXT PRIMARY KEY,
  run_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  enqueued_at TEXT,
  claimed_at TEXT,
  finished_at TEXT,
  units BIGINT NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  meta TEXT NOT NULL
);
CREATE INDEX lg_queue_runs_run ON lg_queue_runs (run_id);
CREATE TABLE lg_queue_units (
  token TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  source TEXT NOT NULL,
  asset TEXT NOT NULL,
  state TEXT NOT NULL,
  failed INTEGER NOT NULL DEFAULT 0,
  size BIGINT NOT NULL,
  job TEXT NOT NULL,
  finished_at TEXT,
  PRIMARY KEY (token, unit_id)
);
CREATE INDEX lg_queue_units_state ON lg_queue_units (token, state);
`,
  },
  {
    version: 2,
    name: 'rows apart from bytes',
    // Table and index units are sized in rows: counted apart, so progress shows MB/s and rows/s, never a sum.
    sql: `
ALTER TABLE lg_queue_units ADD COLUMN counts_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE lg_queue_runs ADD COLUMN row_total BIGINT NOT NULL DEFAULT 0;
`,
  },
];

/** A finalising observer holds its claim this long before another may take over (it crashed). */
const CLAIM_LEASE_MS = 60_000;

/** What every unit of a queued run shares (stored once in the run's record, copied into each job). */
export interface QueuedRunMeta {
  /** The queue as given to the coordinator, without password. */
  queue: string;
  /** The catalog, without password (workers resolve it against their own `--catalog`/connections). */
  catalog: string;
  /** Fingerprint of the hash key (see {@link keyFingerprint}). */
  keyId: string;
  analyzer: AnalyzerSpec;
  open: OpenSourceOptions;
  samplesPerType?: number;
  /** Sources in plan order. */
  sources: { id: string; spec: string }[];
  /** Grading rules given to the coordinator (absent: the defaults, and unchanged assets keep their snapshot). */
  grading?: GradingConfig;
  full: boolean;
  attempts: number;
}

/** A scan job: one unit, with everything a worker needs except credentials and the hash key. */
export interface ScanJobData {
  kind: 'scan';
  /** The run token (job ids are unique per run and unit). */
  run: string;
  /** The catalog's run id the result belongs to. */
  runId: number;
  catalog: string;
  keyId: string;
  /** The source as catalogued: a path, or a URL without password. */
  spec: string;
  sourceId: string;
  unit: Unit;
  analyzer: AnalyzerSpec;
  open: OpenSourceOptions;
  samplesPerType?: number;
}

/** Any job on the queue: a scan unit, or a job another module handles (`kind` names the handler). */
export type QueueJobData = ScanJobData | ({ kind: string } & Record<string, unknown>);

/**
 * A short public fingerprint of a hash key (HMAC of a fixed label, 16 hex digits): equal keys, equal ids; the
 * key cannot be recovered from it.
 *
 * @example
 * keyFingerprint(hashKey) // '3f9a0c…'
 */
export function keyFingerprint(hashKey: Uint8Array): string {
  return createHmac('sha256', hashKey).update('leakguard/queue-key-id').digest('hex').slice(0, 16);
}

/** Redis connection options from a `redis://` URL (BullMQ needs `maxRetriesPerRequest: null` for workers). */
export function redisConnection(url: string): {
  host: string;
  port: number;
  password?: string;
  username?: string;
  db?: number;
  maxRetriesPerRequest: null;
  tls?: Record<string, never>;
} {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`Invalid queue URL "${redactUrl(url)}": expected redis://host:port`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UsageError(`Invalid queue URL "${redactUrl(url)}": expected redis://host:port`);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The job id of a unit in a run (BullMQ job ids may not contain ':'). */
export function unitJobId(run: string, unitId: string): string {
  return `${run}-${Buffer.from(unitId).toString('base64url')}`;
}

/** Job options of every unit: retries with back-off; finished jobs leave Redis (their results are in the catalog). */
export function jobOptions(id: string, attempts: number) {
  return {
    jobId: id,
    attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  } as const;
}

/** A safe one-line reason for a failure: the leakguard code and message (they hold no values), else the name. */
export function safeReason(e: unknown): string {
  if (isLeakguardError(e) || e instanceof UnitThreadError) return `${e.code}: ${e.message}`;
  return `the worker failed on it (${(e as Error)?.name ?? 'Error'})`;
}

const now = (): string => new Date().toISOString();
const J = JSON.stringify;

/** Open the catalog at `target` with the queue tables migrated. */
export async function openQueueCatalog(target: string): Promise<Catalog> {
  const catalog = await Catalog.open(target);
  try {
    await migrate(catalog.db, 'queue', QUEUE_MIGRATIONS);
  } catch (e) {
    await catalog.close();
    throw e;
  }
  return catalog;
}

/** Options of {@link planQueuedRun}. */
export interface PlanQueuedRunOptions {
  catalog: Catalog;
  /** The catalog as given (a path or URL); stored without password. */
  catalogTarget: string;
  queueUrl: string;
  /** A token unique to this run (e.g. a UUID). */
  run: string;
  analyzer: AnalyzerSpec;
  open: OpenSourceOptions;
  hashKey: Uint8Array;
  full?: boolean;
  grading?: GradingConfig;
  samplesPerType?: number;
  attempts?: number;
  /** Options recorded with the catalog's run. */
  runOptions?: Record<string, unknown>;
  /** How long enqueueing may wait for an unreachable Redis (ms). Default 30000. */
  enqueueTimeoutMs?: number;
  /** Called every 256 planned units and when planning ends. */
  /** Planning progress: units, bytes of file units and rows of table and index units so far. */
  onPlanned?: (p: { units: number; bytes: number; rows: number }) => void;
  signal?: AbortSignal;
}

/** What {@link planQueuedRun} planned. */
export interface PlannedRun {
  run: string;
  runId: number;
  /** Units planned (read and unchanged). */
  units: number;
  /** Units enqueued (the rest were unchanged since the last run). */
  queued: number;
  bytes: number;
}

/**
 * The coordinator's side: plan every unit, record the plan in the catalog, enqueue the units to read. Returns
 * once everything is enqueued; {@link QueuedRuns.wait} follows the run, or nothing does (`--detach`).
 *
 * @throws SourceError when a source cannot be planned; Redis errors when the queue is unreachable (the plan is
 *   then in the catalog already: `scan status RUN --queue URL --wait` enqueues it)
 * @example
 * const planned = await planQueuedRun(sources, { catalog, catalogTarget, queueUrl, run: randomUUID(), analyzer: {}, open: { cwd }, hashKey });
 */
export async function planQueuedRun(sources: readonly ScanSource[], o: PlanQueuedRunOptions): Promise<PlannedRun> {
  const { catalog } = o;
  const db = catalog.db;
  await migrate(db, 'queue', QUEUE_MIGRATIONS);
  for (const s of sources) {
    if (s.spec === undefined) throw new TypeError(`planQueuedRun: source "${s.id}" has no spec to reopen it`);
  }
  const runId = await catalog.startRun(
    sources.map((s) => s.id),
    // Grading rules given for the run are kept with it: a later report grades (and maps SARIF levels) alike.
    { ...o.runOptions, ...(o.grading ? { grading: o.grading } : {}) },
  );
  const attempts = o.attempts ?? DEFAULT_ATTEMPTS;
  const meta: QueuedRunMeta = {
    queue: redactUrl(o.queueUrl),
    catalog: redactUrl(o.catalogTarget),
    keyId: keyFingerprint(o.hashKey),
    analyzer: o.analyzer,
    open: o.open,
    ...(o.samplesPerType !== undefined ? { samplesPerType: o.samplesPerType } : {}),
    sources: sources.map((s) => ({ id: s.id, spec: redactUrl(s.spec as string) })),
    ...(o.grading ? { grading: o.grading } : {}),
    full: Boolean(o.full),
    attempts,
  };
  await db.run('INSERT INTO lg_queue_runs (token, run_id, state, created_at, meta) VALUES (?, ?, ?, ?, ?)', [
    o.run,
    runId,
    'planning',
    now(),
    J(meta),
  ]);
  let units = 0;
  let bytes = 0;
  let rows = 0;
  let queued = 0;
  /** Units of the current batch to enqueue once the batch is in the catalog. */
  let toQueue: { id: string; size: number }[] = [];
  let enqueueError: SourceError | undefined;
  let batch: { unit: Unit; source: ScanSource; state: 'queued' | 'skipped' }[] = [];
  const queue = new Queue<QueueJobData>(SCAN_QUEUE, { connection: redisConnection(o.queueUrl) });
  queue.on('error', () => undefined);
  // Enqueued as planned, batch by batch: workers start on the first 500 units while the coordinator is still
  // planning (reading big files end to end for their record boundaries), instead of waiting for the whole plan.
  const enqueue = async (): Promise<void> => {
    const pending = toQueue;
    toQueue = [];
    // Redis unreachable: stop trying; the rest stays planned in the catalog and `scan status --wait` enqueues it.
    if (enqueueError || pending.length === 0) return;
    if (queued === 0) {
      await db.run('UPDATE lg_queue_runs SET enqueued_at = ? WHERE token = ? AND enqueued_at IS NULL', [now(), o.run]);
    }
    // Largest units first (within a batch): a big byte range started last would leave one worker alone at the
    // end. The jobs come back from the catalog in its order: put them back in this one.
    const rank = new Map(pending.sort((a, b) => b.size - a.size).map((u, i) => [u.id, i]));
    const jobs = (
      await jobsOf(
        db,
        o.run,
        pending.map((u) => u.id),
        runId,
        meta,
      )
    ).sort((a, b) => (rank.get(a.unit.id) ?? 0) - (rank.get(b.unit.id) ?? 0));
    try {
      // Commands wait for Redis to come back; past the timeout, say so (the plan is safe in the catalog).
      await withTimeout(
        queue.addBulk(
          jobs.map((j) => ({ name: 'unit', data: j, opts: jobOptions(unitJobId(o.run, j.unit.id), attempts) })),
        ),
        o.enqueueTimeoutMs ?? 30_000,
      );
      queued += jobs.length;
    } catch (e) {
      enqueueError = new SourceError(
        'LG_SOURCE_CONNECT',
        `Cannot enqueue run "${o.run}": the queue at "${meta.queue}" is unreachable (${(e as { code?: string }).code ?? (e as Error).name}); the plan is saved in the catalog: once Redis is back, \`leakguard scan status ${o.run} --queue URL --wait\` enqueues it and follows the run`,
        { cause: e },
      );
    }
  };
  const flush = async (): Promise<void> => {
    const rows = batch;
    batch = [];
    await db.tx(async (t) => {
      for (const { unit, source, state } of rows) {
        // An unchanged unit carries its problems into this run (finalising counts the run's problems).
        if (state === 'skipped') await touchUnitIn(t, runId, unit.id);
        await t.run(
          'INSERT INTO lg_queue_units (token, unit_id, source, asset, state, size, counts_rows, job, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            o.run,
            unit.id,
            source.id,
            unit.asset,
            state,
            unit.size ?? 0,
            countsRows(unit) ? 1 : 0,
            J({ spec: redactUrl(source.spec as string), sourceId: source.id, unit }),
            state === 'skipped' ? now() : null,
          ],
        );
      }
    });
    // In the catalog first, then in Redis: a job never names a unit the plan does not hold.
    await enqueue();
  };
  let toRead = 0;
  try {
    try {
      for (const s of sources) {
        const seen = new Set<string>();
        for await (const u of s.source.units(o.signal)) {
          // A unit id appears once per plan (a source listing one twice would double-count it).
          if (seen.has(u.id)) continue;
          seen.add(u.id);
          units++;
          if (countsRows(u)) rows += u.size ?? 0;
          else bytes += u.size ?? 0;
          const fp = u.fingerprint ? J(u.fingerprint) : null;
          const unchanged = !o.full && fp !== null && (await catalog.unitFingerprint(u.id)) === fp;
          batch.push({ unit: u, source: s, state: unchanged ? 'skipped' : 'queued' });
          if (!unchanged) {
            toQueue.push({ id: u.id, size: u.size ?? 0 });
            toRead++;
          }
          if (batch.length >= 500) await flush();
          if (units % 256 === 0) o.onPlanned?.({ units, bytes, rows });
        }
      }
      await flush();
    } catch (e) {
      // Units already enqueued are read and stored by workers (results are per unit, idempotent); the run is
      // failed and never finalised: scan again.
      await db.run("UPDATE lg_queue_runs SET state = 'failed', finished_at = ? WHERE token = ?", [now(), o.run]);
      await catalog.finishRun(runId, 'failed', { error: (e as { code?: string }).code ?? 'internal' });
      throw e;
    }
    o.onPlanned?.({ units, bytes, rows });
    await db.run(
      "UPDATE lg_queue_runs SET state = 'running', units = ?, bytes = ?, row_total = ?, enqueued_at = COALESCE(enqueued_at, ?) WHERE token = ?",
      [units, bytes, rows, now(), o.run],
    );
    if (enqueueError) throw enqueueError;
  } finally {
    await queue.disconnect().catch(() => undefined);
  }
  // Workers may have stored every unit while the run was still being planned (they finalise only a running
  // run), or nothing needed reading: finalise here then.
  const left = await db.get<{ n: number | string }>(
    "SELECT COUNT(*) AS n FROM lg_queue_units WHERE token = ? AND state = 'queued'",
    [o.run],
  );
  if (Number(left?.n ?? 1) === 0) await finalizeQueuedRun(catalog, o.run);
  return { run: o.run, runId, units, queued: toRead, bytes };
}

/** The jobs of some planned units, rebuilt from the catalog (to enqueue, or enqueue again). */
async function jobsOf(
  db: Catalog['db'],
  token: string,
  unitIds: readonly string[],
  runId: number,
  meta: QueuedRunMeta,
): Promise<ScanJobData[]> {
  if (unitIds.length === 0) return [];
  const rows = await db.all<{ job: string }>(
    `SELECT job FROM lg_queue_units WHERE token = ? AND unit_id IN (${unitIds.map(() => '?').join(', ')})`,
    [token, ...unitIds],
  );
  return rows.map((r) => {
    const j = JSON.parse(r.job) as { spec: string; sourceId: string; unit: Unit };
    return {
      kind: 'scan',
      run: token,
      runId,
      catalog: meta.catalog,
      keyId: meta.keyId,
      spec: j.spec,
      sourceId: j.sourceId,
      unit: j.unit,
      analyzer: meta.analyzer,
      open: meta.open,
      ...(meta.samplesPerType !== undefined ? { samplesPerType: meta.samplesPerType } : {}),
    };
  });
}

interface RunRow {
  token: string;
  runId: number;
  state: string;
  createdAt: string;
  enqueuedAt: string | null;
  finishedAt: string | null;
  units: number;
  bytes: number;
  rows: number;
  meta: QueuedRunMeta;
}

/** The run record of a token, or of a catalog run id (digits). */
export async function findQueuedRun(catalog: Catalog, run: string): Promise<RunRow | undefined> {
  await migrate(catalog.db, 'queue', QUEUE_MIGRATIONS);
  const r = /^\d{1,15}$/.test(run)
    ? await catalog.db.get('SELECT * FROM lg_queue_runs WHERE run_id = ?', [Number(run)])
    : await catalog.db.get('SELECT * FROM lg_queue_runs WHERE token = ?', [run]);
  if (!r) return undefined;
  return {
    token: String(r.token),
    runId: Number(r.run_id),
    state: String(r.state),
    createdAt: String(r.created_at),
    enqueuedAt: (r.enqueued_at as string | null) ?? null,
    finishedAt: (r.finished_at as string | null) ?? null,
    units: Number(r.units),
    bytes: Number(r.bytes),
    rows: Number(r.row_total ?? 0),
    meta: JSON.parse(String(r.meta)) as QueuedRunMeta,
  };
}

/** Aggregated progress of a queued run, read from the catalog. */
export interface QueuedRunProgress {
  run: string;
  runId: number;
  /** `planning`, `running`, `finalizing`, `done` or `failed`. */
  state: string;
  units: {
    total: number;
    /** Planned, not finished yet. */
    queued: number;
    /** Read (including units whose source could not be read: see `failed`). */
    done: number;
    /** Unchanged since the last run, not read again. */
    skipped: number;
    /** Read but unreadable (a damaged file, a refused archive): reported like any scan's failed units. */
    failed: number;
    /** Given up on after every attempt failed (see `parkedUnits`). */
    parked: number;
  };
  /** Bytes of file units (table and index units are in `rows`). */
  bytes: { total: number; done: number };
  /** Rows (documents) of table and index units. */
  rows: { total: number; done: number };
  elapsedMs: number;
  /** MB/s of file units read (unchanged units excluded); 0 before the first. */
  mbPerSec: number;
  /** Rows/s of table and index units read; 0 before the first. */
  rowsPerSec: number;
  /** Seconds left at the current rate, or null when unknown. */
  etaSeconds: number | null;
  /** Parked units with their error (at most 50). */
  parkedUnits: { unit: string; asset: string; error: string }[];
  finishedAt: string | null;
}

/**
 * Progress of a run from the catalog alone (no Redis needed).
 *
 * @throws UsageError when the run is unknown to this catalog
 */
export async function queuedRunProgress(catalog: Catalog, run: string): Promise<QueuedRunProgress> {
  const r = await findQueuedRun(catalog, run);
  if (!r) throw new UsageError(`Cannot show run "${run}": this catalog has no queued run of that id`);
  const db = catalog.db;
  // One indexed pass over the plan (polled every second by waiting observers: never a scan of lg_units).
  const byState = await db.all<{
    state: string;
    r: number | string;
    n: number | string;
    b: number | string | null;
    f: number | string | null;
  }>(
    'SELECT state, counts_rows AS r, COUNT(*) AS n, SUM(size) AS b, SUM(failed) AS f FROM lg_queue_units WHERE token = ? GROUP BY state, counts_rows',
    [r.token],
  );
  const of = (s: string) => byState.filter((x) => x.state === s);
  const count = (s: string) => of(s).reduce((a, x) => a + Number(x.n), 0);
  /** Sum of unit sizes in a state: bytes of file units, or rows of table and index units. */
  const sizeOf = (s: string, rows: boolean) =>
    of(s).reduce((a, x) => a + (Number(x.r) === (rows ? 1 : 0) ? Number(x.b ?? 0) : 0), 0);
  const failedDone = of('done').reduce((a, x) => a + Number(x.f ?? 0), 0);
  const parkedRows = await db.all<{ unit_id: string; asset: string; message: string | null }>(
    `SELECT q.unit_id, q.asset, p.message FROM lg_queue_units q
     LEFT JOIN lg_problems p ON p.run_id = ? AND p.unit_id = q.unit_id AND p.code = 'LG_UNIT_PARKED'
     WHERE q.token = ? AND q.state = 'parked' ORDER BY q.unit_id LIMIT 50`,
    [r.runId, r.token],
  );
  const total = r.units || byState.reduce((a, x) => a + Number(x.n), 0);
  const sumAll = (rows: boolean) =>
    byState.reduce((a, x) => a + (Number(x.r) === (rows ? 1 : 0) ? Number(x.b ?? 0) : 0), 0);
  const totalBytes = r.bytes || sumAll(false);
  const totalRows = r.rows || sumAll(true);
  const readBytes = sizeOf('done', false) + sizeOf('parked', false);
  const readRows = sizeOf('done', true) + sizeOf('parked', true);
  const doneBytes = readBytes + sizeOf('skipped', false);
  const doneRows = readRows + sizeOf('skipped', true);
  const end = r.finishedAt ? Date.parse(r.finishedAt) : Date.now();
  const elapsedMs = Math.max(0, end - Date.parse(r.createdAt));
  const readSeconds = Math.max(1, end - Date.parse(r.enqueuedAt ?? r.createdAt)) / 1000;
  const rate = readBytes / readSeconds;
  const rowRate = readRows / readSeconds;
  // Bytes and rows do not add up: with both, the time left follows the units read.
  let etaSeconds: number | null = null;
  if (r.state === 'done') etaSeconds = 0;
  else if (totalRows === 0 && rate > 0 && totalBytes >= doneBytes)
    etaSeconds = Math.round((totalBytes - doneBytes) / rate);
  else if (totalBytes === 0 && rowRate > 0 && totalRows >= doneRows)
    etaSeconds = Math.round((totalRows - doneRows) / rowRate);
  else {
    const read = count('done') + count('parked');
    const left = count('queued');
    if (read > 0) etaSeconds = Math.round((readSeconds * left) / read);
  }
  return {
    run: r.token,
    runId: r.runId,
    state: r.state,
    units: {
      total,
      queued: count('queued'),
      done: count('done'),
      skipped: count('skipped'),
      failed: failedDone,
      parked: count('parked'),
    },
    bytes: { total: totalBytes, done: doneBytes },
    rows: { total: totalRows, done: doneRows },
    elapsedMs,
    mbPerSec: rate / 1e6,
    rowsPerSec: rowRate,
    etaSeconds,
    parkedUnits: parkedRows.map((p) => ({
      unit: String(p.unit_id),
      asset: String(p.asset),
      error: p.message ? String(p.message) : 'parked',
    })),
    finishedAt: r.finishedAt,
  };
}

/** Record a unit as read: its result replaces any earlier one; the plan marks it done (or parked). */
async function recordUnit(catalog: Catalog, token: string, runId: number, result: UnitResult, parked: boolean) {
  await catalog.saveUnit(runId, result);
  await catalog.db.run(
    `UPDATE lg_queue_units SET state = ?, failed = ?, finished_at = ? WHERE token = ? AND unit_id = ? AND state ${parked ? "= 'queued'" : "<> 'done'"}`,
    [parked ? 'parked' : 'done', result.status === 'failed' ? 1 : 0, now(), token, result.unitId],
  );
}

/** A failed result for a unit parked after its attempts, naming why. */
export function parkedResult(job: ScanJobData, attempts: number, reason: string | undefined): UnitResult {
  const acc = new UnitAccumulator(job.unit, job.sourceId, new Uint8Array(32));
  acc.fail(new Error('parked'));
  const r = acc.finish();
  r.problems = [
    {
      code: 'LG_UNIT_PARKED',
      message: `Cannot read unit: parked after ${attempts} attempts (${reason ?? 'the worker failed on it'}); an incremental scan of the same sources reads it again`,
    },
  ];
  return r;
}

/** Park a unit (idempotent: a unit done meanwhile stays done). */
export async function parkUnit(catalog: Catalog, job: ScanJobData, attempts: number, reason: string | undefined) {
  const cur = await catalog.db.get<{ state: string }>(
    'SELECT state FROM lg_queue_units WHERE token = ? AND unit_id = ?',
    [job.run, job.unit.id],
  );
  if (cur?.state !== 'queued') return;
  await recordUnit(catalog, job.run, job.runId, parkedResult(job, attempts, reason), true);
}

/**
 * Finalise a queued run whose units are all in: aggregate, grade, record changes, complete the run record.
 * Idempotent and safe to call from several processes: one conditional UPDATE claims the run; the others (and
 * calls while units are still out) return false. A claimant that died is replaced after a lease.
 *
 * @example
 * if (await finalizeQueuedRun(catalog, token)) console.log('finalised');
 */
export async function finalizeQueuedRun(catalog: Catalog, token: string): Promise<boolean> {
  const db = catalog.db;
  const t = now();
  const claimed = await db.run(
    `UPDATE lg_queue_runs SET state = 'finalizing', claimed_at = ?
     WHERE token = ? AND (state = 'running' OR (state = 'finalizing' AND claimed_at < ?))
       AND NOT EXISTS (SELECT 1 FROM lg_queue_units WHERE token = ? AND state = 'queued')`,
    [t, token, new Date(Date.now() - CLAIM_LEASE_MS).toISOString(), token],
  );
  if (claimed !== 1) return false;
  const r = (await findQueuedRun(catalog, token)) as RunRow;
  const { meta, runId } = r;
  const grading = meta.grading ?? DEFAULT_GRADING;
  const allAssets: Awaited<ReturnType<Catalog['assets']>> = [];
  const allChanges: ChangeRecord[] = [];
  const people = new PeopleCounter();
  let unitsRemoved = 0;
  for (const s of meta.sources) {
    const rows = await db.all<{ unit_id: string; asset: string; state: string }>(
      'SELECT unit_id, asset, state FROM lg_queue_units WHERE token = ? AND source = ?',
      [token, s.id],
    );
    const changed = new Set<string>();
    for (const u of rows) if (u.state === 'done' || u.state === 'parked') changed.add(u.asset);
    const removed = await catalog.removeUnitsNotIn(s.id, new Set(rows.map((u) => u.unit_id)));
    unitsRemoved += removed.units;
    for (const a of removed.assets) changed.add(a);
    const { assets, changes } = await aggregateSource(catalog, runId, s.id, changed, people, {
      full: Boolean(meta.full),
      ...(meta.grading !== undefined ? { grading } : {}),
    });
    allChanges.push(...changes);
    allAssets.push(...assets);
  }
  await catalog.saveChanges(runId, allChanges);
  const progress = await queuedRunProgress(catalog, token);
  const codes = await db.all<{ code: string; n: number | string }>(
    'SELECT code, COUNT(*) AS n FROM lg_problems WHERE run_id = ? GROUP BY code',
    [runId],
  );
  let problems = 0;
  let skipped = 0;
  for (const c of codes) {
    if (isNote(c.code)) skipped += Number(c.n);
    else problems += Number(c.n);
  }
  const summary = summarize(runId, meta.sources.length, allAssets, allChanges.length, progress, unitsRemoved);
  summary.people = people.total();
  summary.problems = problems;
  summary.skipped = skipped;
  summary.durationMs = Date.now() - Date.parse(r.createdAt);
  await catalog.finishRun(runId, 'done', summary as unknown as Record<string, unknown>);
  await db.run("UPDATE lg_queue_runs SET state = 'done', finished_at = ? WHERE token = ?", [now(), token]);
  return true;
}

function summarize(
  runId: number,
  sources: number,
  assets: readonly Awaited<ReturnType<Catalog['assets']>>[number][],
  changes: number,
  p: QueuedRunProgress,
  unitsRemoved: number,
): ScanSummary {
  const { byType, grades, masked, people, bytes, rows, findings } = assetTotals(assets);
  return {
    runId,
    sources,
    assets: assets.length,
    units: p.units.total,
    unitsRead: p.units.done + p.units.parked,
    unitsSkipped: p.units.skipped,
    unitsFailed: p.units.failed + p.units.parked,
    unitsRemoved,
    bytes,
    rows,
    findings,
    byType,
    masked,
    people,
    grades,
    problems: 0,
    skipped: 0,
    changes,
    durationMs: 0,
  };
}

/**
 * The report of a finished queued run, read back from the catalog.
 *
 * @throws UsageError when the run is unknown or not finished
 */
export async function queuedRunReport(catalog: Catalog, run: string): Promise<ScanReport> {
  const r = await findQueuedRun(catalog, run);
  const rec = r ? await catalog.run(r.runId) : undefined;
  if (!r || !rec || r.state !== 'done' || !rec.summary)
    throw new UsageError(`Cannot report run "${run}": it is not finished`);
  return {
    runId: r.runId,
    assets: await catalog.assets(r.runId),
    changes: await catalog.changes(r.runId),
    summary: rec.summary as unknown as ScanSummary,
  };
}

/** Options of {@link QueuedRuns.wait}. */
export interface WaitOptions {
  onProgress?: (p: QueuedRunProgress) => void;
  /** A message for the user (the queue or the catalog unreachable, units enqueued again). */
  onNotice?: (message: string) => void;
  /** How often to read progress (ms). Default 1000. */
  pollMs?: number;
  /** Check units against Redis at least this often while no unit finishes (ms). Default 30000. */
  reconcileMs?: number;
  /**
   * Failed and parked units are reported through `onNotice` as they appear — at once for the first, then at
   * most this often while the counts change, and once more at the end — so a log (stderr not a terminal) shows
   * them, not only a progress bar. Default 10000.
   */
  failuresEveryMs?: number;
  signal?: AbortSignal;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Following queued runs: progress from the catalog, and — with a queue — reconciling the plan with Redis (units
 * whose job Redis forgot are enqueued again; units whose job failed for good are parked) and finalising.
 *
 * @example
 * const runs = await QueuedRuns.open(catalog, 'redis://127.0.0.1:6379');
 * const progress = await runs.wait(token, { onProgress: console.error });
 * await runs.close();
 */
export class QueuedRuns {
  private constructor(
    readonly catalog: Catalog,
    private readonly queue: Queue<QueueJobData> | undefined,
    private readonly queueDisplay: string | undefined,
  ) {}

  /** `queueUrl` may be omitted: progress and finalising then work, reconciling does not. */
  static async open(catalog: Catalog, queueUrl?: string): Promise<QueuedRuns> {
    await migrate(catalog.db, 'queue', QUEUE_MIGRATIONS);
    const queue = queueUrl ? new Queue<QueueJobData>(SCAN_QUEUE, { connection: redisConnection(queueUrl) }) : undefined;
    // Redis going away is reported by wait(); the client reconnects by itself.
    queue?.on('error', () => undefined);
    return new QueuedRuns(catalog, queue, queueUrl ? redactUrl(queueUrl) : undefined);
  }

  progress(run: string): Promise<QueuedRunProgress> {
    return queuedRunProgress(this.catalog, run);
  }

  /** Jobs Redis holds that are still to run (waiting, active, delayed), over the whole queue. */
  private async pending(): Promise<number> {
    if (!this.queue) return 0;
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  /**
   * Compare the plan with Redis: enqueue again every unit still planned whose job Redis no longer has; park
   * every unit whose job failed for good. Returns what it did.
   */
  async reconcile(run: string): Promise<{ requeued: number; parked: number }> {
    const queue = this.queue;
    if (!queue) return { requeued: 0, parked: 0 };
    const r = await findQueuedRun(this.catalog, run);
    if (r?.state !== 'running') return { requeued: 0, parked: 0 };
    const db = this.catalog.db;
    const queued = await db.all<{ unit_id: string }>(
      "SELECT unit_id FROM lg_queue_units WHERE token = ? AND state = 'queued'",
      [r.token],
    );
    let requeued = 0;
    let parked = 0;
    for (let i = 0; i < queued.length; i += 200) {
      const ids = queued.slice(i, i + 200).map((u) => u.unit_id);
      const jobs = await Promise.all(ids.map((id) => queue.getJob(unitJobId(r.token, id))));
      const missing: string[] = [];
      for (let k = 0; k < ids.length; k++) {
        const job = jobs[k];
        const id = ids[k] as string;
        if (!job) missing.push(id);
        else if (job.finishedOn && job.failedReason !== undefined && (await job.isFailed())) {
          const data = job.data as ScanJobData;
          await parkUnit(this.catalog, data, r.meta.attempts, job.failedReason);
          parked++;
        }
      }
      if (missing.length === 0) continue;
      // A unit may have finished between reading the plan and asking Redis: only still-queued ones go again.
      const still = await db.all<{ unit_id: string }>(
        `SELECT unit_id FROM lg_queue_units WHERE token = ? AND state = 'queued' AND unit_id IN (${missing.map(() => '?').join(', ')})`,
        [r.token, ...missing],
      );
      const data = await jobsOf(
        db,
        r.token,
        still.map((s) => s.unit_id),
        r.runId,
        r.meta,
      );
      if (data.length === 0) continue;
      await queue.addBulk(
        data.map((d) => ({ name: 'unit', data: d, opts: jobOptions(unitJobId(r.token, d.unit.id), r.meta.attempts) })),
      );
      requeued += data.length;
    }
    return { requeued, parked };
  }

  /**
   * Wait until the run is finalised (finalising it when this process sees the last unit come in). Unreachable
   * Redis or catalog are reported through `onNotice` and waited out: the run's state is durable, so stopping
   * this wait loses nothing (`scan status RUN --wait` picks it up again).
   */
  async wait(run: string, options: WaitOptions = {}): Promise<QueuedRunProgress> {
    const pollMs = options.pollMs ?? 1000;
    const reconcileMs = options.reconcileMs ?? 30_000;
    let lastDone = -1;
    let lastChange = Date.now();
    let lastReconcile = 0;
    let down: string | undefined;
    let reported = '0/0';
    let reportedAt = 0;
    const failures = (p: QueuedRunProgress, end: boolean): void => {
      const { failed, parked } = p.units;
      const now = `${failed}/${parked}`;
      if (now === reported || (!end && Date.now() - reportedAt < (options.failuresEveryMs ?? 10_000))) return;
      reported = now;
      reportedAt = Date.now();
      options.onNotice?.(
        `${end ? `run ${p.run} complete: ` : ''}${failed} ${failed === 1 ? 'unit' : 'units'} failed, ${parked} parked${end ? '' : ' so far'} (\`leakguard scan status ${p.run}\` lists them with their errors)`,
      );
    };
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const p = await this.progress(run);
        if (down === 'catalog') options.onNotice?.('the catalog is reachable again');
        if (down === 'catalog') down = undefined;
        options.onProgress?.(p);
        failures(p, p.state === 'done');
        if (p.state === 'done' || p.state === 'failed') return p;
        if (p.units.queued === 0 && (p.state === 'running' || p.state === 'finalizing')) {
          if (await finalizeQueuedRun(this.catalog, p.run)) continue;
        }
        const finished = p.units.done + p.units.parked;
        if (finished !== lastDone) {
          lastDone = finished;
          lastChange = Date.now();
        }
        if (this.queue && p.state === 'running' && p.units.queued > 0) {
          try {
            const idle = Date.now() - lastChange >= reconcileMs && Date.now() - lastReconcile >= reconcileMs;
            const pending = await withTimeout(this.pending(), 10_000);
            if (down === 'queue') {
              options.onNotice?.(`the queue at ${this.queueDisplay} is reachable again`);
              down = undefined;
            }
            if (pending === 0 || idle) {
              lastReconcile = Date.now();
              const { requeued, parked } = await withTimeout(this.reconcile(p.run), 60_000);
              if (requeued > 0)
                options.onNotice?.(`${requeued} units had no job in the queue (Redis lost them?): enqueued again`);
              if (parked > 0) options.onNotice?.(`${parked} units failed on every attempt: parked`);
            }
          } catch {
            if (down !== 'queue') {
              down = 'queue';
              options.onNotice?.(
                `the queue at ${this.queueDisplay} is unreachable; waiting for it (units in the catalog are safe; stop and resume later with \`leakguard scan status ${p.run} --queue URL --wait\`)`,
              );
            }
          }
        }
      } catch (e) {
        if (isLeakguardError(e) && e.code === 'LG_USAGE') throw e;
        if (down !== 'catalog') {
          down = 'catalog';
          options.onNotice?.(
            `the catalog is unreachable (${(e as { code?: string }).code ?? (e as Error).name}); waiting for it (stop and resume later with \`leakguard scan status ${run} --wait\`)`,
          );
        }
      }
      await sleep(pollMs, options.signal);
    }
  }

  /** Enqueue every still-planned unit whose job is missing (after a coordinator died mid-enqueue, say). */
  async close(): Promise<void> {
    await this.queue?.close();
  }
}

/**
 * Jobs of other kinds (protect ranges) from a coordinator's side: add them, ask where each one is.
 *
 * @example
 * const jobs = await QueueJobs.open('redis://127.0.0.1:6379');
 * await jobs.add([{ id: 'protect-…-0', data }]);
 * const { state } = await jobs.state('protect-…-0');
 */
export class QueueJobs {
  private constructor(private readonly queue: Queue<QueueJobData>) {}

  static async open(queueUrl: string): Promise<QueueJobs> {
    const queue = new Queue<QueueJobData>(SCAN_QUEUE, { connection: redisConnection(queueUrl) });
    queue.on('error', () => undefined);
    await queue.waitUntilReady();
    return new QueueJobs(queue);
  }

  /** Enqueue (an id already in the queue is left as it is). */
  async add(jobs: readonly { id: string; data: { kind: string } }[], attempts = DEFAULT_ATTEMPTS): Promise<void> {
    for (let i = 0; i < jobs.length; i += 500) {
      await this.queue.addBulk(
        jobs.slice(i, i + 500).map((j) => ({
          name: j.data.kind,
          data: j.data as QueueJobData,
          opts: jobOptions(j.id, attempts),
        })),
      );
    }
  }

  /**
   * Where a job is: `missing` (finished and removed, or forgotten by a Redis restart — the caller tells them
   * apart by its own record), `failed` (every attempt failed; `reason` is safe to show) or `pending`.
   */
  async state(id: string): Promise<{ state: 'missing' | 'failed' | 'pending'; reason?: string }> {
    const job = await this.queue.getJob(id);
    if (!job) return { state: 'missing' };
    const state = await job.getState();
    if (state === 'failed') return { state: 'failed', reason: job.failedReason };
    if (state === 'completed') return { state: 'missing' };
    return { state: 'pending' };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Run `fn` until it succeeds or `totalMs` has passed (back-off 0.5 s doubling to 10 s); the last error is thrown. */
async function retryCatalog<T>(fn: () => Promise<T>, totalMs: number): Promise<T> {
  const end = Date.now() + totalMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await fn();
    } catch (e) {
      if (isLeakguardError(e) && e.code === 'LG_USAGE') throw e;
      if (Date.now() + delay > end) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** A handler for jobs of one `kind` (protect ranges, say); what it returns is the job's return value. */
export type QueueJobHandler = (job: Job<QueueJobData>) => Promise<unknown>;

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  queueUrl: string;
  hashKey: Uint8Array;
  /**
   * Worker threads reading units (parse, detect, hash), so one process uses every core. Above 1, units run in
   * a {@link UnitPool} and this thread only talks to Redis and the catalog (job locks keep being renewed however
   * heavy a unit is); 1 reads units in this thread. Default 1.
   */
  threads?: number;
  /**
   * Jobs taken from the queue at once. Default: `threads`. More than `threads` overlaps catalog writes and
   * source latency with reading, at the price of jobs held (locked) while they wait for a thread.
   */
  concurrency?: number;
  /** Heap cap of each worker thread (MiB). Default 2048. */
  maxHeapMb?: number;
  /**
   * Full URLs (with credentials) this worker may use — sources and catalogs: jobs name them without their
   * password. A catalog or source not listed is used as the job names it (a path, a URL without password).
   */
  connections?: readonly string[];
  /** Handlers of other job kinds. */
  handlers?: Readonly<Record<string, QueueJobHandler>>;
  /** A unit was taken (before it is read): for logs and tests that need a worker to hold a unit. */
  onStart?: (event: { unitId: string; job: string }) => void;
  /** A unit was read and stored; `thread` is the worker thread's id (0: this thread). */
  onUnit?: (event: { unitId: string; status: string; ms: number; thread: number }) => void;
  /** A job failed (`final`: it will not be tried again). The reason is safe to log. */
  onFailed?: (event: { kind: string; id: string; reason: string; final: boolean }) => void;
  /** This worker finalised a run. */
  onFinalized?: (run: string) => void;
  /** How long a catalog write is retried (ms, back-off up to 10 s) before the job fails. Default 120000. */
  catalogRetryMs?: number;
  /** Lock and stall timing (tests shorten them). Defaults 15 000 and 5 000 ms. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * The worker's side: take jobs from the queue until closed. Scan units are read, stored in the catalog the job
 * names (resolved against `connections`) and marked done; the run is finalised by whichever worker stores its
 * last unit. Other kinds go to `handlers`.
 *
 * @example
 * const worker = await startQueueWorker({ queueUrl: 'redis://127.0.0.1:6379', hashKey });
 * process.on('SIGTERM', () => worker.close()); // drains
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<Worker<QueueJobData>> {
  const connection = redisConnection(options.queueUrl);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError('startQueueWorker: threads must be ≥ 1');
  // Jobs name their analyzer and open options; the pool's own are never used for queued units.
  const pool =
    threads > 1
      ? new UnitPool(
          { analyzer: {}, open: { cwd: process.cwd() }, hashKey: options.hashKey },
          { threads, ...(options.maxHeapMb !== undefined ? { maxHeapMb: options.maxHeapMb } : {}) },
        )
      : undefined;
  const byRedacted = new Map((options.connections ?? []).map((url) => [redactUrl(url), url]));
  const sources = new Map<string, Promise<{ source: ScanSource['source'] }>>();
  const catalogs = new Map<string, Promise<Catalog>>();
  const analyzers = new Map<string, ReturnType<typeof analyzerFromSpec>>();
  const keyId = keyFingerprint(options.hashKey);
  const catalogOf = (name: string): Promise<Catalog> => {
    let c = catalogs.get(name);
    if (!c) {
      c = openQueueCatalog(byRedacted.get(name) ?? name);
      catalogs.set(name, c);
      c.catch(() => catalogs.delete(name));
    }
    return c;
  };
  const scan = async (job: Job<QueueJobData>): Promise<unknown> => {
    const t0 = Date.now();
    const d = job.data as ScanJobData;
    if (typeof d.runId !== 'number' || typeof d.catalog !== 'string') {
      throw new UsageError('Cannot read a unit queued by an older leakguard: run the scan again');
    }
    if (d.keyId !== keyId) {
      throw new ConfigError(
        'LG_KEY_INVALID',
        "Cannot read a unit hashed with another key: give this worker the coordinator's LEAKGUARD_KEY (or its --catalog)",
      );
    }
    const catalog = await retryCatalog(() => catalogOf(d.catalog), options.catalogRetryMs ?? 120_000);
    const spec = byRedacted.get(d.spec) ?? d.spec;
    options.onStart?.({ unitId: d.unit.id, job: job.id ?? '' });
    let result: UnitResult;
    let thread = 0;
    if (pool) {
      // The full spec (with its password) crosses to a thread of this process only, never to Redis.
      ({ result, thread } = await pool.runJob({
        spec,
        sourceId: d.sourceId,
        unit: d.unit,
        analyzer: d.analyzer,
        open: d.open,
        ...(d.samplesPerType !== undefined ? { samplesPerType: d.samplesPerType } : {}),
      }));
    } else {
      const key = `${spec}\u0000${J(d.open)}`;
      let source = sources.get(key);
      if (!source) {
        source = openScanSource(spec, d.open);
        sources.set(key, source);
        source.catch(() => sources.delete(key));
      }
      const aKey = J(d.analyzer);
      let analyzer = analyzers.get(aKey);
      if (!analyzer) {
        analyzer = analyzerFromSpec(d.analyzer);
        analyzers.set(aKey, analyzer);
      }
      result = await processUnit((await source).source, d.sourceId, d.unit, {
        analyzer,
        hashKey: options.hashKey,
        ...(d.samplesPerType !== undefined ? { samplesPerType: d.samplesPerType } : {}),
      });
    }
    // The catalog restarting (a PostgreSQL failover) is waited out here, not charged to the unit's attempts.
    await retryCatalog(() => recordUnit(catalog, d.run, d.runId, result, false), options.catalogRetryMs ?? 120_000);
    options.onUnit?.({ unitId: d.unit.id, status: result.status, ms: Date.now() - t0, thread });
    await maybeFinalize(catalog, d.run);
    return { status: result.status, bytes: result.bytes };
  };
  const maybeFinalize = async (catalog: Catalog, run: string): Promise<void> => {
    const left = await catalog.db.get<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM lg_queue_units WHERE token = ? AND state = 'queued'",
      [run],
    );
    if (Number(left?.n ?? 1) === 0 && (await finalizeQueuedRun(catalog, run))) options.onFinalized?.(run);
  };
  const worker = new Worker<QueueJobData>(
    SCAN_QUEUE,
    async (job) => {
      const kind = job.data.kind ?? 'scan';
      try {
        if (kind === 'scan') return await scan(job);
        const handler = options.handlers?.[kind];
        if (!handler) throw new UsageError(`Cannot run a "${kind}" job: this worker has no handler for it`);
        return await handler(job);
      } catch (e) {
        // What BullMQ keeps (failedReason) is shown by `scan status`: only the code and safe message.
        throw new Error(safeReason(e));
      }
    },
    {
      connection,
      concurrency: options.concurrency ?? threads,
      lockDuration: options.lockDurationMs ?? 15_000,
      stalledInterval: options.stalledIntervalMs ?? 5_000,
      maxStalledCount: 3,
    },
  );
  // Redis restarting: the client reconnects; a job finished meanwhile cannot be moved (its result is in the
  // catalog already). Never crash on it.
  worker.on('error', () => undefined);
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const kind = job.data.kind ?? 'scan';
    options.onFailed?.({ kind, id: job.id ?? '', reason: err.message, final });
    if (!final || kind !== 'scan') return;
    const d = job.data as ScanJobData;
    if (typeof d.runId !== 'number') return;
    void catalogOf(d.catalog)
      .then(async (catalog) => {
        await parkUnit(catalog, d, job.opts.attempts ?? 1, err.message);
        await maybeFinalize(catalog, d.run);
      })
      .catch(() => undefined); // the observer (status --wait) parks it from Redis's record instead
  });
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    // Drain first (jobs in hand finish in their threads), then stop the threads.
    await close(force);
    await pool?.close();
    for (const s of sources.values()) await (await s.catch(() => undefined))?.source.close();
    for (const c of catalogs.values()) await (await c.catch(() => undefined))?.close();
  };
  await worker.waitUntilReady();
  return worker;
}
