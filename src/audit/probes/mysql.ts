/**
 * MySQL / MariaDB probe. The server speaks first: its handshake packet (protocol 10, a NUL-terminated version)
 * is read by hand, so a silent tarpit or a garbage banner gives a verdict without the driver. Then `mysql2` tries
 * `root` with an empty password and the well-known defaults (`root`/`root`, `root`/`password`): any accepted is
 * `weak-credentials` — a MySQL server has no passwordless "trust" mode; an empty root password is its equivalent.
 */
import { NetError, Session } from '../net.js';
import type { Credentials, Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import {
  afterVerdict,
  capNames,
  failureOutcome,
  flattenRecord,
  humanCount,
  isDeadline,
  ProtocolError,
} from './common.js';

const DEFAULTS: readonly Credentials[] = [
  { user: 'root', password: '' },
  { user: 'root', password: 'root' },
  { user: 'root', password: 'password' },
];

/** Parse a handshake packet: server version, or the server's error code when it refuses the client's host. */
export function parseGreeting(buf: Buffer): { version: string } | { errorCode: number } {
  const len = buf.readUIntLE(0, 3);
  const payload = buf.subarray(4, 4 + len);
  if (payload[0] === 0xff) return { errorCode: payload.readUInt16LE(1) };
  if (payload[0] !== 0x0a) throw new ProtocolError('the greeting is not a MySQL handshake');
  const nul = payload.indexOf(0, 1);
  if (nul < 0 || nul > 64) throw new ProtocolError('the greeting has no server version');
  return { version: payload.toString('latin1', 1, nul) };
}

async function greeting(ep: Endpoint, ctx: ProbeContext): Promise<{ version: string } | { errorCode: number }> {
  await ctx.acquire();
  const session = await Session.open({ host: ep.host, port: ep.port, deadline: ctx.deadline, signal: ctx.signal });
  try {
    const packet = await session.readUntil((buf) => {
      if (buf.length < 4) return -1;
      const len = buf.readUIntLE(0, 3);
      if (len > 16 * 1024 || len < 1) throw new ProtocolError('the first packet is not a MySQL handshake');
      return buf.length >= 4 + len ? 4 + len : -1;
    });
    return parseGreeting(packet);
  } finally {
    session.close();
  }
}

type Conn = import('mysql2/promise').Connection;

async function login(ep: Endpoint, ctx: ProbeContext, c: Credentials, database?: string): Promise<Conn | null> {
  const mysql = await import('mysql2/promise');
  await ctx.acquire();
  try {
    const conn = await mysql.createConnection({
      host: ep.host,
      port: ep.port,
      user: c.user,
      password: c.password,
      connectTimeout: Math.max(200, ctx.deadline - Date.now()),
      ...(database ? { database } : {}),
      ...(ep.tls ? { ssl: { rejectUnauthorized: false } } : {}),
    });
    conn.on('error', () => {});
    return conn;
  } catch {
    return null;
  }
}

const SYSTEM_DBS = new Set(['information_schema', 'mysql', 'performance_schema', 'sys']);

async function describeOpen(
  conn: Conn,
  ctx: ProbeContext,
  c: Credentials,
  head: string,
  version: string,
): Promise<ProbeOutcome> {
  const result: ProbeOutcome = {
    service: 'mysql',
    verdict: 'weak-credentials',
    reason: head,
    details: { user: c.user, version },
  };
  ctx.settle?.(result);
  const d = await afterVerdict(result, 'listing databases', async () => {
    const [dbRows] = await conn.query('SHOW DATABASES');
    const dbs = (dbRows as Record<string, string>[]).map((r) => Object.values(r)[0] as string);
    const [countRows] = await conn.query(
      "SELECT COALESCE(SUM(table_rows), 0) AS n FROM information_schema.tables WHERE table_schema NOT IN ('information_schema','mysql','performance_schema','sys')",
    );
    return { dbs, rows: Number((countRows as { n: unknown }[])[0]?.n ?? 0) };
  });
  if (d) {
    result.reason = `${head}; ${d.dbs.length} database(s), ~${humanCount(d.rows)} rows`;
    result.details = { ...result.details, containers: capNames(d.dbs), records: d.rows };
  }
  if (ctx.sample) {
    const samples: SampleText[] = [];
    result.samples = samples;
    const perTable = Math.floor(ctx.sample);
    await afterVerdict(result, 'sample', async () => {
      await conn.query('SET SESSION TRANSACTION READ ONLY');
      const [tables] = await conn.query(
        "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('information_schema','mysql','performance_schema','sys') ORDER BY 1, 2 LIMIT 40",
      );
      for (const { s, t } of tables as { s: string; t: string }[]) {
        if (SYSTEM_DBS.has(s)) continue;
        if (Date.now() >= ctx.deadline) throw new NetError('timeout', 'deadline passed', true);
        try {
          const [r] = await conn.query({
            sql: `SELECT * FROM \`${s.replaceAll('`', '``')}\`.\`${t.replaceAll('`', '``')}\` LIMIT ${perTable}`,
            timeout: Math.max(1, ctx.deadline - Date.now()),
          });
          for (const row of r as Record<string, unknown>[])
            samples.push({ where: `${s}.${t}`, text: flattenRecord(row).join('\n') });
        } catch (e) {
          if (isDeadline(e)) throw e;
          // an unreadable table is skipped
        }
      }
    });
  }
  return result;
}

/** The MySQL/MariaDB probe. */
export const mysqlProbe: Probe = {
  service: 'mysql',
  defaultPorts: [3306],
  async probe(ep, ctx) {
    let hello: { version: string } | { errorCode: number };
    try {
      hello = await greeting(ep, ctx);
    } catch (e) {
      return failureOutcome('mysql', e, 'MySQL');
    }
    if ('errorCode' in hello) {
      return {
        service: 'mysql',
        verdict: 'auth-required',
        reason: `the server refuses this client's host before login (error ${hello.errorCode})`,
      };
    }
    const tries = ctx.credentials ? [ctx.credentials] : ctx.tryDefaults ? DEFAULTS : [];
    for (const c of tries) {
      const conn = await login(ep, ctx, c, c.database || undefined);
      if (!conn) continue;
      try {
        const head = ctx.credentials
          ? 'the credential is live'
          : c.password === ''
            ? `user "${c.user}" logged in with an empty password`
            : `user "${c.user}" accepted a well-known default password`;
        return await describeOpen(conn, ctx, c, head, hello.version);
      } finally {
        await conn.end().catch(() => {});
      }
    }
    const product = hello.version.includes('MariaDB') ? 'MariaDB' : 'MySQL';
    return {
      service: 'mysql',
      verdict: 'auth-required',
      reason: ctx.credentials
        ? 'the credential was refused'
        : tries.length > 0
          ? `${product} refused root with an empty or default password`
          : `${product} answers and asks for a login; no password was tried (--no-defaults)`,
      details: { version: hello.version },
    };
  },
};
