/**
 * A pool of worker threads that read and analyse scan units, so a scan uses every core. The coordinating thread
 * plans units, checks fingerprints and writes the catalog; workers do the CPU-bound part (parse, detect, hash)
 * and send back a `UnitResult`, which is small (counts, sketches, masked samples), never the data.
 *
 * Backpressure: each worker holds one unit at a time and jobs wait in `run()` until a worker is free, so the
 * memory in flight is bounded by the number of threads, not by the size of the scan. Within a unit, reading is
 * pulled by detection: a reader holds one read chunk (`CHUNK_BYTES`, 256 KiB) and the record or fragment being
 * cut from it (at most `maxRecordBytes`, 16 MiB by default, for one huge CSV record) — so a process reads at
 * most `threads × (256 KiB + one record)` ahead of its detectors, whatever the file sizes (tested). Workers start on demand
 * (a scan with one unit to read starts one), and a worker that dies — out of memory on a hostile file, a crash in
 * a parser — fails only the unit it held (`LG_WORKER_CRASHED`, reported like any unreadable unit) and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { UnitResult } from '../catalog/catalog.js';
import { workerScript } from '../core/worker-url.js';
import type { AnalyzerSpec } from '../detect/spec.js';
import type { Unit } from '../sources/source.js';
import type { OpenSourceOptions } from './open-source.js';
import type { UnitRunner } from './scan.js';
import { UnitAccumulator } from './unit.js';

/**
 * One unit to read: the source is named by its spec (path or URL) and re-opened in the worker. A job may carry
 * its own analyzer, open options and samples per type (queued units of different runs share one pool); absent,
 * the pool's {@link ScanWorkerData} apply.
 */
export interface UnitJob {
  spec: string;
  sourceId: string;
  unit: Unit;
  analyzer?: AnalyzerSpec;
  open?: OpenSourceOptions;
  samplesPerType?: number;
}

/** What every worker is started with. */
export interface ScanWorkerData {
  analyzer: AnalyzerSpec;
  open: OpenSourceOptions;
  hashKey: Uint8Array;
  samplesPerType?: number;
}

export interface WorkerRequest {
  id: number;
  job: UnitJob;
}

/**
 * A worker's answer. `error.message` is set only for leakguard errors (their messages hold no values); `thread`
 * is the worker's `threadId`.
 */
export type WorkerReply =
  | { id: number; thread: number; result: UnitResult }
  | { id: number; thread: number; error: { code: string; name: string; message?: string } };

/** A unit read by {@link UnitPool.runJob}: its result and the thread that read it. */
export interface PooledResult {
  result: UnitResult;
  /** The `threadId` of the worker thread that read the unit. */
  thread: number;
}

/**
 * Why {@link UnitPool.runJob} could not read a unit: the worker thread failed on it (`code` and a safe
 * `message`, as the thread reported them) or died holding it (`LG_WORKER_CRASHED`).
 */
export class UnitThreadError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnitThreadError';
  }
}

type Outcome = { reply: WorkerReply } | { died: string };

/** Options of {@link UnitPool}. */
export interface UnitPoolOptions {
  threads: number;
  /** Heap cap of each worker (MiB); a unit that needs more fails alone. Default 2048. */
  maxHeapMb?: number;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; resolve: (o: Outcome) => void } | undefined;
}

/** A failed result for a unit whose worker died. */
function crashed(job: UnitJob, hashKey: Uint8Array, why: string): UnitResult {
  const acc = new UnitAccumulator(job.unit, job.sourceId, hashKey);
  acc.fail(Object.assign(new Error(why), { code: 'LG_WORKER_CRASHED' }));
  const r = acc.finish();
  r.problems = [{ code: 'LG_WORKER_CRASHED', message: `Cannot read unit: ${why}` }];
  return r;
}

