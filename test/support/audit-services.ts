/**
 * Real servers the audit tests start themselves on free loopback ports, beside the machine's services:
 * a second `redis-server` with `requirepass`, and a throw-away PostgreSQL cluster whose `pg_hba.conf` requires
 * scram-sha-256 (the machine's cluster trusts loopback, so a password-protected role can only be shown on a
 * cluster configured for it). Both are stopped and their directories removed by `close()`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${ms} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface Started {
  port: number;
  close(): Promise<void>;
}

/** Start `redis-server` with a password on a free port (no persistence). */
export function startRedisWithPassword(password: string): Promise<Started> {
  return startRedis(password);
}

/**
 * Start the suite's own `redis-server` on a free loopback port (no persistence), with `requirepass` when a
 * password is given and without one otherwise — a server a test may reconfigure (`CONFIG SET`), unlike the
 * machine's shared Redis.
 */
export async function startRedis(password?: string): Promise<Started> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lg-audit-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      ...(password !== undefined ? ['--requirepass', password] : []),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  await waitFor(async () => {
    if (exited) throw new Error('redis-server exited at start (is it installed?)');
    return canConnect(port);
  }, 'redis-server');
  return {
    port,
    close: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pgBin(name: string): string {
  for (const dir of [
    '/usr/lib/postgresql/15/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/17/bin',
    '/usr/local/bin',
    '/usr/bin',
  ]) {
    try {
      execFileSync('test', ['-x', join(dir, name)]);
      return join(dir, name);
    } catch {
      // next
    }
  }
  throw new Error(`${name} not found: install the PostgreSQL server package`);
}

/** A throw-away PostgreSQL cluster that can be stopped and started again on the same port and data directory. */
export interface RestartablePostgres extends Started {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (no password: only for a trusting cluster). */
  url: string;
  /** `pg_ctl stop` (default mode `fast`: sessions are terminated, as in a restart or failover). */
  stop(mode?: 'fast' | 'immediate' | 'smart'): Promise<void>;
  /** Start it again (same port, same data); resolves once it accepts connections. */
  start(): Promise<void>;
}

/**
 * initdb and start a cluster on a free loopback port: with `password`, scram-sha-256 for every user (superuser
 * `postgres` with that password); without, trust. initdb refuses to run as root, so as root initdb and pg_ctl
 * run as the `postgres` system user.
 */
async function startCluster(password: string | undefined, prefix: string): Promise<RestartablePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  if (password !== undefined) writeFileSync(pwfile, `${password}\n`);
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
    const cmd = asRoot ? 'runuser' : bin;
    const full = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
    execFileSync(cmd, full, { stdio: 'ignore' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    if (password !== undefined) chownSync(pwfile, uid, gid);
    chmodSync(dir, 0o700);
  }
  const auth = password !== undefined ? ['--pwfile', pwfile, '--auth', 'scram-sha-256'] : ['--auth', 'trust'];
  run(pgBin('initdb'), ['-D', data, '-U', 'postgres', ...auth, '-E', 'UTF8', '--no-sync']);
  const pgCtl = pgBin('pg_ctl');
  let running = false;
  const start = async () => {
    run(pgCtl, [
      '-D',
      data,
      '-w',
      '-t',
      '60',
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
    running = true;
    await waitFor(() => canConnect(port), 'PostgreSQL');
  };
  const stop = async (mode: 'fast' | 'immediate' | 'smart' = 'fast') => {
    run(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    close: async () => {
      try {
        if (running) await stop('immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Start a PostgreSQL cluster that requires scram-sha-256 for every user, superuser `postgres` with `password`. */
export async function startPostgresWithPassword(password: string): Promise<Started> {
  const pg = await startCluster(password, 'lg-audit-pg-');
  return { port: pg.port, close: pg.close };
}

/**
 * Start a PostgreSQL cluster on a free loopback port that trusts loopback connections and can be restarted
 * (stop, start) by the test: the machine's shared cluster must never be restarted.
 */
export function startRestartablePostgres(): Promise<RestartablePostgres> {
  return startCluster(undefined, 'lg-restart-pg-');
}
