/**
 * Parse audit targets — `host:port`, URLs (`redis://h:6379`, `es+http://h:9200`, `s3+http://h:9000/bucket`,
 * `https://h/`), bare hosts and IPv4 CIDR blocks — into endpoints, and decide whether the set needs the user's
 * explicit confirmation (anything beyond loopback and private ranges, or more than one /24).
 */
import { isIP } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { Endpoint, ServiceName } from './types.js';

/** Default port per service; a bare host or CIDR is probed on all of them. */
export const DEFAULT_PORTS: Readonly<Record<number, ServiceName>> = {
  9200: 'elasticsearch',
  5601: 'kibana',
  27017: 'mongodb',
  6379: 'redis',
  5432: 'postgresql',
  3306: 'mysql',
  9000: 's3',
  80: 'http',
  8080: 'http',
  443: 'http',
};

const SCHEMES: Readonly<Record<string, { service?: ServiceName; tls: boolean; port: number }>> = {
  redis: { service: 'redis', tls: false, port: 6379 },
  rediss: { service: 'redis', tls: true, port: 6380 },
  postgres: { service: 'postgresql', tls: false, port: 5432 },
  postgresql: { service: 'postgresql', tls: false, port: 5432 },
  mysql: { service: 'mysql', tls: false, port: 3306 },
  mariadb: { service: 'mysql', tls: false, port: 3306 },
  mongodb: { service: 'mongodb', tls: false, port: 27017 },
  'es+http': { service: 'elasticsearch', tls: false, port: 9200 },
  'es+https': { service: 'elasticsearch', tls: true, port: 9200 },
  elasticsearch: { service: 'elasticsearch', tls: false, port: 9200 },
  'kibana+http': { service: 'kibana', tls: false, port: 5601 },
  'kibana+https': { service: 'kibana', tls: true, port: 5601 },
  's3+http': { service: 's3', tls: false, port: 9000 },
  's3+https': { service: 's3', tls: true, port: 443 },
  http: { tls: false, port: 80 },
  https: { tls: true, port: 443 },
};

/** Most addresses one run may expand to (a /16). */
export const MAX_ADDRESSES = 65_536;

/** Parsed targets plus what the confirmation rule needs to know. */
export interface TargetPlan {
  endpoints: Endpoint[];
  /** Distinct IPv4 /24 networks (and other host names) the non-loopback endpoints fall in. */
  networks: number;
  /** Targets that are neither loopback nor private (RFC 1918, RFC 4193, link-local). */
  publicHosts: string[];
}

function ipv4ToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

function intToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Whether `host` is loopback (`127/8`, `::1`, `localhost`). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Whether `host` is loopback or in a private range (10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7, fe80::/10). */
export function isPrivateOrLoopback(host: string): boolean {
  if (isLoopback(host)) return true;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(h) === 4) {
    const n = ipv4ToInt(h);
    const a = n >>> 24;
    const b = (n >>> 16) & 255;
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (isIP(h) === 6) return /^f[cd]/.test(h) || /^fe[89ab]/.test(h);
  return false;
}

function endpoint(host: string, port: number, extra: Partial<Endpoint> = {}): Endpoint {
  const shown = host.includes(':') ? `[${host}]` : host;
  return { host, port, tls: false, path: '/', display: `${shown}:${port}`, ...extra };
}

function checkPort(p: string, spec: string): number {
  const port = Number(p);
  if (!/^\d{1,5}$/.test(p) || port < 1 || port > 65535) throw new UsageError(`Invalid target "${spec}": bad port`);
  return port;
}

/**
 * Parse targets into endpoints.
 *
 * @throws UsageError LG_USAGE for a malformed target or more than {@link MAX_ADDRESSES} addresses
 * @example
 * planTargets(['127.0.0.1:6379', 'es+http://127.0.0.1:9200', '10.0.0.0/30']);
 */
