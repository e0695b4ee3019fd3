/**
 * The audit's tables in the catalog database (module `audit`, own migrations): runs, endpoint results and secret
 * findings — verdicts, reasons, per-type counts, masked previews and salted fingerprints; never a raw value.
 * Also the join the audit exists for: what earlier `leakguard scan` runs found behind an endpoint.
 */
import { type Migration, openMigrated } from '../catalog/migrations.js';
import type { SqlDb } from '../catalog/sql.js';
import { PeopleCounter } from '../scan/scan.js';
import { humanCount } from './probes/common.js';
import type { SecretFinding } from './secrets/types.js';
import type { AuditResult, CatalogKnowledge, Endpoint, ServiceName } from './types.js';

/** Migrations of the `audit` module. */
export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit runs, endpoint results, secret findings',
    sql: `
CREATE TABLE lg_audit_runs (
  id {{id}},
  kind TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  targets TEXT NOT NULL,
  summary TEXT
);
CREATE TABLE lg_audit_endpoints (
  run_id BIGINT NOT NULL,
  target TEXT NOT NULL,
  service TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reason TEXT NOT NULL,
  exposed TEXT,
  details TEXT,
  catalog TEXT,
  PRIMARY KEY (run_id, target, service)
);
CREATE INDEX lg_audit_endpoints_target ON lg_audit_endpoints (target);
CREATE TABLE lg_audit_secrets (
  run_id BIGINT NOT NULL,
  fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  type TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  commit_id TEXT,
  in_tree INTEGER NOT NULL,
  preview TEXT NOT NULL,
  verified TEXT,
  PRIMARY KEY (run_id, fingerprint)
);
`,
  },
];

/** The audit store over an open catalog database. */
export class AuditStore {
  private constructor(readonly db: SqlDb) {}

  /** Open the catalog database at `target` and apply the audit migrations. */
  static async open(target: string): Promise<AuditStore> {
    return new AuditStore(await openMigrated(target, 'audit', AUDIT_MIGRATIONS));
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async startRun(kind: 'endpoints' | 'secrets', targets: readonly string[]): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      'INSERT INTO lg_audit_runs (kind, started_at, targets) VALUES (?, ?, ?) RETURNING id',
      [kind, new Date().toISOString(), JSON.stringify(targets)],
    );
    return Number(row?.id);
  }

  async finishRun(id: number, summary: Record<string, unknown>): Promise<void> {
    await this.db.run('UPDATE lg_audit_runs SET finished_at = ?, summary = ? WHERE id = ?', [
      new Date().toISOString(),
      JSON.stringify(summary),
      id,
    ]);
  }

  async saveEndpoints(runId: number, results: readonly AuditResult[]): Promise<void> {
    await this.db.tx(async (t) => {
      for (const r of results) {
        await t.run(
          'INSERT INTO lg_audit_endpoints (run_id, target, service, verdict, reason, exposed, details, catalog) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, target, service) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason',
          [
            runId,
            r.target,
            r.service,
            r.verdict,
            r.reason,
            r.exposed ? JSON.stringify(r.exposed) : null,
            r.details ? JSON.stringify(r.details) : null,
            r.catalog ? JSON.stringify(r.catalog) : null,
          ],
        );
      }
    });
  }

  async endpointResults(runId: number): Promise<AuditResult[]> {
    const rows = await this.db.all<Record<string, string | null>>(
      'SELECT target, service, verdict, reason, exposed, details, catalog FROM lg_audit_endpoints WHERE run_id = ? ORDER BY target',
      [runId],
    );
    return rows.map(
      (r): AuditResult => ({
        target: String(r.target),
        service: r.service as ServiceName,
        verdict: r.verdict as AuditResult['verdict'],
        reason: String(r.reason),
        ...(r.exposed ? { exposed: JSON.parse(r.exposed) as Record<string, number> } : {}),
        ...(r.details ? { details: JSON.parse(r.details) as NonNullable<AuditResult['details']> } : {}),
        ...(r.catalog ? { catalog: JSON.parse(r.catalog) as CatalogKnowledge } : {}),
      }),
    );
  }

  async saveSecrets(
    runId: number,
    findings: readonly {
      fingerprint: string;
      rule: string;
      type: string;
      file: string;
      line: number;
      commit?: string;
      inWorkingTree: boolean;
      preview: string;
      verified?: { status: string };
    }[],
  ): Promise<void> {
    await this.db.tx(async (t) => {
      for (const f of findings) {
        await t.run(
          'INSERT INTO lg_audit_secrets (run_id, fingerprint, rule, type, file, line, commit_id, in_tree, preview, verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, fingerprint) DO NOTHING',
          [
            runId,
            f.fingerprint,
            f.rule,
            f.type,
            f.file,
            f.line,
            f.commit ?? null,
            f.inWorkingTree ? 1 : 0,
            f.preview,
            f.verified?.status ?? null,
          ],
        );
      }
    });
  }

  /**
   * The latest endpoint audit and the latest secret audit, for the scan report (`renderAuditHtml`,
   * `renderAuditSarif`). Empty parts when no audit has run.
   */
  async latestReport(): Promise<{ endpoints: AuditResult[]; secrets: SecretFinding[] }> {
    const ep = await this.db.get<{ id: number }>("SELECT MAX(id) AS id FROM lg_audit_runs WHERE kind = 'endpoints'");
    const se = await this.db.get<{ id: number }>("SELECT MAX(id) AS id FROM lg_audit_runs WHERE kind = 'secrets'");
    const endpoints = ep?.id != null ? await this.endpointResults(Number(ep.id)) : [];
    const secrets: SecretFinding[] = [];
    if (se?.id != null) {
      const rows = await this.db.all<Record<string, string | number | null>>(
        'SELECT fingerprint, rule, type, file, line, commit_id, in_tree, preview, verified FROM lg_audit_secrets WHERE run_id = ? ORDER BY in_tree DESC, file, line',
        [Number(se.id)],
      );
      for (const r of rows) {
        secrets.push({
          rule: String(r.rule),
          type: String(r.type),
          file: String(r.file),
          line: Number(r.line),
          preview: String(r.preview),
          fingerprint: String(r.fingerprint),
          score: 0,
          inWorkingTree: Number(r.in_tree) === 1,
          ...(r.commit_id ? { commit: String(r.commit_id) } : {}),
          ...(r.verified
            ? { verified: { status: String(r.verified) as NonNullable<SecretFinding['verified']>['status'] } }
            : {}),
        });
      }
    }
    return { endpoints, secrets };
  }

  /** What the scan catalog knows about data behind `ep` (latest snapshot of each matching asset). */
  async catalogKnowledge(
    ep: Pick<Endpoint, 'host' | 'port'>,
    service: ServiceName,
  ): Promise<CatalogKnowledge | undefined> {
    return lookupCatalog(this.db, ep, service);
  }
}

