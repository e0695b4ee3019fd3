/**
 * A whole scan of an Elasticsearch index pattern — `leakguard scan es+http://…/people*` through the CLI with
 * in-memory IO — against the protocol-faithful fake cluster in `test/support/fake-elasticsearch.ts` (no
 * Elasticsearch or OpenSearch server can be installed here), into a SQLite catalog: assets, field decisions,
 * counts, incremental runs, and no raw value anywhere in the catalog.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { runCli } from '../../src/cli/testing.js';
import { type FakeElasticsearch, start } from '../support/fake-elasticsearch.js';

const running: FakeElasticsearch[] = [];
afterEach(async () => {
  for (const es of running.splice(0)) await es.close();
});

/** A synthetic resident ID with a valid GB 11643 check character (birth date 1990-01-01 + i days). */
function residentId(i: number): string {
  const birth = new Date(Date.UTC(1990, 0, 1 + i));
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `110105${ymd}${String(100 + (i % 900)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += Number(body[k]) * weights[k]!;
  return body + '10X98765432'[sum % 11]!;
}

/** Synthetic people; `offset` picks who (the same person has the same values in every index). */
function people(n: number, offset = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return {
      _id: `p${i}`,
      姓名: `测试${i}`,
      id_card: residentId(i),
      contact: { mobile: `1391234${String(i).padStart(4, '0')}`, email: `user${i}@example.com` },
      visits: i,
      note: i % 2 === 0 ? 'vip' : '',
    };
  });
}

async function cluster(): Promise<FakeElasticsearch> {
  const es = await start({
    seed: {
      'people-2024': { docs: people(30) },
      // 10 of these people are also in people-2024.
      'people-2025': { docs: people(20, 20) },
      orders: { docs: [{ _id: 'o1', phone: '13700000001' }] },
    },
  });
  running.push(es);
  return es;
}

describe('leakguard scan es+http://…/people* (fake Elasticsearch)', () => {
  it('scans the matching indices into the catalog: assets, field decisions, counts, no raw values', async () => {
    const es = await cluster();
    const dir = mkdtempSync(join(tmpdir(), 'lg-scan-es-'));
    const uri = `es+${es.url}/people*`;
    const r = await runCli(['scan', uri, '--json', '--threads', '1'], '', { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    const base = `es+${es.url}`;
    expect(out.assets.map((a: { uri: string }) => a.uri).sort()).toEqual([
      `${base}/people-2024`,
      `${base}/people-2025`,
    ]);
    const a2024 = out.assets.find((a: { uri: string }) => a.uri.endsWith('people-2024'));
    expect(a2024).toEqual({
      uri: `${base}/people-2024`,
      kind: 'index',
      types: expect.objectContaining({ CN_RESIDENT_ID: 30, CN_MOBILE: 30, EMAIL_ADDRESS: 30 }),
      people: 30,
      sensitive: expect.any(Boolean),
      grade: expect.stringMatching(/^L[23]$/),
    });
    expect(out.assets.find((a: { uri: string }) => a.uri.endsWith('people-2025')).types).toMatchObject({
      CN_RESIDENT_ID: 20,
      CN_MOBILE: 20,
    });
    // 30 + 20 people, 10 of them in both indices: 40 distinct.
    expect(out.summary).toMatchObject({ assets: 2, unitsRead: 2, unitsFailed: 0, problems: 0, rows: 50, people: 40 });

    const catalog = await Catalog.open(join(dir, '.leakguard', 'catalog.db'));
    try {
      const run = (await catalog.latestRun())!;
      const assets = await catalog.assets(run.id);
      const fields = assets.find((a) => a.asset.endsWith('people-2024'))!.detail.fields;
      const decided = Object.fromEntries(fields.map((f) => [f.field, f.type]));
      expect(decided).toEqual({
        '$.id_card': 'CN_RESIDENT_ID',
        '$.contact.mobile': 'CN_MOBILE',
        '$.contact.email': 'EMAIL_ADDRESS',
        '$.姓名': 'PERSON',
      });
      expect(fields.find((f) => f.field === '$.id_card')!.evidence).toMatchObject({ sampled: 30, hits: 30, ratio: 1 });
      const samples = assets.flatMap((a) => a.detail.samples);
      expect(samples.length).toBeGreaterThan(0);
      // Each sample is located by document id and field, with a masked preview.
      for (const s of samples)
        expect(s.loc).toMatchObject({ key: expect.stringMatching(/^p\d+$/), field: expect.stringMatching(/^\$\./) });
    } finally {
      await catalog.close();
    }
    // No raw value in the catalog files (the WAL too, if one is left).
    const files = ['catalog.db', 'catalog.db-wal'].map((f) => join(dir, '.leakguard', f)).filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    for (const p of people(30).concat(people(20, 20))) {
      const c = p.contact as { mobile: string; email: string };
      for (const raw of [p.id_card as string, c.mobile, c.email]) expect(bytes.includes(Buffer.from(raw))).toBe(false);
    }
    expect(bytes.includes(Buffer.from('13700000001'))).toBe(false);
  });

  it('skips unchanged indices, reads a changed one again, and reads again when --sample changes', async () => {
    const es = await cluster();
    const dir = mkdtempSync(join(tmpdir(), 'lg-scan-es-'));
    const uri = `es+${es.url}/people*`;
    const scan = async (...args: string[]) => {
      const r = await runCli(['scan', uri, '--json', '--threads', '1', ...args], '', { cwd: dir });
      expect(r.exitCode).toBe(0);
      return JSON.parse(r.stdout);
    };
    expect((await scan()).summary).toMatchObject({ unitsRead: 2 });
    expect((await scan()).summary).toMatchObject({ unitsRead: 0, unitsSkipped: 2, people: 40 });
    es.index('people-2025', people(5, 100));
    const grown = await scan();
    expect(grown.summary).toMatchObject({ unitsRead: 1, unitsSkipped: 1, people: 45 });
    expect(grown.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ change: 'grown', type: 'CN_MOBILE', before: 20, after: 25 })]),
    );
    // A smaller sample is a different read: both indices again, 10 documents each.
    const sampled = await scan('--sample', '10');
    expect(sampled.summary).toMatchObject({ unitsRead: 2, unitsSkipped: 0, rows: 20 });
    expect((await scan('--sample', '10')).summary).toMatchObject({ unitsRead: 0, unitsSkipped: 2 });
  });
});
