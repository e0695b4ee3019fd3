/**
 * The probe registry (explicit, no discovery) and how a target picks its probes.
 */
import { DEFAULT_PORTS } from '../targets.js';
import type { Endpoint, Probe, ServiceName } from '../types.js';
import { elasticsearchProbe } from './elasticsearch.js';
import { httpListingProbe } from './http-listing.js';
import { kibanaProbe } from './kibana.js';
import { mongodbProbe } from './mongodb.js';
import { mysqlProbe } from './mysql.js';
import { postgresProbe } from './postgres.js';
import { redisProbe } from './redis.js';
import { s3Probe } from './s3.js';

export const PROBES: Readonly<Record<ServiceName, Probe>> = {
  elasticsearch: elasticsearchProbe,
  kibana: kibanaProbe,
  mongodb: mongodbProbe,
  redis: redisProbe,
  postgresql: postgresProbe,
  mysql: mysqlProbe,
  http: httpListingProbe,
  s3: s3Probe,
};

/** HTTP services tried in order on an HTTP port: the first that recognises the server decides. */
const HTTP_FAMILY: readonly ServiceName[] = ['elasticsearch', 'kibana', 's3', 'http'];

/**
 * Probes for an endpoint, in order: the URL scheme's service; else the default service of the port (HTTP-based
 * services also fall back to the rest of the HTTP family); else the HTTP family.
 */
export function probesFor(ep: Endpoint): Probe[] {
  if (ep.service && ep.service !== 'http') return [PROBES[ep.service]];
  const byPort = DEFAULT_PORTS[ep.port];
  if (!ep.service && byPort && !HTTP_FAMILY.includes(byPort)) return [PROBES[byPort]];
  const first = byPort && byPort !== 'http' && HTTP_FAMILY.includes(byPort) ? byPort : 'elasticsearch';
  return [first, ...HTTP_FAMILY.filter((s) => s !== first)].map((s) => PROBES[s]);
}
