/**
 * The body of a scan worker thread: rebuilds analyzers from their specs, opens sources on demand from their
 * specs (each worker its own file handles and database connections), and answers `{ id, job }` messages with
 * `{ id, thread, result }` — one unit read and analysed per message. Never sees the catalog.
 *
 * A job may name its own analyzer spec and open options (a queue worker's pool serves units of several runs);
 * analyzers and sources are cached per spec, so a run's units build them once per thread.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { isLeakguardError } from '../core/errors.js';
import type { Analyzer } from '../detect/analyzer.js';
import { type AnalyzerSpec, analyzerFromSpec } from '../detect/spec.js';
import { openScanSource } from './open-source.js';
import type { ScanWorkerData, WorkerReply, WorkerRequest } from './pool.js';
import type { ScanSource } from './scan.js';
import { processUnit } from './unit.js';

const data = workerData as ScanWorkerData;
const analyzers = new Map<string, Analyzer>();
const sources = new Map<string, Promise<ScanSource>>();
const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

function analyzerOf(spec: AnalyzerSpec): Analyzer {
  const key = JSON.stringify(spec);
  let a = analyzers.get(key);
  if (!a) {
    a = analyzerFromSpec(spec);
    analyzers.set(key, a);
  }
  return a;
}
// The pool's own analyzer is built at start (a worker that cannot load it dies before taking a unit).
analyzerOf(data.analyzer);

port.on('message', async ({ id, job }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const open = job.open ?? data.open;
    const key = job.open ? `${job.spec}\u0000${JSON.stringify(open)}` : job.spec;
    let source = sources.get(key);
    if (!source) {
      source = openScanSource(job.spec, open);
      sources.set(key, source);
      // A source that could not be opened is tried again by the next unit (it may be back).
      source.catch(() => sources.delete(key));
    }
    const { source: s } = await source;
    const samplesPerType = job.samplesPerType ?? data.samplesPerType;
    const result = await processUnit(s, job.sourceId, job.unit, {
      analyzer: analyzerOf(job.analyzer ?? data.analyzer),
      hashKey: data.hashKey,
      ...(samplesPerType !== undefined ? { samplesPerType } : {}),
    });
    reply = { id, thread: threadId, result };
  } catch (e) {
    reply = {
      id,
      thread: threadId,
      error: {
        code: (e as { code?: string }).code ?? 'LG_SOURCE_FAILED',
        name: (e as Error)?.name ?? 'Error',
        // Leakguard messages hold no values; any other message may echo one (a driver's) and stays here.
        ...(isLeakguardError(e) ? { message: e.message } : {}),
      },
    };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
