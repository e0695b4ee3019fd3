/**
 * Canary records on the machine's PostgreSQL and MariaDB: plant into a real table through the CLI command, leak a
 * random 1% sample of the table plus unrelated noise, and `canary check` must name that table (and only it); a
 * 1% sample of a table that was never planted must name none. The PostgreSQL run keeps its registry in a
 * PostgreSQL catalog, the MariaDB run in SQLite.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { canaryCommand } from '../../src/cli/commands/canary.js';
import { generateMobile, generateResidentId } from '../../src/synth/cn.js';
import { createSeededRng, type Rng } from '../../src/synth/rng.js';
import { generateChineseAddress, generateChineseName } from '../../src/synth/text.js';
import { runLeakCommand } from '../support/leak-cli.js';
import { MYSQL_URL, PG_URL, requireService } from '../support/services.js';

const SUFFIX = `${process.pid}_${Date.now().toString(36)}`;
const ENV = { LEAKGUARD_CANARY_KEY: randomBytes(32).toString('hex') };
const REAL_ROWS = 5000;
const CANARIES = 500;
const dirs: string[] = [];

interface Db {
  readonly url: string;
  readonly q: (id: string) => string;
  exec(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
  readonly autoId: string;
}

async function openPg(): Promise<Db> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 10_000 });
  await c.connect();
  return {
    url: PG_URL,
    q: (id) => `"${id}"`,
    autoId: 'BIGSERIAL PRIMARY KEY',
    exec: async (sql, params = []) => {
      let n = 0;
      return (
        await c.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    },
    close: () => c.end(),
  };
}

async function openMysql(): Promise<Db> {
  const c = await mysql.createConnection({ uri: MYSQL_URL, dateStrings: true, connectTimeout: 10_000 });
  return {
    url: MYSQL_URL,
    q: (id) => `\`${id}\``,
    autoId: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
    exec: async (sql, params = []) => {
      const [rows] = await c.query(sql, params);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    close: () => c.end(),
  };
}

function person(rng: Rng, i: number): unknown[] {
  return [
    generateChineseName(rng),
    generateMobile(rng),
    generateResidentId(rng),
    `u${i}.${rng.int(1e6)}@mail.cn`,
    generateChineseAddress(rng),
  ];
}

async function createTable(db: Db, name: string, seed: number): Promise<void> {
  const q = db.q;
  await db.exec(`DROP TABLE IF EXISTS ${q(name)}`);
  await db.exec(
    `CREATE TABLE ${q(name)} (id ${db.autoId}, full_name VARCHAR(64), mobile VARCHAR(32), id_card VARCHAR(32), email VARCHAR(128), address VARCHAR(255), vip INTEGER DEFAULT 0)`,
  );
  const rng = createSeededRng(seed);
  for (let start = 0; start < REAL_ROWS; start += 500) {
    const rows: unknown[][] = [];
    for (let i = start; i < start + 500; i++) rows.push(person(rng, i));
    await db.exec(
      `INSERT INTO ${q(name)} (full_name, mobile, id_card, email, address) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      rows.flat(),
    );
  }
}

/** A seeded 1% sample of the table, written as the CSV a seller would show, plus unrelated noise files. */
async function leakSample(db: Db, table: string, seed: number): Promise<{ dir: string; ids: number[] }> {
  const rows = await db.exec(`SELECT id, full_name, mobile, id_card, email, address FROM ${db.q(table)} ORDER BY id`);
  const rng = createSeededRng(seed);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j] as Record<string, unknown>, rows[i] as Record<string, unknown>];
  }
  const sample = rows.slice(0, Math.ceil(rows.length / 100));
  const dir = mkdtempSync(join(tmpdir(), 'lg-leak-sample-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'noise'));
  writeFileSync(
    join(dir, 'sample.csv'),
    `姓名,手机号,身份证号,邮箱,地址\n${sample.map((r) => [r.full_name, r.mobile, r.id_card, r.email, r.address].join(',')).join('\n')}\n`,
  );
  const noise = createSeededRng(seed + 1);
  writeFileSync(
    join(dir, 'noise', 'other-shop.ndjson'),
    `${Array.from({ length: 300 }, (_, i) => JSON.stringify(Object.fromEntries(['name', 'phone', 'idno', 'mail', 'addr'].map((k, j) => [k, person(noise, i)[j]])))).join('\n')}\n`,
  );
  writeFileSync(join(dir, 'noise', 'readme.txt'), '样本数据，完整库 2.3 亿条，联系 TG 购买\nfresh 2026 dump\n');
  return { dir, ids: sample.map((r) => Number(r.id)) };
}

for (const [name, open, catalogOf] of [
  ['PostgreSQL', openPg, () => PG_URL],
  ['MariaDB', openMysql, () => join(mkdtempSync(join(tmpdir(), 'lg-canary-cat-')), 'catalog.db')],
] as const) {
  describe(`canary on ${name}`, () => {
    let db: Db | undefined;
    const planted = `lg_canary_crm_${SUFFIX}`;
    const other = `lg_canary_other_${SUFFIX}`;
    const catalog = catalogOf();
    const label = `crm-${name.toLowerCase()}-${SUFFIX}`;
    let plantId = '';

    afterAll(async () => {
      if (db) {
        await db.exec(`DROP TABLE IF EXISTS ${db.q(planted)}`).catch(() => undefined);
        await db.exec(`DROP TABLE IF EXISTS ${db.q(other)}`).catch(() => undefined);
        if (name === 'PostgreSQL' && plantId) {
          await db.exec('DELETE FROM lg_canary_values WHERE plant_id = ?', [plantId]).catch(() => undefined);
          await db.exec('DELETE FROM lg_canary_plants WHERE plant_id = ?', [plantId]).catch(() => undefined);
        }
        await db.close();
      }
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    it('names the planted table from a 1% sample plus noise, and none for an unplanted table', async () => {
      db = await requireService(
        name,
        name === 'PostgreSQL' ? PG_URL : MYSQL_URL,
        name === 'PostgreSQL' ? 'LEAKGUARD_TEST_PG_URL' : 'LEAKGUARD_TEST_MYSQL_URL',
        open,
      );
      await createTable(db, planted, 1);
      await createTable(db, other, 2);

      const plant = await runLeakCommand(
        canaryCommand,
        [
          'plant',
          '--into',
          db.url,
          '--table',
          planted,
          '--count',
          String(CANARIES),
          '--label',
          label,
          '--catalog',
          catalog,
          '--json',
        ],
        { cwd: tmpdir(), env: ENV },
      );
      expect(plant.stderr).toContain('Planted');
      expect(plant.exitCode).toBe(0);
      const summary = JSON.parse(plant.stdout) as {
        plantId: string;
        columns: Record<string, string>;
        plantedAt: string;
      };
      plantId = summary.plantId;
      expect(summary.columns).toEqual({
        full_name: 'name',
        mobile: 'phone',
        id_card: 'resident_id',
        email: 'email',
        address: 'address',
      });
      const count = await db.exec(`SELECT count(*) AS n FROM ${db.q(planted)}`);
      expect(Number(count[0]?.n)).toBe(REAL_ROWS + CANARIES);

      const leak = await leakSample(db, planted, 7);
      // The sample holds canary rows (ids after the real ones): the check must find them.
      const canaryRows = leak.ids.filter((id) => id > REAL_ROWS).length;
      expect(canaryRows).toBeGreaterThan(0);
      const check = await runLeakCommand(canaryCommand, ['check', leak.dir, '--catalog', catalog, '--json'], {
        cwd: tmpdir(),
        env: ENV,
      });
      expect(check.exitCode).toBe(1);
      const report = JSON.parse(check.stdout) as {
        targets: {
          target: string;
          labels: string[];
          leakedAfter: string;
          confidence: number;
          wholeRecords: number;
          evidence: { preview: string }[];
        }[];
      };
      const ours = report.targets.filter((t) => t.labels.includes(label));
      expect(ours).toHaveLength(1);
      expect(report.targets.filter((t) => t.target.includes(SUFFIX))).toHaveLength(1);
      expect(ours[0]?.target).toContain(planted);
      expect(ours[0]?.leakedAfter).toBe(summary.plantedAt);
      expect(ours[0]?.wholeRecords).toBe(canaryRows);
      expect(ours[0]?.confidence).toBeGreaterThan(0.99);
      // A whole token only: keyed hashes and ids are hex, where 11 digits in a row can occur inside a longer run.
      expect(check.stdout).not.toMatch(/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/);

      const clean = await leakSample(db, other, 8);
      const none = await runLeakCommand(canaryCommand, ['check', clean.dir, '--catalog', catalog, '--json'], {
        cwd: tmpdir(),
        env: ENV,
      });
      const noneReport = JSON.parse(none.stdout) as { targets: { target: string }[] };
      expect(noneReport.targets).toEqual([]);
      expect(none.exitCode).toBe(0);
    });
  });
}
