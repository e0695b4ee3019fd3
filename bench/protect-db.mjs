// Protected copy of a PostgreSQL table, rows/s: `protectTable` copying a generated table (1,000,000 rows by
// default) into `<table>_protected` in primary-key order, one transaction per batch, on one core. Two policies
// over the same table: column rules only (keyed hash of `phone`, redact `email`), and column rules plus detection
// over the free-text `note` column (a mobile number and an e-mail address in each note, fpe and hash).
//
// Run after `npm run build`:
//   node bench/protect-db.mjs                       # 1,000,000 rows on $LEAKGUARD_BENCH_PG_URL
//   node bench/protect-db.mjs --rows 100000 --batch 5000 --json
// LEAKGUARD_DIST=path overrides ../dist; the database is LEAKGUARD_BENCH_PG_URL, else LEAKGUARD_TEST_PG_URL,
// else postgres://postgres@127.0.0.1:5432/test. The generated tables are dropped at the end. Values are
// synthetic (generated in SQL from the row number). Nothing asserts a time: it is a benchmark, not a test.

import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { load, numArg } from './args.mjs';

const args = process.argv.slice(2);
const num = (name, dflt) => numArg(args, name, dflt, { integer: true });
const ROWS = num('--rows', 1_000_000);
const BATCH = num('--batch', 5000);
const JSON_OUT = args.includes('--json');
const URL =
  process.env.LEAKGUARD_BENCH_PG_URL ?? process.env.LEAKGUARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (s) => process.stderr.write(`${s}\n`);

const { protectTable } = await load('protect/db/index.js');
const { parsePolicy } = await load('protect/policy.js');
const { createAnalyzer } = await load('detect/analyzer.js');
const { builtinRecognizers } = await load('detect/presets.js');

const ENV = { LEAKGUARD_KEY: 'b3'.repeat(32) };
const COLUMNS_ONLY = `keys: { main: { env: LEAKGUARD_KEY } }
rules:
  - { column: phone, action: hash, key: main, options: { length: 16 } }
  - { column: email, action: redact }
  - { column: note, action: keep }
`;
const WITH_DETECTION = `keys: { main: { env: LEAKGUARD_KEY } }
rules:
  - { column: phone, action: hash, key: main, options: { length: 16 } }
  - { column: email, action: redact }
  - { type: CN_MOBILE, action: fpe, key: main }
  - { type: EMAIL_ADDRESS, action: hash, key: main, options: { length: 16 } }
default: { action: redact }
`;

const table = `lg_bench_protect_${process.pid}`;
const client = new pg.Client(URL);
await client.connect();
const results = [];
try {
  log(`generating ${ROWS.toLocaleString('en-US')} rows in ${table} …`);
  await client.query(`DROP TABLE IF EXISTS ${table}, ${table}_protected`);
  await client.query(
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, phone varchar(20), email varchar(80), note text, amount numeric(12,2), created date)`,
  );
  // Synthetic values from the row number: 139xxxxxxxx mobiles, user<n>@example.com addresses.
  await client.query(
    `INSERT INTO ${table}
     SELECT g, '139' || lpad((g * 7919 % 100000000)::text, 8, '0'), 'user' || g || '@example.com',
            '客户来电 139' || lpad((g * 104729 % 100000000)::text, 8, '0') || '，回复至 u' || g || '@example.org',
            (g % 100000) / 100.0, date '2020-01-01' + (g % 1500)::int
     FROM generate_series(1, $1::bigint) g`,
    [ROWS],
  );
  await client.query(`ANALYZE ${table}`);
  const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
  for (const [name, text] of [
    ['column rules', COLUMNS_ONLY],
    ['column rules + detection in note', WITH_DETECTION],
  ]) {
    const policy = parsePolicy(text, 'bench.yaml', { env: ENV });
    const t0 = performance.now();
    const r = await protectTable({
      url: URL,
      tables: [table],
      mode: 'protect',
      policy,
      analyzer,
      batchRows: BATCH,
      force: true,
    });
    const s = (performance.now() - t0) / 1000;
    const rows = r.tables[0].rows;
    const rps = Math.round(rows / s);
    results.push({ name, rows, seconds: Number(s.toFixed(2)), rowsPerSecond: rps });
    log(`${name}: ${rows.toLocaleString('en-US')} rows in ${s.toFixed(1)} s = ${rps.toLocaleString('en-US')} rows/s`);
  }
} finally {
  await client.query(`DROP TABLE IF EXISTS ${table}, ${table}_protected`).catch(() => undefined);
  await client.end();
}
if (JSON_OUT) process.stdout.write(`${JSON.stringify({ bench: 'protect-db', batchRows: BATCH, results }, null, 2)}\n`);
else for (const r of results) process.stdout.write(`protect-db copy (${r.name}): ${r.rowsPerSecond} rows/s\n`);
