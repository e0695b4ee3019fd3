/**
 * Kibana probe: `GET /api/status` (Kibana answers with `kbn-name` / `version.number`) and `GET /app/home` — served
 * without a redirect to `/login` means the app is reachable without login. An open Kibana is a window on its
 * Elasticsearch: the Dev Tools console proxy (`POST /api/console/proxy?path=…&method=GET`, `kbn-xsrf` header)
 * lists indices and, with `--sample`, reads documents — the path the 2022 Shanghai data was read through.
 */
import type { Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { failureOutcome, markIncomplete } from './common.js';
import { applyClusterRead, readCluster } from './elasticsearch.js';
import { json, request } from './http-util.js';

function isKibana(headers: Record<string, string>, body: Record<string, unknown> | undefined): boolean {
  if (headers['kbn-name'] !== undefined || headers['kbn-license-sig'] !== undefined) return true;
  const version = body?.version as Record<string, unknown> | undefined;
  return typeof body?.name === 'string' && typeof version?.number === 'string' && typeof body?.status === 'object';
}

async function viaConsole(ep: Endpoint, ctx: ProbeContext, samples: SampleText[]) {
  return readCluster(
    async (path, body) => {
      const r = await request(
        ep,
        ctx,
        `/api/console/proxy?path=${encodeURIComponent(path)}&method=${body !== undefined ? 'POST' : 'GET'}`,
        {
          method: 'POST',
          headers: { 'kbn-xsrf': 'true', 'content-type': 'application/json' },
          body: body ?? '',
          maxBody: 4 * 1024 * 1024,
        },
      );
      let parsed: Record<string, unknown> | unknown[] | undefined;
      try {
        parsed = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      return { status: r.status, body: parsed };
    },
    ctx.sample,
    samples,
  );
}

/** The Kibana probe. */
export const kibanaProbe: Probe = {
  service: 'kibana',
  defaultPorts: [5601],
  async probe(ep, ctx): Promise<ProbeOutcome> {
    try {
      const status = await request(ep, ctx, '/api/status');
      const body = json(status);
      if (!isKibana(status.headers, body)) {
        return {
          service: 'kibana',
          verdict: 'not-service',
          reason: `HTTP ${status.status} from /api/status, not Kibana`,
        };
      }
      const version = (body?.version as Record<string, unknown> | undefined)?.number;
      const details = typeof version === 'string' ? { version } : {};
      if (status.status === 401 || status.status === 403) {
        return {
          service: 'kibana',
          verdict: 'auth-required',
          reason: `the status API requires login (${status.status})`,
          details,
        };
      }
      const app = await request(ep, ctx, '/app/home');
      const location = app.headers.location ?? '';
      if (app.status >= 300 && app.status < 400 && /login|logged_out|security/.test(location)) {
        return { service: 'kibana', verdict: 'auth-required', reason: 'the app redirects to the login page', details };
      }
      if (app.status === 401 || app.status === 403) {
        return {
          service: 'kibana',
          verdict: 'auth-required',
          reason: `the app requires login (${app.status})`,
          details,
        };
      }
      if (app.status !== 200) {
        return {
          service: 'kibana',
          verdict: 'auth-required',
          reason: `the app is not served (${app.status})`,
          details,
        };
      }
      const samples: SampleText[] = [];
      const result: ProbeOutcome = {
        service: 'kibana',
        verdict: 'open',
        reason: 'the status API and the app are reachable without login',
        details,
        ...(ctx.sample ? { samples } : {}),
      };
      ctx.settle?.(result);
      const cluster = await viaConsole(ep, ctx, samples);
      if (cluster.indices && cluster.indices.length > 0) {
        result.reason = 'the app is served without login and its console proxy reads Elasticsearch';
        applyClusterRead(result, cluster, '');
      } else for (const i of cluster.incomplete) markIncomplete(result, `console proxy ${i.step}`, i.cause);
      return result;
    } catch (e) {
      return failureOutcome('kibana', e, 'Kibana');
    }
  },
};
