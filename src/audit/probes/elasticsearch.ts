/**
 * Elasticsearch / OpenSearch probe: `GET /` (cluster info: `tagline` "You Know, for Search", `version.number`,
 * the `X-Elastic-Product` header or `distribution: opensearch`), `GET /_cat/indices?format=json` and a
 * `_search` with `size: 0` — all without credentials. A 401 with `WWW-Authenticate` or a `security_exception` means
 * security is on; then the historical defaults are tried (`elastic`/`changeme` of Elasticsearch before 6.8,
 * `admin`/`admin` of the OpenSearch demo configuration). `--sample` reads a few documents from the largest indices.
 */
import type { Credentials, Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { capNames, failureOutcome, flattenRecord, humanCount, markIncomplete } from './common.js';
import { json, request } from './http-util.js';

const DEFAULTS: readonly Credentials[] = [
  { user: 'elastic', password: 'changeme' },
  { user: 'admin', password: 'admin' },
];

/** Whether a `GET /` answer is an Elasticsearch or OpenSearch cluster. */
export function isClusterInfo(body: Record<string, unknown> | undefined, headers: Record<string, string>): boolean {
  if (headers['x-elastic-product'] === 'Elasticsearch') return true;
  if (!body) return false;
  const version = body.version as Record<string, unknown> | undefined;
  return (
    typeof body.cluster_name === 'string' &&
    typeof version?.number === 'string' &&
    (body.tagline === 'You Know, for Search' || version.distribution === 'opensearch' || 'lucene_version' in version)
  );
}

function isSecurityRefusal(
  status: number,
  headers: Record<string, string>,
  body: Record<string, unknown> | undefined,
): boolean {
  if (status === 401 || status === 403) {
    const err = body?.error as Record<string, unknown> | undefined;
    return Boolean(headers['www-authenticate']) || err?.type === 'security_exception' || status === 403;
  }
  return false;
}

interface IndexRow {
  index: string;
  docs: number;
}

/** A cluster read through some access; a step that failed after the verdict is listed in `incomplete`. */
export interface ClusterRead {
  /** Undefined when the index listing did not answer. */
  indices: IndexRow[] | undefined;
  searchable: boolean;
  /** Filled as documents arrive (so a deadline keeps what was read). */
  samples?: SampleText[];
  incomplete: { step: string; cause: unknown }[];
}

type Get = (
  path: string,
  body?: string,
) => Promise<{ status: number; body: Record<string, unknown> | unknown[] | undefined }>;

async function step<T>(read: ClusterRead, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    read.incomplete.push({ step: name, cause: e });
    return undefined;
  }
}

/**
 * Read indices, a search and (with `sampleSize`) documents through the given access; used by the Kibana probe
 * too. The verdict is known before this runs: a step that fails or outlasts the deadline is recorded in
 * `incomplete` and the rest is skipped, never thrown.
 */
export async function readCluster(
  get: Get,
  sampleSize: number | undefined,
  samples: SampleText[] = [],
): Promise<ClusterRead> {
  const read: ClusterRead = { indices: undefined, searchable: false, incomplete: [] };
  if (sampleSize) read.samples = samples;
  const cat = await step(read, 'index listing', () => get('/_cat/indices?format=json&h=index,docs.count&bytes=b'));
  if (!cat) return read;
  const rows = Array.isArray(cat.body) ? (cat.body as Record<string, unknown>[]) : [];
  read.indices = rows
    .map((r) => ({ index: String(r.index), docs: Number(r['docs.count'] ?? 0) || 0 }))
    .filter((r) => !r.index.startsWith('.'))
    .sort((a, b) => b.docs - a.docs);
  const search = await step(read, 'search', () => get('/_search', JSON.stringify({ size: 0, track_total_hits: true })));
  read.searchable = search?.status === 200;
  if (!sampleSize || !read.searchable) return read;
  await step(read, 'sample', async () => {
    for (const { index } of read.indices!.slice(0, 5)) {
      const r = await get(
        `/${encodeURIComponent(index)}/_search`,
        JSON.stringify({ size: Math.min(sampleSize, 1000) }),
      );
      const hits =
        ((r.body as Record<string, unknown> | undefined)?.hits as { hits?: { _source?: unknown }[] } | undefined)
          ?.hits ?? [];
      for (const h of hits) samples.push({ where: index, text: flattenRecord(h._source).join('\n') });
    }
  });
  return read;
}

