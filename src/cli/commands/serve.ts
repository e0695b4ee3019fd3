/**
 * `leakguard serve` — run the private lookup service: the page at `/` and the wire contract under `/v1/`.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { loadLeakcheckKeys } from '../../leak/leakcheck/keys.js';
import { LeakcheckService } from '../../leak/leakcheck/service.js';
import { LeakcheckStore } from '../../leak/leakcheck/store.js';
import { startLeakcheckServer } from '../../server/leakcheck-app.js';
import { numberOption, parse } from '../args.js';
import { type CliIO, write } from '../io.js';
import { leakcheckDbTarget } from './leakcheck.js';

export const serveHelp = `Usage: leakguard serve [options]

Run the private "was my data leaked?" service over the store \`leakguard leakcheck ingest\` filled:
  GET  /                    the lookup page (normalises, blinds, verifies the proof and matches in the browser)
  GET  /v1/oprf/key         { suite, mode, publicKey, prefixLength }
  POST /v1/oprf/evaluate    { blinded: [hex…] } → { evaluated: [hex…], proof }
  GET  /v1/range/{prefix}   every stored F_k(x) starting with the prefix, padded to a fixed bucket size

Options:
  --host HOST               Address to listen on (default 127.0.0.1; put TLS in front for public use)
  --port N                  Port (default 8080; 0 picks a free one)
  --db PATH|URL             Lookup store (default .leakguard/leakcheck.db)
  --key-file FILE           Service key file (default: environment variable LEAKGUARD_OPRF_KEY)
  --prefix-length N         Hex characters per range prefix, 1-16 (default 4: 65,536 buckets)
  --bucket-size N           Smallest padded bucket (default 32; grows in steps to hold the largest)
  --max-batch N             Blinded elements per evaluate request (default 16)
  --rate N                  Evaluations per client per minute (default 30; burst N). A client is its IPv4
                            address or its IPv6 /64
  --global-rate N           Evaluations per minute of all clients together (default 3000; burst N; 0: off):
                            bounds guessing by clients rotating addresses
  --range-rate N            Range queries per client per minute (default 60; burst N)
  --trust-proxy             Rate-limit by the X-Forwarded-For entry your proxy appended (the last one; only
                            when every request comes through your own proxy)
  --log FILE|-              Write the request log as JSON lines (method, route, status, ms; no identifiers)
  -h, --help                Show this help

Stops on SIGINT or SIGTERM. Exit status: 0 stopped, 2 usage/configuration error.
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  db: { type: 'string' },
  'key-file': { type: 'string' },
  'prefix-length': { type: 'string' },
  'bucket-size': { type: 'string' },
  'max-batch': { type: 'string' },
  rate: { type: 'string' },
  'global-rate': { type: 'string' },
  'range-rate': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  log: { type: 'string' },
} as const;

/**
 * Run the service until `stop` aborts (the CLI passes one tied to SIGINT/SIGTERM); `onListening` gets the URL.
 */
export async function runServe(
  argv: readonly string[],
  io: CliIO,
  stop: AbortSignal,
  onListening?: (url: string) => void,
): Promise<number> {
  const { values, positionals, help } = parse(argv, OPTIONS, 'serve');
  if (help) {
    await write(io.stdout, serveHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('Invalid arguments for "serve": it takes no positional arguments');
  const int = (name: keyof typeof OPTIONS, min: number, max: number, dflt: number): number => {
    const n = numberOption(values[name] as string | undefined, name, min, max) ?? dflt;
    if (!Number.isInteger(n)) throw new UsageError(`Invalid value for --${name}: expected an integer`);
    return n;
  };
  const port = int('port', 0, 65535, 8080);
  const prefixLength = int('prefix-length', 1, 16, 4);
  const minBucketSize = int('bucket-size', 1, 100_000, 32);
  const maxBatch = int('max-batch', 1, 1024, 16);
  const rate = int('rate', 1, 1_000_000, 30);
  const globalRate = int('global-rate', 0, 100_000_000, 3000);
  const rangeRate = int('range-rate', 1, 1_000_000, 60);
  if (maxBatch > rate) throw new UsageError('--max-batch cannot exceed --rate (such a batch could never pass)');
  if (globalRate > 0 && maxBatch > globalRate)
    throw new UsageError('--max-batch cannot exceed --global-rate (such a batch could never pass)');
  const keys = loadLeakcheckKeys({
    env: io.env,
    keyFile: values['key-file'],
    cwd: io.cwd,
    onWarning: (m) => void write(io.stderr, `warning: ${m}\n`),
  });
  const store = await LeakcheckStore.open(leakcheckDbTarget(values.db, io));
  let logStream: WriteStream | undefined;
  const logTo = values.log;
  if (logTo && logTo !== '-') logStream = createWriteStream(resolve(io.cwd, logTo), { flags: 'a' });
  try {
    if ((await store.breaches()).length === 0)
      await write(io.stderr, 'warning: the store holds no breaches yet: every lookup will answer "nothing found"\n');
    const service = new LeakcheckService({ store, keys, prefixLength, minBucketSize, maxBatch });
    const running = await startLeakcheckServer({
      service,
      host: values.host ?? '127.0.0.1',
      port,
      evaluateLimit: { capacity: rate, refillPerSecond: rate / 60 },
      globalEvaluateLimit: globalRate === 0 ? false : { capacity: globalRate, refillPerSecond: globalRate / 60 },
      rangeLimit: { capacity: rangeRate, refillPerSecond: rangeRate / 60 },
      trustProxy: Boolean(values['trust-proxy']),
      ...(logTo
        ? {
            log: (line) => {
              const text = `${JSON.stringify(line)}\n`;
              if (logStream) logStream.write(text);
              else io.stdout.write(text);
            },
          }
        : {}),
    });
    await write(io.stderr, `leakguard lookup service listening on ${running.url}\n`);
    onListening?.(running.url);
    await new Promise<void>((r) => {
      if (stop.aborted) r();
      else stop.addEventListener('abort', () => r(), { once: true });
    });
    await running.close();
    await write(io.stderr, 'stopped\n');
  } finally {
    await store.close();
    if (logStream) await new Promise<void>((r) => logStream?.end(r));
  }
  return 0;
}

export async function serveCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await runServe(argv, io, controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
