/**
 * The guard: an authenticating, authorizing, masking, rate-limiting and auditing reverse proxy for
 * Elasticsearch/OpenSearch-style REST APIs (and, in generic mode, any JSON HTTP API by path rules).
 *
 * One request: authenticate → role → (blocked? purpose?) → read the body (bounded) → authorize (fail closed)
 * → quota and throttle checks → forward upstream (only safe headers, the guard's own upstream credentials) →
 * stream the response through the role's masker with backpressure → count records and bytes → quotas, anomaly
 * detector, canary alerts → one audit row (hash-chained) → one structured log line without personal values.
 *
 * Upstream failures answer 502 (refused, reset, malformed) or 504 (timeout) with a generic body; once part of a
 * masked response is sent, a failure closes the connection instead (a truncated response, never clear data).
 * `reload()` swaps configuration, roles, policies, keys, JWT settings, the upstream, the alert webhook, anomaly
 * settings (baselines kept unless the bucket length changes), the TLS certificate and key (re-read; new
 * connections get them), the key refresh interval and the quota store (memory ↔ Redis or another Redis: counters
 * and scroll/PIT ownership start afresh in the new store) atomically: requests in flight finish with the state
 * they started with and no connection is dropped. The listen address, turning TLS on or off and the catalog
 * need a restart (logged as a warning).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { migrate } from '../catalog/migrations.js';
import { openSqlDb, type SqlDb } from '../catalog/sql.js';
import { ConfigError, isLeakguardError } from '../core/errors.js';
import { type Analyzer, createAnalyzer } from '../detect/analyzer.js';
import { builtinRecognizers } from '../detect/presets.js';
import { maskedPreview } from '../detect/preview.js';
import { policyNeedsDefaultVault } from '../protect/files/policy-loader.js';
import { ValueTransformer } from '../protect/files/values.js';
import { type CompiledPolicy, loadPolicy, parsePolicy } from '../protect/policy.js';
import { openSqliteTokenVault } from '../protect/vault/sqlite-vault.js';
import type { TokenVault } from '../protect/vault/token-vault.js';
import { parseClientAddress } from '../server/client-key.js';
import { AlertSink } from './alerts.js';
import { AnomalyDetector } from './anomaly.js';
import { AuditLog } from './audit.js';
import { authenticate, createJwtVerifier, type Principal } from './auth.js';
import {
  authorizeElasticsearch,
  authorizeGeneric,
  type CompiledPathRule,
  type CompiledRole,
  compilePathRules,
  compileRole,
  type RequestPlan,
} from './authorize.js';
import { type GuardConfig, loadGuardConfig, resolveFrom } from './config.js';
import { type ContextOwner, type ContextStore, createMemoryContextStore, createRedisContextStore } from './contexts.js';
import { GuardError, isGuardError } from './errors.js';
import { KeyTable } from './keys.js';
import { type CanaryMatcher, CleanCache, ResponseMasker } from './mask.js';
import { GuardMetrics } from './metrics.js';
import { GUARD_MIGRATIONS } from './migrations.js';
import { createMemoryQuotaStore, createRedisQuotaStore, exceeded, type QuotaStore } from './quota.js';

/** A structured log sink: one object per line, never holding personal values. */
export type GuardLog = (fields: Record<string, unknown>) => void;