function getter(ep: Endpoint, ctx: ProbeContext, auth: Credentials | undefined): Get {
  return async (path, body) => {
    const r = await request(ep, ctx, path, {
      ...(body !== undefined ? { method: 'POST', body } : {}),
      ...(auth ? { auth } : {}),
      maxBody: 4 * 1024 * 1024,
    });
    let parsed: Record<string, unknown> | unknown[] | undefined;
    try {
      parsed = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, body: parsed };
  };
}

/** Add what a cluster read found to an outcome whose verdict is set: counts, then the steps that did not finish. */
export function applyClusterRead(result: ProbeOutcome, c: ClusterRead, via = ''): void {
  if (c.indices) {
    const docs = c.indices.reduce((s, i) => s + i.docs, 0);
    result.reason += `; ${via}${c.indices.length} index(es), ~${humanCount(docs)} documents${c.searchable ? ', _search answers' : ''}`;
    result.details = { ...result.details, containers: capNames(c.indices.map((i) => i.index)), records: docs };
  }
  for (const i of c.incomplete) markIncomplete(result, i.step, i.cause);
}

/** Describe a cluster whose verdict is known (open or weak credentials). */
async function openOutcome(
  ep: Endpoint,
  ctx: ProbeContext,
  auth: Credentials | undefined,
  verdict: 'open' | 'weak-credentials',
  head: string,
  info: Record<string, unknown>,
  user?: string,
): Promise<ProbeOutcome> {
  const version = (info.version as Record<string, unknown> | undefined)?.number;
  const distribution =
    (info.version as Record<string, unknown> | undefined)?.distribution === 'opensearch'
      ? 'OpenSearch'
      : 'Elasticsearch';
  const samples: SampleText[] = [];
  const result: ProbeOutcome = {
    service: 'elasticsearch',
    verdict,
    reason: `${distribution}: ${head}`,
    details: {
      ...(typeof version === 'string' ? { version } : {}),
      ...(user ? { user } : {}),
    },
    ...(ctx.sample ? { samples } : {}),
  };
  ctx.settle?.(result);
  applyClusterRead(result, await readCluster(getter(ep, ctx, auth), ctx.sample, samples));
  return result;
}

/** The Elasticsearch / OpenSearch probe. */
export const elasticsearchProbe: Probe = {
  service: 'elasticsearch',
  defaultPorts: [9200],
  async probe(ep, ctx) {
    try {
      const creds = ctx.credentials;
      // Without credentials first, also when verifying one: a cluster without security answers anyone, so a
      // credential "accepted" there proves nothing.
      const root = await request(ep, ctx, '/');
      const body = json(root);
      if (root.status === 200 && isClusterInfo(body, root.headers)) {
        return await openOutcome(
          ep,
          ctx,
          undefined,
          'open',
          creds
            ? 'cluster info answers without credentials (security off), so the credential was not tested'
            : 'cluster info, indices and search answer without credentials',
          body ?? {},
        );
      }
      if (
        isSecurityRefusal(root.status, root.headers, body) &&
        // Only Elasticsearch's own refusal counts: its product header, its `security_exception` body, or the
        // `realm="security"` challenge; any other basic-auth web server is not a cluster.
        (root.headers['x-elastic-product'] === 'Elasticsearch' ||
          (body?.error as Record<string, unknown> | undefined)?.type === 'security_exception' ||
          /realm="security"/i.test(root.headers['www-authenticate'] ?? ''))
      ) {
        if (creds) {
          const r = await request(ep, ctx, '/', { auth: creds });
          const b = json(r);
          if (r.status === 200 && isClusterInfo(b, r.headers))
            return await openOutcome(ep, ctx, creds, 'weak-credentials', 'the credential is live', b ?? {}, creds.user);
          return {
            service: 'elasticsearch',
            verdict: 'auth-required',
            reason: `the credential was refused (${r.status})`,
          };
        }
        if (ctx.tryDefaults) {
          for (const d of DEFAULTS) {
            const r = await request(ep, ctx, '/', { auth: d });
            const b = json(r);
            if (r.status === 200 && isClusterInfo(b, r.headers))
              return await openOutcome(
                ep,
                ctx,
                d,
                'weak-credentials',
                `user "${d.user}" accepted a well-known default password`,
                b ?? {},
                d.user,
              );
          }
        }
        return {
          service: 'elasticsearch',
          verdict: 'auth-required',
          reason: `security is on: ${root.status} with an authentication challenge`,
        };
      }
      return {
        service: 'elasticsearch',
        verdict: 'not-service',
        reason: `HTTP ${root.status}, not an Elasticsearch or OpenSearch cluster`,
      };
    } catch (e) {
      return failureOutcome('elasticsearch', e, 'Elasticsearch');
    }
  },
};
