import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditStore } from '../audit/store.js';
import { latestAudit, withAuditJson, withAuditSarif } from './audit-report.js';

const audit = {
  endpoints: [
    { target: '127.0.0.1:6379', service: 'redis' as const, verdict: 'open' as const, reason: 'INFO without AUTH' },
  ],
  secrets: [],
};

describe('audit in the scan report', () => {
  it('latestAudit is undefined for a catalog without audits, so reports stay as they were', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'lg-ar-')), 'c.db');
    (await AuditStore.open(target)).close();
    expect(await latestAudit(target)).toBeUndefined();
  });

  it('withAuditJson adds an audit member and withAuditSarif appends the audit as a second run', () => {
    const json = JSON.parse(withAuditJson('{"tool":"leakguard"}', audit));
    expect(json).toEqual({ tool: 'leakguard', audit: { endpoints: audit.endpoints, secrets: [] } });
    const sarif = JSON.parse(withAuditSarif('{"version":"2.1.0","runs":[{"results":[]}]}', audit));
    expect(sarif.runs).toHaveLength(2);
    expect(JSON.stringify(sarif.runs[1])).toContain('127.0.0.1:6379');
    expect(withAuditJson('{"a":1}', undefined)).toBe('{"a":1}');
  });
});
