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
});
