/**
 * `--verify`: for connection strings (and `curl -u` lines) pointing at hosts the user named as theirs, connect
 * read-only with the credential through the endpoint probes and say whether it is live and what it opens, joined
 * with the catalog. A server that lets anyone in without checking a password (Redis without requirepass,
 * PostgreSQL trust, Elasticsearch without security) proves nothing about the credential: `server-open`, not `live`. Hosts not named are never contacted. MongoDB needs SCRAM, which the hand-written wire client
 * does not speak: those are reported `unsupported`.
 */
import { isIP } from 'node:net';
import { runProbe } from '../endpoints.js';
import { PROBES } from '../probes/index.js';
import { createRateLimiter } from '../rate.js';
import type { AuditStore } from '../store.js';
import type { Endpoint, ServiceName } from '../types.js';
import type { AuditSecretsResult } from './scan.js';

const SERVICE_OF: Record<string, ServiceName | undefined> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  redis: 'redis',
  rediss: 'redis',
  http: 'elasticsearch',
  https: 'elasticsearch',
  es: 'elasticsearch',
};

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A predicate over host names / IPv4 addresses from `--verify-host` values (names, IPs, IPv4 CIDRs). */
export function hostMatcher(values: readonly string[]): (host: string) => boolean {
  const names = new Set<string>();
  const nets: [number, number][] = [];
  const toInt = (ip: string) => ip.split('.').reduce((a, p) => ((a << 8) | Number(p)) >>> 0, 0);
  for (const v of values) {
    const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(v);
    if (m) {
      const bits = Number(m[2]);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      nets.push([toInt(m[1]!) & mask, mask]);
    } else names.add(v.toLowerCase().replace(/^\[|\]$/g, ''));
  }
  return (host: string) => {
    const h = host.toLowerCase();
    if (names.has(h)) return true;
    if (isIP(h) === 4) return nets.some(([net, mask]) => (toInt(h) & mask) >>> 0 === net);
    return false;
  };
}

/**
 * Verify the live-ness of verifiable findings in `result` (mutates `finding.verified`).
 */
export async function verifySecrets(
  result: AuditSecretsResult,
  options: { owned: (host: string) => boolean; timeoutMs?: number; store?: AuditStore },
): Promise<void> {
  const limiter = createRateLimiter(20);
  for (const f of result.findings) {
    const v = result.verifiable.get(f.fingerprint);
    if (!v) continue;
    if (!options.owned(v.host)) {
      f.verified = { status: 'skipped', detail: 'host not named with --verify-host' };
      continue;
    }
    const service = SERVICE_OF[v.scheme];
    if (!service) {
      f.verified = { status: 'unsupported', detail: `no read-only verifier for ${v.scheme}` };
      continue;
    }
    const ep: Endpoint = {
      host: v.host,
      port: v.port,
      tls: v.scheme === 'https' || v.scheme === 'rediss',
      path: '/',
      display: `${v.host}:${v.port}`,
    };
    const out = await runProbe(PROBES[service], ep, {
      budgetMs: options.timeoutMs ?? 5000,
      acquire: (sig) => limiter.acquire(sig),
      tryDefaults: false,
      credentials: {
        user: v.user,
        password: v.password,
        ...(service === 'postgresql' || service === 'mysql'
          ? { database: safeDecode(v.path.replace(/^\/+/, '').split('/')[0] ?? '') }
          : {}),
      },
    });
    const opens = out.details?.containers?.length
      ? `opens ${out.details.containers.slice(0, 5).join(', ')}`
      : out.reason;
    if (out.verdict === 'weak-credentials') {
      const known = options.store ? await options.store.catalogKnowledge(ep, service) : undefined;
      f.verified = { status: 'live', detail: `${opens}${known ? `; ${known.summary}` : ''}` };
    } else if (out.verdict === 'open') {
      // The server let anyone in without checking a password: it is exposed, but this credential proves nothing.
      const known = options.store ? await options.store.catalogKnowledge(ep, service) : undefined;
      f.verified = {
        status: 'server-open',
        detail: `server open, credential not tested: ${out.reason}${known ? `; ${known.summary}` : ''}`,
      };
    } else if (out.verdict === 'auth-required') f.verified = { status: 'refused', detail: out.reason };
    else f.verified = { status: out.verdict === 'unreachable' ? 'unreachable' : 'not-service', detail: out.reason };
  }
  result.verifiable.clear();
}