export function planTargets(specs: readonly string[]): TargetPlan {
  const endpoints: Endpoint[] = [];
  let addresses = 0;
  const count = (n: number) => {
    addresses += n;
    if (addresses > MAX_ADDRESSES)
      throw new UsageError(`Too many addresses: at most ${MAX_ADDRESSES} (a /16) per run; split the audit`);
  };
  for (const spec of specs) {
    const s = spec.trim();
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
    if (scheme) {
      const def = SCHEMES[scheme[1]!.toLowerCase()];
      if (!def) throw new UsageError(`Invalid target "${redactTarget(s)}": unsupported scheme "${scheme[1]}"`);
      let url: URL;
      try {
        url = new URL(s.replace(/^[a-z][a-z0-9+.-]*:/i, 'http:'));
      } catch (e) {
        throw new UsageError(`Invalid target "${redactTarget(s)}": not a URL`, { cause: e });
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!host) throw new UsageError(`Invalid target "${redactTarget(s)}": no host`);
      const port = url.port ? checkPort(url.port, s) : def.port;
      count(1);
      const shown = host.includes(':') ? `[${host}]` : host;
      endpoints.push({
        host,
        port,
        tls: def.tls,
        path: url.pathname || '/',
        display: `${scheme[1]!.toLowerCase()}://${shown}:${port}${url.pathname === '/' ? '' : url.pathname}`,
        ...(def.service ? { service: def.service } : {}),
      });
      continue;
    }
    const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(s);
    if (cidr) {
      if (isIP(cidr[1]!) !== 4) throw new UsageError(`Invalid target "${s}": bad IPv4 address`);
      const bits = Number(cidr[2]);
      if (bits < 16 || bits > 32) throw new UsageError(`Invalid target "${s}": CIDR prefix must be /16 to /32`);
      const size = 2 ** (32 - bits);
      count(size);
      const base = (ipv4ToInt(cidr[1]!) & (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0)) >>> 0;
      // Network and broadcast addresses are skipped for blocks larger than /31.
      const first = size > 2 ? 1 : 0;
      const last = size > 2 ? size - 1 : size;
      for (let i = first; i < last; i++) {
        const host = intToIpv4(base + i);
        for (const port of Object.keys(DEFAULT_PORTS)) endpoints.push(endpoint(host, Number(port), { expanded: true }));
      }
      continue;
    }
    const v6 = /^\[([0-9a-f:.]+)\]:(\d+)$/i.exec(s);
    if (v6) {
      if (isIP(v6[1]!) !== 6) throw new UsageError(`Invalid target "${s}": bad IPv6 address`);
      count(1);
      endpoints.push(endpoint(v6[1]!, checkPort(v6[2]!, s)));
      continue;
    }
    const hp = /^([A-Za-z0-9.-]+):(\d+)$/.exec(s);
    if (hp) {
      count(1);
      endpoints.push(endpoint(hp[1]!, checkPort(hp[2]!, s)));
      continue;
    }
    if (/^[A-Za-z0-9.-]+$/.test(s) || isIP(s) === 6) {
      count(1);
      for (const port of Object.keys(DEFAULT_PORTS)) endpoints.push(endpoint(s, Number(port), { expanded: true }));
      continue;
    }
    throw new UsageError(`Invalid target "${redactTarget(s)}": expected host:port, a URL or an IPv4 CIDR block`);
  }
  const nets = new Set<string>();
  const publicHosts = new Set<string>();
  for (const e of endpoints) {
    // Loopback is this machine: it never widens the audit.
    if (!isLoopback(e.host)) nets.add(isIP(e.host) === 4 ? e.host.split('.').slice(0, 3).join('.') : e.host);
    if (!isPrivateOrLoopback(e.host)) publicHosts.add(e.host);
  }
  return { endpoints, networks: nets.size, publicHosts: [...publicHosts] };
}

/** A target spec without credentials (for messages). */
export function redactTarget(spec: string): string {
  return spec.replace(/\/\/[^/@\s]*@/, '//***@');
}

/** Why this plan needs `--yes`, or null when it does not. */
export function confirmationNeeded(plan: TargetPlan): string | null {
  if (plan.publicHosts.length > 0) {
    const shown = plan.publicHosts.slice(0, 3).join(', ');
    return `${plan.publicHosts.length} target(s) are neither loopback nor private (${shown}${plan.publicHosts.length > 3 ? ', …' : ''})`;
  }
  if (plan.networks > 1) return `the targets span ${plan.networks} networks (more than one /24)`;
  return null;
}
