/**
 * The body of a scan worker thread: rebuilds the analyzer from its spec, opens sources on demand from their
 * specs (each worker its own file handles and database connections), and answers `{ id, job }` messages with
 * `{ id, result }` — one unit read and analysed per message. Never sees the catalog.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzerFromSpec } from '../detect/spec.js';
import { openScanSource } from './open-source.js';
import type { ScanWorkerData, WorkerReply, WorkerRequest } from './pool.js';
import type { ScanSource } from './scan.js';
import { processUnit } from './unit.js';

const data = workerData as ScanWorkerData;
const analyzer = analyzerFromSpec(data.analyzer);
const sources = new Map<string, Promise<ScanSource>>();
const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

port.on('message', async ({ id, job }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    let source = sources.get(job.spec);
    if (!source) {
      source = openScanSource(job.spec, data.open);
      sources.set(job.spec, source);
    }
    const { source: s } = await source;
    const result = await processUnit(s, job.sourceId, job.unit, {
      analyzer,
      hashKey: data.hashKey,
      ...(data.samplesPerType !== undefined ? { samplesPerType: data.samplesPerType } : {}),
    });
    reply = { id, result };
  } catch (e) {
    reply = {
      id,
      error: { code: (e as { code?: string }).code ?? 'LG_SOURCE_FAILED', name: (e as Error)?.name ?? 'Error' },
    };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
