import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/testing.js';

// Synthetic values with valid check characters.
const ID = '110105199003071239';
const MOBILE = '13812345678';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lg-scan-'));
  writeFileSync(
    join(dir, 'customers.csv'),
    `姓名,身份证号,手机号,备注\n张三,${ID},${MOBILE},ok\n李四,440305198511200044,13900001111,\n`,
  );
  writeFileSync(join(dir, 'notes.txt'), `call me at ${MOBILE}\nnothing here\n`);
  writeFileSync(join(dir, 'clean.md'), '# nothing personal\n');
  return dir;
}

describe('leakguard scan', () => {
  it('scans a directory, prints the --json shape, classifies columns and never stores raw values', async () => {
    const dir = workspace();
    const r = await runCli(['scan', '.', '--json'], '', { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    const csv = out.assets.find((a: { uri: string }) => a.uri.endsWith('customers.csv'));
    expect(csv).toEqual({
      uri: expect.stringMatching(/^file:\/\/.*customers\.csv$/),
      kind: 'file',
      types: expect.objectContaining({ CN_RESIDENT_ID: 2, CN_MOBILE: 2 }),
      people: 2,
      sensitive: false,
      grade: 'L2',
    });
    expect(out.summary).toMatchObject({ assets: 3, unitsRead: 3, unitsFailed: 0 });
    const db = readFileSync(join(dir, '.leakguard', 'catalog.db'));
    expect(db.includes(Buffer.from(ID))).toBe(false);
    expect(db.includes(Buffer.from(MOBILE))).toBe(false);
    const json = await runCli(['report', '--format', 'json'], '', { cwd: dir });
    const model = JSON.parse(json.stdout);
    const fields = model.assets.find((a: { uri: string }) => a.uri.endsWith('customers.csv')).detail.fields;
    expect(fields.map((f: { field: string; type: string }) => [f.field, f.type])).toEqual(
      expect.arrayContaining([
        ['身份证号', 'CN_RESIDENT_ID'],
        ['手机号', 'CN_MOBILE'],
      ]),
    );
  });

  it('skips unchanged files on the next run and records what changed', async () => {
    const dir = workspace();
    await runCli(['scan', '.', '--json'], '', { cwd: dir });
    writeFileSync(join(dir, 'notes.txt'), `call me at ${MOBILE} or 13900001111\nID ${ID}\n`);
    const r = await runCli(['scan', '.', '--json'], '', { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({ unitsRead: 1, unitsSkipped: 2 });
    expect(out.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ change: 'grown', type: 'CN_MOBILE', before: 1, after: 2 }),
        expect.objectContaining({ change: 'new-type', type: 'CN_RESIDENT_ID' }),
      ]),
    );
    const full = JSON.parse((await runCli(['scan', '.', '--json', '--full'], '', { cwd: dir })).stdout);
    expect(full.summary.unitsSkipped).toBe(0);
  });

  it('gates CI with --fail-on a grade or a type', async () => {
    const dir = workspace();
    expect((await runCli(['scan', '.', '--fail-on', 'L2', '--quiet'], '', { cwd: dir })).exitCode).toBe(1);
    expect((await runCli(['scan', '.', '--fail-on', 'L3', '--quiet'], '', { cwd: dir })).exitCode).toBe(0);
    expect((await runCli(['scan', '.', '--fail-on', 'CN_RESIDENT_ID', '--quiet'], '', { cwd: dir })).exitCode).toBe(1);
    const bad = await runCli(['scan', '.', '--fail-on', 'NOPE'], '', { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('neither a grade');
  });

  it('reports a corrupt file with its location, goes on, and exits 3', async () => {
    const dir = workspace();
    // A zip header followed by garbage: sniffed as an archive, unreadable.
    writeFileSync(join(dir, 'broken.xlsx'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]));
    const r = await runCli(['scan', '.', '--json'], '', { cwd: dir });
    expect(r.exitCode).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.summary.problems).toBeGreaterThan(0);
    expect(out.assets.find((a: { uri: string }) => a.uri.endsWith('customers.csv')).types.CN_RESIDENT_ID).toBe(2);
    const md = await runCli(['report', '--format', 'md'], '', { cwd: dir });
    expect(md.stdout).toMatch(/broken\.xlsx/);
  });

  it('scans SQLite database files found in a directory as tables, not as binary files', async () => {
    const dir = workspace();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'crm.sqlite'));
    db.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, sfzh TEXT, sjh TEXT)');
    db.prepare('INSERT INTO people VALUES (1, ?, ?)').run(ID, MOBILE);
    db.close();
    const out = JSON.parse((await runCli(['scan', '.', '--json'], '', { cwd: dir })).stdout);
    const table = out.assets.find((a: { uri: string }) => a.uri.endsWith('crm.sqlite/main.people'));
    expect(table).toMatchObject({ kind: 'table', types: { CN_RESIDENT_ID: 1, CN_MOBILE: 1 } });
    expect(out.assets.some((a: { uri: string }) => a.uri.endsWith('crm.sqlite'))).toBe(false);
  });

  it('writes HTML, SARIF and Markdown reports', async () => {
    const dir = workspace();
    await runCli(['scan', '.', '--report', 'report.html', '--quiet'], '', { cwd: dir });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain(ID);
    const sarif = await runCli(['report', '--format', 'sarif', '-o', 'out.sarif'], '', { cwd: dir });
    expect(sarif.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')).version).toBe('2.1.0');
    const none = await runCli(['report', '--catalog', 'empty.db'], '', { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('no finished scan yet');
  });
});
