/**
 * End to end: `leakguard protect` / `reveal` / `policy check` through the CLI on the example company's files and
 * generated ones, then the safety check: detection over every output finds no original value of a protected
 * type (synthetic values are found, and are not originals).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { detect } from '../../src/detect/index.js';
import { isLuhnValid } from '../../src/detect/validators/luhn.js';
import { isMod112Valid } from '../../src/detect/validators/mod11-2.js';
import { readFileFragments } from '../../src/sources/formats/read.js';
import type { Fragment } from '../../src/sources/source.js';
import { generateMobile, generatePassport, generateResidentId, randomDate } from '../../src/synth/cn.js';
import { createSeededRng } from '../../src/synth/rng.js';

const env = { LEAKGUARD_KEY: '5e'.repeat(32) };
const EXAMPLES = resolve('examples/company');
const POLICY = resolve('examples/policy.yaml');

/** The clear values of each type detection finds in a list of texts. */
function found(texts: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of texts) {
    for (const f of detect(t)) {
      if (f.masked) continue;
      let s = out.get(f.type);
      if (!s) out.set(f.type, (s = new Set()));
      s.add(t.slice(f.start, f.end));
    }
  }
  return out;
}

/** Texts of a file as the scanner reads it (cells, leaves, lines). */
async function texts(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const item of readFileFragments(path)) {
    if ('problem' in item) throw new Error(`cannot read ${path}: ${item.problem}`);
    out.push((item as Fragment).text);
  }
  return out;
}

/** Types whose original values detection still finds in the output (types only, never values). */
function leaked(before: Map<string, Set<string>>, after: Map<string, Set<string>>): string[] {
  const all = new Set<string>();
  for (const s of before.values()) for (const v of s) all.add(v);
  const out: string[] = [];
  for (const [type, values] of after) for (const v of values) if (all.has(v)) out.push(type);
  return out;
}

function generated(dir: string): { log: string; parquet: string } {
  const rng = createSeededRng(2024);
  const lines: string[] = [];
  const ids: string[] = [];
  const mobiles: string[] = [];
  for (let i = 0; i < 400; i++) {
    const id = generateResidentId(rng, { birthDate: randomDate(rng, 1950, 2005) });
    const mobile = generateMobile(rng);
    ids.push(id);
    mobiles.push(mobile);
    lines.push(
      i % 3 === 0
        ? `2024-11-29T10:${String(i % 60).padStart(2, '0')}:00Z INFO 实名认证 身份证号=${id} 手机=${mobile}`
        : i % 3 === 1
          ? `2024-11-29T10:00:00Z WARN passport ${generatePassport(rng)} checked for user ${mobile}`
          : `2024-11-29T10:00:00Z DEBUG health check ok latency=${i}ms`,
    );
  }
  const log = join(dir, 'app.log');
  writeFileSync(log, `${lines.join('\n')}\n`);
  const parquet = join(dir, 'people.parquet');
  writeFileSync(
    parquet,
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: '身份证号', data: ids, type: 'STRING' },
          { name: '手机', data: mobiles, type: 'STRING' },
          { name: 'n', data: ids.map((_, i) => i), type: 'INT32' },
        ],
        rowGroupSize: 100,
      }),
    ),
  );
  return { log, parquet };
}

