import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ENV, filesIn, leaks, people, REVERSIBLE_POLICY, tempDir } from '../../protect/files/__fixtures__/data.js';
import { runCli } from '../testing.js';

const P = people(8);
const POLICY = `keys:
  main: { env: LEAKGUARD_KEY }
rules:
  - { type: CN_MOBILE, action: mask }
  - { type: CN_RESIDENT_ID, action: fpe, key: main, options: { preserveCheck: true } }
  - { type: CN_PASSPORT, action: tokenize, key: main }
default: { action: replace }
`;

function setup(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  writeFileSync(join(dir, 'reversible.yaml'), REVERSIBLE_POLICY.replace('vault: { memory: true }\n', ''));
  writeFileSync(
    join(dir, 'in.csv'),
    `手机,身份证号,护照\n${P.map((p) => `${p.mobile},${p.id},${p.passport}`).join('\n')}\n`,
  );
  return dir;
}

const originals = P.flatMap((p) => [p.mobile, p.id, p.passport]);

describe('leakguard protect', () => {
  it('protect writes the protected file, a summary on stderr, and tokens in the default vault', async () => {
    const dir = setup();
    const r = await runCli(['protect', 'in.csv', '-o', 'out.csv', '--policy', 'policy.yaml'], '', {
      cwd: dir,
      env: ENV,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^in\.csv → out\.csv \(csv, 8 rows\): 24 values protected \(by type: /);
    const out = readFileSync(join(dir, 'out.csv'), 'utf8');
    expect(leaks(out, originals)).toEqual({ detected: [], present: 0 });
    // The default vault is the catalog database: tokens sit in its lg_token_vault table, no vault.db beside it.
    const db = new Database(join(dir, '.leakguard', 'catalog.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM lg_token_vault').pluck().get()).toBe(8);
    db.close();
    expect(existsSync(join(dir, '.leakguard', 'vault.db'))).toBe(false);
    for (const v of originals) expect(r.stderr).not.toContain(v);
  });

  it('reveal moves the tokens of an old default vault.db into the catalog database once, then reveals', async () => {
    const dir = setup();
    // Earlier versions' default: a vault.db beside the catalog.
    const p = await runCli(
      ['protect', 'in.csv', '-o', 'out.csv', '-p', 'policy.yaml', '--vault', '.leakguard/vault.db'],
      '',
      { cwd: dir, env: ENV },
    );
    expect(p.exitCode, p.stderr).toBe(0);
    const r = await runCli(['reveal', 'out.csv', '-o', 'back.csv', '-p', 'policy.yaml'], '', { cwd: dir, env: ENV });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('reveal: moved 8 tokens from the old token vault');
    expect(r.stderr).toContain('the file is no longer used');
    expect(readFileSync(join(dir, 'back.csv'), 'utf8')).toContain(P[0]?.passport);
    const db = new Database(join(dir, '.leakguard', 'catalog.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM lg_token_vault').pluck().get()).toBe(8);
    db.close();
    const again = await runCli(['reveal', 'out.csv', '-o', 'back2.csv', '-p', 'policy.yaml'], '', {
      cwd: dir,
      env: ENV,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('moved');
    expect(readFileSync(join(dir, 'back2.csv'), 'utf8')).toBe(readFileSync(join(dir, 'back.csv'), 'utf8'));
  });

  it('protect fails before reading any data when a key is missing', async () => {
    const dir = setup();
    const r = await runCli(['protect', 'does-not-exist.csv', '-o', 'out.csv', '-p', 'policy.yaml'], '', {
      cwd: dir,
      env: {},
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error LG_KEY_MISSING: Cannot load key "main" from environment variable "LEAKGUARD_KEY"/);
    expect(filesIn(dir)).toEqual(['in.csv', 'policy.yaml', 'reversible.yaml']);
  });

  it('protect stops at a ragged row with exit 2 and the row number, leaving no output; skip lists it', async () => {
    const dir = setup();
    writeFileSync(join(dir, 'bad.csv'), `a,b\n1,2\n3\n4,5\n`);
    const r = await runCli(['protect', 'bad.csv', '-o', 'out.csv', '-p', 'policy.yaml'], '', { cwd: dir, env: ENV });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'error LG_INPUT_INVALID: Cannot protect "bad.csv": row 2 (line 3) has 1 fields, expected 2 (bad.csv:3)\nhint: Check the input format\n',
    );
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    const skip = await runCli(['protect', 'bad.csv', '-o', 'out.csv', '-p', 'policy.yaml', '--on-error', 'skip'], '', {
      cwd: dir,
      env: ENV,
    });
    expect(skip.exitCode).toBe(0);
    expect(skip.stderr).toContain('1 bad record was handled by --on-error: row 2 (line 3)');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('a,b\n1,2\n4,5\n');
  });

  it('protect validates its flags', async () => {
    const dir = setup();
    const cases: [string[], string][] = [
      [['protect', 'in.csv', '-p', 'policy.yaml'], 'give the output with -o FILE'],
      [['protect', 'in.csv', '-o', 'o.csv'], 'give the policy with --policy FILE'],
      [
        ['protect', 'in.csv', '-o', 'o.csv', '-p', 'policy.yaml', '--on-error', 'ignore'],
        'Invalid value for --on-error',
      ],
      [['protect', 'in.csv', '-o', 'o.csv', '-p', 'policy.yaml', '--format', 'xls'], 'Invalid value for --format'],
      [['protect', '-', '-o', 'o.csv', '-p', 'policy.yaml'], 'standard input needs "-o -"'],
      [['protect', 'in.csv', '--table', 't', '-o', 'o.csv', '-p', 'policy.yaml'], '--table needs a database URL'],
      [['protect', 'in.csv', '--in-place', '-o', 'o.csv', '-p', 'policy.yaml'], '--in-place needs a database URL'],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv, '', { cwd: dir, env: ENV });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('protect routes a database URL to the database module and never prints its password', async () => {
    const dir = setup();
    const r = await runCli(
      ['protect', 'postgres://app:s3cr3t@db.invalid/shop', '--table', 'users', '-p', 'policy.yaml'],
      '',
      {
        cwd: dir,
        env: ENV,
      },
    );
    // Without the module: a usage error; with it: the connection to a host that cannot exist fails.
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^error LG_(USAGE|SOURCE_CONNECT): Cannot [a-z]+ (to PostgreSQL at )?"postgres:\/\/app:\*\*\*@db\.invalid/,
    );
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('protect streams standard input to standard output, line by line', async () => {
    const dir = setup();
    const input = P.map((p) => `${new Date(0).toISOString()} login ok mobile=${p.mobile}`).join('\n');
    const r = await runCli(['protect', '-', '-o', '-', '-p', 'policy.yaml', '--line-buffered', '--quiet'], input, {
      cwd: dir,
      env: ENV,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toHaveLength(P.length);
    expect(leaks(r.stdout, originals)).toEqual({ detected: [], present: 0 });
  });

  it('protect --json prints the report', async () => {
    const dir = setup();
    const r = await runCli(['protect', 'in.csv', '-o', 'o.csv', '-p', 'policy.yaml', '--json'], '', {
      cwd: dir,
      env: ENV,
    });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      mode: 'protect',
      input: 'in.csv',
      output: 'o.csv',
      format: 'csv',
      records: P.length,
      dialect: { delimiter: ',', quote: '"', header: true },
      badRecords: { count: 0, list: [] },
    });
    expect(report.stats.byType).toEqual({ CN_MOBILE: 8, CN_RESIDENT_ID: 8, CN_PASSPORT: 8 });
  });
});

describe('leakguard reveal', () => {
  it('reveal restores the input with the key and writes an audit record beside the catalog', async () => {
    const dir = setup();
    const p = await runCli(['protect', 'in.csv', '-o', 'mid.csv', '-p', 'reversible.yaml'], '', { cwd: dir, env: ENV });
    expect(p.exitCode).toBe(0);
    const r = await runCli(['reveal', 'mid.csv', '-o', 'back.csv', '-p', 'reversible.yaml', '--actor', 'alice'], '', {
      cwd: dir,
      env: ENV,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/values revealed/);
    expect(readFileSync(join(dir, 'back.csv'), 'utf8')).toBe(readFileSync(join(dir, 'in.csv'), 'utf8'));
    const audit = readFileSync(join(dir, '.leakguard', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'reveal', actor: 'alice', outcome: 'ok', keyIds: ['main'] });
  });

  it('reveal refuses without the key and writes nothing', async () => {
    const dir = setup();
    await runCli(['protect', 'in.csv', '-o', 'mid.csv', '-p', 'reversible.yaml'], '', { cwd: dir, env: ENV });
    const r = await runCli(['reveal', 'mid.csv', '-o', 'back.csv', '-p', 'reversible.yaml'], '', { cwd: dir, env: {} });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error LG_KEY_MISSING/);
    expect(existsSync(join(dir, 'back.csv'))).toBe(false);
    expect(existsSync(join(dir, '.leakguard', 'audit.jsonl'))).toBe(false);
  });

  it('reveal --help describes the audit and the keys', async () => {
    const r = await runCli(['reveal', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: leakguard reveal <input> -o <output> --policy FILE');
    expect(r.stdout).toContain('--audit FILE');
  });
});