/**
 * Worker threads reading units.
 *
 * @example
 * const pool = new UnitPool(data, { threads: 4 });
 * const result = await pool.run({ spec: '/data', sourceId: 'file:///data', unit });
 * await pool.close();
 */
export class UnitPool implements UnitRunner {
  private readonly slots: Slot[] = [];
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly data: ScanWorkerData,
    private readonly options: UnitPoolOptions,
  ) {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new RangeError('UnitPool: threads must be ≥ 1');
  }

  get threads(): number {
    return this.options.threads;
  }

  /** Workers started so far. */
  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript('./scan-worker.js', import.meta.url), {
      workerData: this.data,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 },
    });
    const slot: Slot = { worker };
    worker.on('message', (m: WorkerReply | { ready: true }) => {
      if (!('id' in m) || !slot.busy || slot.busy.id !== m.id) return;
      const { resolve } = slot.busy;
      slot.busy = undefined;
      resolve({ reply: m });
      this.waiting.shift()?.();
    });
    const die = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (slot.busy) {
        const { resolve } = slot.busy;
        slot.busy = undefined;
        resolve({ died: why });
      }
      this.waiting.shift()?.();
    };
    worker.on('error', (e) =>
      die(
        (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'the worker reading it ran out of memory'
          : `the worker reading it crashed (${(e as { code?: string }).code ?? e.name})`,
      ),
    );
    worker.on('exit', () => die('the worker reading it exited'));
    this.slots.push(slot);
    return slot;
  }

  /** A free worker, starting one if all are busy and the pool is below its size. */
  private free(): Slot | undefined {
    const idle = this.slots.find((s) => !s.busy);
    if (idle) return idle;
    if (this.slots.length < this.options.threads) return this.spawn();
    return undefined;
  }

  /** Send `job` to a free worker (waiting while every worker is busy) and wait for its outcome. */
  private async dispatch(job: UnitJob): Promise<Outcome> {
    for (;;) {
      if (this.closed) throw new Error('UnitPool: closed');
      const slot = this.free();
      if (slot) {
        const id = this.nextId++;
        return new Promise<Outcome>((resolve) => {
          slot.busy = { id, resolve };
          slot.worker.postMessage({ id, job } satisfies WorkerRequest);
        });
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  /**
   * Read one unit in a worker. Resolves with its result (a failed result when the worker failed on it or died:
   * a local scan reports the unit and goes on); waits while every worker is busy.
   */
  async run(job: UnitJob): Promise<UnitResult> {
    const o = await this.dispatch(job);
    if ('died' in o) return crashed(job, this.data.hashKey, o.died);
    const m = o.reply;
    if ('result' in m) return m.result;
    return crashed(
      job,
      this.data.hashKey,
      `the worker failed (${m.error.code === 'LG_SOURCE_FAILED' ? m.error.name : m.error.code})`,
    );
  }

  /**
   * Read one unit in a worker, for a caller that retries (a queue worker: the job is tried again, then parked).
   * Resolves with the result and the thread that read it.
   *
   * @throws UnitThreadError when the worker failed on the unit (a source it cannot open) or died holding it
   * @example
   * const { result, thread } = await pool.runJob({ spec, sourceId, unit, analyzer: {}, open: { cwd } });
   */
  async runJob(job: UnitJob): Promise<PooledResult> {
    const o = await this.dispatch(job);
    if ('died' in o) throw new UnitThreadError('LG_WORKER_CRASHED', `Cannot read unit: ${o.died}`);
    const m = o.reply;
    if ('result' in m) return { result: m.result, thread: m.thread };
    throw new UnitThreadError(m.error.code, m.error.message ?? `the worker failed on it (${m.error.name})`);
  }

  /** Units being read now (workers busy). */
  get busy(): number {
    let n = 0;
    for (const s of this.slots) if (s.busy) n++;
    return n;
  }

  /** Stop every worker. Units in flight resolve as failed. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots];
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const w of this.waiting.splice(0)) w();
  }
}
