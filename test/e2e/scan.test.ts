import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { buildZip } from '../../src/sources/formats/__fixtures__/build.js';

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

  it('reads a table again when --sample changes, and skips it when it does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-scan-sample-'));
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'crm.sqlite'));
    db.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, sjh TEXT)');
    const insert = db.prepare('INSERT INTO people VALUES (?, ?)');
    for (let i = 0; i < 20; i++) insert.run(i + 1, `1381234${String(5000 + i)}`);
    db.close();
    const scan = async (...args: string[]) =>
      JSON.parse((await runCli(['scan', '.', '--json', ...args], '', { cwd: dir })).stdout);
    const first = await scan('--sample', '5');
    expect(first.summary).toMatchObject({ unitsRead: 1, rows: 5, byType: { CN_MOBILE: 5 } });
    expect((await scan('--sample', '5')).summary).toMatchObject({ unitsRead: 0, unitsSkipped: 1 });
    const larger = await scan('--sample', '15');
    expect(larger.summary).toMatchObject({ unitsRead: 1, unitsSkipped: 0, rows: 15, byType: { CN_MOBILE: 15 } });
    expect((await scan('--sample', '15')).summary).toMatchObject({ unitsRead: 0, unitsSkipped: 1 });
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

/** Files with problems, beside the clean workspace: a damaged PDF, a zip bomb, a file with invalid UTF-8. */
function brokenSet(dir: string): void {
  writeFileSync(join(dir, 'broken.pdf'), Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ngarbage'));
  // 20 MiB of zeros deflate to ~20 KiB: far beyond the 100:1 ratio limit; the member beside it is still read.
  writeFileSync(
    join(dir, 'bomb.zip'),
    buildZip([
      { name: 'zeros.txt', data: Buffer.alloc(20 * 1024 * 1024) },
      { name: 'ok.txt', data: `phone ${MOBILE}\n` },
    ]),
  );
  writeFileSync(
    join(dir, 'latin1.txt'),
    Buffer.concat([Buffer.from(`line one\ncall ${MOBILE} caf`), Buffer.from([0xe9, 0xff]), Buffer.from(' ok\n')]),
  );
}

interface JsonProblem {
  asset: string;
  unit: string;
  code: string;
  message: string;
  loc?: Record<string, unknown>;
}

const BROKEN_PROBLEMS = [
  expect.objectContaining({ asset: expect.stringMatching(/broken\.pdf$/), code: 'LG_FORMAT_CORRUPT' }),
  expect.objectContaining({
    asset: expect.stringMatching(/bomb\.zip$/),
    code: 'LG_ARCHIVE_REFUSED',
    loc: expect.objectContaining({ entry: 'bomb.zip!/zeros.txt' }),
  }),
  expect.objectContaining({ asset: expect.stringMatching(/latin1\.txt$/), code: 'invalid-utf8' }),
];

describe('leakguard scan: bad input', () => {
  it('reports a corrupt PDF, a zip bomb and invalid UTF-8 with file and location, reads the rest, exits 3', async () => {
    const dir = workspace();
    brokenSet(dir);
    const r = await runCli(['scan', '.', '--json'], '', { cwd: dir });
    expect(r.exitCode).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({ problems: 3, unitsFailed: 0 });
    expect(out.problems).toHaveLength(3);
    expect(out.problems).toEqual(expect.arrayContaining(BROKEN_PROBLEMS));
    for (const p of out.problems as JsonProblem[]) expect(p.message).not.toContain(MOBILE);
    // The good parts were still read: the zip's other member, the text around the bad bytes.
    const types = (uri: string) => out.assets.find((a: { uri: string }) => a.uri.endsWith(uri)).types;
    expect(types('bomb.zip')).toEqual({ CN_MOBILE: 1 });
    expect(types('latin1.txt')).toEqual({ CN_MOBILE: 1 });
    expect(types('customers.csv').CN_RESIDENT_ID).toBe(2);
    // The text summary names each file and its problem.
    const text = await runCli(['scan', '.', '--full'], '', { cwd: dir });
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toMatch(/3 problems/);
    expect(text.stdout).toMatch(/^ {2}LG_FORMAT_CORRUPT {2}file:\/\/\S*broken\.pdf: /m);
    expect(text.stdout).toMatch(
      /^ {2}LG_ARCHIVE_REFUSED {2}file:\/\/\S*bomb\.zip \(bomb\.zip!\/zeros\.txt\): .*ratio/m,
    );
    expect(text.stdout).toMatch(/^ {2}invalid-utf8 {2}file:\/\/\S*latin1\.txt\b/m);
  });

  it('keeps reporting a broken file on the next run, when it is skipped as unchanged', async () => {
    const dir = workspace();
    brokenSet(dir);
    const first = await runCli(['scan', '.', '--json'], '', { cwd: dir });
    expect(first.exitCode).toBe(3);
    expect(JSON.parse(first.stdout).summary.problems).toBe(3);
    for (let run = 2; run <= 3; run++) {
      const r = await runCli(['scan', '.', '--json'], '', { cwd: dir });
      const out = JSON.parse(r.stdout);
      expect(out.summary).toMatchObject({ unitsRead: 0, unitsSkipped: 6, problems: 3 });
      expect(out.problems).toEqual(expect.arrayContaining(BROKEN_PROBLEMS));
      expect(r.exitCode).toBe(3);
      const md = await runCli(['report', '--format', 'md'], '', { cwd: dir });
      expect(md.stdout).toContain(`# leakguard report — run ${run}`);
      expect(md.stdout).toMatch(/; 3 problems/);
      expect(md.stdout).toMatch(/\| LG_ARCHIVE_REFUSED \| file:\/\/\S*bomb\.zip \|/);
    }
    // Fixed: the file changes, is read again, and its problem is gone.
    writeFileSync(join(dir, 'broken.pdf'), 'now a plain text file\n');
    const fixed = JSON.parse((await runCli(['scan', '.', '--json'], '', { cwd: dir })).stdout);
    expect(fixed.summary).toMatchObject({ unitsRead: 1, problems: 2 });
  });

  it('reports an unreadable file (permission denied) and goes on', () => {
    // Root reads any file whatever its mode: as root, the scan runs as the unprivileged user `nobody`
    // (uid 65534), for whom mode 000 denies reading; otherwise as the current user. Both see EACCES.
    const dir = workspace();
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, 'locked.txt'), `call ${MOBILE}\n`);
    chmodSync(join(dir, 'locked.txt'), 0o000);
    const root = process.getuid?.() === 0;
    const bin = fileURLToPath(new URL('../../bin/leakguard.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'scan', '.', '--threads', '1', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.summary.problems).toBe(1);
    expect(out.problems).toEqual([
      expect.objectContaining({
        asset: expect.stringMatching(/locked\.txt$/),
        code: 'LG_SOURCE_UNREADABLE',
        message: expect.stringMatching(/locked\.txt.*permission denied/),
      }),
    ]);
    expect(out.assets.find((a: { uri: string }) => a.uri.endsWith('customers.csv')).types.CN_RESIDENT_ID).toBe(2);
  });

  it('reads a single line longer than the byte-range split size in pieces and finds values all along it', async () => {
    // 80 MiB on one line (no newline until the end): beyond the 64 MiB range split, streamed from a file in tmp.
    const dir = mkdtempSync(join(tmpdir(), 'lg-scan-long-'));
    const fd = openSync(join(dir, 'one-line.log'), 'w');
    const filler = Buffer.from('lorem ipsum dolor sit amet '.repeat(2500).slice(0, 65_536));
    const chunks = 80 * 16;
    writeSync(fd, `start ${MOBILE} `);
    for (let i = 0; i < chunks; i++) {
      writeSync(fd, filler);
      if (i === chunks / 2) writeSync(fd, ' 13900001111 ');
    }
    writeSync(fd, ' end 13700002222\n');
    closeSync(fd);
    const r = await runCli(['scan', '.', '--json', '--threads', '1'], '', { cwd: dir });
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({ problems: 0, unitsFailed: 0 });
    expect(out.summary.bytes).toBeGreaterThan(80 * 1024 * 1024);
    expect(out.assets).toEqual([
      expect.objectContaining({ uri: expect.stringMatching(/one-line\.log$/), types: { CN_MOBILE: 3 }, people: 3 }),
    ]);
    const model = JSON.parse((await runCli(['report', '--format', 'json'], '', { cwd: dir })).stdout);
    expect(model.assets[0].detail.samples.map((x: { loc: { line: number } }) => x.loc.line)).toEqual([1, 1, 1]);
  });
});
