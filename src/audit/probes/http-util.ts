/**
 * A probe's HTTP request: rate-capped, with the probe's deadline, optional basic auth.
 */
import { type HttpResponse, httpRequest } from '../net.js';
import type { Credentials, Endpoint, ProbeContext } from '../types.js';

export interface GetOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  auth?: Credentials;
  maxBody?: number;
}

/** Send one request to the endpoint (path joined to the endpoint's base path when relative). */
export async function request(
  ep: Endpoint,
  ctx: ProbeContext,
  path: string,
  o: GetOptions = {},
): Promise<HttpResponse> {
  await ctx.acquire();
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.auth) headers.authorization = `Basic ${Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64')}`;
  if (o.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  return httpRequest({
    host: ep.host,
    port: ep.port,
    tls: ep.tls,
    method: o.method ?? 'GET',
    path,
    headers,
    ...(o.body !== undefined ? { body: o.body } : {}),
    deadline: ctx.deadline,
    signal: ctx.signal,
    ...(o.maxBody !== undefined ? { maxBody: o.maxBody } : {}),
  });
}

/** Parse JSON or return undefined. */
export function json(res: HttpResponse): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(res.body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
