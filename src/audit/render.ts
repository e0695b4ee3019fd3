/**
 * Renderings of audit results for the scan report: JSON (the CLI's `--json` shape), SARIF 2.1.0 (one rule per
 * verdict / secret rule) and an HTML section (self-contained, escaped). Inputs hold verdicts, counts, masked
 * previews and fingerprints only, so nothing rendered here can contain a secret or a personal value.
 */
import type { SecretFinding } from './secrets/types.js';
import type { AuditResult } from './types.js';

/** Audit results to render; either part may be empty. */
export interface AuditReport {
  endpoints?: readonly AuditResult[];
  secrets?: readonly SecretFinding[];
  version?: string;
}

/** The `--json` document of `audit endpoints`. */
export function renderEndpointsJson(results: readonly AuditResult[]): string {
  return `${JSON.stringify({ results }, null, 2)}\n`;
}

/** Whether a verdict is a finding (exit 1). */
export function isExposed(r: Pick<AuditResult, 'verdict'>): boolean {
  return r.verdict === 'open' || r.verdict === 'weak-credentials';
}

const RULES = [
  { id: 'open-endpoint', text: 'A data store answers without authentication', level: 'error' },
  { id: 'weak-credentials', text: 'A data store accepts a well-known default or empty password', level: 'error' },
] as const;

function locationOf(target: string) {
  return [{ physicalLocation: { artifactLocation: { uri: target.includes('://') ? target : `tcp://${target}` } } }];
}

/** SARIF 2.1.0 for endpoint and secret findings. */
export function renderAuditSarif(report: AuditReport): string {
  const secretRules = [...new Set((report.secrets ?? []).map((s) => s.rule))].sort();
  const rules = [
    ...RULES.map((r) => ({
      id: r.id,
      name: r.id,
      shortDescription: { text: r.text },
      properties: { tags: ['security', 'exposure'] },
    })),
    ...secretRules.map((r) => ({
      id: `secret/${r}`,
      name: r,
      shortDescription: { text: `Secret found by rule ${r}` },
      properties: { tags: ['security', 'secret'] },
    })),
  ];
  const results = [];
  for (const r of report.endpoints ?? []) {
    if (!isExposed(r)) continue;
    const ruleId = r.verdict === 'open' ? 'open-endpoint' : 'weak-credentials';
    const exposed = r.exposed
      ? ` Exposed records (${r.exposure?.total !== undefined ? 'estimated' : 'in the sample'}): ${
          Object.entries(r.exposed)
            .map(([t, n]) => `${t} ~${n}`)
            .join(', ') || 'no personal data found'
        }.`
      : '';
    results.push({
      ruleId,
      level: 'error',
      message: {
        text: `${r.service} at ${r.target}: ${r.reason}.${exposed}${r.catalog ? ` ${r.catalog.summary}.` : ''}`,
      },
      locations: locationOf(r.target),
      partialFingerprints: { 'leakguard/endpoint': `${r.target}#${r.service}` },
      properties: { service: r.service, verdict: r.verdict, ...(r.exposed ? { exposed: r.exposed } : {}) },
    });
  }
  for (const s of report.secrets ?? []) {
    results.push({
      ruleId: `secret/${s.rule}`,
      level: s.inWorkingTree ? 'error' : 'warning',
      message: {
        text: `${s.type} (${s.rule}) ${s.preview}${s.note ? ` — ${s.note}` : ''}${s.inWorkingTree ? '' : s.stillInTree ? ` — in history at ${s.commit?.slice(0, 12)}, the value still in the working tree at ${s.stillInTree}` : ` — deleted, still in history at ${s.commit?.slice(0, 12)}`}${s.verified ? `; verification: ${s.verified.status}${s.verified.detail ? ` (${s.verified.detail})` : ''}` : ''}`,
      },
      locations: [{ physicalLocation: { artifactLocation: { uri: s.file }, region: { startLine: s.line } } }],
      partialFingerprints: { 'leakguard/secret': s.fingerprint },
      properties: { rule: s.rule, inWorkingTree: s.inWorkingTree, ...(s.commit ? { commit: s.commit } : {}) },
    });
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'leakguard-audit', version: report.version ?? '0.0.0', rules } }, results }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An HTML `<section>` for the scan report (styles scoped to `.lg-audit`). */
export function renderAuditHtml(report: AuditReport): string {
  let html =
    '<section class="lg-audit"><style>.lg-audit table{border-collapse:collapse}.lg-audit td,.lg-audit th{border:1px solid #ccc;padding:2px 6px;text-align:left}.lg-audit .open,.lg-audit .weak-credentials{color:#b00;font-weight:bold}</style>';
  const eps = report.endpoints ?? [];
  if (eps.length > 0) {
    html +=
      '<h2>Exposure audit: endpoints</h2><table><thead><tr><th>Target</th><th>Service</th><th>Verdict</th><th>Reason</th><th>Exposed (sample)</th><th>Catalog</th></tr></thead><tbody>';
    for (const r of eps) {
      const exposed = r.exposed
        ? Object.entries(r.exposed)
            .map(([t, n]) => `${esc(t)}×${n}`)
            .join(', ') || 'none found'
        : '';
      html += `<tr><td>${esc(r.target)}</td><td>${esc(r.service)}</td><td class="${esc(r.verdict)}">${esc(r.verdict)}</td><td>${esc(r.reason)}</td><td>${exposed}</td><td>${r.catalog ? esc(r.catalog.summary) : ''}</td></tr>`;
    }
    html += '</tbody></table>';
  }
  const secrets = report.secrets ?? [];
  if (secrets.length > 0) {
    html +=
      '<h2>Exposure audit: secrets</h2><table><thead><tr><th>File</th><th>Line</th><th>Rule</th><th>Preview</th><th>Where</th><th>Verified</th></tr></thead><tbody>';
    for (const s of secrets) {
      html += `<tr><td>${esc(s.file)}</td><td>${s.line}</td><td>${esc(s.rule)}</td><td><code>${esc(s.preview)}</code></td><td>${s.inWorkingTree ? 'working tree' : `history ${esc(s.commit?.slice(0, 12) ?? '')}${s.stillInTree ? `; still in the tree at ${esc(s.stillInTree)}` : ''}`}</td><td>${s.verified ? esc(s.verified.status) : ''}</td></tr>`;
    }
    html += '</tbody></table>';
  }
  return `${html}</section>`;
}
