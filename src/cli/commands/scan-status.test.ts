import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { QueuedRunProgress } from '../../scan/queue.js';
import { createProgress } from '../progress.js';
import { queueProgressState, renderQueueStatus } from './scan-status.js';

function progress(over: Partial<QueuedRunProgress> = {}): QueuedRunProgress {
  return {
    run: 'r1',
    runId: 7,
    state: 'running',
    units: { total: 10, queued: 4, done: 5, skipped: 0, failed: 1, parked: 1 },
    bytes: { total: 40e6, done: 20e6 },
    rows: { total: 0, done: 0 },
    elapsedMs: 10_000,
    mbPerSec: 2,
    rowsPerSec: 0,
    etaSeconds: 10,
    parkedUnits: [{ unit: 'u9', asset: 'a9', error: 'LG_USAGE: no source' }],
    finishedAt: null,
    ...over,
  };
}

describe('queued run progress', () => {
  it('puts failed and parked counts in plain (non-terminal) progress lines', () => {
    let t = 0;
    const s = new PassThrough();
    const out: string[] = [];
    s.on('data', (c) => out.push(String(c)));
    const p = createProgress({ stream: s, isTTY: false, now: () => t });
    t = 5000;
    p.update(queueProgressState(progress()));
    expect(out.join('')).toMatch(/^progress: 6\/10 units .*1 failed, 1 parked\n$/);
  });

  it('keeps rows of table and index units apart from bytes of files', () => {
    const mixed = progress({ rows: { total: 1_000_000, done: 250_000 }, rowsPerSec: 5000 });
    const st = queueProgressState(mixed);
    expect(st).toMatchObject({ amount: 20e6, amountTotal: 40e6, rows: 250_000, rowsTotal: 1_000_000 });
    const text = renderQueueStatus(mixed);
    expect(text).toContain('bytes   20.0 MB of 40.0 MB, 2.0 MB/s\n');
    expect(text).toContain('rows    250,000 of 1,000,000, 5,000 rows/s\n');
    const tablesOnly = renderQueueStatus(
      progress({ bytes: { total: 0, done: 0 }, mbPerSec: 0, rows: { total: 900, done: 300 }, rowsPerSec: 30 }),
    );
    expect(tablesOnly).not.toContain('bytes');
    expect(tablesOnly).toContain('rows    300 of 900, 30 rows/s\n');
    expect(queueProgressState(progress()).rows).toBeUndefined();
  });

  it('says when the run ended and lists parked units', () => {
    const text = renderQueueStatus(progress({ state: 'done', etaSeconds: 0, elapsedMs: 75_000 }));
    expect(text).toContain('complete');
    expect(text).toContain('time    took 1:15\n');
    expect(text).toContain('parked  u9: LG_USAGE: no source\n');
  });
});
