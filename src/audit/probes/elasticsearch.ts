/**
 * Elasticsearch / OpenSearch probe: `GET /` (cluster info: `tagline` "You Know, for Search", `version.number`,
 * the `X-Elastic-Product` header or `distribution: opensearch`), `GET /_cat/indices?format=json` and a
 * `_search` with `size: 0` — all without credentials. A 401 with `WWW-Authenticate` or a `security_exception` means
 * security is on; then the historical defaults are tried (`elastic`/`changeme` of Elasticsearch before 6.8,
 * `admin`/`admin` of the OpenSearch demo configuration). `--sample` reads a few documents from the largest indices.
 */
import type { Credentials, Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { capNames, failureOutcome, flattenRecord, humanCount } from './common.js';
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

/** Read cluster info, indices and a search through the given access; used by the Kibana probe too. */
export async function readCluster(
  get: (
    path: string,
    body?: string,
  ) => Promise<{ status: number; body: Record<string, unknown> | unknown[] | undefined }>,
  sampleSize: number | undefined,
): Promise<{ indices: IndexRow[]; searchable: boolean; samples?: SampleText[] }> {
  const cat = await get('/_cat/indices?format=json&h=index,docs.count&bytes=b');
  const rows = Array.isArray(cat.body) ? (cat.body as Record<string, unknown>[]) : [];
  const indices = rows
    .map((r) => ({ index: String(r.index), docs: Number(r['docs.count'] ?? 0) || 0 }))
    .filter((r) => !r.index.startsWith('.'))
    .sort((a, b) => b.docs - a.docs);
  const search = await get('/_search', JSON.stringify({ size: 0, track_total_hits: true }));
  const searchable = search.status === 200;
  if (!sampleSize || !searchable) return { indices, searchable };
  const samples: SampleText[] = [];
  for (const { index } of indices.slice(0, 5)) {
    const r = await get(`/${encodeURIComponent(index)}/_search`, JSON.stringify({ size: Math.min(sampleSize, 1000) }));
    const hits =
      ((r.body as Record<string, unknown> | undefined)?.hits as { hits?: { _source?: unknown }[] } | undefined)?.hits ??
      [];
    for (const h of hits) samples.push({ where: index, text: flattenRecord(h._source).join('\n') });
  }
  return { indices, searchable, samples };
}

async function describe(
  ep: Endpoint,
  ctx: ProbeContext,
  auth: Credentials | undefined,
): Promise<Awaited<ReturnType<typeof readCluster>>> {
  return readCluster(async (path, body) => {
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
  }, ctx.sample);
}

function openOutcome(
  verdict: 'open' | 'weak-credentials',
  head: string,
  info: Record<string, unknown>,
  c: Awaited<ReturnType<typeof readCluster>>,
  user?: string,
): ProbeOutcome {
  const docs = c.indices.reduce((s, i) => s + i.docs, 0);
  const version = (info.version as Record<string, unknown> | undefined)?.number;
  const distribution =
    (info.version as Record<string, unknown> | undefined)?.distribution === 'opensearch'
      ? 'OpenSearch'
      : 'Elasticsearch';
  return {
    service: 'elasticsearch',
    verdict,
    reason: `${distribution}: ${head}; ${c.indices.length} index(es), ~${humanCount(docs)} documents${c.searchable ? ', _search answers' : ''}`,
    details: {
      containers: capNames(c.indices.map((i) => i.index)),
      records: docs,
      ...(typeof version === 'string' ? { version } : {}),
      ...(user ? { user } : {}),
    },
    ...(c.samples ? { samples: c.samples } : {}),
  };
}

/** The Elasticsearch / OpenSearch probe. */
export const elasticsearchProbe: Probe = {
  service: 'elasticsearch',
  defaultPorts: [9200],
  async probe(ep, ctx) {
    try {
      const creds = ctx.credentials;
      const root = await request(ep, ctx, '/', creds ? { auth: creds } : {});
      const body = json(root);
      if (root.status === 200 && isClusterInfo(body, root.headers)) {
        const c = await describe(ep, ctx, creds);
        return creds
          ? openOutcome('weak-credentials', 'the credential is live', body ?? {}, c, creds.user)
          : openOutcome('open', 'cluster info, indices and search answer without credentials', body ?? {}, c);
      }
      if (
        isSecurityRefusal(root.status, root.headers, body) &&
        // Only Elasticsearch's own refusal counts: its product header, its `security_exception` body, or the
        // `realm="security"` challenge; any other basic-auth web server is not a cluster.
        (root.headers['x-elastic-product'] === 'Elasticsearch' ||
          (body?.error as Record<string, unknown> | undefined)?.type === 'security_exception' ||
          /realm="security"/i.test(root.headers['www-authenticate'] ?? ''))
      ) {
        if (creds)
          return { service: 'elasticsearch', verdict: 'auth-required', reason: 'the credential was refused (401)' };
        if (ctx.tryDefaults) {
          for (const d of DEFAULTS) {
            const r = await request(ep, ctx, '/', { auth: d });
            const b = json(r);
            if (r.status === 200 && isClusterInfo(b, r.headers)) {
              const c = await describe(ep, ctx, d);
              return openOutcome(
                'weak-credentials',
                `user "${d.user}" accepted a well-known default password`,
                b ?? {},
                c,
                d.user,
              );
            }
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
