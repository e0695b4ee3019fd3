/**
 * The shared SQL source suite (drizzle style): one set of tests, run unchanged against every dialect —
 * SQLite in the main suite (`src/sources/sqlite/sqlite-source.test.ts`), PostgreSQL and MariaDB/MySQL in
 * `test/integration/db-sources.test.ts`. A target supplies a fresh namespace, admin SQL and dialect type names.
 *
 * All data is synthetic: phone numbers and card numbers below are made up (the card passes no Luhn check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../../core/errors.js';
import { type Fragment, isProblem, type Problem, type Unit } from '../../source.js';
import type { SqlSource, SqlSourceOptions } from '../sql-source.js';

/** Dialect-specific column types used by the suite. */
export interface SuiteTypes {
  int: string;
  bigint: string;
  /** A short text usable in a primary key. */
  key: string;
  text: string;
  json: string;
  blob: string;
  timestamp: string;
  bool: string;
}

/** One database to run the suite against. */
export interface SuiteTarget {
  /** `SQLite`, `PostgreSQL`, `MariaDB`. */
  name: string;
  dialect: 'sqlite' | 'postgres' | 'mysql';
  types: SuiteTypes;
  /** A binary literal of the hex bytes. */
  blob(hex: string): string;
  /** Create a fresh namespace; returns a handle. */
  setup(): Promise<SuiteDb>;
}

/** A fresh namespace (schema, database or file) for one run. */
export interface SuiteDb {
  /** The schema name units and tables report (`main` for SQLite). */
  schema: string;
  /** The qualified, quoted name of a table in the namespace. */
  table(name: string): string;
  /** Quote an identifier. */
  quote(name: string): string;
  /** Run admin SQL (outside any source). */
  exec(sql: string): Promise<void>;
  /** Refresh planner statistics (ANALYZE). */
  analyze(table: string): Promise<void>;
  /** A source over the namespace. */
  source(options?: SqlSourceOptions): SqlSource;
  /** A statement that runs for far longer than 300 ms. */
  slowQuery: string;
  /** Terminate a server session (absent for SQLite, which has none). */
  kill?(backendId: number): Promise<void>;
  teardown(): Promise<void>;
}

type Item = Fragment | Problem;

