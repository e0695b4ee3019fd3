import { describe, expect, it } from 'vitest';
import { isExposed, renderAuditHtml, renderAuditSarif, renderEndpointsJson } from './render.js';
import type { AuditResult } from './types.js';

const results: AuditResult[] = [
  {
    target: '127.0.0.1:6379',
    service: 'redis',
    verdict: 'open',
    reason: 'INFO answered without AUTH; 3 keys',
    exposed: { CN_MOBILE: 2 },
    sampled: 3,
  },
  { target: '10.0.0.5:5432', service: 'postgresql', verdict: 'auth-required', reason: 'password required' },
  { target: 'http://h/<x>', service: 'http', verdict: 'weak-credentials', reason: '<script>' },
];

describe('audit renderings', () => {
  it('JSON is the --json contract', () => {
    const doc = JSON.parse(renderEndpointsJson(results));
    expect(doc.results[0]).toMatchObject({
      target: '127.0.0.1:6379',
      service: 'redis',
      verdict: 'open',
      exposed: { CN_MOBILE: 2 },
    });
    expect(results.filter(isExposed).map((r) => r.service)).toEqual(['redis', 'http']);
  });

  it('SARIF lists only exposed endpoints, with rule ids', () => {
    const sarif = JSON.parse(renderAuditSarif({ endpoints: results, version: '1.0.0' }));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual([
      'open-endpoint',
      'weak-credentials',
    ]);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('tcp://127.0.0.1:6379');
  });

  it('HTML escapes everything it shows', () => {
    const html = renderAuditHtml({ endpoints: results });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('CN_MOBILE×2');
  });
});
