/**
 * Worker threads for `detect --jsonl`: batches of complete input lines go to the least busy worker, and each
 * answer comes back as finished output bytes; the command writes answers in input order (see `runJsonl`).
 * Memory in flight is bounded by the caller, which hands a worker at most a few batches and answers the rest
 * itself. A worker that dies fails every batch it held: the command stops with an error
 * rather than skip lines (the protocol promises one output line per input line).
 */
import { Worker } from 'node:worker_threads';
import { LeakguardError } from '../core/errors.js';
import { workerScript } from '../core/worker-url.js';
import type { AnalyzerSpec } from '../detect/spec.js';

/** One batch: complete lines joined by `\n`, the first of them input line `firstLine`. */
export interface JsonlJob {
  id: number;
  text: string;
  firstLine: number;
}

/** An answer: the output lines as UTF-8 bytes (transferred, not copied), or why the batch failed. */
export type JsonlReply = { id: number; out: Uint8Array; found: number } | { id: number; error: string };

/** An answered batch: output bytes (or text, when answered in the command's thread) and findings written. */
export interface JsonlAnswer {
  out: string | Uint8Array;
  found: number;
}

interface Pending {
  resolve: (r: JsonlAnswer) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  dead: Error | undefined;
}

/**
 * A fixed set of detection workers, all built from one analyzer spec.
 *
 * @example
 * const pool = new JsonlPool(spec, 2);
 * const { out } = await pool.run('{"id":1,"text":"手机13812345678"}', 1);
 * await pool.close();
 */
export class JsonlPool {
  readonly #slots: Slot[] = [];
  #nextId = 1;
  /** Workers started. */
  readonly threads: number;

  constructor(spec: AnalyzerSpec, threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError('JsonlPool: threads must be ≥ 1');
    this.threads = threads;
    const url = workerScript('./jsonl-worker.js', import.meta.url);
    for (let i = 0; i < threads; i++) {
      const slot: Slot = { worker: new Worker(url, { workerData: { spec } }), pending: new Map(), dead: undefined };
      const fail = (why: string): void => {
        slot.dead ??= new LeakguardError('LG_INTERNAL', `a detection worker ${why}`);
        for (const p of slot.pending.values()) p.reject(slot.dead);
        slot.pending.clear();
      };
      slot.worker.on('message', (m: JsonlReply) => {
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if ('error' in m) {
          p.reject(new LeakguardError('LG_INTERNAL', `a detection worker failed (${m.error})`));
        } else p.resolve({ out: Buffer.from(m.out.buffer, m.out.byteOffset, m.out.byteLength), found: m.found });
      });
      slot.worker.on('error', (e) => fail(`crashed (${(e as { code?: string }).code ?? e.name})`));
      slot.worker.on('exit', (code) => fail(`exited (code ${code})`));
      this.#slots.push(slot);
    }
  }

  /** Whether some live worker holds fewer than `backlog` batches. */
  hasRoom(backlog: number): boolean {
    for (const s of this.#slots) if (!s.dead && s.pending.size < backlog) return true;
    return false;
  }

  /** Answer one batch in the least busy live worker. Rejects when that worker dies first. */
  run(text: string, firstLine: number): Promise<JsonlAnswer> {
    let best: Slot | undefined;
    for (const s of this.#slots) if (!s.dead && (!best || s.pending.size < best.pending.size)) best = s;
    if (!best) {
      const dead = this.#slots[0]?.dead ?? new LeakguardError('LG_INTERNAL', 'no detection worker is running');
      return Promise.reject(dead);
    }
    const slot = best;
    const id = this.#nextId++;
    return new Promise<JsonlAnswer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, text, firstLine } satisfies JsonlJob);
    });
  }

  /** Stop every worker; batches still in flight reject. */
  async close(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}
