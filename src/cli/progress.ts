/**
 * Progress reporting on stderr: a redrawn bar on a terminal, plain lines at most every few seconds otherwise
 * (so logs stay readable), nothing with `quiet`.
 */
import type { Writable } from 'node:stream';

export interface ProgressState {
  done: number;
  total: number;
  /** Bytes (or rows) processed so far, for the rate. */
  amount: number;
  /** Total bytes (or rows), for the ETA; 0 when unknown. */
  amountTotal: number;
  unit: 'B' | 'rows';
  /**
   * Rows or documents processed so far, counted apart from `amount` bytes (a scan of files and tables): shown
   * as rows/s beside MB/s. A scan with rows and no bytes shows rows/s alone.
   */
  rows?: number;
  /** Total rows or documents planned; 0 or absent when none. */
  rowsTotal?: number;
  label?: string;
  /** A short status shown in both modes, after the figures (e.g. `1 failed, 2 parked`). */
  note?: string;
}

export interface ProgressOptions {
  stream: Writable;
  isTTY: boolean;
  quiet?: boolean;
  /** Minimum interval between plain lines (ms). Default 2000. */
  intervalMs?: number;
  now?: () => number;
}

function rate(amount: number, unit: 'B' | 'rows', seconds: number): string {
  if (seconds <= 0) return '';
  const r = amount / seconds;
  return unit === 'B' ? `${(r / 1e6).toFixed(1)} MB/s` : `${Math.round(r).toLocaleString('en-US')} rows/s`;
}

function hasRows(s: ProgressState): boolean {
  return (s.rowsTotal ?? 0) > 0 || (s.rows ?? 0) > 0;
}

/** Whether the bytes rate is worth showing: bytes planned or done, or nothing else to show. */
function hasBytes(s: ProgressState): boolean {
  return s.amountTotal > 0 || s.amount > 0 || !hasRows(s);
}

function eta(s: ProgressState, seconds: number): string {
  // Bytes and rows do not add up: a mixed scan's fraction is the units done.
  const rowsTotal = s.rowsTotal ?? 0;
  let frac = s.total > 0 ? s.done / s.total : 0;
  if (rowsTotal > 0 && s.amountTotal <= 0) frac = (s.rows ?? 0) / rowsTotal;
  else if (s.amountTotal > 0 && rowsTotal <= 0) frac = s.amount / s.amountTotal;
  if (frac <= 0 || frac >= 1) return '';
  const left = Math.round((seconds * (1 - frac)) / frac);
  const m = Math.floor(left / 60);
  return `ETA ${m}:${String(left % 60).padStart(2, '0')}`;
}

/** A progress reporter. `update` is cheap to call often; `done` clears the bar. */
export function createProgress(options: ProgressOptions) {
  const now = options.now ?? Date.now;
  const start = now();
  // The first plain line waits one interval: a run that ends quickly prints none.
  let last = options.isTTY ? 0 : start;
  let drawn = false;
  const interval = options.intervalMs ?? 2000;
  const line = (s: ProgressState): string => {
    const secs = (now() - start) / 1000;
    const parts = [
      `${s.done}/${s.total || '?'} units`,
      hasBytes(s) ? rate(s.amount, s.unit, secs) : '',
      hasRows(s) ? rate(s.rows ?? 0, 'rows', secs) : '',
      eta(s, secs),
      s.note ?? '',
    ].filter(Boolean);
    return parts.join('  ');
  };
  return {
    update(s: ProgressState): void {
      if (options.quiet) return;
      const t = now();
      if (options.isTTY) {
        if (t - last < 100 && s.done < s.total) return;
        last = t;
        const width = 24;
        const frac = s.total > 0 ? Math.min(1, s.done / s.total) : 0;
        const filled = Math.round(frac * width);
        const label = s.label ? `  ${s.label.length > 40 ? `…${s.label.slice(-39)}` : s.label}` : '';
        options.stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line(s)}${label}`);
        drawn = true;
      } else if (t - last >= interval) {
        last = t;
        options.stream.write(`progress: ${line(s)}\n`);
      }
    },
    done(): void {
      if (drawn) options.stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