async function collect(it: AsyncIterable<Item>): Promise<Item[]> {
  const out: Item[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function units(source: SqlSource): Promise<Unit[]> {
  const out: Unit[] = [];
  for await (const u of source.units()) out.push(u);
  return out;
}

function fragments(items: Item[]): Fragment[] {
  return items.filter((x): x is Fragment => !isProblem(x));
}

function problems(items: Item[]): Problem[] {
  return items.filter(isProblem);
}

/** Keys (`loc.key`) of the fragments of one field, in order. */
function keysOf(items: Item[], field: string): string[] {
  return fragments(items)
    .filter((f) => f.loc.field === field)
    .map((f) => f.loc.key ?? '');
}

/** Register the shared suite for one target. */
export function describeSqlSourceSuite(target: SuiteTarget): void {
  const T = target.types;
  describe(`SQL source conformance: ${target.name}`, () => {
    let db: SuiteDb;
    const BIG = 300;
    const PAIRS = 90;
    const NOKEY = 120;

    beforeAll(async () => {
      db = await target.setup();
      await db.exec(
        `CREATE TABLE ${db.table('people')} (id ${T.int} PRIMARY KEY, name ${T.text} NOT NULL, phone ${T.text}, ` +
          `profile ${T.json}, photo ${T.blob}, active ${T.bool}, updated_at ${T.timestamp})`,
      );
      await db.exec(
        `INSERT INTO ${db.table('people')} (id, name, phone, profile, photo, active, updated_at) VALUES ` +
          `(1, 'Li Wei', '13800138000', '{"contact":{"phone":"13912345678","emails":["li.wei@example.com"]},"card":6222021234567890123,"13700001111":"vip"}', ${target.blob('deadbeef')}, ${target.dialect === 'postgres' ? 'true' : '1'}, '2024-05-01 10:00:00'),` +
          ` (2, 'Wang Fang', NULL, NULL, NULL, NULL, '2024-05-02 11:30:00'),` +
          ` (3, 'Zhang San', '13600001234', '[{"k":"v"},"plain"]', NULL, NULL, NULL)`,
      );
      await db.exec(`CREATE TABLE ${db.table('big')} (id ${T.bigint} PRIMARY KEY, label ${T.text} NOT NULL)`);
      const bigRows = Array.from({ length: BIG }, (_, i) => `(${(i + 1) * 7}, 'row-${i + 1}')`);
      await db.exec(`INSERT INTO ${db.table('big')} (id, label) VALUES ${bigRows.join(', ')}`);
      await db.exec(
        `CREATE TABLE ${db.table('pairs')} (a ${T.int} NOT NULL, b ${T.key} NOT NULL, v ${T.text}, PRIMARY KEY (a, b))`,
      );
      const pairRows: string[] = [];
      for (let a = 1; a <= PAIRS / 3; a++)
        for (const b of ['x', 'y y', 'z,=']) pairRows.push(`(${a}, '${b}', 'v${a}${b}')`);
      await db.exec(`INSERT INTO ${db.table('pairs')} (a, b, v) VALUES ${pairRows.join(', ')}`);
      await db.exec(`CREATE TABLE ${db.table('nokey')} (label ${T.text}, n ${T.int})`);
      const nokeyRows = Array.from({ length: NOKEY }, (_, i) => `('nk-${i + 1}', ${i % 5})`);
      await db.exec(`INSERT INTO ${db.table('nokey')} (label, n) VALUES ${nokeyRows.join(', ')}`);
      await db.exec(`CREATE TABLE ${db.table('uniq')} (code ${T.key} NOT NULL, label ${T.text})`);
      await db.exec(`CREATE UNIQUE INDEX uniq_code ON ${db.table('uniq')} (code)`);
      await db.exec(
        `INSERT INTO ${db.table('uniq')} (code, label) VALUES ${Array.from({ length: 25 }, (_, i) => `('c${String(i).padStart(3, '0')}', 'u${i}')`).join(', ')}`,
      );
      for (const t of ['people', 'big', 'pairs', 'nokey', 'uniq']) await db.analyze(t);
    });

    afterAll(async () => {
      await db?.teardown();
    });

    it('`tables` introspects columns, kinds and keys when the namespace has tables', async () => {
      const source = db.source();
      try {
        const tables = await source.tables();
        const byName = new Map(tables.map((t) => [t.name, t]));
        expect([...byName.keys()].sort()).toEqual(['big', 'nokey', 'pairs', 'people', 'uniq']);
        const people = byName.get('people')!;
        expect(people.schema).toBe(db.schema);
        expect(people.keySource).toBe('primary');
        expect(people.key.map((k) => k.name)).toEqual(['id']);
        expect(people.key[0]!.integer).toBe(true);
        const kinds = Object.fromEntries(people.columns.map((c) => [c.name, c.kind]));
        expect(kinds).toMatchObject({
          name: 'text',
          phone: 'text',
          profile: 'json',
          photo: 'binary',
          active: 'boolean',
          updated_at: 'datetime',
        });
        expect(byName.get('pairs')!.key.map((k) => k.name)).toEqual(['a', 'b']);
        expect(byName.get('uniq')!.keySource).toBe('unique');
        expect(byName.get('uniq')!.key.map((k) => k.name)).toEqual(['code']);
        expect(['none', 'rowid']).toContain(byName.get('nokey')!.keySource);
      } finally {
        await source.close();
      }
    });

    it('`units` plans one credential-free sample unit per table when not full', async () => {
      const source = db.source({ sampleRows: 50 });
      try {
        const us = await units(source);
        expect(us.map((u) => u.kind)).toEqual(['table', 'table', 'table', 'table', 'table']);
        for (const u of us) {
          expect(u.id).toBe(`${u.asset}#sample`);
          expect(u.id).not.toMatch(/\/\/[^/]*@/);
          expect(JSON.parse(JSON.stringify(u))).toEqual(u);
          expect(u.params).toMatchObject({ schema: db.schema, mode: 'sample', rows: 50 });
        }
        const big = us.find((u) => u.params?.table === 'big')!;
        expect(big.fingerprint).toMatchObject({ rows: BIG, rowsExact: 1 });
        expect(typeof big.fingerprint?.schema).toBe('string');
        const people = us.find((u) => u.params?.table === 'people')!;
        expect(people.fingerprint).toMatchObject({ rows: 3, updatedColumn: 'updated_at' });
        expect(String(people.fingerprint?.maxUpdated)).toContain('2024-05-02');
      } finally {
        await source.close();
      }
    });

    it('`read` returns the requested number of distinct rows when sampling a bigger table', async () => {
      const source = db.source({ sampleRows: 50 });
      try {
        const unit = (await units(source)).find((u) => u.params?.table === 'big')!;
        const keys = keysOf(await collect(source.read(unit)), 'label');
        expect(keys).toHaveLength(50);
        expect(new Set(keys).size).toBe(50);
        for (const k of keys) expect(Number(k.slice(3)) % 7).toBe(0);
      } finally {
        await source.close();
      }
    });

    it('`read` samples distinct valid rows with the big-table strategy when the table exceeds randomSampleMaxRows', async () => {
      const source = db.source({ sampleRows: 40, randomSampleMaxRows: 10 });
      try {
        const unit = (await units(source)).find((u) => u.params?.table === 'big')!;
        const items = await collect(source.read(unit));
        const keys = keysOf(items, 'label');
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.length).toBeLessThanOrEqual(40);
        expect(new Set(keys).size).toBe(keys.length);
        for (const k of keys) expect(Number(k.slice(3)) % 7).toBe(0);
      } finally {
        await source.close();
      }
    });

    it('`read` returns every row exactly once when a table is read in full by key ranges', async () => {
      const source = db.source({ full: true, rangeRows: 64, batchRows: 10 });
      try {
        const ranges = (await units(source)).filter((u) => u.params?.table === 'big');
        expect(ranges.length).toBe(Math.ceil(BIG / 64) + (BIG % 64 === 0 ? 1 : 0));
        expect(ranges.every((u) => u.kind === 'table-range')).toBe(true);
        expect(ranges[0]!.id).toMatch(/#range=\(,448\]$/);
        expect(ranges.at(-1)!.id).toMatch(/#range=\([0-9]+,\]$/);
        expect(new Set(ranges.map((u) => u.id)).size).toBe(ranges.length);
        const keys: string[] = [];
        for (const u of ranges) keys.push(...keysOf(await collect(source.read(u)), 'label'));
        expect(keys).toHaveLength(BIG);
        expect(new Set(keys).size).toBe(BIG);
        const sum = keys.reduce((s, k) => s + Number(k.slice(3)), 0);
        expect(sum).toBe((7 * BIG * (BIG + 1)) / 2);
      } finally {
        await source.close();
      }
    });

    it('`read` covers a composite text key exactly once when ranges split inside a key prefix', async () => {
      const source = db.source({ full: true, rangeRows: 7, batchRows: 4, tables: ['pairs'] });
      try {
        const ranges = await units(source);
        expect(ranges.length).toBe(Math.ceil(PAIRS / 7) + (PAIRS % 7 === 0 ? 1 : 0));
        expect(ranges[1]!.id).toMatch(/#range=2$/);
        const keys: string[] = [];
        for (const u of ranges) keys.push(...keysOf(await collect(source.read(u)), 'v'));
        const expected: string[] = [];
        for (let a = 1; a <= PAIRS / 3; a++) for (const b of ['x', '"y y"', '"z,="']) expected.push(`a=${a},b=${b}`);
        expect(keys.sort()).toEqual(expected.sort());
      } finally {
        await source.close();
      }
    });

    it('`read` walks JSON columns into paths with exact big numbers when a row holds JSON', async () => {
      const source = db.source({ full: true, tables: ['people'] });
      try {
        const [unit] = await units(source);
        const items = await collect(source.read(unit!));
        const f = fragments(items);
        const at = (field: string) => f.filter((x) => x.loc.field === field && x.loc.key === 'id=1').map((x) => x.text);
        expect(at('profile.$.contact.phone')).toEqual(['13912345678']);
        expect(at('profile.$.contact.emails[0]')).toEqual(['li.wei@example.com']);
        expect(at('profile.$.card')).toEqual(['6222021234567890123']);
        expect(at('profile.$[*]')).toEqual(['13700001111', 'vip']);
        expect(
          f.filter((x) => x.loc.key === 'id=3' && x.loc.field?.startsWith('profile')).map((x) => [x.loc.field, x.text]),
        ).toEqual([
          ['profile.$[0].k', 'v'],
          ['profile.$[1]', 'plain'],
        ]);
        const phone = f.find((x) => x.loc.field === 'phone' && x.loc.key === 'id=1')!;
        expect(phone).toEqual({ text: '13800138000', loc: { row: 1, field: 'phone', key: 'id=1' }, structured: true });
      } finally {
        await source.close();
      }
    });

    it('`read` skips NULLs, booleans and binary columns and notes the binary column once', async () => {
      const source = db.source({ full: true, tables: ['people'] });
      try {
        const [unit] = await units(source);
        const items = await collect(source.read(unit!));
        const row2 = fragments(items).filter((x) => x.loc.key === 'id=2');
        expect(row2.map((x) => x.loc.field).sort()).toEqual(['id', 'name', 'updated_at']);
        expect(fragments(items).some((x) => x.loc.field === 'photo' || x.loc.field === 'active')).toBe(false);
        const notes = problems(items).filter((p) => p.problem === 'binary-skipped');
        expect(notes).toHaveLength(1);
        expect(notes[0]!.loc.field).toBe('photo');
        expect(JSON.stringify(items)).not.toContain('deadbeef');
      } finally {
        await source.close();
      }
    });

    it('`read` reads a table without a key as one unit with every row once and says so', async () => {
      const source = db.source({ full: true, batchRows: 16, tables: ['nokey'] });
      try {
        const us = await units(source);
        expect(us).toHaveLength(1);
        expect(us[0]!.kind).toBe('table');
        expect(us[0]!.id).toMatch(/#all$/);
        const items = await collect(source.read(us[0]!));
        expect(problems(items).map((p) => p.problem)).toEqual(['no-key']);
        const labels = fragments(items)
          .filter((x) => x.loc.field === 'label')
          .map((x) => x.text);
        expect(labels).toHaveLength(NOKEY);
        expect(new Set(labels).size).toBe(NOKEY);
      } finally {
        await source.close();
      }
    });

    it('`read` uses a NOT NULL unique index as the key when the table has no primary key', async () => {
      const source = db.source({ full: true, rangeRows: 10, tables: ['uniq'] });
      try {
        const us = await units(source);
        expect(us.map((u) => u.kind)).toEqual(['table-range', 'table-range', 'table-range']);
        const keys: string[] = [];
        for (const u of us) keys.push(...keysOf(await collect(source.read(u)), 'label'));
        expect(keys).toEqual(Array.from({ length: 25 }, (_, i) => `code=c${String(i).padStart(3, '0')}`));
      } finally {
        await source.close();
      }
    });

    it('`read` gives the same fragments on another source instance when the unit went through JSON', async () => {
      const a = db.source({ full: true, rangeRows: 100 });
      const b = db.source();
      try {
        const unit = (await units(a)).find((u) => u.params?.table === 'big' && u.params?.ordinal === 2)!;
        const shipped = JSON.parse(JSON.stringify(unit)) as Unit;
        expect(await collect(b.read(shipped))).toEqual(await collect(a.read(unit)));
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('`runReadOnly` refuses a write when run inside the source transaction', async () => {
      const source = db.source();
      try {
        const err = await source
          .runReadOnly((q) => q.query(`INSERT INTO ${db.table('big')} (id, label) VALUES (1, 'intruder')`))
          .catch((e: unknown) => e);
        expect(isLeakguardError(err)).toBe(true);
        expect((err as Error).message).toMatch(/read-only/);
        const rows = await source.runReadOnly((q) => q.query(`SELECT count(*) FROM ${db.table('big')} WHERE id = 1`));
        expect(Number(rows[0]![0])).toBe(0);
      } finally {
        await source.close();
      }
    });

    it('`runReadOnly` stops a statement when it exceeds the statement timeout', async () => {
      const source = db.source({ statementTimeoutMs: 300 });
      try {
        const err = await source.runReadOnly((q) => q.query(db.slowQuery)).catch((e: unknown) => e);
        expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_FAILED');
        expect((err as Error).message).toMatch(/statement timed out after 300 ms/);
        // The source is still usable afterwards.
        const rows = await source.runReadOnly((q) => q.query(`SELECT count(*) FROM ${db.table('people')}`));
        expect(Number(rows[0]![0])).toBe(3);
      } finally {
        await source.close();
      }
    });

    it('`units` changes a fingerprint when rows are added', async () => {
      const source = db.source({ tables: ['nokey'] });
      try {
        const [before] = await units(source);
        await db.exec(`INSERT INTO ${db.table('nokey')} (label, n) VALUES ('nk-extra', 9)`);
        const again = db.source({ tables: ['nokey'] });
        const [after] = await units(again);
        await again.close();
        expect(after!.id).toBe(before!.id);
        expect(after!.fingerprint?.rows).toBe(Number(before!.fingerprint?.rows) + 1);
        await db.exec(`DELETE FROM ${db.table('nokey')} WHERE label = 'nk-extra'`);
      } finally {
        await source.close();
      }
    });

    it('`units` selects tables by pattern and fails clearly when a named table is missing', async () => {
      const source = db.source({ tables: ['pe*', 'BIG'] });
      const missing = db.source({ tables: ['people', 'no_such_table'] });
      try {
        expect((await units(source)).map((u) => u.params?.table)).toEqual(['big', 'people']);
        const err = await units(missing).catch((e: unknown) => e);
        expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_UNREADABLE');
        expect((err as Error).message).toContain('"no_such_table"');
      } finally {
        await source.close();
        await missing.close();
      }
    });

    it('`read` rejects with the abort reason when the signal is aborted mid-read', async () => {
      const source = db.source({ full: true, rangeRows: 1000, batchRows: 5, tables: ['big'] });
      try {
        const [unit] = await units(source);
        const ac = new AbortController();
        let n = 0;
        const err = await (async () => {
          for await (const _ of source.read(unit!, ac.signal)) if (++n === 3) ac.abort(new Error('stop'));
        })().catch((e: unknown) => e);
        expect((err as Error).message).toBe('stop');
        expect(n).toBeLessThan(BIG);
      } finally {
        await source.close();
      }
    });

    it('`read` throws a TypeError when a unit belongs to another database', async () => {
      const source = db.source();
      try {
        const foreign: Unit = {
          id: 'postgres://elsewhere:5432/x/public.t#sample',
          kind: 'table',
          asset: 'postgres://elsewhere:5432/x/public.t',
          params: { schema: 'public', table: 't', mode: 'sample' },
        };
        await expect(collect(source.read(foreign))).rejects.toBeInstanceOf(TypeError);
      } finally {
        await source.close();
      }
    });

    if (target.dialect !== 'sqlite') {
      it('`read` resumes after the last key with every row once when the connection is killed mid-read', async () => {
        const sessions: number[] = [];
        const source = db.source({
          full: true,
          rangeRows: 1000,
          batchRows: 10,
          retryDelayMs: 10,
          tables: ['big'],
          onSession: ({ backendId }) => {
            if (backendId !== undefined) sessions.push(backendId);
          },
        });
        try {
          const [unit] = await units(source);
          const keys: string[] = [];
          let killed = false;
          for await (const item of source.read(unit!)) {
            if (isProblem(item) || item.loc.field !== 'label') continue;
            keys.push(item.loc.key!);
            if (keys.length === 15 && !killed) {
              killed = true;
              for (const id of sessions) await db.kill!(id);
            }
          }
          expect(killed).toBe(true);
          expect(sessions.length).toBeGreaterThanOrEqual(2);
          expect(keys).toHaveLength(BIG);
          expect(new Set(keys).size).toBe(BIG);
        } finally {
          await source.close();
        }
      });

      it('`read` reports the table and range when reconnecting keeps failing, and other units still read', async () => {
        const planner = db.source({ full: true, rangeRows: 100, tables: ['big'] });
        const us = await units(planner);
        await planner.close();
        let sabotage = true;
        const source = db.source({
          full: true,
          rangeRows: 100,
          batchRows: 10,
          retries: 2,
          retryDelayMs: 10,
          onSession: async ({ backendId }) => {
            if (sabotage && backendId !== undefined) await db.kill!(backendId);
          },
        });
        try {
          const err = await collect(source.read(us[1]!)).catch((e: unknown) => e);
          expect(isLeakguardError(err) && err.code).toBe('LG_SOURCE_FAILED');
          expect((err as Error).message).toContain(`table "${db.schema}.big" range (700,1400]`);
          expect((err as Error).message).toMatch(/connection lost.*after 3 attempts/);
          sabotage = false;
          const keys = keysOf(await collect(source.read(us[2]!)), 'label');
          expect(keys).toHaveLength(100);
        } finally {
          await source.close();
        }
      });
    }
  });
}