/** Whether the policy file uses `tokenize` without a `vault:` section (unreadable: false, the loader reports). */
function policyFileNeedsDefaultVault(file: string): boolean {
  try {
    return policyNeedsDefaultVault(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/** Options of {@link createGuard}. */
export interface GuardOptions {
  readonly config: GuardConfig;
  /** Re-read on `reload()` without an argument (SIGHUP). */
  readonly configPath?: string;
  /**
   * SQLite file of the token vault for role policies that `tokenize` without a `vault:` section (default: the
   * catalog when it is a SQLite file; none for a PostgreSQL catalog, where such a policy is refused).
   */
  readonly vaultPath?: string;
  /** Catalog database (default: opened from `config.catalog`; closed with the guard). */
  readonly db?: SqlDb;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Canary matcher (leak detection): a response holding a canary raises a critical alert. */
  readonly canary?: CanaryMatcher;
  readonly log?: GuardLog;
  readonly now?: () => number;
  /**
   * Quota counters (default: Redis when configured, else in memory). An injected store is kept across reloads
   * and closed by its owner, not by the guard; scroll/PIT ownership is then kept in memory.
   */
  readonly quotaStore?: QuotaStore;
  readonly analyzer?: Analyzer;
  /** Webhook retry backoff base (tests shorten it). */
  readonly alertBackoffMs?: number;
}

/** A running guard. */
export interface Guard {
  /** `http(s)://host:port` once listening. */
  readonly url: string;
  readonly metrics: GuardMetrics;
  readonly alerts: AlertSink;
  readonly audit: AuditLog;
  readonly db: SqlDb;
  listen(): Promise<string>;
  /** Reloads configuration (from `config`, or re-reads `configPath`) and keys; false when the new one is invalid. */
  reload(config?: GuardConfig): Promise<boolean>;
  /** Writes queued audit rows and waits for alert deliveries. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface RoleState {
  readonly role: CompiledRole;
  readonly policy: CompiledPolicy;
  /** Clean values of this role's policy, shared by its responses (rebuilt with the policy on reload). */
  readonly cache: CleanCache;
}

interface State {
  readonly cfg: GuardConfig;
  readonly roles: ReadonlyMap<string, RoleState>;
  readonly pathRules: readonly CompiledPathRule[];
  readonly keys: KeyTable;
  readonly jwt: ((token: string) => Promise<Record<string, unknown>>) | undefined;
  readonly upstream: URL;
  readonly agent: http.Agent;
  readonly upstreamAuth: string | undefined;
  readonly shared: Shared;
}

/**
 * Stores shared with other guard instances when Redis is configured: quota counters and scroll/PIT ownership.
 * Requests hold the one they started with; a store replaced by a reload is closed when its last request ends.
 */
interface Shared {
  readonly key: string;
  readonly quota: QuotaStore;
  readonly contexts: ContextStore;
  users: number;
  retired: boolean;
}

const DEFAULT_POLICY = 'rules: []\ndefault: { action: mask }\n';
const CLEAR_POLICY = 'rules: []\ndefault: { action: keep }\n';
/** Responses declared up to this size are masked whole before the first byte is sent. */
const BUFFER_MAX_BYTES = 64 * 1024;
const FORWARD_HEADERS = ['content-type', 'accept', 'x-opaque-id', 'x-elastic-client-meta'];
const RETURN_HEADERS = ['content-type', 'x-elastic-product', 'retry-after'];
/** Printable text without control characters. Example match: `fraud case 42`. */
const CONTROL = /[\u0000-\u001f\u007f]/g;

class UpstreamFailure extends Error {
  constructor(
    readonly kind: 'refused' | 'reset' | 'timeout' | 'invalid',
    options?: { cause?: unknown },
  ) {
    super(kind, options);
  }
}

function compilePolicies(
  cfg: GuardConfig,
  env: Readonly<Record<string, string | undefined>>,
  analyzer: Analyzer,
  vault: () => TokenVault | undefined,
) {
  const roles = new Map<string, RoleState>();
  for (const [name, rc] of Object.entries(cfg.roles)) {
    let policy: CompiledPolicy;
    if (rc.policy) {
      // `tokenize` without a `vault:` section uses the guard's default vault (the catalog, when it is SQLite),
      // as the CLI does; without one the policy loader says a vault is needed.
      const file = resolveFrom(cfg, rc.policy);
      const v = policyFileNeedsDefaultVault(file) ? vault() : undefined;
      policy = loadPolicy(file, { env, ...(v ? { vault: v } : {}) });
    } else policy = parsePolicy(DEFAULT_POLICY, `${cfg.file}#roles.${name}`, { env });
    if (new ValueTransformer(policy, analyzer, 'protect').async) {
      throw new ConfigError(
        'LG_CONFIG_INVALID',
        `Invalid "${cfg.file}" at roles.${name}.policy: the guard needs a policy that masks synchronously (tokenize with a local vault, not a remote one)`,
        {
          location: { file: cfg.file, field: `roles.${name}.policy` },
        },
      );
    }
    roles.set(name, { role: compileRole(name, rc), policy, cache: new CleanCache() });
  }
  return roles;
}

function upstreamAuthHeader(cfg: GuardConfig, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const u = cfg.upstream;
  const need = (name: string): string => {
    const v = env[name];
    if (!v) {
      throw new ConfigError('LG_KEY_MISSING', `Upstream credential "${name}" is not set in the environment`, {
        location: { file: cfg.file, field: 'upstream' },
      });
    }
    return v;
  };
  if (u.apiKeyEnv) return `ApiKey ${need(u.apiKeyEnv)}`;
  if (u.basicAuthEnv) return `Basic ${Buffer.from(need(u.basicAuthEnv)).toString('base64')}`;
  return undefined;
}

/**
 * Starts building a guard: opens (and migrates) the catalog, compiles roles and policies, loads keys.
 * Call `listen()` to accept connections.
 *
 * @throws ConfigError for an invalid configuration, a missing key or credential; SourceError when the catalog
 *   cannot be opened
 * @example
 * const guard = await createGuard({ config: loadGuardConfig('guard.yaml') });
 * await guard.listen();
 */
export async function createGuard(options: GuardOptions): Promise<Guard> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const log: GuardLog = options.log ?? (() => undefined);
  const analyzer = options.analyzer ?? createAnalyzer({ recognizers: builtinRecognizers });
  const ownsDb = options.db === undefined;
  const catalogTarget = resolveFrom(options.config, options.config.catalog);
  const db = options.db ?? (await openSqlDb(catalogTarget));
  // One vault for every role and reload, opened when a policy first needs it and closed with the guard.
  const vaultPath = options.vaultPath ?? (/^postgres(ql)?:\/\//i.test(catalogTarget) ? undefined : catalogTarget);
  let vault: TokenVault | undefined;
  const defaultVault = (): TokenVault | undefined => {
    if (!vault && vaultPath) vault = openSqliteTokenVault(vaultPath);
    return vault;
  };
  if (ownsDb && db.dialect === 'sqlite') {
    // better-sqlite3 commits on the event loop: with synchronous=FULL every audit batch waits for an fsync
    // there, which shows up in every concurrent request's latency. WAL + NORMAL syncs at checkpoints: a process
    // crash loses nothing committed, a power loss can lose the last batches (as the queue itself can).
    await db.exec('PRAGMA synchronous = NORMAL');
  }
  await migrate(db, 'guard', GUARD_MIGRATIONS);
  const clearPolicy = parsePolicy(CLEAR_POLICY, 'guard#clear', { env });
  const clearCache = new CleanCache();
  const metrics = new GuardMetrics();

  const sharedKey = (cfg: GuardConfig): string =>
    options.quotaStore ? 'injected' : cfg.quotas?.redis ? `redis ${cfg.quotas.redis} ${cfg.quotas.prefix}` : 'memory';
  const openShared = async (cfg: GuardConfig): Promise<Shared> => {
    const key = sharedKey(cfg);
    const redis = cfg.quotas?.redis;
    if (options.quotaStore || !redis) {
      return {
        key,
        quota: options.quotaStore ?? createMemoryQuotaStore(),
        contexts: createMemoryContextStore(),
        users: 0,
        retired: false,
      };
    }
    const quota = await createRedisQuotaStore(redis, cfg.quotas?.prefix ?? 'lg:guard:');
    let contexts: ContextStore;
    try {
      contexts = await createRedisContextStore(redis, cfg.quotas?.prefix ?? 'lg:guard:');
    } catch (e) {
      await quota.close();
      throw e;
    }
    return { key, quota, contexts, users: 0, retired: false };
  };
  const closeShared = async (sh: Shared): Promise<void> => {
    if (!options.quotaStore) await sh.quota.close();
    await sh.contexts.close();
  };

  const build = async (cfg: GuardConfig, old?: State): Promise<State> => {
    const roles = compilePolicies(cfg, env, analyzer, defaultVault);
    const upstream = new URL(cfg.upstream.url);
    const sameUpstream =
      old &&
      old.upstream.href === upstream.href &&
      old.cfg.upstream.maxSockets === cfg.upstream.maxSockets &&
      old.cfg.upstream.tlsVerify === cfg.upstream.tlsVerify;
    const agent = sameUpstream
      ? old.agent
      : upstream.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            maxSockets: cfg.upstream.maxSockets,
            rejectUnauthorized: cfg.upstream.tlsVerify,
            timeout: 60_000,
          })
        : new http.Agent({ keepAlive: true, maxSockets: cfg.upstream.maxSockets, timeout: 60_000 });
    const keys = await KeyTable.load(db);
    const jwt = await createJwtVerifier(cfg, env);
    const upstreamAuth = upstreamAuthHeader(cfg, env);
    // Last: the one step that opens connections (closed again if anything after it failed).
    const shared = old && old.shared.key === sharedKey(cfg) ? old.shared : await openShared(cfg);
    return { cfg, roles, pathRules: compilePathRules(cfg.paths), keys, jwt, upstream, agent, upstreamAuth, shared };
  };

  let state = await build(options.config);
  const anomaly = new AnomalyDetector(state.cfg.anomaly);
  const webhookOf = (cfg: GuardConfig) => {
    const w = cfg.alerts.webhook;
    if (!w) return undefined;
    const header = w.headerEnv ? env[w.headerEnv] : undefined;
    return {
      url: w.url,
      retries: w.retries,
      timeoutMs: w.timeoutMs,
      ...(header ? { headers: { authorization: header } } : {}),
    };
  };
  const alerts = new AlertSink({
    db,
    webhook: webhookOf(state.cfg),
    log,
    now,
    onRaise: (a) => metrics.inc('leakguard_guard_alerts_total', { kind: a.kind, severity: a.severity }),
    ...(options.alertBackoffMs !== undefined ? { backoffMs: options.alertBackoffMs } : {}),
  });
  const audit = new AuditLog(db);
  audit.onError = (e) => {
    log({ level: 'error', msg: 'audit write failed', error: (e as NodeJS.ErrnoException).code ?? (e as Error).name });
    void alerts.raise({
      kind: 'audit',
      severity: 'critical',
      principal: null,
      message: 'audit rows could not be written',
      detail: {},
    });
  };
  const blockedUntil = new Map<string, number>();
  const throttledUntil = new Map<string, number>();
  let inFlight = 0;
  metrics.gauge('leakguard_guard_in_flight', 'Requests in flight', () => inFlight);
  metrics.gauge('leakguard_guard_audit_failures', 'Audit rows that could not be written', () => audit.failures);
  metrics.gauge('leakguard_guard_api_keys', 'Active API keys loaded', () => state.keys.size);

  /** Masks personal values in text meant for logs and the audit log. */
  const redact = (text: string): string => {
    const t = text.length > 8192 ? text.slice(0, 8192) : text;
    const found = analyzer.detect(t);
    if (found.length === 0) return t;
    let out = '';
    let pos = 0;
    for (const f of found) {
      out += t.slice(pos, f.start) + maskedPreview(t.slice(f.start, f.end), f.type);
      pos = f.end;
    }
    return out + t.slice(pos);
  };

  /** A call to the shared context store; unreachable → 503 (fail closed). */
  const contextCall = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new GuardError('LG_GUARD_UNAVAILABLE', 'context store unreachable', { cause: e });
    }
  };

  async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) throw new GuardError('LG_GUARD_TOO_LARGE', `more than ${max} bytes`);
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      n += c.length;
      if (n > max) throw new GuardError('LG_GUARD_TOO_LARGE', `more than ${max} bytes`);
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  function sendError(res: ServerResponse, e: GuardError, requestId: string): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'cache-control': 'no-store',
    };
    if (e.status === 401) headers['www-authenticate'] = 'ApiKey, Bearer';
    if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
    res.writeHead(e.status, headers);
    res.end(e.body());
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const st = state;
    const cfg = st.cfg;
    const started = now();
    const t0 = performance.now();
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://guard.invalid');
    // Behind a trusted proxy the client is the entry that proxy appended — the last one; earlier entries are
    // whatever the client chose to send. A missing or malformed entry falls back to the socket's peer.
    const client =
      (cfg.trustProxy
        ? parseClientAddress(
            String(req.headers['x-forwarded-for'] ?? '')
              .split(',')
              .at(-1) ?? '',
          )
        : undefined) ??
      req.socket.remoteAddress ??
      null;

    if (url.pathname === '/_guard/health' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ status: 'ok', inFlight, auditFailures: audit.failures }));
      return;
    }
    if (url.pathname === '/_guard/metrics' && method === 'GET' && cfg.metrics) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' });
      res.end(metrics.render());
      return;
    }

    let principal: Principal | undefined;
    let roleName: string | null = null;
    let purpose: string | null = null;
    let plan: RequestPlan | undefined;
    let reqBody: Buffer = Buffer.alloc(0);
    let status = 0;
    let decision: 'allow' | 'deny' | 'error' = 'deny';
    let reason: string | null = null;
    let records = 0;
    let bytes = 0;
    let types: Record<string, number> = {};
    let maskedTypes: Record<string, number> = {};
    let masked = 0;
    let endpoint = 'unknown';

    const finish = () => {
      const ms = performance.now() - t0;
      const role = roleName ?? 'none';
      metrics.inc('leakguard_guard_requests_total', {
        role,
        endpoint,
        decision,
        status: `${Math.floor(status / 100)}xx`,
      });
      metrics.observe(role, ms);
      if (records) metrics.inc('leakguard_guard_records_total', { role }, records);
      if (bytes) metrics.inc('leakguard_guard_bytes_total', { role }, bytes);
      if (masked) metrics.inc('leakguard_guard_masked_values_total', { role }, masked);
      const path = redact(url.pathname);
      let query: string | null = null;
      if (url.search || reqBody.length > 0) {
        const q =
          `${url.search ? redact(decodeURIComponentSafe(url.search)) : ''}${reqBody.length ? ` ${redact(reqBody.subarray(0, 8192).toString('utf8'))}` : ''}`.trim();
        query = q.length > 2000 ? `${q.slice(0, 2000)}…` : q;
      }
      audit.append({
        at: new Date(started).toISOString(),
        requestId,
        principal: principal?.name ?? null,
        role: roleName,
        client,
        method,
        path,
        query,
        status,
        decision,
        reason,
        records,
        bytes,
        types,
        masked,
        maskedTypes,
        purpose,
        durationMs: Math.round(ms),
      });
      log({
        level: status >= 500 ? 'error' : decision === 'allow' ? 'info' : 'warn',
        msg: 'request',
        id: requestId,
        principal: principal?.name ?? null,
        role: roleName,
        client,
        method,
        path,
        endpoint,
        status,
        decision,
        reason,
        records,
        bytes,
        masked,
        purpose: purpose !== null,
        ms: Math.round(ms * 10) / 10,
      });
    };

    inFlight++;
    const shared = st.shared;
    shared.users++;
    try {
      principal = await authenticate(req.headers, cfg, st.keys, st.jwt);
      const rs = st.roles.get(principal.role);
      if (!rs) throw new GuardError('LG_GUARD_FORBIDDEN', 'unknown role');
      roleName = principal.role;
      const role = rs.role;
      const until = blockedUntil.get(principal.name);
      if (until !== undefined) {
        if (until > now())
          throw new GuardError('LG_GUARD_BLOCKED', undefined, { retryAfter: Math.ceil((until - now()) / 1000) });
        blockedUntil.delete(principal.name);
      }
      const rawPurpose = req.headers[cfg.purposeHeader];
      if (typeof rawPurpose === 'string' && rawPurpose.trim() !== '') {
        purpose = redact(rawPurpose.replace(CONTROL, ' ').trim().slice(0, cfg.limits.maxPurposeChars));
      }
      if (role.config.requirePurpose && purpose === null) throw new GuardError('LG_GUARD_PURPOSE_REQUIRED');
      if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE')
        reqBody = await readBody(req, cfg.limits.maxRequestBytes);
      else if (req.headers['content-length'] && Number(req.headers['content-length']) > 0)
        reqBody = await readBody(req, cfg.limits.maxRequestBytes);
      plan =
        cfg.mode === 'elasticsearch'
          ? authorizeElasticsearch(role, method, url.pathname, url.searchParams, reqBody)
          : authorizeGeneric(role, st.pathRules, method, url.pathname, url.searchParams);
      endpoint = plan.endpoint;
      // A scroll or PIT belongs to the principal that opened it: using, continuing and freeing it too.
      const contexts = shared.contexts;
      const ctxId = plan.scrollId ?? plan.pitId;
      let ctx: ContextOwner | undefined;
      if (ctxId !== undefined && !role.config.admin) {
        ctx = await contextCall(() => contexts.owner(ctxId));
        if (!ctx || ctx.principal !== principal.name)
          throw new GuardError('LG_GUARD_NOT_ALLOWED', 'scroll or point in time not opened by this principal');
        if (plan.scrollId !== undefined) {
          const pages = await contextCall(() => contexts.page(ctxId));
          ctx = { principal: ctx.principal, pages };
          if (pages > role.config.maxScrollPages) {
            throw new GuardError(
              'LG_GUARD_LIMIT',
              `scroll exceeds this role's maximum of ${role.config.maxScrollPages} pages`,
            );
          }
        }
      }
      if (plan.clearIds && !role.config.admin) {
        for (const id of plan.clearIds) {
          const o = await contextCall(() => contexts.owner(id));
          if (!o || o.principal !== principal.name)
            throw new GuardError('LG_GUARD_NOT_ALLOWED', 'scroll or point in time not opened by this principal');
        }
      }
      const th = throttledUntil.get(principal.name);
      if (th !== undefined) {
        if (th > now())
          throw new GuardError('LG_GUARD_QUOTA', 'throttled after anomalous volume', {
            retryAfter: Math.ceil((th - now()) / 1000),
          });
        throttledUntil.delete(principal.name);
      }
      if (role.config.quota) {
        let usage: Awaited<ReturnType<QuotaStore['usage']>>;
        try {
          usage = await shared.quota.usage(principal.name, now());
        } catch (e) {
          throw new GuardError('LG_GUARD_UNAVAILABLE', 'quota store unreachable', { cause: e });
        }
        const over = exceeded(usage, role.config.quota, now());
        if (over) {
          void alerts.raise({
            kind: 'quota',
            severity: 'warning',
            principal: principal.name,
            message: `${over.what} quota per ${over.window} reached`,
            detail: { role: roleName, what: over.what, window: over.window, limit: over.limit, used: over.used },
          });
          throw new GuardError('LG_GUARD_QUOTA', `${over.what} per ${over.window} limit ${over.limit} reached`, {
            retryAfter: over.retryAfter,
          });
        }
      }

      const clear = role.config.clearWithPurpose && purpose !== null;
      const result = await forward(st, req, res, method, url, reqBody, plan, {
        policy: clear ? clearPolicy : rs.policy,
        cache: clear ? clearCache : rs.cache,
        role,
        requestId,
      });
      status = result.status;
      records = result.records;
      bytes = result.bytes;
      types = result.types;
      maskedTypes = result.maskedTypes;
      masked = result.masked;
      decision = result.error ? 'error' : 'allow';
      reason = result.error ?? (clear ? 'clear values with purpose' : null);
      const captured = result.captured;
      if (captured && plan.capture && captured !== ctxId && status < 300) {
        // A new context (or a scroll's next id) belongs to the principal holding the one it came from.
        const p = principal.name;
        const pages = ctx?.pages ?? (plan.capture === 'scroll' ? 1 : 0);
        try {
          await contexts.bind(captured, ctx?.principal ?? p, pages);
        } catch (e) {
          // Its owner will be refused on the next page (fail closed).
          log({
            level: 'error',
            msg: 'context store failed',
            error: (e as NodeJS.ErrnoException).code ?? (e as Error).name,
          });
        }
      }
      if (plan.clearIds && status < 300) {
        try {
          for (const id of plan.clearIds) await contexts.release(id);
        } catch (e) {
          log({
            level: 'error',
            msg: 'context store failed',
            error: (e as NodeJS.ErrnoException).code ?? (e as Error).name,
          });
        }
      }
      if (result.canaries.length > 0) {
        void alerts.raise(
          {
            kind: 'canary',
            severity: 'critical',
            principal: principal.name,
            message: 'canary record read',
            detail: { role: roleName, labels: result.canaries, endpoint, requestId },
          },
          [...result.canaries].sort().join('\u0000'),
        );
      }
      await afterResponse(st, shared, principal, role, records, bytes);
    } catch (e) {
      const ge = isGuardError(e)
        ? e
        : e instanceof UpstreamFailure
          ? new GuardError(
              e.kind === 'timeout'
                ? 'LG_GUARD_UPSTREAM_TIMEOUT'
                : e.kind === 'invalid'
                  ? 'LG_GUARD_UPSTREAM_INVALID'
                  : 'LG_GUARD_UPSTREAM',
              e.kind,
            )
          : new GuardError('LG_GUARD_INTERNAL', undefined, { cause: e });
      if (e instanceof UpstreamFailure) metrics.inc('leakguard_guard_upstream_errors_total', { kind: e.kind });
      if (ge.code === 'LG_GUARD_INTERNAL') {
        log({
          level: 'error',
          msg: 'internal error',
          id: requestId,
          error: isLeakguardError(e) ? e.code : (e as Error)?.name,
        });
      }
      status = ge.status;
      decision = ge.status >= 500 ? 'error' : 'deny';
      reason = ge.status >= 500 ? ge.code : ge.reason;
      sendError(res, ge, requestId);
      if (!req.complete) req.resume();
    } finally {
      inFlight--;
      if (--shared.users === 0 && shared.retired) void closeShared(shared);
      finish();
    }
  }

  async function afterResponse(
    st: State,
    shared: Shared,
    p: Principal,
    role: CompiledRole,
    records: number,
    bytes: number,
  ): Promise<void> {
    const t = now();
    if (role.config.quota && (records > 0 || bytes > 0)) {
      try {
        const usage = await shared.quota.add(p.name, records, bytes, t);
        const over = exceeded(usage, role.config.quota, t);
        if (over) {
          void alerts.raise({
            kind: 'quota',
            severity: 'warning',
            principal: p.name,
            message: `${over.what} quota per ${over.window} reached`,
            detail: { role: role.name, what: over.what, window: over.window, limit: over.limit, used: over.used },
          });
        }
      } catch (e) {
        log({
          level: 'error',
          msg: 'quota store failed',
          error: (e as NodeJS.ErrnoException).code ?? (e as Error).name,
        });
      }
    }
    const a = st.cfg.anomaly;
    const action = role.config.anomaly ?? a.action;
    if (!a.enabled || action === 'off' || records === 0) return;
    const v = anomaly.observe(p.name, records, t);
    if (!v.anomalous) return;
    const bucketEnd = (Math.floor(t / 1000 / a.bucketSeconds) + 1) * a.bucketSeconds * 1000;
    if (action === 'throttle') throttledUntil.set(p.name, bucketEnd);
    if (action === 'block') blockedUntil.set(p.name, t + a.blockSeconds * 1000);
    void alerts.raise({
      kind: 'anomaly',
      severity: action === 'block' ? 'critical' : 'warning',
      principal: p.name,
      message: `records per ${a.bucketSeconds}s far above this principal's baseline`,
      detail: {
        role: role.name,
        count: v.count,
        baseline: Math.round(v.mean * 10) / 10,
        z: Math.round(v.z * 10) / 10,
        action,
      },
    });
  }

  interface ForwardResult {
    status: number;
    records: number;
    bytes: number;
    types: Record<string, number>;
    maskedTypes: Record<string, number>;
    masked: number;
    canaries: string[];
    captured: string | undefined;
    error: string | null;
  }

  function forward(
    st: State,
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    body: Buffer,
    plan: RequestPlan,
    ctx: { policy: CompiledPolicy; cache: CleanCache; role: CompiledRole; requestId: string },
  ): Promise<ForwardResult> {
    const cfg = st.cfg;
    const base = st.upstream.pathname.replace(/\/$/, '');
    const headers: OutgoingHttpHeaders = { 'accept-encoding': 'identity' };
    for (const h of FORWARD_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    if (st.upstreamAuth) headers.authorization = st.upstreamAuth;
    if (body.length > 0) headers['content-length'] = body.length;
    const mod = st.upstream.protocol === 'https:' ? https : http;
    return new Promise<ForwardResult>((resolve, reject) => {
      let settled = false;
      const fail = (e: UpstreamFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        reject(e);
      };
      const ureq = mod.request({
        protocol: st.upstream.protocol,
        hostname: st.upstream.hostname,
        port: st.upstream.port || (st.upstream.protocol === 'https:' ? 443 : 80),
        path: `${base}${url.pathname}${url.search}`,
        method,
        headers,
        agent: st.agent,
      });
      const connectTimer = setTimeout(() => {
        ureq.destroy(new UpstreamFailure('timeout'));
      }, cfg.upstream.connectTimeoutMs);
      ureq.on('socket', (s: Socket) => {
        if (!s.connecting) clearTimeout(connectTimer);
        else s.once('connect', () => clearTimeout(connectTimer));
      });
      ureq.setTimeout(cfg.upstream.timeoutMs, () => ureq.destroy(new UpstreamFailure('timeout')));
      ureq.on('error', (e: Error) => {
        const code = (e as NodeJS.ErrnoException).code;
        fail(
          e instanceof UpstreamFailure
            ? e
            : new UpstreamFailure(code === 'ECONNRESET' || code === 'EPIPE' ? 'reset' : 'refused', { cause: e }),
        );
      });
      // Client went away: stop the upstream work.
      res.on('close', () => {
        if (!res.writableFinished) ureq.destroy();
      });
      ureq.on('response', (ures) => {
        clearTimeout(connectTimer);
        const status = ures.statusCode ?? 502;
        const enc = ures.headers['content-encoding'];
        if (enc && enc !== 'identity') {
          ures.resume();
          fail(new UpstreamFailure('invalid'));
          return;
        }
        const ct = String(ures.headers['content-type'] ?? '');
        const masker = new ResponseMasker({
          policy: ctx.policy,
          analyzer,
          json: /json/i.test(ct),
          records: plan.records,
          sourceRoot: plan.sourceRoot,
          allowFields: ctx.role.config.admin ? undefined : ctx.role.allowFields,
          denyFields: ctx.role.config.admin ? undefined : ctx.role.denyFields,
          fieldScope: plan.fieldScope,
          canary: options.canary,
          capture: plan.capture,
          maxStringChars: cfg.limits.maxStringChars,
          cache: ctx.cache,
          now: now(),
        });
        const out: OutgoingHttpHeaders = { 'x-request-id': ctx.requestId, 'cache-control': 'no-store' };
        for (const h of RETURN_HEADERS) {
          const v = ures.headers[h];
          if (v !== undefined) out[h] = v;
        }
        let bytes = 0;
        const result = (error: string | null): ForwardResult => ({
          status,
          records: masker.records,
          bytes,
          types: { ...masker.types },
          maskedTypes: masker.maskedTypes,
          masked: masker.masked,
          canaries: [...masker.canaries],
          captured: masker.captured,
          error,
        });
        // A small response (declared length up to BUFFER_MAX_BYTES) is masked whole and sent in one write with
        // its length: one syscall instead of a chunked head, body and terminator, and a masking failure can
        // still answer 502 since nothing has been sent.
        const declared = Number(ures.headers['content-length']);
        const held: Buffer[] | undefined =
          ures.headers['content-length'] !== undefined && declared >= 0 && declared <= BUFFER_MAX_BYTES
            ? []
            : undefined;
        const send = (b: Buffer): boolean => {
          if (held) {
            if (b.length > 0) held.push(b);
            return true;
          }
          if (!res.headersSent) res.writeHead(status, out);
          if (b.length === 0) return true;
          bytes += b.length;
          return res.write(b);
        };
        const finishBody = () => {
          if (!held) {
            res.end();
            return;
          }
          const body = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held);
          bytes = body.length;
          out['content-length'] = body.length;
          res.writeHead(status, out);
          res.end(body);
        };
        const broken = () => {
          // Upstream JSON is malformed: nothing after the error is sent.
          if (!res.headersSent) {
            ures.destroy();
            fail(new UpstreamFailure('invalid'));
            return;
          }
          ures.destroy();
          res.destroy();
          if (!settled) {
            settled = true;
            resolve(result('malformed upstream response after headers'));
          }
        };
        if (method === 'HEAD') {
          ures.resume();
          ures.on('end', () => {
            if (settled) return;
            settled = true;
            res.writeHead(status, out);
            res.end();
            resolve(result(null));
          });
          return;
        }
        ures.on('data', (chunk: Buffer) => {
          if (settled) return;
          let text: Buffer;
          try {
            text = masker.write(chunk);
          } catch (e) {
            // An operator failed under `onError: fail`: never send the value clear.
            ures.destroy();
            if (!res.headersSent) fail(new UpstreamFailure('invalid', { cause: e }));
            else broken();
            return;
          }
          if (masker.error) {
            broken();
            return;
          }
          if (!send(text)) {
            ures.pause();
            res.once('drain', () => ures.resume());
          }
        });
        ures.on('end', () => {
          if (settled) return;
          let text: Buffer;
          try {
            text = masker.end();
          } catch {
            text = Buffer.alloc(0);
            masker.error ??= 'operator failed';
          }
          if (masker.error) {
            broken();
            return;
          }
          send(text);
          settled = true;
          finishBody();
          resolve(result(null));
        });
        ures.on('error', () => {
          // Reset in the middle of the body.
          if (settled) return;
          if (!res.headersSent) fail(new UpstreamFailure('reset'));
          else {
            res.destroy();
            settled = true;
            resolve(result('upstream reset during the response'));
          }
        });
        ures.on('aborted', () => ures.emit('error', new Error('aborted')));
      });
      if (body.length > 0) ureq.end(body);
      else ureq.end();
    });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      log({ level: 'error', msg: 'unhandled', error: (e as Error)?.name });
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(new GuardError('LG_GUARD_INTERNAL').body());
      } else res.destroy();
    });
  };
  /** The TLS certificate, key and CA files of a configuration, read now (reload re-reads them). */
  const secureOptions = (cfg: GuardConfig) => {
    const t = cfg.listen.tls;
    if (!t) return undefined;
    const read = (field: string, f: string): Buffer => {
      try {
        return readFileSync(resolveFrom(cfg, f));
      } catch (e) {
        throw new ConfigError(
          'LG_CONFIG_INVALID',
          `Invalid "${cfg.file}" at listen.tls.${field}: cannot read "${f}": ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
          { cause: e, location: { file: cfg.file, field: `listen.tls.${field}` } },
        );
      }
    };
    const o = { cert: read('cert', t.cert), key: read('key', t.key), ...(t.ca ? { ca: read('ca', t.ca) } : {}) };
    try {
      createSecureContext(o);
    } catch (e) {
      throw new ConfigError('LG_CONFIG_INVALID', `Invalid "${cfg.file}" at listen.tls: certificate or key not usable`, {
        cause: e,
        location: { file: cfg.file, field: 'listen.tls' },
      });
    }
    return o;
  };
  const tlsAtStart = secureOptions(state.cfg);
  const tls = tlsAtStart !== undefined;
  const server = tlsAtStart ? https.createServer(tlsAtStart, listener) : http.createServer(listener);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  // Canary plants made while the guard runs are watched from the next refresh on (or at once on reload).
  const refreshCanaries = async (): Promise<void> => {
    try {
      if (await options.canary?.refresh?.()) log({ level: 'info', msg: 'canaries refreshed' });
    } catch (e) {
      log({
        level: 'error',
        msg: 'canary refresh failed; watching the plants already loaded',
        error: isLeakguardError(e) ? e.message : (e as Error).name,
      });
    }
  };
  const startKeysTimer = (seconds: number): NodeJS.Timeout => {
    const t = setInterval(() => {
      KeyTable.load(db)
        .then((k) => {
          state = { ...state, keys: k };
        })
        .catch(() => log({ level: 'error', msg: 'key refresh failed' }));
      void refreshCanaries();
    }, seconds * 1000);
    t.unref();
    return t;
  };
  let keysTimer = startKeysTimer(state.cfg.keysRefreshSeconds);

  let url = '';
  const guard: Guard = {
    get url() {
      return url;
    },
    metrics,
    alerts,
    audit,
    db,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(state.cfg.listen.port, state.cfg.listen.host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          url = `${tls ? 'https' : 'http'}://${host}:${a.port}`;
          log({
            level: 'info',
            msg: 'listening',
            url,
            upstream: state.upstream.origin,
            mode: state.cfg.mode,
            roles: [...state.roles.keys()],
          });
          resolve(url);
        });
      });
    },
    async reload(config) {
      try {
        const cfg = config ?? (options.configPath ? loadGuardConfig(options.configPath) : state.cfg);
        // Everything that can fail comes first; nothing is applied unless all of it succeeded.
        const secure = tls && cfg.listen.tls ? secureOptions(cfg) : undefined;
        const next = await build(cfg, state);
        const old = state;
        if (cfg.listen.port !== old.cfg.listen.port || cfg.listen.host !== old.cfg.listen.host) {
          log({ level: 'warn', msg: 'listen address changes need a restart' });
        }
        if (tls !== (cfg.listen.tls !== undefined)) {
          log({ level: 'warn', msg: 'turning TLS on or off needs a restart; TLS settings kept as started' });
        }
        if (cfg.catalog !== old.cfg.catalog) log({ level: 'warn', msg: 'catalog changes need a restart' });
        // New connections get the re-read certificate and key; open ones keep theirs.
        if (secure) (server as https.Server).setSecureContext(secure);
        alerts.setWebhook(webhookOf(cfg));
        const a = cfg.anomaly;
        const o = old.cfg.anomaly;
        if (
          a.bucketSeconds !== o.bucketSeconds ||
          a.alpha !== o.alpha ||
          a.zThreshold !== o.zThreshold ||
          a.minBuckets !== o.minBuckets ||
          a.minRecords !== o.minRecords
        ) {
          if (!anomaly.configure(a))
            log({ level: 'warn', msg: 'anomaly bucket length changed: per-principal baselines start afresh' });
        }
        if (cfg.keysRefreshSeconds !== old.cfg.keysRefreshSeconds) {
          clearInterval(keysTimer);
          keysTimer = startKeysTimer(cfg.keysRefreshSeconds);
        }
        if (next.shared !== old.shared) {
          log({
            level: 'warn',
            msg: 'quota store changed: counters and scroll/point-in-time ownership start afresh in the new store',
            from: old.shared.quota.kind,
            to: next.shared.quota.kind,
          });
          old.shared.retired = true;
          if (old.shared.users === 0) void closeShared(old.shared);
        }
        state = next;
        await refreshCanaries();
        metrics.inc('leakguard_guard_reloads_total', { result: 'ok' });
        log({ level: 'info', msg: 'reloaded', roles: [...next.roles.keys()], keys: next.keys.size });
        return true;
      } catch (e) {
        metrics.inc('leakguard_guard_reloads_total', { result: 'error' });
        log({
          level: 'error',
          msg: 'reload failed; keeping the running configuration',
          error: isLeakguardError(e) ? e.message : (e as Error).name,
        });
        return false;
      }
    },
    async flush() {
      await audit.flush();
      await alerts.idle();
    },
    async close() {
      clearInterval(keysTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await audit.close();
      await alerts.idle();
      await closeShared(state.shared);
      state.agent.destroy();
      if (ownsDb) await db.close();
      await vault?.close();
    },
  };
  return guard;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
