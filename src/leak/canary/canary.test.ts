import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { isMod112Valid } from '../../detect/validators/mod11-2.js';
import { generateMobile, generateResidentId } from '../../synth/cn.js';
import { createSeededRng } from '../../synth/rng.js';
import { generateChineseName } from '../../synth/text.js';
import { checkPaths } from './check.js';
import { createCanaryKey } from './key.js';
import { plantCanaries } from './plant.js';
import { generateCanaryRecord } from './record.js';
import { CanaryRegistry } from './registry.js';
import { createCanaryWatch } from './watch.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-canary-'));
const key = createCanaryKey(randomBytes(32));
const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
let registry: CanaryRegistry;

beforeAll(async () => {
  registry = await CanaryRegistry.open(join(dir, 'catalog.db'));
  const db = new Database(join(dir, 'crm.db'));
  db.exec(
    'CREATE TABLE customers (id INTEGER PRIMARY KEY, 姓名 TEXT, mobile TEXT, id_card TEXT, email TEXT, note TEXT)',
  );
  const rng = createSeededRng(1);
  const ins = db.prepare('INSERT INTO customers (姓名, mobile, id_card, email, note) VALUES (?, ?, ?, ?, ?)');
  for (let i = 0; i < 200; i++)
    ins.run(generateChineseName(rng), generateMobile(rng), generateResidentId(rng), `c${i}@shop.cn`, 'vip');
  db.close();
  writeFileSync(join(dir, 'export.csv'), 'customer_name,phone,address\n张三,13900000000,北京市\n');
});

afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('generateCanaryRecord', () => {
  it('makes valid, key-dependent values', () => {
    const a = generateCanaryRecord(key.generatorKey, 'p-1', 0);
    const b = generateCanaryRecord(createCanaryKey(randomBytes(32)).generatorKey, 'p-1', 0);
    expect(isMod112Valid(a.resident_id)).toBe(true);
    expect(a.phone).toMatch(/^1[3-9]\d{9}$/);
    expect(a.birth_date).toBe(
      `${a.resident_id.slice(6, 10)}-${a.resident_id.slice(10, 12)}-${a.resident_id.slice(12, 14)}`,
    );
    expect(a.phone === b.phone && a.resident_id === b.resident_id).toBe(false);
  });
});

describe('canary plant and check', () => {
  it('plants into a SQLite table by column names and finds a one-field leak of it', async () => {
    const r = await plantCanaries({
      key,
      registry,
      label: 'crm-prod',
      count: 10,
      into: `sqlite:${join(dir, 'crm.db')}`,
      table: 'customers',
      cwd: dir,
    });
    expect(r.columns).toEqual({ 姓名: 'name', mobile: 'phone', id_card: 'resident_id', email: 'email' });
    const db = new Database(join(dir, 'crm.db'), { readonly: true });
    const rows = db.prepare('SELECT 姓名, mobile, id_card FROM customers ORDER BY id DESC LIMIT 10').all() as {
      mobile: string;
    }[];
    db.close();
    // A leak of a single field of one canary, among unrelated lines.
    writeFileSync(join(dir, 'leak.txt'), `dump 2026\nphone ${rows[3]?.mobile}\nnothing here 13712345678\n`);
    const report = await checkPaths([join(dir, 'leak.txt')], await registry.load(), key, analyzer);
    expect(report.targets).toHaveLength(1);
    expect(report.targets[0]?.labels).toEqual(['crm-prod']);
    expect(report.targets[0]?.target).toMatch(/crm\.db#main\.customers$/);
    expect(report.targets[0]?.leakedAfter).toBe(r.plant.plantedAt);
    expect(report.targets[0]?.confidence).toBeGreaterThanOrEqual(0.99);
    expect(report.targets[0]?.evidence[0]?.preview).not.toContain(rows[3]?.mobile);
  });

  it('appends to a CSV with its own header and tells two targets apart', async () => {
    const r = await plantCanaries({
      key,
      registry,
      label: 'nightly-export',
      count: 3,
      into: join(dir, 'export.csv'),
      cwd: dir,
    });
    expect(r.columns).toEqual({ customer_name: 'name', phone: 'phone', address: 'address' });
    const csv = readFileSync(join(dir, 'export.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    writeFileSync(join(dir, 'sale.csv'), `${csv[0]}\n${csv[3]}\n`);
    const report = await checkPaths([join(dir, 'sale.csv')], await registry.load(), key, analyzer);
    expect(report.targets.map((t) => t.labels[0])).toEqual(['nightly-export']);
    expect(report.targets[0]?.wholeRecords).toBe(1);
  });

  it('goes on past corrupt files and missing paths, reporting them', async () => {
    writeFileSync(join(dir, 'broken.xlsx'), Buffer.concat([Buffer.from('PK\u0003\u0004'), randomBytes(200)]));
    const report = await checkPaths(
      [join(dir, 'broken.xlsx'), join(dir, 'missing.csv'), join(dir, 'sale.csv')],
      await registry.load(),
      key,
      analyzer,
    );
    expect(report.problems.map((p) => p.file)).toEqual([join(dir, 'broken.xlsx'), join(dir, 'missing.csv')]);
    expect(report.targets.map((t) => t.labels[0])).toEqual(['nightly-export']);
  });

  it('reports nothing for data that was never planted, names included', async () => {
    const rng = createSeededRng(99);
    const lines = ['name,phone,id'];
    for (let i = 0; i < 300; i++)
      lines.push(`${generateChineseName(rng)},${generateMobile(rng)},${generateResidentId(rng)}`);
    writeFileSync(join(dir, 'other.csv'), `${lines.join('\n')}\n`);
    const report = await checkPaths([join(dir, 'other.csv')], await registry.load(), key, analyzer);
    expect(report.targets).toEqual([]);
    expect(report.records).toBe(300);
  });

  it('refuses a table without mappable columns and an unknown target', async () => {
    const db = new Database(join(dir, 'crm.db'));
    db.exec('CREATE TABLE t (a TEXT, b TEXT)');
    db.close();
    await expect(
      plantCanaries({
        key,
        registry,
        label: 'x',
        count: 1,
        into: `sqlite:${join(dir, 'crm.db')}`,
        table: 't',
        cwd: dir,
      }),
    ).rejects.toMatchObject({ code: 'LG_USAGE' });
    await expect(
      plantCanaries({ key, registry, label: 'x', count: 1, into: join(dir, 'a.xlsx'), cwd: dir }),
    ).rejects.toMatchObject({
      code: 'LG_USAGE',
    });
  });
});

describe('createCanaryWatch', () => {
  it('names the plant whose canary is read, and nothing for other text', async () => {
    let printed = '';
    await plantCanaries({
      key,
      registry,
      label: 'manual',
      count: 2,
      into: '-',
      cwd: dir,
      print: (t) => void (printed = t),
    });
    const rec = JSON.parse(printed.split('\n')[0] as string) as { email: string; resident_id: string };
    const watch = createCanaryWatch(await registry.load(), key);
    expect(watch.match(`{"user":{"mail":"${rec.email}"}}`)).toMatchObject([{ label: 'manual', fields: ['email'] }]);
    expect(watch.match(`id ${rec.resident_id.toLowerCase()}`).map((a) => a.label)).toEqual(['manual']);
    expect(watch.match('13812345678 li@example.cn')).toEqual([]);
  });
});
