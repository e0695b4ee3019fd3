/**
 * Scanning across machines on BullMQ (Redis). The coordinator (`leakguard scan … --queue redis://…`) plans units,
 * skips unchanged ones, and enqueues the rest as jobs whose id is the run and the unit id (enqueueing twice is a
 * no-op); workers (`leakguard worker --queue …`, any number, anywhere) read a unit and return its `UnitResult` as
 * the job's return value; the coordinator stores each result in the catalog as it arrives. Delivery is
 * at-least-once and results are idempotent per unit: a retried or re-delivered unit replaces its result, never
 * adds to it. Workers never touch the catalog.
 *
 * Failure handling:
 * - a worker killed mid-unit (SIGKILL, lost machine) stops renewing its job lock; BullMQ's stalled-job check
 *   hands the unit to another worker;
 * - SIGTERM drains: the worker finishes its units, then exits;
 * - a unit that keeps failing (the worker process itself failing on it, not a damaged file, which is a normal
 *   result) is parked after `attempts` tries and reported as a failed unit while the rest go on;
 * - Redis restarting mid-run: clients reconnect; jobs a Redis without persistence forgot are enqueued again
 *   (the coordinator checks on every job it waits for).
 *
 * Credentials never travel through the queue: jobs carry the source as catalogued (a URL without its password);
 * each worker resolves it against the connections it was given (`--connection URL`, or `LEAKGUARD_CONNECTIONS`).
 */
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { UnitResult } from '../catalog/catalog.js';
import { type AnalyzerSpec, analyzerFromSpec } from '../detect/spec.js';
import { redactUrl } from '../sources/db-url.js';
import type { Unit } from '../sources/source.js';
import { type OpenSourceOptions, openScanSource } from './open-source.js';
import type { ScanSource, UnitRunner } from './scan.js';
import { processUnit, UnitAccumulator } from './unit.js';

/** The queue's name in Redis. */
export const SCAN_QUEUE = 'leakguard-scan';

/** A job: one unit, with everything a worker needs except credentials and the hash key. */
export interface ScanJobData {
  /** The coordinator's run token (job ids are unique per run and unit). */
  run: string;
  /** The source as catalogued: a path, or a URL without password. */
  spec: string;
  sourceId: string;
  unit: Unit;
  analyzer: AnalyzerSpec;
  open: OpenSourceOptions;
  samplesPerType?: number;
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
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`Invalid queue URL "${redactUrl(url)}": expected redis://host:port`);
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

/** Options of {@link QueueRunner}. */
export interface QueueRunnerOptions {
  queueUrl: string;
  /** A token unique to this coordinator run (e.g. a UUID). */
  run: string;
  analyzer: AnalyzerSpec;
  open: OpenSourceOptions;
  hashKey: Uint8Array;
  samplesPerType?: number;
  /** Tries per unit before it is parked as failed. Default 3. */
  attempts?: number;
  /** How often (ms) a waiting coordinator checks that its job still exists. Default 5000. */
  checkMs?: number;
  /** Units kept in flight (enqueued, not finished). Default 1000. */
  inFlight?: number;
}

/**
 * The coordinator's side: a {@link UnitRunner} that runs units as queue jobs.
 *
 * @example
 * const runner = await QueueRunner.open({ queueUrl: 'redis://127.0.0.1:6379', run: randomUUID(), analyzer: {}, open: { cwd }, hashKey });
 * await runScan(sources, { catalog, analyzer, hashKey, runner });
 * await runner.close();
 */
export class QueueRunner implements UnitRunner {
  readonly threads: number;

  private constructor(
    private readonly queue: Queue<ScanJobData, UnitResult>,
    private readonly events: QueueEvents,
    private readonly options: QueueRunnerOptions,
  ) {
    this.threads = options.inFlight ?? 1000;
  }

  static async open(options: QueueRunnerOptions): Promise<QueueRunner> {
    const connection = redisConnection(options.queueUrl);
    const queue = new Queue<ScanJobData, UnitResult>(SCAN_QUEUE, { connection });
    const events = new QueueEvents(SCAN_QUEUE, { connection });
    // One waiter per unit in flight listens on these: not a leak.
    queue.setMaxListeners(0);
    events.setMaxListeners(0);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueRunner(queue, events, options);
  }

