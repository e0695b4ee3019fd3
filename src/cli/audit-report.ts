/**
 * The exposure audit's latest results, joined into the scan report (HTML section, JSON member, SARIF run).
 */
import { type AuditReport, renderAuditSarif } from '../audit/render.js';
import { AuditStore } from '../audit/store.js';
import { version } from './version.js';

/** The latest endpoint and secret audits stored in the catalog, when there are any. */
export async function latestAudit(target: string): Promise<AuditReport | undefined> {
  const store = await AuditStore.open(target);
  try {
    const { endpoints, secrets } = await store.latestReport();
    return endpoints.length > 0 || secrets.length > 0 ? { endpoints, secrets, version: version() } : undefined;
  } finally {
    await store.close();
  }
}

/** The report's JSON with an `audit` member (endpoint verdicts and secret findings: masked, never values). */
export function withAuditJson(json: string, audit: AuditReport | undefined): string {
  if (!audit) return json;
  const doc = JSON.parse(json) as Record<string, unknown>;
  doc.audit = { endpoints: audit.endpoints ?? [], secrets: audit.secrets ?? [] };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The report's SARIF log with the audit's run appended (SARIF allows several runs in one log). */
export function withAuditSarif(sarif: string, audit: AuditReport | undefined): string {
  if (!audit) return sarif;
  const doc = JSON.parse(sarif) as { runs: unknown[] };
  const extra = JSON.parse(renderAuditSarif(audit)) as { runs: unknown[] };
  doc.runs.push(...extra.runs);
  return `${JSON.stringify(doc, null, 2)}\n`;
}
