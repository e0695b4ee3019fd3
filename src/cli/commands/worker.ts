/**
 * `leakguard worker --queue redis://…` — read scan units from the BullMQ queue until stopped. Run it on any
 * number of machines; SIGTERM or SIGINT drains (finishes the units in hand, then exits).
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../../core/errors.js';
import { createProtectRangeHandler, type ProtectRangeJobData } from '../../protect/db/distributed.js';
import { resolveScanKey } from '../../scan/key.js';
import { startQueueWorker } from '../../scan/queue.js';
import { redactUrl } from '../../sources/db-url.js';
import { numberOption, parse } from '../args.js';
import { buildAnalyzer } from '../common.js';
import { type CliIO, write } from '../io.js';
import { loadCliPolicy } from './protect.js';
import { catalogTarget } from './scan.js';

export const workerHelp = `Usage: leakguard worker --queue redis://HOST:PORT [options]

Take scan units from the queue a coordinator filled (\`leakguard scan … --queue …\`), read and analyse them,
and store each result in the run's catalog (the job names it without password; the worker resolves it with
--catalog or --connection). The worker that stores a run's last unit finalises the run. Run one per machine:
it reads units in --threads worker threads (default: every core), while its main thread only talks to Redis
and the catalog. SIGTERM/SIGINT drains: units in hand finish, no new ones are taken, then the worker exits 0.
A worker killed outright loses nothing: its units go to another worker once their lock lapses (about 20 s).

Options:
  --queue URL          Redis URL of the queue (or LEAKGUARD_QUEUE)
  --threads N          Worker threads reading units (default: the number of cores; 1 reads in the main
                       thread)
  --concurrency N      Jobs taken from the queue at once (default: --threads); more than --threads keeps
                       units locked while they wait for a thread
  --connection URL     A source URL with its credentials (repeatable, or LEAKGUARD_CONNECTIONS, comma-
                       separated): jobs name sources without passwords; this worker supplies them
  --catalog PATH|URL   The catalog with its credentials, and where the hash key lives: LEAKGUARD_KEY, else
                       the key file beside a SQLite catalog (every worker must hash with the coordinator's
                       key: a unit queued under another key is refused, never mis-hashed)
  --policy FILE        Protection policy for distributed in-place protect jobs (\`leakguard protect DB
                       --in-place --queue URL\`; or LEAKGUARD_POLICY): the worker loads it and its keys
                       itself and refuses ranges queued with another policy
  --vault FILE|URL     Token vault for tokenize when the policy names none (default: the --catalog
                       database). Every worker of a job must use the coordinator's vault: a range
                       queued with another vault is refused (one value must keep one token)
  --once               Exit when the queue is empty (for tests and batch jobs)
  --json               Log one JSON line per unit on stderr
  -h, --help           Show this help

Exit status: 0 drained and stopped, 2 usage/configuration/fatal error.
`;

const OPTIONS = {
  queue: { type: 'string' },
  threads: { type: 'string' },
  concurrency: { type: 'string' },
  connection: { type: 'string', multiple: true },
  catalog: { type: 'string' },
  once: { type: 'boolean' },
  policy: { type: 'string' },
  vault: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function workerCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, help } = parse(argv, OPTIONS, 'worker');
  if (help) {
    await write(io.stdout, workerHelp);
    return 0;
  }
  const queueUrl = values.queue ?? io.env.LEAKGUARD_QUEUE;
  if (!queueUrl) throw new UsageError('Invalid arguments for "worker": give --queue redis://host:port');
  const threads = numberOption(values.threads, 'threads', 1, 256) ?? availableParallelism();
  const concurrency = numberOption(values.concurrency, 'concurrency', 1, 256) ?? threads;
  const hashKey = resolveScanKey(catalogTarget(values.catalog, io), io.env);
  const connections = [
    ...(values.connection ?? []),
    ...(io.env.LEAKGUARD_CONNECTIONS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
  if (values.catalog !== undefined) connections.push(catalogTarget(values.catalog, io));
  // Protect jobs: the policy and its keys are this worker's own (loaded before any job is taken).
  const policy =
    values.policy !== undefined || io.env.LEAKGUARD_POLICY
      ? await loadCliPolicy(values, io, buildAnalyzer(io, {}), 'worker')
      : undefined;
  const protectRange = policy
    ? createProtectRangeHandler({ policy, connections, env: io.env, cwd: io.cwd })
    : undefined;
  let units = 0;
  const worker = await startQueueWorker({
    queueUrl,
    hashKey,
    threads,
    concurrency,
    connections,
    onStart: (e) => {
      if (values.json) void write(io.stderr, `${JSON.stringify({ event: 'start', ...e })}\n`);
    },
    onUnit: (e) => {
      units++;
      if (values.json) void write(io.stderr, `${JSON.stringify({ event: 'unit', ...e })}\n`);
    },
    onFailed: (e) => {
      void write(
        io.stderr,
        values.json
          ? `${JSON.stringify({ event: 'failed', ...e })}\n`
          : `worker: ${e.kind} job ${e.final ? 'parked' : 'failed, will retry'}: ${e.reason}\n`,
      );
    },
    handlers: {
      protect: async (job) => {
        if (!protectRange) {
          throw new UsageError('Cannot run a protect job: this worker has no --policy (or LEAKGUARD_POLICY)');
        }
        const t0 = Date.now();
        const r = await protectRange(job.data as unknown as ProtectRangeJobData);
        units++;
        if (values.json) {
          void write(
            io.stderr,
            `${JSON.stringify({ event: 'range', job: job.id, rows: r.rows, alreadyDone: r.alreadyDone, ms: Date.now() - t0 })}\n`,
          );
        }
        return r;
      },
    },
    onFinalized: (run) => {
      if (values.json) void write(io.stderr, `${JSON.stringify({ event: 'finalized', run })}\n`);
    },
  });
  await write(
    io.stderr,
    `worker: reading units from ${redactUrl(queueUrl)} (${threads} threads, ${concurrency} jobs at a time)\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    if (values.once) {
      worker.on('drained', stop);
    }
  });
  await write(io.stderr, 'worker: draining…\n');
  await worker.close();
  await write(io.stderr, `worker: stopped after ${units} units\n`);
  await policy?.close();
  return 0;
}
