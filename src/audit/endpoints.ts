/**
 * The endpoint audit runner: probes endpoints with bounded concurrency, a global rate cap and a deadline per
 * probe; samples open stores on request and counts personal data types in the sample (values never leave this
 * function); joins each result with the catalog.
 */
import { lineOf, lineStarts } from '../core/lines.js';
import type { Analyzer } from '../detect/analyzer.js';
import { Session } from './net.js';
import { humanCount, markIncomplete } from './probes/common.js';
import { probesFor } from './probes/index.js';
import { createRateLimiter } from './rate.js';
import type { AuditStore } from './store.js';
import { DEFAULT_PORTS } from './targets.js';
import type { AuditResult, Credentials, Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from './types.js';

/** Options of {@link auditEndpoints}. */
export interface AuditEndpointsOptions {
  /** Parallel probes (default 16). */
  concurrency?: number;
  /** Per-probe deadline in ms (default 5000). */
  timeoutMs?: number;
  /** Global cap on new connections/requests per second (default 100). */
  ratePerSecond?: number;
  /** Read this many records per container of an open store and detect in them. */
  sample?: number;
  /** Analyzer for `sample` (required with it). */
  analyzer?: Analyzer;
  /** Try well-known default passwords when a store asks for one (default true). */
  tryDefaults?: boolean;
  /** Credentials per endpoint (for `secrets --verify`). */
  credentials?: (ep: Endpoint) => Credentials | undefined;
  /** Catalog for the join. */
  store?: AuditStore;
  signal?: AbortSignal;
  /** Called after each endpoint (progress). */
  onResult?: (r: AuditResult, done: number, total: number) => void;
}

/** What a sample says about a store's personal data: per-type record counts, in the sample and estimated. */
export interface ExposureEstimate {
  /** Per type: estimated records in the store holding it (scaled when the total is known, else the sample count). */
  exposed: Record<string, number>;
  /** Per type: sampled records holding it. */
  inSample: Record<string, number>;
  /** Records in the sample (documents, rows, keys; for file prefixes, non-empty lines). */
  sampled: number;
  /** The store's total the estimate is scaled to, when known. */
  total?: number;
  /** One clause for the reason: how the numbers were obtained. */
  basis: string;
}

/**
 * Count records holding each personal data type in sampled texts and scale to the store. A record is a sampled
 * document/row/key, or a non-empty line of a file prefix (`lines`); a record counts once per type however many
 * findings it has. With the store's total (`details.records`) and whole-record samples, counts are scaled by
 * total/sampled — a rough estimate that assumes the sample is typical; otherwise they are what the sample holds (a
 * lower bound). Texts are dropped here; only counts leave.
 *
 * @example
 * estimateExposure(analyzer, [{ where: 'crm.users', text: 'phone: 13812345678' }], 1000).exposed // { CN_MOBILE: 1000 }
 */
export function estimateExposure(analyzer: Analyzer, samples: readonly SampleText[], total?: number): ExposureEstimate {
  const inSample: Record<string, number> = {};
  let sampled = 0;
  let byLines = false;
  for (const s of samples) {
    const findings = analyzer.detect(s.text);
    if (!s.lines) {
      sampled++;
      const types = new Set<string>();
      for (const f of findings) types.add(f.type);
      for (const t of types) inSample[t] = (inSample[t] ?? 0) + 1;
      continue;
    }
    byLines = true;
    const starts = lineStarts(s.text);
    for (let i = 0; i < starts.length; i++) {
      const end = i + 1 < starts.length ? starts[i + 1]! - 1 : s.text.length;
      if (end > starts[i]! && s.text.slice(starts[i]!, end).trim().length > 0) sampled++;
    }
    const seen = new Set<string>();
    for (const f of findings) {
      const key = `${f.type}\0${lineOf(starts, f.start)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inSample[f.type] = (inSample[f.type] ?? 0) + 1;
    }
  }
  const scale = !byLines && total !== undefined && sampled > 0 && total > sampled ? total / sampled : 1;
  const exposed: Record<string, number> = {};
  for (const [t, n] of Object.entries(inSample).sort((a, b) => b[1] - a[1])) exposed[t] = Math.round(n * scale);
  const basis =
    scale > 1
      ? `personal data estimated from ${sampled} sampled of ~${humanCount(total!)} records (scaled; a rough estimate)`
      : byLines
        ? `personal data counted in ${sampled} sampled line(s) of file prefixes (a lower bound)`
        : `personal data counted in ${sampled} sampled record(s)${total !== undefined && total <= sampled ? ' (all of them)' : ' (no total known: a lower bound)'}`;
  return { exposed, inSample, sampled, ...(total !== undefined ? { total } : {}), basis };
}

/** Whether the endpoint completes a TLS handshake (a TLS service addressed as plain text). */
async function speaksTls(
  ep: Endpoint,
  timeoutMs: number,
  acquire: (s: AbortSignal) => Promise<void>,
): Promise<boolean> {
  const ac = new AbortController();
  await acquire(ac.signal);
  try {
    const s = await Session.open({
      host: ep.host,
      port: ep.port,
      tls: true,
      deadline: Date.now() + Math.min(timeoutMs, 3000),
      signal: ac.signal,
    });
    s.close();
    return true;
  } catch {
    return false;
  } finally {
    ac.abort();
  }
}

async function probeOne(
  ep: Endpoint,
  o: AuditEndpointsOptions,
  acquire: (s: AbortSignal) => Promise<void>,
): Promise<AuditResult> {
  const first = await probeAll(ep, o, acquire);
  if (first.verdict !== 'not-service' || ep.tls || !/closed|reset|TLS/.test(first.reason)) return first;
  // Plain-text probes got no answer or a TLS alert: if the port speaks TLS, probe again over TLS.
  if (!(await speaksTls(ep, o.timeoutMs ?? 5000, acquire))) return first;
  const again = await probeAll({ ...ep, tls: true }, o, acquire);
  again.reason = `the port speaks TLS (plain-text probes got no answer); over TLS: ${again.reason}`;
  return again;
}

/**
 * Run one probe under a deadline. The probe honours its deadline; the race is a last guard against a library that
 * does not. If the probe settled a verdict ({@link ProbeContext.settle}) and then outlasts the deadline while
 * describing or sampling, that verdict is kept with the step marked incomplete: an open store stays open however
 * slowly it answers afterwards.
 *
 * @example
 * const out = await runProbe(PROBES.redis, ep, { budgetMs: 3000, acquire: () => Promise.resolve(), tryDefaults: true });
 */
export async function runProbe(
  probe: Probe,
  ep: Endpoint,
  o: {
    budgetMs: number;
    acquire: (s: AbortSignal) => Promise<void>;
    tryDefaults: boolean;
    sample?: number;
    credentials?: Credentials;
    signal?: AbortSignal;
  },
): Promise<ProbeOutcome> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), o.budgetMs + 250);
  const onOuter = () => ac.abort();
  o.signal?.addEventListener('abort', onOuter, { once: true });
  let settled: ProbeOutcome | undefined;
  const ctx: ProbeContext = {
    deadline: Date.now() + o.budgetMs,
    signal: ac.signal,
    acquire: () => o.acquire(ac.signal),
    tryDefaults: o.tryDefaults,
    ...(o.sample ? { sample: o.sample } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    settle: (outcome) => {
      settled = outcome;
    },
  };
  try {
    return await Promise.race([
      probe.probe(ep, ctx),
      new Promise<ProbeOutcome>((resolve) =>
        ac.signal.addEventListener(
          'abort',
          () => {
            if (!settled) {
              resolve({ service: probe.service, verdict: 'not-service', reason: `no verdict within ${o.budgetMs} ms` });
              return;
            }
            const copy: ProbeOutcome = {
              ...settled,
              ...(settled.details ? { details: { ...settled.details } } : {}),
              ...(settled.samples ? { samples: [...settled.samples] } : {}),
            };
            markIncomplete(copy, 'describe/sample', `no answer within ${o.budgetMs} ms`);
            resolve(copy);
          },
          { once: true },
        ),
      ),
    ]);
  } catch (e) {
    if (settled) {
      markIncomplete(settled, 'describe/sample', e);
      return settled;
    }
    return { service: probe.service, verdict: 'not-service', reason: `probe failed: ${(e as Error).name}` };
  } finally {
    clearTimeout(timer);
    ac.abort();
    o.signal?.removeEventListener('abort', onOuter);
  }
}

async function probeAll(
  ep: Endpoint,
  o: AuditEndpointsOptions,
  acquire: (s: AbortSignal) => Promise<void>,
): Promise<AuditResult> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const notService: string[] = [];
  let outcome: ProbeOutcome | undefined;
  for (const probe of probesFor(ep)) {
    const creds = o.credentials?.(ep);
    // One deadline per probe; with sampling, reading the sample gets the same again twice.
    outcome = await runProbe(probe, ep, {
      budgetMs: o.sample ? timeoutMs * 3 : timeoutMs,
      acquire,
      tryDefaults: o.tryDefaults ?? true,
      ...(o.sample ? { sample: o.sample } : {}),
      ...(creds ? { credentials: creds } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (outcome.verdict === 'unreachable') break;
    if (outcome.verdict !== 'not-service') break;
    notService.push(`${probe.service}: ${outcome.reason}`);
  }
  const result: AuditResult = {
    target: ep.display,
    service: outcome?.service ?? 'unknown',
    verdict: outcome?.verdict ?? 'not-service',
    reason:
      outcome?.verdict === 'not-service' && notService.length > 1
        ? notService.join('; ')
        : (outcome?.reason ?? 'no probe'),
    ...(outcome?.details ? { details: outcome.details } : {}),
  };
  if (outcome?.verdict === 'not-service' && notService.length > 1) result.service = 'unknown';
  // Nothing answered on a port no service owns: the HTTP family was only a guess, so no service is named.
  if (outcome?.verdict === 'unreachable' && !ep.service && !DEFAULT_PORTS[ep.port]) result.service = 'unknown';
  if (o.sample && o.analyzer && outcome?.samples) {
    const est = estimateExposure(o.analyzer, outcome.samples, outcome.details?.records);
    outcome.samples.length = 0;
    result.exposed = est.exposed;
    result.sampled = est.sampled;
    result.exposure = {
      inSample: est.inSample,
      sampled: est.sampled,
      ...(est.total !== undefined && est.sampled < est.total ? { total: est.total } : {}),
      estimate: est.basis,
    };
    if (Object.keys(est.exposed).length > 0) result.reason += `; ${est.basis}`;
  }
  if (o.store && outcome && (outcome.verdict === 'open' || outcome.verdict === 'weak-credentials')) {
    const known = await o.store.catalogKnowledge(ep, outcome.service);
    if (known) result.catalog = known;
  }
  return result;
}

/**
 * Audit endpoints. Results come back in input order. Endpoints expanded from a CIDR or bare host that turn out
 * unreachable are dropped (a /24 has hundreds of closed ports); explicit targets always get a line.
 *
 * @example
 * const results = await auditEndpoints(planTargets(['127.0.0.1:6379']).endpoints, { timeoutMs: 3000 });
 */
export async function auditEndpoints(
  endpoints: readonly Endpoint[],
  o: AuditEndpointsOptions = {},
): Promise<{ results: AuditResult[]; skipped: number }> {
  const limiter = createRateLimiter(o.ratePerSecond ?? 100);
  const concurrency = Math.max(1, Math.min(o.concurrency ?? 16, 256));
  const out: (AuditResult | null)[] = new Array(endpoints.length).fill(null);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      const i = next++;
      if (i >= endpoints.length) return;
      const ep = endpoints[i]!;
      const r = await probeOne(ep, o, (s) => limiter.acquire(s));
      out[i] = ep.expanded && r.verdict === 'unreachable' ? null : r;
      done++;
      o.onResult?.(r, done, endpoints.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, endpoints.length) }, worker));
  const results = out.filter((r): r is AuditResult => r !== null);
  return { results, skipped: endpoints.length - results.length };
}
