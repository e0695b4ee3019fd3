/**
 * `leakguard guard` — run the access proxy, and manage its API keys, audit log and alerts.
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { migrate } from '../../catalog/migrations.js';
import { openSqlDb, type SqlDb } from '../../catalog/sql.js';
import { UsageError } from '../../core/errors.js';
import { listAlerts } from '../../guard/alerts.js';
import { exportAudit, verifyAudit } from '../../guard/audit.js';
import { type GuardConfig, loadGuardConfig, resolveFrom } from '../../guard/config.js';
import { createGuard, type Guard } from '../../guard/guard.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../guard/keys.js';
import type { CanaryMatcher } from '../../guard/mask.js';
import { GUARD_MIGRATIONS } from '../../guard/migrations.js';
import { numberOption, parse } from '../args.js';
import { type CliIO, write } from '../io.js';

export const guardHelp = `Usage: leakguard guard --config guard.yaml [options]
       leakguard guard check --config guard.yaml
       leakguard guard keys create --principal NAME --role ROLE [--note TEXT]
       leakguard guard keys list
       leakguard guard keys revoke ID
       leakguard guard audit verify
       leakguard guard audit export [--since ISO-TIME] [--principal NAME] [-o FILE]
       leakguard guard alerts [--since ISO-TIME] [--kind KIND] [--limit N]

Run an access proxy in front of an Elasticsearch/OpenSearch-style REST API (or any JSON HTTP API by path
rules): every request is authenticated (API keys, JWT), authorized per role (fail closed), its response
masked per role as it streams, bulk reads throttled (quotas, size/from/scroll caps, anomaly detection) and
alerted, and every request written to a hash-chained audit log in the catalog database.

Options:
  --config FILE        Guard configuration (YAML; see examples/guard.yaml)
  --catalog PATH|URL   Catalog database for keys, audit and alerts (default: the config's catalog, else
                       LEAKGUARD_CATALOG, else .leakguard/catalog.db)
  --canaries           Alert when a response holds a planted canary record (leakguard canary);
                       new plants are watched after a reload (SIGHUP) or the key refresh
  --json               Machine-readable output (keys, audit verify, alerts)
  -h, --help           Show this help

While running: SIGHUP reloads the configuration — roles, policies, keys, JWT, upstream, alert webhook,
anomaly settings, TLS certificate and key, key refresh interval, quota store — (requests in flight finish with
the old ones; an invalid new configuration is refused and the running one kept; the listen address, turning
TLS on or off and the catalog need a restart); SIGINT/SIGTERM stop after the requests in flight. Logs are JSON lines on stderr, without personal values.

Exit status: 0 ok, 1 audit verify found tampering, 2 usage/configuration/fatal error.
`;

const OPTIONS = {
  config: { type: 'string' },
  catalog: { type: 'string' },
  canaries: { type: 'boolean' },
  json: { type: 'boolean' },
  principal: { type: 'string' },
  role: { type: 'string' },
  note: { type: 'string' },
  since: { type: 'string' },
  kind: { type: 'string' },
  limit: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function loadConfig(io: CliIO, values: Values): GuardConfig | undefined {
  return values.config ? loadGuardConfig(resolve(io.cwd, values.config)) : undefined;
}

function catalogTarget(io: CliIO, values: Values, cfg: GuardConfig | undefined): string {
  const target =
    values.catalog ??
    (cfg ? resolveFrom(cfg, cfg.catalog) : undefined) ??
    io.env.LEAKGUARD_CATALOG ??
    resolve(io.cwd, '.leakguard/catalog.db');
  return /^postgres(ql)?:\/\//i.test(target) ? target : resolve(io.cwd, target);
}

async function openCatalog(io: CliIO, values: Values, cfg: GuardConfig | undefined): Promise<SqlDb> {
  const db = await openSqlDb(catalogTarget(io, values, cfg));
  await migrate(db, 'guard', GUARD_MIGRATIONS);
  return db;
}

/** A JSON-lines logger on stderr. */
function jsonLog(io: CliIO): (fields: Record<string, unknown>) => void {
  return (fields) => {
    io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
  };
}

