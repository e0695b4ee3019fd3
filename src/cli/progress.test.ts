import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function capture() {
  const s = new PassThrough();
  const chunks: string[] = [];
  s.on('data', (c) => chunks.push(String(c)));
  return { s, text: () => chunks.join('') };
}

describe('createProgress', () => {
  it('prints plain throttled lines with rate and ETA when not a TTY', () => {
    let t = 0;
    const { s, text } = capture();
    const p = createProgress({ stream: s, isTTY: false, now: () => t });
    t = 1000;
    p.update({ done: 0, total: 4, amount: 0, amountTotal: 40e6, unit: 'B' });
    t = 2000;
    p.update({ done: 1, total: 4, amount: 10e6, amountTotal: 40e6, unit: 'B' });
    t = 2500;
    p.update({ done: 2, total: 4, amount: 20e6, amountTotal: 40e6, unit: 'B' });
    expect(text()).toBe('progress: 1/4 units  5.0 MB/s  ETA 0:06\n');
  });

  it('redraws one bar on a TTY and clears it at the end; quiet prints nothing', () => {
    let t = 0;
    const { s, text } = capture();
    const p = createProgress({ stream: s, isTTY: true, now: () => t });
    t = 1000;
    p.update({ done: 2, total: 4, amount: 100, amountTotal: 0, unit: 'rows', label: 'users' });
    p.done();
    expect(text()).toContain('[############............] 2/4 units  100 rows/s');
    expect(text().endsWith('\r\x1b[2K')).toBe(true);
    const q = capture();
    createProgress({ stream: q.s, isTTY: true, quiet: true }).update({
      done: 1,
      total: 1,
      amount: 1,
      amountTotal: 1,
      unit: 'B',
    });
    expect(q.text()).toBe('');
  });

  it('shows rows/s for tables and indices, MB/s for files, and both for a mixed scan', () => {
    let t = 0;
    const rowsOnly = capture();
    const p1 = createProgress({ stream: rowsOnly.s, isTTY: false, now: () => t });
    t = 2000;
    p1.update({ done: 1, total: 4, amount: 0, amountTotal: 0, unit: 'B', rows: 5000, rowsTotal: 20000 });
    expect(rowsOnly.text()).toBe('progress: 1/4 units  2,500 rows/s  ETA 0:06\n');

    t = 0;
    const mixed = capture();
    const p2 = createProgress({ stream: mixed.s, isTTY: false, now: () => t });
    t = 2000;
    p2.update({ done: 2, total: 4, amount: 10e6, amountTotal: 40e6, unit: 'B', rows: 3000, rowsTotal: 5000 });
    // Bytes and rows do not add up: the ETA follows the units.
    expect(mixed.text()).toBe('progress: 2/4 units  5.0 MB/s  1,500 rows/s  ETA 0:02\n');

    t = 0;
    const files = capture();
    const p3 = createProgress({ stream: files.s, isTTY: false, now: () => t });
    t = 2000;
    p3.update({ done: 1, total: 4, amount: 10e6, amountTotal: 40e6, unit: 'B', rows: 0, rowsTotal: 0 });
    expect(files.text()).toBe('progress: 1/4 units  5.0 MB/s  ETA 0:06\n');
  });
});
