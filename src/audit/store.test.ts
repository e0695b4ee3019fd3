import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { HyperLogLog } from '../catalog/hll.js';
import { lookupCatalog } from './store.js';

/** A sketch of `n` phones starting at `from` (keyed hashes, as a scan records them). */
function sketch(from: number, n: number): string {
  const h = new HyperLogLog();
  for (let i = from; i < from + n; i++) {
    const d = createHmac('sha256', 'k')
      .update(`1391234${String(i).padStart(4, '0')}`)
      .digest();
    h.add(d.readUInt32BE(0), d.readUInt32BE(4));
  }
  return h.toBase64();
}

describe('lookupCatalog', () => {
  it('counts a person found in several assets behind one endpoint once (merged sketches)', async () => {
    const c = await Catalog.open(join(mkdtempSync(join(tmpdir(), 'lg-audit-store-')), 'c.db'));
    const source = 'es+http://127.0.0.1:9200/crm-*';
    const runId = await c.startRun([source], {});
    const asset = (name: string) => ({
      asset: `${source}#${name}`,
      source,
      kind: 'index',
      types: { CN_MOBILE: 1000 },
      people: 1000,
      sensitive: false,
      grade: 'L2',
      detail: {
        masked: {},
        fields: [],
        samples: [],
        gradeReasons: [],
        units: 1,
        failedUnits: 0,
        bytes: 0,
        rows: 1000,
        problems: 0,
      },
    });
    // Three indices holding the same 1,000 people: the endpoint exposes ~1,000 people, not 3,000.
    await c.saveAssets(runId, [asset('crm-a'), asset('crm-b'), asset('crm-c')]);
    for (const name of ['crm-a', 'crm-b', 'crm-c']) {
      await c.saveAssetSketches(runId, source, `${source}#${name}`, { CN_MOBILE: sketch(0, 1000) });
    }
    const k = await lookupCatalog(c.db, { host: '127.0.0.1', port: 9200 }, 'elasticsearch');
    await c.close();
    expect(k?.assets).toBe(3);
    expect(k?.types).toEqual({ CN_MOBILE: 3000 });
    expect(k?.people).toBeGreaterThan(950);
    expect(k?.people).toBeLessThan(1050);
  });
});
