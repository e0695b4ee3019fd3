/**
 * PostgreSQL probe. First a protocol check by hand — an SSLRequest, to which a PostgreSQL server answers one
 * byte, `S` or `N` — so a tarpit or another service gives a verdict quickly. Then a login with `pg` for the
 * common superuser names without a password: if the server never asks for one, authentication is `trust` (open);
 * if it asks, the well-known default password (`postgres`/`postgres`) is tried once. An open server is described
 * by its databases and an estimate of its rows (`pg_class.reltuples`); `--sample` reads a few rows per table in a
 * read-only transaction with a statement timeout.
 */
import { Session } from '../net.js';
import type { Credentials, Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { afterVerdict, capNames, failureOutcome, flattenRecord, humanCount, ProtocolError } from './common.js';

/** Users tried without a password; `trust` usually applies to all or to `postgres`. */
const COMMON_USERS = ['postgres', 'admin', 'root'];

async function sslCheck(ep: Endpoint, ctx: ProbeContext): Promise<'S' | 'N'> {
  await ctx.acquire();
  const session = await Session.open({ host: ep.host, port: ep.port, deadline: ctx.deadline, signal: ctx.signal });
  try {
    const req = Buffer.alloc(8);
    req.writeInt32BE(8, 0);
    req.writeInt32BE(80877103, 4);
    session.send(req);
    const reply = await session.readUntil(() => 1);
    const c = String.fromCharCode(reply[0]!);
    if (c === 'S' || c === 'N') return c;
    throw new ProtocolError('no answer to the SSLRequest a PostgreSQL server answers with S or N');
  } finally {
    session.close();
  }
}

type Client = import('pg').Client;

interface LoginResult {
  client?: Client;
  askedPassword: boolean;
  error?: string;
}

async function login(
  ep: Endpoint,
  ctx: ProbeContext,
  ssl: boolean,
  user: string,
  password: string | null,
  database = 'postgres',
): Promise<LoginResult> {
  const pg = await import('pg');
  const ClientCtor = pg.default?.Client ?? (pg as unknown as { Client: typeof import('pg').Client }).Client;
  let askedPassword = false;
  await ctx.acquire();
  const remaining = Math.max(200, ctx.deadline - Date.now());
  const client = new ClientCtor({
    host: ep.host,
    port: ep.port,
    user,
    database,
    // A function is only called when the server asks for a password: that is how trust is told from md5/scram.
    password: () => {
      askedPassword = true;
      return password ?? '';
    },
    ssl: ssl ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: remaining,
    statement_timeout: Math.min(remaining, 5000),
    query_timeout: remaining,
    application_name: 'leakguard-audit',
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return { client, askedPassword };
  } catch (e) {
    await client.end().catch(() => {});
    const code = (e as { code?: string }).code;
    const msg = (e as Error).message ?? '';
    return { askedPassword: askedPassword || code === '28P01', error: classifyLoginError(code, msg) };
  }
}

/**
 * A login failure in a few words (driver messages can echo input: only the SQLSTATE and a classification leave).
 * 28P01 is invalid_password; 28000 is invalid_authorization_specification — a role that does not exist on a
 * server that never asked for a password, or a pg_hba.conf rejection — not a wrong password.
 */
export function classifyLoginError(code: string | undefined, msg: string): string {
  if (code === '28P01') return 'password authentication failed';
  if (code === '28000') {
    if (/role .{0,200} does not exist/.test(msg)) return 'role does not exist';
    if (/pg_hba\.conf/.test(msg)) return 'rejected by pg_hba.conf';
    return 'authorization rejected (SQLSTATE 28000)';
  }
  if (code === '3D000') return 'database does not exist';
  if (/role .{0,200} does not exist/.test(msg)) return 'role does not exist';
  if (/timeout/i.test(msg)) return 'timeout';
  return code ? `SQLSTATE ${code}` : 'connection failed';
}

async function describe(client: Client): Promise<{ dbs: string[]; rows: number }> {
  const dbs = await client.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname',
  );
  const rows = await client.query<{ n: string | null }>(
    "SELECT COALESCE(SUM(GREATEST(c.reltuples, 0)), 0)::bigint AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema')",
  );
  return { dbs: dbs.rows.map((r) => r.datname), rows: Number(rows.rows[0]?.n ?? 0) };
}

async function sampleDb(client: Client, db: string, perTable: number, out: SampleText[]): Promise<void> {
  await client.query('BEGIN READ ONLY');
  try {
    const tables = await client.query<{ s: string; t: string }>(
      "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog','information_schema') ORDER BY 1, 2 LIMIT 20",
    );
    for (const { s, t } of tables.rows) {
      const ident = `"${s.replaceAll('"', '""')}"."${t.replaceAll('"', '""')}"`;
      try {
        const r = await client.query(`SELECT * FROM ${ident} LIMIT ${Math.floor(perTable)}`);
        for (const row of r.rows) out.push({ where: `${db}.${s}.${t}`, text: flattenRecord(row).join('\n') });
      } catch {
        await client.query('ROLLBACK');
        await client.query('BEGIN READ ONLY');
      }
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}

async function openOutcome(
  ep: Endpoint,
  ctx: ProbeContext,
  ssl: boolean,
  user: string,
  password: string | null,
  client: Client,
  verdict: 'open' | 'weak-credentials',
  head: string,
): Promise<ProbeOutcome> {
  const result: ProbeOutcome = { service: 'postgresql', verdict, reason: head, details: { user } };
  ctx.settle?.(result);
  const d = await afterVerdict(result, 'listing databases', () => describe(client));
  if (d) {
    result.reason = `${head}; ${d.dbs.length} database(s), ~${humanCount(d.rows)} rows in "${client.database}"`;
    result.details = { ...result.details, containers: capNames(d.dbs), records: d.rows };
  }
  if (ctx.sample) {
    const samples: SampleText[] = [];
    result.samples = samples;
    await afterVerdict(result, 'sample', async () => {
      await sampleDb(client, client.database ?? 'postgres', ctx.sample ?? 0, samples);
      for (const db of (d?.dbs ?? []).filter((x) => x !== client.database).slice(0, 4)) {
        const other = await login(ep, ctx, ssl, user, password, db);
        if (!other.client) continue;
        try {
          await sampleDb(other.client, db, ctx.sample ?? 0, samples);
        } finally {
          await other.client.end().catch(() => {});
        }
      }
    });
  }
  return result;
}

/** The PostgreSQL probe. */
export const postgresProbe: Probe = {
  service: 'postgresql',
  defaultPorts: [5432],
  async probe(ep, ctx) {
    let ssl: boolean;
    try {
      ssl = (await sslCheck(ep, ctx)) === 'S' || ep.tls;
    } catch (e) {
      return failureOutcome('postgresql', e, 'PostgreSQL');
    }
    const creds: Credentials | undefined = ctx.credentials;
    if (creds) {
      let r = await login(ep, ctx, ssl, creds.user, creds.password, creds.database || 'postgres');
      // The connection string's database may be gone while the credential still works: log in to postgres.
      if (!r.client && r.error === 'database does not exist' && creds.database && creds.database !== 'postgres')
        r = await login(ep, ctx, ssl, creds.user, creds.password, 'postgres');
      if (!r.client)
        return { service: 'postgresql', verdict: 'auth-required', reason: `the credential was refused (${r.error})` };
      try {
        // A server that never asked for a password (trust) let the user in whatever the password: it is open, and
        // the credential was not tested.
        return await openOutcome(
          ep,
          ctx,
          ssl,
          creds.user,
          creds.password,
          r.client,
          r.askedPassword ? 'weak-credentials' : 'open',
          r.askedPassword
            ? 'the credential is live: the server asked for the password and accepted it'
            : `trust authentication: user "${creds.user}" logged in without being asked for a password, so the credential was not tested`,
        );
      } finally {
        await r.client.end().catch(() => {});
      }
    }
    const refused: string[] = [];
    for (const user of COMMON_USERS) {
      const r = await login(ep, ctx, ssl, user, null);
      if (r.client && !r.askedPassword) {
        try {
          return await openOutcome(
            ep,
            ctx,
            ssl,
            user,
            null,
            r.client,
            'open',
            `trust authentication: user "${user}" logged in without a password`,
          );
        } finally {
          await r.client.end().catch(() => {});
        }
      }
      await r.client?.end().catch(() => {});
      if (r.error === 'timeout')
        return { service: 'postgresql', verdict: 'not-service', reason: 'no login answer before the deadline' };
      refused.push(`${user}: ${r.askedPassword ? 'password required' : (r.error ?? 'refused')}`);
      if (r.askedPassword && user === 'postgres' && ctx.tryDefaults) {
        const weak = await login(ep, ctx, ssl, 'postgres', 'postgres');
        if (weak.client) {
          try {
            return await openOutcome(
              ep,
              ctx,
              ssl,
              'postgres',
              'postgres',
              weak.client,
              'weak-credentials',
              'user "postgres" accepted the default password',
            );
          } finally {
            await weak.client.end().catch(() => {});
          }
        }
      }
      if (Date.now() >= ctx.deadline) break;
    }
    return {
      service: 'postgresql',
      verdict: 'auth-required',
      reason: `no passwordless login for common users (${refused.join('; ')})`,
    };
  },
};
