/**
 * Date parsing that remembers the written form, so `dateshift` can write a shifted date back the same way
 * (`2024-03-05` → `2024-02-21`, `2024年3月5日` → `2024年2月21日`, `05/03/2024 10:00` → `20/02/2024 10:00`) and
 * `generalize` can cut it to a year or month.
 */
import { isCalendarDate } from '../detect/validators/cn-date.js';

/** A parsed date and how to write another date the same way. */
export interface ParsedDate {
  readonly y: number;
  readonly m: number;
  readonly d: number;
  /** Writes `y-m-d` in the input's form (separators, padding, order, trailing time part kept). */
  render(y: number, m: number, d: number): string;
  /** Whether the input was written with 年/月/日. */
  readonly chinese: boolean;
  /** The separator between year and month (`-`, `/`, `.`, `年`, or `` for `YYYYMMDD`). */
  readonly separator: string;
}

/**
 * Year first: `2024-03-05`, `2024/3/5`, `2024.03.05`, optional time after it. Example match:
 * `2024-03-05T10:00:00Z`. Source: ISO 8601 calendar dates and common Chinese forms. Deliberately does not match
 * two-digit years or mixed separators (`2024-03/05`).
 */
const YMD = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})((?:[T ].{0,40})?)$/;
/**
 * Chinese: `2024年3月5日`, optional time. Example match: `2024年03月05日 10时`. Source: GB/T 7408 written form.
 * Deliberately does not match Chinese numerals (`二〇二四年`).
 */
const CN = /^(\d{4})年(\d{1,2})月(\d{1,2})日((?:.{0,40})?)$/;
/** Compact: `20240305`, optional `T…` time. Example match: `20240305T1000`. Source: ISO 8601 basic format. */
const COMPACT = /^(\d{4})(\d{2})(\d{2})((?:T.{0,40})?)$/;
/**
 * Day or month first: `05/03/2024`, `5.3.2024`, `05-03-2024`. Example match: `05/03/2024 10:00`.
 * Source: common European/US forms. Deliberately does not match two-digit years.
 */
const DMY = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})((?:[T ].{0,40})?)$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Parses `text` as a date; `undefined` when it is not one of the supported forms or not a calendar date.
 * `dayFirst` decides `05/03/2024` (true: 5 March).
 *
 * @example
 * parseDate('2024年3月5日')?.render(2024, 2, 21) // '2024年2月21日'
 */
export function parseDate(text: string, dayFirst = true): ParsedDate | undefined {
  let r: RegExpExecArray | null = YMD.exec(text);
  if (r) {
    const [, ys, sep, ms, ds, rest] = r as unknown as [string, string, string, string, string, string];
    const y = Number(ys);
    const m = Number(ms);
    const d = Number(ds);
    if (!isCalendarDate(y, m, d)) return undefined;
    return {
      y,
      m,
      d,
      chinese: false,
      separator: sep,
      render: (y2, m2, d2) => `${pad(y2, 4)}${sep}${pad(m2, ms.length)}${sep}${pad(d2, ds.length)}${rest}`,
    };
  }
  if ((r = CN.exec(text))) {
    const [, ys, ms, ds, rest] = r as unknown as [string, string, string, string, string];
    const y = Number(ys);
    const m = Number(ms);
    const d = Number(ds);
    if (!isCalendarDate(y, m, d)) return undefined;
    return {
      y,
      m,
      d,
      chinese: true,
      separator: '年',
      render: (y2, m2, d2) => `${pad(y2, 4)}年${pad(m2, ms.length)}月${pad(d2, ds.length)}日${rest}`,
    };
  }
  if ((r = COMPACT.exec(text))) {
    const [, ys, ms, ds, rest] = r as unknown as [string, string, string, string, string];
    const y = Number(ys);
    const m = Number(ms);
    const d = Number(ds);
    if (!isCalendarDate(y, m, d)) return undefined;
    return {
      y,
      m,
      d,
      chinese: false,
      separator: '',
      render: (y2, m2, d2) => `${pad(y2, 4)}${pad(m2, 2)}${pad(d2, 2)}${rest}`,
    };
  }
  if ((r = DMY.exec(text))) {
    const [, as, sep, bs, ys, rest] = r as unknown as [string, string, string, string, string, string];
    const y = Number(ys);
    const m = Number(dayFirst ? bs : as);
    const d = Number(dayFirst ? as : bs);
    if (!isCalendarDate(y, m, d)) return undefined;
    const mw = (dayFirst ? bs : as).length;
    const dw = (dayFirst ? as : bs).length;
    return {
      y,
      m,
      d,
      chinese: false,
      separator: sep,
      render: (y2, m2, d2) =>
        dayFirst
          ? `${pad(d2, dw)}${sep}${pad(m2, mw)}${sep}${pad(y2, 4)}${rest}`
          : `${pad(m2, mw)}${sep}${pad(d2, dw)}${sep}${pad(y2, 4)}${rest}`,
    };
  }
  return undefined;
}

const DAY_MS = 86_400_000;

/**
 * `y-m-d` moved by `days` (proleptic Gregorian, no time zone involved).
 *
 * @example
 * addDays(2024, 3, 1, -1) // [2024, 2, 29]
 */
export function addDays(y: number, m: number, d: number, days: number): [number, number, number] {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  const u = new Date(t.getTime() + days * DAY_MS);
  return [u.getUTCFullYear(), u.getUTCMonth() + 1, u.getUTCDate()];
}