const SCHEMES_OF: Partial<Record<ServiceName, { schemes: string[]; port: number }>> = {
  postgresql: { schemes: ['postgres', 'postgresql'], port: 5432 },
  mysql: { schemes: ['mysql', 'mariadb'], port: 3306 },
  elasticsearch: { schemes: ['es+http', 'es+https'], port: 9200 },
  // A Kibana reads the cluster behind it; catalogued Elasticsearch on the same host is the best join available.
  kibana: { schemes: ['es+http', 'es+https'], port: 9200 },
};

function sameHost(a: string, b: string): boolean {
  const norm = (h: string) => {
    const x = h.replace(/^\[|\]$/g, '').toLowerCase();
    return x === 'localhost' || x === '::1' ? '127.0.0.1' : x;
  };
  return norm(a) === norm(b);
}

/**
 * Find catalogued assets whose source URL points at `ep`'s host and port (for Kibana: the host's Elasticsearch).
 * Returns undefined when the catalog has no scan tables or nothing matches.
 */
export async function lookupCatalog(
  db: SqlDb,
  ep: Pick<Endpoint, 'host' | 'port'>,
  service: ServiceName,
): Promise<CatalogKnowledge | undefined> {
  const spec = SCHEMES_OF[service];
  if (!spec) return undefined;
  let sources: { source: string }[];
  try {
    sources = await db.all<{ source: string }>('SELECT DISTINCT source FROM lg_assets');
  } catch {
    return undefined; // no scan has run against this catalog
  }
  const matching = sources
    .map((s) => s.source)
    .filter((src) => {
      const m = /^([a-z0-9+]+):\/\//i.exec(src);
      if (!m || !spec.schemes.includes(m[1]!.toLowerCase())) return false;
      try {
        const u = new URL(src.replace(/^[a-z0-9+]+:/i, 'http:'));
        const port = u.port ? Number(u.port) : spec.port;
        return sameHost(u.hostname, ep.host) && (service === 'kibana' ? true : port === ep.port);
      } catch {
        return false;
      }
    });
  if (matching.length === 0) return undefined;
  const types: Record<string, number> = {};
  // One person in several assets counts once: the assets' distinct-identifier sketches are merged (an asset
  // stored without sketches adds its own estimate).
  const counter = new PeopleCounter();
  let unsketched = 0;
  let assets = 0;
  let grade: string | null = null;
  const order = ['L1', 'L2', 'L3', 'L4'];
  for (const source of matching) {
    const rows = await db.all<{ asset: string; types: string; people: number; grade: string }>(
      'SELECT a.asset, a.types, a.people, a.grade FROM lg_assets a WHERE a.source = ? AND a.run_id = (SELECT MAX(b.run_id) FROM lg_assets b WHERE b.asset = a.asset)',
      [source],
    );
    const sketches = new Map<string, string>();
    try {
      for (const r of await db.all<{ asset: string; sketches: string }>(
        'SELECT asset, sketches FROM lg_asset_sketches WHERE source = ?',
        [source],
      )) {
        sketches.set(r.asset, r.sketches);
      }
    } catch {
      // a catalog from before per-asset sketches: estimates are added up
    }
    for (const r of rows) {
      assets++;
      if (grade === null || order.indexOf(r.grade) > order.indexOf(grade)) grade = r.grade;
      try {
        const t = JSON.parse(r.types) as Record<string, number>;
        for (const [k, n] of Object.entries(t)) types[k] = (types[k] ?? 0) + n;
        const sk = sketches.get(r.asset);
        if (sk !== undefined) counter.add(t, JSON.parse(sk) as Record<string, string>);
        else unsketched += Number(r.people);
      } catch {
        // a damaged row is skipped
      }
    }
  }
  const people = counter.total() + unsketched;
  if (assets === 0) return undefined;
  const top = Object.entries(types)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([t, n]) => `${humanCount(n)} ${t}`);
  const summary = `the catalog knows ${assets} asset(s) here${top.length ? ` holding ${top.join(', ')}` : ''}${people ? ` (~${humanCount(people)} people)` : ''}${grade ? `, grade ${grade}` : ''}`;
  return { assets, people, types, grade, sources: matching, summary };
}
