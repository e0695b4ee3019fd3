import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { riskCommand } from './risk.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-risk-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = join(import.meta.dirname, '../../../examples/risk/people.csv');

/** Runs the command like run() does: errors become `error CODE` and the spec's exit code. */
async function cli(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const io: CliIO = { stdin: Readable.from([]), stdout, stderr, env: {}, cwd: dir, isTTY: false };
  let exitCode: number;
  try {
    exitCode = await riskCommand(argv, io);
  } catch (e) {
    if (!isLeakguardError(e)) throw e;
    stderr.write(`error ${e.code}: ${e.message}\n`);
    exitCode = e.spec.exitCode;
  }
  return { exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('risk command', () => {
  it('measures the example and proposes quasi-identifiers, sensitive and direct identifiers', async () => {
    const r = await cli([example, '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    expect(j.records).toBe(500);
    expect(j.quasiIdentifiers.map((q: { name: string }) => q.name)).toEqual([
      '身份证号:region',
      '身份证号:sex',
      '出生日期',
      '性别',
      '地址',
      '邮编',
      '职业',
      '民族',
    ]);
    expect(j.sensitive).toEqual(['诊断']);
    expect(j.directIdentifiers).toEqual(['姓名']);
    expect(j.unlistedQuasiIdentifiers).toEqual([]);
    expect(j.metrics.k).toBe(1);
    expect(j.metrics.sampleUniqueness).toBe(1);
    // No value of the data in the report.
    expect(r.stdout).not.toMatch(/\d{3}\*{11}\d{3}[\dX]/);
  });

  it('gates on --fail-below-k', async () => {
    const r = await cli([example, '--quasi', '性别', '--fail-below-k', '5']);
    expect(r.exitCode).toBe(0);
    const s = await cli([example, '--quasi', '出生日期', '--fail-below-k', '5']);
    expect(s.exitCode).toBe(1);
  });

  it('anonymises the example to k = 5, l = 2 and writes the HTML section', async () => {
    const out = join(dir, 'people.k5.csv');
    const html = join(dir, 'risk.html');
    const r = await cli([
      'anonymize',
      example,
      '--quasi',
      '出生日期,性别,邮编',
      '--sensitive',
      '诊断',
      '--k',
      '5',
      '--l',
      '2',
      '-o',
      out,
      '--html',
      html,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.after.k).toBeGreaterThanOrEqual(5);
    expect(j.unlistedQuasiIdentifiers).toEqual(['身份证号', '地址', '职业', '民族']);
    expect(j.after.sensitive[0].distinctL).toBeGreaterThanOrEqual(2);
    expect(j.suppressed.records).toBeLessThanOrEqual(25);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('身份证号,出生日期,性别,地址,邮编,职业,民族,诊断'); // 姓名 dropped
    expect(lines.length - 1).toBe(j.rowsWritten);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<section class="lg-risk"');
    expect(page).toContain('<svg');
    expect(page).toContain('Class sizes after');
    expect(page).not.toContain('<script');
  });

  it('writes --report as HTML, or as JSON for a .json name, next to the text output', async () => {
    const out = join(dir, 'people.k3.csv');
    const html = join(dir, 'report.html');
    const json = join(dir, 'report.json');
    const args = ['anonymize', example, '--quasi', '出生日期,性别', '--k', '3', '-o', out, '--force'];
    const a = await cli([...args, '--report', html]);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toContain('after:');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h3 style="margin:8px 0 4px;font-size:15px">Transformation and utility lost</h3>');
    expect(page).toContain('<th scope="row">Records suppressed</th>');
    const b = await cli([...args, '--report', json]);
    expect(b.exitCode).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    expect(j.version).toBe(1);
    expect(j.after.k).toBeGreaterThanOrEqual(3);
    expect(j.groupedInDatabaseAt).toBeNull();
    expect(j.utility.after.entropyLoss).toBeGreaterThan(0);
    // Measurement takes --report too.
    const c = await cli([example, '--quasi', '性别', '--report', json]);
    expect(c.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8')).metrics.records).toBe(500);
  });

  it('refuses bad usage with LG_USAGE', async () => {
    expect((await cli([])).exitCode).toBe(2);
    expect((await cli(['anonymize', example, '-o', join(dir, 'x.csv')])).stderr).toContain('give --k');
    expect((await cli([example, '--k', '5'])).stderr).toContain('applies to "risk anonymize" only');
    expect((await cli([example, '--metric', 'x'])).exitCode).toBe(2);
    expect((await cli([join(dir, 'missing.csv')])).stderr).toContain('LG_SOURCE_UNREADABLE');
  });

  it('escapes column names in the HTML section', async () => {
    const p = join(dir, 'evil.csv');
    writeFileSync(p, '<b>age</b>,sex\n30,M\n30,M\n');
    const html = join(dir, 'evil.html');
    const r = await cli([p, '--quasi', '<b>age</b>', '--html', html]);
    expect(r.exitCode).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('&lt;b&gt;age&lt;/b&gt;');
    expect(page).not.toContain('<b>age');
  });

  it('reports an unsatisfiable anonymisation with exit 1', async () => {
    const p = join(dir, 'tiny.csv');
    writeFileSync(p, 'age,sex\n30,M\n31,F\n');
    const r = await cli(['anonymize', p, '--quasi', 'age', '--k', '3', '-o', join(dir, 'tiny.out.csv')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('LG_RISK_UNSATISFIABLE');
  });
});
