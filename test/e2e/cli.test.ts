import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/testing.js';

const ID = '110105199003071239'; // synthetic, valid MOD 11-2
const MOBILE = '13812345678';

describe('leakguard detect --jsonl', () => {
  it('writes exactly one line per input line, in order, with UTF-16 offsets into text', async () => {
    const input = [
      JSON.stringify({ id: 1, text: `手机${MOBILE}` }),
      JSON.stringify({ id: 'b', text: 'nothing here' }),
      JSON.stringify({ id: { k: [1] }, text: `😀身份证号：${ID}` }),
    ].join('\n');
    const { exitCode, stdout, stderr } = await runCli(['detect', '--jsonl'], `${input}\n`);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({
      id: 1,
      findings: [{ type: 'CN_MOBILE', start: 2, end: 13, score: expect.any(Number) }],
    });
    expect(lines[1]).toEqual({ id: 'b', findings: [] });
    expect(lines[2].id).toEqual({ k: [1] });
    expect(lines[2].findings).toEqual([{ type: 'CN_RESIDENT_ID', start: 7, end: 25, score: expect.any(Number) }]);
    expect(Object.keys(lines[0].findings[0])).toEqual(['type', 'start', 'end', 'score']);
  });

  it('reports malformed lines as {"id":null,"error":"line N: …"} without echoing input and goes on', async () => {
    const input = `{"id":1,"text":"ok"}\nnot json ${MOBILE}\n{"id":3}\n\n[1,2]\n{"id":6,"text":"${MOBILE}"}`;
    const { exitCode, stdout } = await runCli(['detect', '--jsonl'], input);
    expect(exitCode).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual([1, null, null, null, null, 6]);
    expect(lines[1].error).toBe('line 2: invalid JSON');
    expect(lines[2].error).toMatch(/^line 3: expected an object with a string field "text"$/);
    expect(lines[3].error).toBe('line 4: empty line');
    expect(lines[4].error).toMatch(/^line 5: /);
    expect(stdout).not.toContain(MOBILE);
    expect(lines[5].findings).toHaveLength(1);
  });

  it('handles CRLF, input split across chunks, and a missing final newline', async () => {
    const line = `{"id":7,"text":"手机${MOBILE}"}`;
    const bytes = Buffer.from(`${line}\r\n${line}`);
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 23), bytes.subarray(23)];
    const { stdout } = await runCli(['detect', '--jsonl'], chunks);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.findings[0]).toMatchObject({ type: 'CN_MOBILE', start: 2, end: 13 });
  });

  it('exits 1 with --fail-on-findings when something is found', async () => {
    const r = await runCli(['detect', '--jsonl', '--fail-on-findings'], `{"id":1,"text":"${MOBILE}"}\n`);
    expect(r.exitCode).toBe(1);
    const clean = await runCli(['detect', '--jsonl', '--fail-on-findings'], `{"id":1,"text":"hello"}\n`);
    expect(clean.exitCode).toBe(0);
  });
});

