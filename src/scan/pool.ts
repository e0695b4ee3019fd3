/**
 * A pool of worker threads that read and analyse scan units, so a scan uses every core. The coordinating thread
 * plans units, checks fingerprints and writes the catalog; workers do the CPU-bound part (parse, detect, hash)
 * and send back a `UnitResult`, which is small (counts, sketches, masked samples), never the data.
 *
 * Backpressure: each worker holds one unit at a time and jobs wait in `run()` until a worker is free, so the
 * memory in flight is bounded by the number of threads, not by the size of the scan. Workers start on demand
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

/** One unit to read: the source is named by its spec (path or URL) and re-opened in the worker. */
export interface UnitJob {
  spec: string;
  sourceId: string;
  unit: Unit;
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

export type WorkerReply = { id: number; result: UnitResult } | { id: number; error: { code: string; name: string } };

/** Options of {@link UnitPool}. */
export interface UnitPoolOptions {
  threads: number;
  /** Heap cap of each worker (MiB); a unit that needs more fails alone. Default 2048. */
  maxHeapMb?: number;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; job: UnitJob; resolve: (r: UnitResult) => void } | undefined;
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
      const { job, resolve } = slot.busy;
      slot.busy = undefined;
      resolve(
        'result' in m
          ? m.result
          : crashed(
              job,
              this.data.hashKey,
              `the worker failed (${m.error.code === 'LG_SOURCE_FAILED' ? m.error.name : m.error.code})`,
            ),
      );
      this.waiting.shift()?.();
    });
    const die = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (slot.busy) {
        const { job, resolve } = slot.busy;
        slot.busy = undefined;
        resolve(crashed(job, this.data.hashKey, why));
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

  /**
   * Read one unit in a worker. Resolves with its result (a failed result when the worker died); waits while
   * every worker is busy.
   */
  async run(job: UnitJob): Promise<UnitResult> {
    for (;;) {
      if (this.closed) throw new Error('UnitPool: closed');
      const slot = this.free();
      if (slot) {
        const id = this.nextId++;
        return new Promise<UnitResult>((resolve) => {
          slot.busy = { id, job, resolve };
          slot.worker.postMessage({ id, job } satisfies WorkerRequest);
        });
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  /** Stop every worker. Units in flight resolve as failed. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots];
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const w of this.waiting.splice(0)) w();
  }
}
