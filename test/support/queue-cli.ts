/**
 * Helpers for the queued-scan service suites: run the compiled CLI (bin/leakguard.js → dist/), start `leakguard
 * worker` processes (killed when the suite ends), generate a synthetic CSV corpus, and read a catalog's assets in
 * the shape `scan --json` prints them. Every process of one suite hashes with the same random key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, expect } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { assetSummary } from '../../src/report/formats.js';
import { requireService } from './services.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'leakguard.js');
/** The hash key every process of this suite is given (LEAKGUARD_KEY). */
export const KEY = randomBytes(32).toString('hex');
const children: ChildProcess[] = [];
const logs = new WeakMap<ChildProcess, { text: string }>();

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * Connect to the queue's Redis (failing with a clear message when it is down) and empty its database: each
 * suite uses a database of its own.
 */
export async function flushQueue(url: string): Promise<void> {
  const redis = await requireService('Redis', url, 'LEAKGUARD_TEST_REDIS_URL', async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    return r;
  });
  await redis.flushdb();
  redis.disconnect();
}

/** Fail with a clear message when the CLI has not been built (the processes run dist/). */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'run.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (the queued-scan suites run the compiled CLI)');
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `leakguard ARGS` in `cwd` to its end. `env` is laid over the suite's (a `LEAKGUARD_KEY` in it replaces
 * {@link KEY}).
 */
export function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, LEAKGUARD_KEY: KEY, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface WorkerOptions {
  /** Further worker flags, placed before `--json` (e.g. `--policy FILE --connection URL`). */
  args?: string[];
  /** The worker's working directory (default: this process's). */
  cwd?: string;
}

/**
 * Start `leakguard worker --queue QUEUE --concurrency 1 [ARGS] --json` (`--concurrency 1` unless ARGS give
 * `--threads` or `--concurrency`); its stderr is kept (see {@link workerLog}). `env` is laid over the suite's (a
 * `LEAKGUARD_KEY` in it replaces {@link KEY}).
 */
export function startWorker(
  queue: string,
  env: Record<string, string> = {},
  options: WorkerOptions = {},
): ChildProcess {
  const own = options.args ?? [];
  const one = own.includes('--threads') || own.includes('--concurrency') ? [] : ['--concurrency', '1'];
  const args = [BIN, 'worker', '--queue', queue, ...one, ...own, '--json'];
  const child = spawn(process.execPath, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...process.env, LEAKGUARD_KEY: KEY, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = { text: '' };
  logs.set(child, log);
  child.stderr?.on('data', (c: Buffer) => {
    log.text += c.toString();
  });
  children.push(child);
  return child;
}

/** What a worker started by {@link startWorker} has written on stderr so far (unit ids and codes, no values). */
export function workerLog(child: ChildProcess): string {
  return logs.get(child)?.text ?? '';
}

/** A `--json` worker event (`start`, `unit`, `failed`, `finalized`), in the order logged. */
export interface WorkerEvent {
  event: string;
  unitId?: string;
  status?: string;
  thread?: number;
  final?: boolean;
  reason?: string;
}

/** The JSON events a worker started by {@link startWorker} has logged so far (other lines are left out). */
export function workerEvents(child: ChildProcess): WorkerEvent[] {
  const out: WorkerEvent[] = [];
  for (const line of workerLog(child).split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as WorkerEvent);
    } catch {
      // A line cut by a kill.
    }
  }
  return out;
}

/** Resolves when `child`'s log satisfies `test` (checked on every write to its stderr). */
export function logged(child: ChildProcess, test: (log: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (test(workerLog(child))) return resolve();
    const on = () => {
      // Checked after the support module's own listener appended the chunk.
      setImmediate(() => {
        if (!test(workerLog(child))) return;
        child.stderr?.off('data', on);
        resolve();
      });
    };
    child.stderr?.on('data', on);
  });
}

/** Resolves when `child` has logged `n` finished units. */
export function unitsLogged(child: ChildProcess, n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    child.stderr?.on('data', (c: Buffer) => {
      seen += (c.toString().match(/"event":"unit"/g) ?? []).length;
      if (seen >= n) resolve();
    });
  });
}

/** Resolves when `child` has exited (at once if it has). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** A directory of `files` synthetic CSV files (4 folders; 300 rows each of names, mobiles, e-mails). */
export function corpus(files = 40, rows = 300): string {
  const dir = mkdtempSync(join(tmpdir(), 'lg-queue-svc-'));
  for (let d = 0; d < 4; d++) {
    mkdirSync(join(dir, `d${d}`));
    for (let f = 0; f < files / 4; f++) {
      let csv = '姓名,手机号,邮箱\n';
      for (let r = 0; r < rows; r++) {
        const n = d * 100_000 + f * 1000 + r;
        csv += `李${'伟芳娜敏静'[r % 5]},1${38 + (r % 2)}${String(n).padStart(8, '0')},p${n}@example.org\n`;
      }
      writeFileSync(join(dir, `d${d}`, `f${f}.csv`), csv);
    }
  }
  return dir;
}

/** A fresh SQLite catalog path. */
export const sqliteCatalog = (name: string) => join(mkdtempSync(join(tmpdir(), 'lg-cat-')), `${name}.db`);

/** The assets of `scan --json` output, sorted by URI. */
export const assetsOf = (out: string) =>
  (JSON.parse(out).assets as { uri: string }[]).sort((a, b) => a.uri.localeCompare(b.uri));

/** The assets of a catalog's latest finished run, as `scan --json` prints them. */
export async function catalogAssets(target: string) {
  const catalog = await Catalog.open(target);
  try {
    const latest = await catalog.latestRun();
    expect(latest?.status).toBe('done');
    return (await catalog.assets(latest!.id)).map(assetSummary).sort((a, b) => a.uri.localeCompare(b.uri));
  } finally {
    await catalog.close();
  }
}