/** Options of {@link runGuardServer}. */
export interface RunGuardOptions {
  readonly configPath: string;
  readonly canary?: CanaryMatcher;
  /** Stops the server when aborted (the command aborts on SIGINT/SIGTERM). */
  readonly signal: AbortSignal;
  /** Reload requests (the command sends one per SIGHUP). */
  readonly onReloadHook?: (reload: () => Promise<boolean>) => void;
  /** Called once listening. */
  readonly onListening?: (guard: Guard) => void;
}

/**
 * Runs a guard until `signal` aborts; resolves to the exit code.
 *
 * @throws ConfigError for a bad configuration
 */
export async function runGuardServer(io: CliIO, o: RunGuardOptions): Promise<number> {
  const cfg = loadGuardConfig(o.configPath);
  const log = jsonLog(io);
  const guard = await createGuard({
    config: cfg,
    configPath: o.configPath,
    env: io.env,
    log,
    ...(o.canary ? { canary: o.canary } : {}),
  });
  try {
    await guard.listen();
  } catch (e) {
    await guard.close();
    throw new UsageError(
      `Cannot listen on ${cfg.listen.host}:${cfg.listen.port}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause: e },
    );
  }
  o.onReloadHook?.(() => guard.reload());
  o.onListening?.(guard);
  if (!o.signal.aborted) await new Promise<void>((r) => o.signal.addEventListener('abort', () => r(), { once: true }));
  log({ level: 'info', msg: 'stopping' });
  await guard.close();
  return 0;
}

/** `leakguard guard …` */
export async function guardCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, OPTIONS, 'guard');
  if (help) {
    await write(io.stdout, guardHelp);
    return 0;
  }
  const [sub, action, ...rest] = positionals;
  if (sub === undefined) {
    if (!values.config) throw new UsageError('guard needs --config FILE (see examples/guard.yaml)');
    let canary: CanaryMatcher | undefined;
    const configPath = resolve(io.cwd, values.config);
    if (values.canaries) {
      const cfg = loadGuardConfig(configPath);
      const { loadCanaryWatch } = await import('../../leak/canary/watch.js');
      canary = await loadCanaryWatch({ catalog: values.catalog ?? resolveFrom(cfg, cfg.catalog), env: io.env });
    }
    const ac = new AbortController();
    const stop = () => ac.abort();
    let reload: (() => Promise<boolean>) | undefined;
    const hup = () => void reload?.();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.on('SIGHUP', hup);
    try {
      return await runGuardServer(io, {
        configPath,
        signal: ac.signal,
        ...(canary ? { canary } : {}),
        onReloadHook: (r) => {
          reload = r;
        },
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', hup);
    }
  }
  const cfg = loadConfig(io, values);
  if (sub === 'check') {
    if (!cfg) throw new UsageError('guard check needs --config FILE');
    const db = await openCatalog(io, values, cfg);
    try {
      // Builds everything a start builds (policies, keys, credentials) without listening.
      const target = catalogTarget(io, values, cfg);
      const g = await createGuard({
        config: cfg,
        db,
        env: io.env,
        ...(/^postgres(ql)?:\/\//i.test(target) ? {} : { vaultPath: target }),
      });
      await g.close();
    } finally {
      await db.close();
    }
    await write(
      io.stdout,
      `${values.json ? JSON.stringify({ ok: true, roles: Object.keys(cfg.roles) }) : `ok: ${Object.keys(cfg.roles).length} roles`}\n`,
    );
    return 0;
  }
  if (sub === 'keys') return keysCommand(io, values, cfg, action, rest);
  if (sub === 'audit') return auditCommand(io, values, cfg, action, rest);
  if (sub === 'alerts') {
    if (action !== undefined) throw new UsageError(`Unexpected argument "${action}" for guard alerts`);
    const db = await openCatalog(io, values, cfg);
    try {
      const limit = numberOption(values.limit, 'limit', 1, 100_000) ?? 100;
      const alerts = await listAlerts(db, {
        limit,
        ...(values.since ? { since: values.since } : {}),
        ...(values.kind ? { kind: values.kind } : {}),
      });
      if (values.json) await write(io.stdout, `${JSON.stringify({ alerts })}\n`);
      else if (alerts.length === 0) await write(io.stdout, 'no alerts\n');
      else {
        for (const a of alerts) {
          await write(
            io.stdout,
            `${a.at}  ${a.severity.padEnd(8)}  ${a.kind.padEnd(8)}  ${(a.principal ?? '-').padEnd(16)}  ${a.message}${a.delivered ? '' : '  (webhook not delivered)'}\n`,
          );
        }
      }
      return 0;
    } finally {
      await db.close();
    }
  }
  throw new UsageError(`Unknown guard subcommand "${sub}": expected keys, audit, alerts or check`);
}

async function keysCommand(
  io: CliIO,
  values: Values,
  cfg: GuardConfig | undefined,
  action: string | undefined,
  rest: string[],
): Promise<number> {
  const db = await openCatalog(io, values, cfg);
  try {
    if (action === 'create') {
      if (!values.principal || !values.role)
        throw new UsageError('guard keys create needs --principal NAME and --role ROLE');
      if (cfg && !(values.role in cfg.roles)) {
        throw new UsageError(
          `Unknown role "${values.role}": the configuration defines ${Object.keys(cfg.roles).join(', ')}`,
        );
      }
      const { key, record } = await createApiKey(db, {
        principal: values.principal,
        role: values.role,
        ...(values.note ? { note: values.note } : {}),
      });
      if (values.json) await write(io.stdout, `${JSON.stringify({ key, ...record })}\n`);
      else {
        await write(io.stdout, `${key}\n`);
        await write(
          io.stderr,
          `created key ${record.id} for ${record.principal} (role ${record.role}); it is shown once and stored only as a hash\n`,
        );
      }
      return 0;
    }
    if (action === 'list') {
      const keys = await listApiKeys(db);
      if (values.json) await write(io.stdout, `${JSON.stringify({ keys })}\n`);
      else if (keys.length === 0) await write(io.stdout, 'no keys\n');
      else {
        for (const k of keys) {
          await write(
            io.stdout,
            `${k.id}  ${k.principal.padEnd(16)}  ${k.role.padEnd(12)}  ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\n`,
          );
        }
      }
      return 0;
    }
    if (action === 'revoke') {
      const id = rest[0];
      if (!id || rest.length > 1) throw new UsageError('guard keys revoke needs one key id (see guard keys list)');
      const done = await revokeApiKey(db, id.replace(/^lgk_([0-9a-f]{12})_.*$/, '$1'));
      if (!done) throw new UsageError(`No active key "${id}"`);
      await write(
        io.stdout,
        values.json
          ? `${JSON.stringify({ revoked: id })}\n`
          : `revoked ${id} (running guards drop it at their next key refresh or SIGHUP)\n`,
      );
      return 0;
    }
    throw new UsageError('guard keys needs create, list or revoke');
  } finally {
    await db.close();
  }
}

async function auditCommand(
  io: CliIO,
  values: Values,
  cfg: GuardConfig | undefined,
  action: string | undefined,
  rest: string[],
): Promise<number> {
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" for guard audit`);
  const db = await openCatalog(io, values, cfg);
  try {
    if (action === 'verify') {
      const v = await verifyAudit(db);
      if (values.json) await write(io.stdout, `${JSON.stringify(v)}\n`);
      else if (v.ok) await write(io.stdout, `ok: ${v.rows} rows, head ${v.headSeq} ${v.headHash}\n`);
      else {
        await write(io.stdout, `TAMPERED: ${v.problems.length} problem(s) in ${v.rows} rows\n`);
        for (const p of v.problems) await write(io.stdout, `  row ${p.seq}: ${p.problem}\n`);
      }
      return v.ok ? 0 : 1;
    }
    if (action === 'export') {
      if (values.since && Number.isNaN(Date.parse(values.since)))
        throw new UsageError(`Invalid --since "${values.since}": expected an ISO time`);
      const out =
        values.output && values.output !== '-' ? createWriteStream(resolve(io.cwd, values.output)) : io.stdout;
      let n = 0;
      for await (const line of exportAudit(db, {
        ...(values.since ? { since: new Date(values.since).toISOString() } : {}),
        ...(values.principal ? { principal: values.principal } : {}),
      })) {
        await write(out, line);
        n++;
      }
      if (out !== io.stdout) {
        await new Promise<void>((r, j) => {
          out.once('error', j);
          out.end(() => r());
        });
        await write(io.stderr, `exported ${n} rows\n`);
      }
      return 0;
    }
    throw new UsageError('guard audit needs verify or export');
  } finally {
    await db.close();
  }
}