  /** Counts of jobs in the queue (for progress and `scan status`). */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  }

  private async enqueue(id: string, data: ScanJobData): Promise<Job<ScanJobData, UnitResult>> {
    return this.queue.add('unit', data, {
      jobId: id,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async run(job: { spec: string; sourceId: string; unit: Unit }): Promise<UnitResult> {
    const data: ScanJobData = {
      run: this.options.run,
      spec: redactUrl(job.spec),
      sourceId: job.sourceId,
      unit: job.unit,
      analyzer: this.options.analyzer,
      open: this.options.open,
      ...(this.options.samplesPerType !== undefined ? { samplesPerType: this.options.samplesPerType } : {}),
    };
    // BullMQ job ids may not contain ':'.
    const id = `${this.options.run}-${Buffer.from(job.unit.id).toString('base64url')}`;
    await this.enqueue(id, data);
    const checkMs = this.options.checkMs ?? 5000;
    for (;;) {
      const current = await this.queue.getJob(id);
      if (!current) {
        // Forgotten (a Redis restarted without persistence): enqueue again; the unit id keeps it idempotent.
        await this.enqueue(id, data);
        continue;
      }
      try {
        return await current.waitUntilFinished(this.events, checkMs);
      } catch (e) {
        const state = await current.getState().catch(() => 'unknown');
        if (state === 'failed') return this.parked(job, current.failedReason);
        if (state === 'completed') {
          const done = await this.queue.getJob(id);
          if (done?.returnvalue) return done.returnvalue;
        }
        // Timed out waiting (still queued or active) or the connection blinked: check again.
        void e;
      }
    }
  }

  /** A failed result for a unit parked after its attempts. */
  private parked(job: { sourceId: string; unit: Unit }, reason: string | undefined): UnitResult {
    const acc = new UnitAccumulator(job.unit, job.sourceId, this.options.hashKey);
    acc.fail(new Error('parked'));
    const r = acc.finish();
    const why = reason && /^LG_[A-Z_]+$/.test(reason) ? reason : 'the worker failed on it';
    r.problems = [
      {
        code: 'LG_UNIT_PARKED',
        message: `Cannot read unit: parked after ${this.options.attempts ?? 3} attempts (${why}); retry with a new scan`,
      },
    ];
    return r;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  queueUrl: string;
  hashKey: Uint8Array;
  /** Units read at once by this process. Default 1 (run one process per core, or several). */
  concurrency?: number;
  /** Full source URLs (with credentials) this worker may use; jobs name them without their password. */
  connections?: readonly string[];
  onUnit?: (event: { unitId: string; status: string; ms: number }) => void;
}

/**
 * The worker's side: take units from the queue until closed.
 *
 * @example
 * const worker = await startQueueWorker({ queueUrl: 'redis://127.0.0.1:6379', hashKey });
 * process.on('SIGTERM', () => worker.close()); // drains
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<Worker<ScanJobData, UnitResult>> {
  const connection = redisConnection(options.queueUrl);
  const byRedacted = new Map((options.connections ?? []).map((url) => [redactUrl(url), url]));
  const sources = new Map<string, Promise<ScanSource>>();
  const analyzers = new Map<string, ReturnType<typeof analyzerFromSpec>>();
  const worker = new Worker<ScanJobData, UnitResult>(
    SCAN_QUEUE,
    async (job) => {
      const t0 = Date.now();
      const d = job.data;
      const spec = byRedacted.get(d.spec) ?? d.spec;
      const key = `${spec}\u0000${JSON.stringify(d.open)}`;
      let source = sources.get(key);
      if (!source) {
        source = openScanSource(spec, d.open);
        sources.set(key, source);
        source.catch(() => sources.delete(key));
      }
      const aKey = JSON.stringify(d.analyzer);
      let analyzer = analyzers.get(aKey);
      if (!analyzer) {
        analyzer = analyzerFromSpec(d.analyzer);
        analyzers.set(aKey, analyzer);
      }
      const result = await processUnit((await source).source, d.sourceId, d.unit, {
        analyzer,
        hashKey: options.hashKey,
        ...(d.samplesPerType !== undefined ? { samplesPerType: d.samplesPerType } : {}),
      });
      options.onUnit?.({ unitId: d.unit.id, status: result.status, ms: Date.now() - t0 });
      return result;
    },
    {
      connection,
      concurrency: options.concurrency ?? 1,
      lockDuration: 15_000,
      stalledInterval: 5_000,
      maxStalledCount: 3,
    },
  );
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    await close(force);
    for (const s of sources.values()) await (await s.catch(() => undefined))?.source.close();
  };
  await worker.waitUntilReady();
  return worker;
}