describe('leakguard detect FILE', () => {
  it('prints file:line:column, type, score and a masked preview; summary on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-'));
    const file = join(dir, 'a.txt');
    writeFileSync(file, `first line\n联系电话：${MOBILE}\n身份证 ${ID}\n`);
    const { exitCode, stdout, stderr } = await runCli(['detect', file]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`${file}:2:6\tCN_MOBILE\t`);
    expect(stdout).toContain('138****5678');
    expect(stdout).toContain(`${file}:3:5\tCN_RESIDENT_ID\t`);
    expect(stdout).not.toContain(MOBILE);
    expect(stdout).not.toContain(ID);
    expect(stderr).toMatch(/^2 findings \(/);
    const shown = await runCli(['detect', file, '--show-values']);
    expect(shown.stdout).toContain(MOBILE);
  });

  it('--json prints one document with line and column and masked previews', async () => {
    const { stdout } = await runCli(['detect', '--json', '-'], `x\n  ${MOBILE}\n`);
    const doc = JSON.parse(stdout);
    expect(doc.findings[0]).toMatchObject({ type: 'CN_MOBILE', line: 2, column: 3, preview: '138****5678' });
    expect(doc.summary).toMatchObject({ findings: 1, byType: { CN_MOBILE: 1 } });
  });

  it('reports already-masked values apart and never as findings', async () => {
    const { stdout, stderr } = await runCli(['detect', '--include-masked', '-'], '手机138****5678\n');
    expect(stderr).toMatch(/^0 findings; 1 already masked/);
    expect(stdout).toContain('(already masked)');
  });

  it('fails with exit 2 and a clear error for a missing file, bad flags and unknown types', async () => {
    const missing = await runCli(['detect', 'no/such/file.txt']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^error LG_INPUT_READ: Cannot read "no\/such\/file.txt": ENOENT/);
    const bad = await runCli(['detect', '--nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^error LG_USAGE: .*--nope/);
    const type = await runCli(['detect', '--types', 'CN_MOBILE,NOPE', '-']);
    expect(type.exitCode).toBe(2);
    expect(type.stderr).toContain('Unknown entity type "NOPE"');
    const thr = await runCli(['detect', '--threshold', '2', '-']);
    expect(thr.exitCode).toBe(2);
  });

  it('applies a detection config with custom recognizers, allow and deny lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-'));
    const cfg = join(dir, 'lg.yaml');
    writeFileSync(
      cfg,
      [
        'recognizers:',
        '  - id: employee-id',
        '    entity: EMPLOYEE_ID',
        "    patterns: [{ regex: 'EMP-\\d{6}', score: 0.7 }]",
        'allow: ["138 1234 5678"]',
        'deny: [{ value: "Project Falcon", type: CODENAME }]',
      ].join('\n'),
    );
    const { stdout } = await runCli(['detect', '--json', '--config', cfg, '-'], `EMP-123456 ${MOBILE} Project Falcon`);
    expect(JSON.parse(stdout).findings.map((f: { type: string }) => f.type)).toEqual(['EMPLOYEE_ID', 'CODENAME']);
    writeFileSync(cfg, "recognizers:\n  - id: bad\n    entity: X_Y\n    patterns: [{ regex: '(a+)+' }]\n");
    const bad = await runCli(['detect', '--config', cfg, '-'], 'x');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/LG_PATTERN_UNSAFE.*lg\.yaml:4/s);
  });
});

describe('leakguard types and help', () => {
  it('lists every type with country and PIPL sensitivity', async () => {
    const { stdout, exitCode } = await runCli(['types', '--json']);
    expect(exitCode).toBe(0);
    const rows = JSON.parse(stdout);
    expect(rows.find((r: { type: string }) => r.type === 'CN_BANK_CARD')).toMatchObject({
      country: 'CN',
      sensitive: true,
    });
    expect(rows.map((r: { type: string }) => r.type)).toContain('SECRET');
    const table = await runCli(['types']);
    expect(table.stdout).toMatch(/^TYPE\s+COUNTRY\s+PIPL-SENSITIVE\s+DESCRIPTION/);
  });

  it('prints help for every command and exits 2 on unknown commands', async () => {
    for (const argv of [['--help'], ['detect', '--help'], ['types', '-h'], ['help', 'detect']]) {
      const r = await runCli(argv);
      expect(r.exitCode, argv.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: leakguard/);
    }
    const r = await runCli(['frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
  });
});

describe('bin/leakguard.js', () => {
  beforeAll(() => {
    if (!existsSync('dist/cli/run.js')) throw new Error('dist/ is missing: run `npm run build` before these tests');
  });

  it('runs as a process and sets the exit code', () => {
    const r = spawnSync(process.execPath, ['bin/leakguard.js', 'detect', '--jsonl', '--fail-on-findings'], {
      input: `{"id":1,"text":"${MOBILE}"}\n`,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].type).toBe('CN_MOBILE');
  });

  it('exits by itself after reading a PDF in this thread', () => {
    // Before: the PDF worker's message port kept the process alive forever after the scan had finished.
    const dir = mkdtempSync(join(tmpdir(), 'lg-pdf-exit-'));
    const r = spawnSync(
      process.execPath,
      [
        'bin/leakguard.js',
        'scan',
        'examples/company/letter.pdf',
        '--threads',
        '1',
        '--quiet',
        '--catalog',
        join(dir, 'c.db'),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
  });
});
