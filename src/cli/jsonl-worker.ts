/**
 * The body of a `detect --jsonl` worker thread: rebuilds the analyzer from its spec and answers
 * `{ id, text, firstLine }` with `{ id, out, found }` (see `jsonlBatch`). Holds no state between batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type AnalyzerSpec, analyzerFromSpec } from '../detect/spec.js';
import { jsonlBatch } from './jsonl.js';
import type { JsonlJob, JsonlReply } from './jsonl-pool.js';

const port = parentPort;
if (!port) throw new Error('jsonl-worker must run in a worker thread');
const encoder = new TextEncoder();
const analyzer = analyzerFromSpec((workerData as { spec: AnalyzerSpec }).spec);

port.on('message', ({ id, text, firstLine }: JsonlJob) => {
  try {
    const r = jsonlBatch(analyzer, text, firstLine);
    // Encoded here, in parallel, and handed over without a copy (a string would be copied, then encoded by the
    // writer in the main thread). TextEncoder gives a fresh, unpooled ArrayBuffer of its own.
    const out = encoder.encode(r.out);
    port.postMessage({ id, out, found: r.found } satisfies JsonlReply, [out.buffer]);
  } catch (e) {
    // The error's name and code only: a message could quote input.
    const code = (e as { code?: unknown })?.code;
    const error = `${(e as Error)?.name ?? 'Error'}${typeof code === 'string' ? ` ${code}` : ''}`;
    port.postMessage({ id, error } satisfies JsonlReply);
  }
});