describe('leakguard protect (end to end)', () => {
  it('protect leaves no original value detectable in any format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-e2e-protect-'));
    const { log, parquet } = generated(dir);
    const inputs = [
      join(EXAMPLES, 'customers.csv'),
      join(EXAMPLES, 'app.ndjson'),
      join(EXAMPLES, 'vehicles.xlsx'),
      log,
      parquet,
    ];
    for (const input of inputs) {
      const name = input.slice(input.lastIndexOf('/') + 1);
      const output = join(dir, `protected-${name}`);
      const r = await runCli(['protect', input, '-o', output, '--policy', POLICY], '', { cwd: dir, env });
      expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
      const before = found(await texts(input));
      const after = found(await texts(output));
      expect(before.size, name).toBeGreaterThan(0);
      expect(leaked(before, after), name).toEqual([]);
      // Whole-file detection too (tables read as text give the column recognizer its headers).
      if (/\.(csv|ndjson|log)$/.test(name)) {
        expect(leaked(found([readFileSync(input, 'utf8')]), found([readFileSync(output, 'utf8')])), name).toEqual([]);
      }
      // Synthetic values are still there and recognised: pseudonymised IDs are valid resident IDs.
      if (name === 'customers.csv') expect(after.get('CN_RESIDENT_ID')?.size).toBe(before.get('CN_RESIDENT_ID')?.size);
    }
  });

  it('protect writes valid synthetic identifiers: pseudonyms and fpe with preserveCheck', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-e2e-protect-'));
    const out = join(dir, 'c.csv');
    const r = await runCli(['protect', join(EXAMPLES, 'customers.csv'), '-o', out, '-p', POLICY], '', {
      cwd: dir,
      env,
    });
    expect(r.exitCode).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(isMod112Valid(row[2] as string)).toBe(true);
      expect(isLuhnValid(row[4] as string)).toBe(true);
    }
  });

  it('reveal restores CSV, NDJSON and XLSX protected with reversible rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-e2e-reveal-'));
    writeFileSync(
      join(dir, 'policy.yaml'),
      `keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { type: CN_RESIDENT_ID, action: fpe, key: main, options: { preserveCheck: true } }\n  - { type: [CN_BANK_CARD, CREDIT_CARD], action: fpe, key: main, options: { preserveCheck: true } }\n  - { type: CN_PASSPORT, action: tokenize, key: main }\ndefault: { action: encrypt, key: main }\n`,
    );
    for (const name of ['customers.csv', 'app.ndjson', 'vehicles.xlsx']) {
      const input = join(EXAMPLES, name);
      const mid = join(dir, `mid-${name}`);
      const back = join(dir, `back-${name}`);
      const p = await runCli(['protect', input, '-o', mid, '-p', 'policy.yaml'], '', { cwd: dir, env });
      expect(p.exitCode, p.stderr).toBe(0);
      expect(leaked(found(await texts(input)), found(await texts(mid)))).toEqual([]);
      const r = await runCli(['reveal', mid, '-o', back, '-p', 'policy.yaml', '--actor', 'e2e'], '', { cwd: dir, env });
      expect(r.exitCode, r.stderr).toBe(0);
      if (name.endsWith('.xlsx')) expect(await texts(back)).toEqual(await texts(input));
      else expect(readFileSync(back, 'utf8')).toBe(readFileSync(input, 'utf8'));
    }
    const audit = readFileSync(join(dir, '.leakguard', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(audit).toHaveLength(3);
    // Tokens live in the catalog database (its lg_token_vault table), not in a separate vault file.
    const db = new Database(join(dir, '.leakguard', 'catalog.db'), { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'lg_token_vault'").pluck().get()).toBe(
      'lg_token_vault',
    );
    db.close();
    expect(existsSync(join(dir, '.leakguard', 'vault.db'))).toBe(false);
  });

  it('reveal restores fpe without preserveCheck by column and JSON path, and warns where free text hides it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-e2e-fpe-'));
    const rng = createSeededRng(77);
    const mobiles = Array.from({ length: 5 }, () => generateMobile(rng));
    // fpe over all 11 digits: 13812345678 → 11 digits that no longer look like a mobile number.
    writeFileSync(
      join(dir, 'policy.yaml'),
      'keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { type: CN_MOBILE, action: fpe, key: main }\n  - { column: [phone, $.user.phone], action: fpe, key: main }\ndefault: { action: keep }\n',
    );
    const csv = `id,phone\n${mobiles.map((m, i) => `${i},${m}`).join('\n')}\n`;
    const ndjson = mobiles.map((m, i) => JSON.stringify({ id: i, user: { phone: m } })).join('\n') + '\n';
    const log = mobiles.map((m) => `2024-11-29T10:00:00Z INFO sms sent to 手机 ${m}`).join('\n') + '\n';
    writeFileSync(join(dir, 'in.csv'), csv);
    writeFileSync(join(dir, 'in.ndjson'), ndjson);
    writeFileSync(join(dir, 'in.log'), log);

    const check = await runCli(['policy', 'check', 'policy.yaml'], '', { cwd: dir, env });
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toContain('rules[0]: fpe of CN_MOBILE writes values that do not look like their type');

    for (const [name, original] of [
      ['in.csv', csv],
      ['in.ndjson', ndjson],
    ] as const) {
      const p = await runCli(['protect', name, '-o', `mid-${name}`, '-p', 'policy.yaml'], '', { cwd: dir, env });
      expect(p.exitCode, p.stderr).toBe(0);
      const mid = readFileSync(join(dir, `mid-${name}`), 'utf8');
      for (const m of mobiles) expect(mid).not.toContain(m);
      // Most protected values are no longer found by detection: reveal goes by the column rule / JSON path.
      expect(detect(mid).filter((f) => f.type === 'CN_MOBILE').length).toBeLessThan(mobiles.length);
      const r = await runCli(['reveal', `mid-${name}`, '-o', `back-${name}`, '-p', 'policy.yaml'], '', {
        cwd: dir,
        env,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toContain('5 values revealed');
      expect(readFileSync(join(dir, `back-${name}`), 'utf8')).toBe(original);
    }

    // Parquet: the same by column, typed cells kept.
    writeFileSync(
      join(dir, 'in.parquet'),
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: mobiles.map((_, i) => i), type: 'INT32' },
            { name: 'phone', data: mobiles, type: 'STRING' },
          ],
        }),
      ),
    );
    const pq = await runCli(['protect', 'in.parquet', '-o', 'mid.parquet', '-p', 'policy.yaml'], '', { cwd: dir, env });
    expect(pq.exitCode, pq.stderr).toBe(0);
    for (const m of mobiles) expect((await texts(join(dir, 'mid.parquet'))).join('\n')).not.toContain(m);
    const rq = await runCli(['reveal', 'mid.parquet', '-o', 'back.parquet', '-p', 'policy.yaml'], '', {
      cwd: dir,
      env,
    });
    expect(rq.exitCode, rq.stderr).toBe(0);
    expect(await texts(join(dir, 'back.parquet'))).toEqual(await texts(join(dir, 'in.parquet')));

    // Free text: the type rule protects, and both directions say reveal cannot find these values again.
    const p = await runCli(['protect', 'in.log', '-o', 'mid.log', '-p', 'policy.yaml'], '', { cwd: dir, env });
    expect(p.exitCode, p.stderr).toBe(0);
    expect(p.stderr).toContain(
      '5 value(s) in "in.log" were protected by rules[0] (fpe of CN_MOBILE, line 4) in free text, where reveal cannot find them again',
    );
    for (const m of mobiles) expect(readFileSync(join(dir, 'mid.log'), 'utf8')).not.toContain(m);
    const r = await runCli(['reveal', 'mid.log', '-o', 'back.log', '-p', 'policy.yaml'], '', { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    // Only an output that happens to look like a mobile again is found; the rest stay protected, and it says so.
    expect(Number(/(\d+) values? revealed/.exec(r.stderr)?.[1])).toBeLessThan(mobiles.length);
    expect(readFileSync(join(dir, 'back.log'), 'utf8')).not.toBe(log);
    expect(r.stderr).toContain('cannot be found by reveal and stay protected in "mid.log"');
  });

  it('reveal with the wrong key fails closed: exit 2, LG_REVEAL_FAILED, no output, a failed audit record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-e2e-wrongkey-'));
    writeFileSync(
      join(dir, 'policy.yaml'),
      'keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { type: CN_RESIDENT_ID, action: encrypt, key: main }\n  - { type: CN_PASSPORT, action: tokenize, key: main }\n  - { column: phone, action: encrypt, key: main }\ndefault: { action: keep }\n',
    );
    const rng = createSeededRng(78);
    const rows = Array.from({ length: 3 }, (_, i) => `${i},${generateMobile(rng)},${generatePassport(rng)}`);
    writeFileSync(join(dir, 'in.csv'), `id,phone,护照\n${rows.join('\n')}\n`);
    writeFileSync(
      join(dir, 'in.log'),
      `start\nuser 身份证 ${generateResidentId(rng, { birthDate: randomDate(rng, 1960, 1990) })} logged in\n`,
    );
    const wrong = { LEAKGUARD_KEY: '6f'.repeat(32) };
    for (const [input, where] of [
      ['in.csv', /row 1 \(line 2\), column "phone"/],
      ['in.log', /"mid-in\.log" line 2/],
    ] as const) {
      const p = await runCli(['protect', input, '-o', `mid-${input}`, '-p', 'policy.yaml'], '', { cwd: dir, env });
      expect(p.exitCode, p.stderr).toBe(0);
      const r = await runCli(['reveal', `mid-${input}`, '-o', `back-${input}`, '-p', 'policy.yaml'], '', {
        cwd: dir,
        env: wrong,
      });
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error LG_REVEAL_FAILED: Cannot reveal /);
      expect(r.stderr).toMatch(where);
      expect(existsSync(join(dir, `back-${input}`))).toBe(false);
      // The same to standard output: non-zero, stopped at the first value that does not open.
      const s = await runCli(['reveal', `mid-${input}`, '-o', '-', '-p', 'policy.yaml'], '', { cwd: dir, env: wrong });
      expect(s.exitCode).toBe(2);
      expect(s.stderr).toContain('LG_REVEAL_FAILED');
    }
    const audit = readFileSync(join(dir, '.leakguard', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { outcome: string; error?: string });
    // Two file reveals and two reveals to standard output, each recorded as failed with the code.
    expect(audit.filter((a) => a.outcome === 'failed').map((a) => a.error)).toEqual([
      'LG_REVEAL_FAILED',
      'LG_REVEAL_FAILED',
      'LG_REVEAL_FAILED',
      'LG_REVEAL_FAILED',
    ]);
  });

  it('tokens written with examples/policy.yaml are revealed by a later run (the vault is the catalog database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-e2e-example-'));
    const rng = createSeededRng(79);
    const passports = Array.from({ length: 3 }, () => generatePassport(rng));
    const log = passports.map((p) => `2024-11-29T10:00:00Z WARN passport ${p} checked`).join('\n') + '\n';
    writeFileSync(join(dir, 'in.log'), log);
    const p = await runCli(['protect', 'in.log', '-o', 'mid.log', '-p', POLICY], '', { cwd: dir, env });
    expect(p.exitCode, p.stderr).toBe(0);
    const mid = readFileSync(join(dir, 'mid.log'), 'utf8');
    for (const x of passports) expect(mid).not.toContain(x);
    expect(mid).toMatch(/tok:main:[a-z2-7]{26}/);
    const r = await runCli(['reveal', 'mid.log', '-o', 'back.log', '-p', POLICY], '', { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'back.log'), 'utf8')).toBe(log);
  });

  it('bad input gives located errors and leaves no output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-e2e-bad-'));
    writeFileSync(
      join(dir, 'unknown.yaml'),
      'rules:\n  - { type: CN_MOBILE, action: mask }\n  - { type: CN_PHONE, action: mask }\n',
    );
    writeFileSync(
      join(dir, 'short.yaml'),
      'keys:\n  k: { file: k.key }\nrules:\n  - { type: CN_MOBILE, action: hash }\n',
    );
    writeFileSync(join(dir, 'k.key'), '00'.repeat(20), { mode: 0o600 });
    writeFileSync(join(dir, 'ok.yaml'), 'rules:\n  - { type: CN_MOBILE, action: mask }\n');
    writeFileSync(join(dir, 'rows.csv'), 'a,b\n1,2\n3,4,5\n');
    writeFileSync(join(dir, 'lines.ndjson'), '{"a":1}\n{"a":2}\n{oops}\n');
    const cases: [string[], RegExp][] = [
      [
        ['policy', 'check', 'unknown.yaml'],
        /LG_POLICY_INVALID.*line 3, rules\[1\]\.type: unknown entity type "CN_PHONE"/,
      ],
      [
        ['protect', 'rows.csv', '-o', 'o.csv', '-p', 'short.yaml'],
        /LG_KEY_INVALID.*the key has 20 bytes after decoding, expected at least 32/,
      ],
      [
        ['protect', 'rows.csv', '-o', 'o.csv', '-p', 'ok.yaml'],
        /LG_INPUT_INVALID: Cannot protect "rows.csv": row 2 \(line 3\) has 3 fields, expected 2/,
      ],
      [
        ['protect', 'lines.ndjson', '-o', 'o.ndjson', '-p', 'ok.yaml'],
        /LG_INPUT_INVALID: Cannot protect "lines.ndjson": line 3 is not one JSON value/,
      ],
    ];
    for (const [argv, expected] of cases) {
      const r = await runCli(argv, '', { cwd: dir, env });
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(expected);
    }
    expect(existsSync(join(dir, 'o.csv')) || existsSync(join(dir, 'o.ndjson'))).toBe(false);
    const redacted = await runCli(
      ['protect', 'lines.ndjson', '-o', 'o.ndjson', '-p', 'ok.yaml', '--on-error', 'redact'],
      '',
      {
        cwd: dir,
        env,
      },
    );
    expect(redacted.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'o.ndjson'), 'utf8')).toBe('{"a":1}\n{"a":2}\n\n');
    expect(redacted.stderr).toContain('1 bad record was handled by --on-error: line 3');
  });
});
