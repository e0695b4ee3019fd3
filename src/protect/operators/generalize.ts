/**
 * `generalize`: replaces a value with a coarser one (GB/T 37964-2019's generalisation family, reference §9.5).
 *
 * | `to` | input | output |
 * |---|---|---|
 * | `year` / `month` / `decade` | a date (forms of `dates.ts`) or a resident ID's birth date | `1990`, `1990-01` (`1990年1月`), `1990-1999` |
 * | `age-band` | a date of birth or resident ID | `30-39` (band `width` years, age on `asOf`) |
 * | `bucket` | a number (`1,234.5` accepted) | `20-29` for integers, `[20,30)` otherwise (`width`) |
 * | `province` / `city` / `district` | a Chinese address | its administrative prefix (`北京市`, `广东省深圳市`) |
 * | `province` / `district` | a resident ID | the province name (`北京`) / the 6-digit region code |
 * | `region-year` | a resident ID | region + birth year: `北京 1949` (`region: county` → `110105 1949`) |
 *
 * An address with no recognisable administrative prefix becomes empty (nothing is kept rather than too much).
 * Irreversible.
 */
import { z } from 'zod';
import { normalizeText } from '../../detect/normalize.js';
import { CN_PROVINCES } from '../../detect/validators/cn-regions.js';
import { type AddressLevel, addressPrefixEnd, parseAddressPrefix } from '../cn-address.js';
import { parseDate } from '../dates.js';
import { type Operator, type OperatorContext, OperatorParamsError, operatorFailed, parseWith } from '../operator.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const Schema = z.strictObject({
  /** What to generalise to (see the module table). */
  to: z.enum(['year', 'month', 'decade', 'age-band', 'bucket', 'province', 'city', 'district', 'region-year']),
  /** Width of a bucket or age band. Defaults: 10. */
  width: z.number().positive().max(1e15).optional(),
  /** Reference date for ages, `YYYY-MM-DD`. Default: the day the policy is loaded (UTC). */
  asOf: z.string().regex(ISO_DATE, 'must be YYYY-MM-DD').optional(),
  /** Region level for `region-year`: `province` (default) or `county` (6-digit code). */
  region: z.enum(['province', 'county']).default('province'),
  /** How to read `05/03/2024`: day first (default) or month first. */
  dayFirst: z.boolean().default(true),
});

/** Options of `generalize`. */
export interface GeneralizeParams {
  readonly to: z.output<typeof Schema>['to'];
  readonly width: number;
  readonly asOf: readonly [number, number, number];
  readonly region: 'province' | 'county';
  readonly dayFirst: boolean;
}

const PROVINCE_NAME = new Map(CN_PROVINCES.map((p) => [p.code, p.name]));
const ID_TYPES = new Set(['CN_RESIDENT_ID', 'CN_RESIDENCE_PERMIT_HMT', 'CN_FOREIGN_PR_ID']);
/** An 18-character GB 11643 number. Example: `11010519491231002X`. Does not match the 15-digit legacy form. */
const ID18 = /^\d{17}[\dXx]$/;

function idParts(value: string): { region: string; y: number; m: number; d: number } | undefined {
  const v = normalizeText(value).replace(/[\s-]/g, '');
  if (!ID18.test(v)) return undefined;
  return { region: v.slice(0, 6), y: Number(v.slice(6, 10)), m: Number(v.slice(10, 12)), d: Number(v.slice(12, 14)) };
}

function birthOf(
  value: string,
  ctx: OperatorContext<GeneralizeParams>,
): { y: number; m: number; d: number; sep: string; chinese: boolean } {
  const isId = ctx.type !== undefined && ID_TYPES.has(ctx.type);
  if (isId || ID18.test(value.trim())) {
    const id = idParts(value);
    if (id) return { y: id.y, m: id.m, d: id.d, sep: '-', chinese: false };
    if (isId) throw operatorFailed('generalize', ctx, 'the value is not an 18-character resident ID');
  }
  const date = parseDate(value.trim(), ctx.params.dayFirst);
  if (!date) throw operatorFailed('generalize', ctx, 'the value is not a supported date');
  return { y: date.y, m: date.m, d: date.d, sep: date.separator || '-', chinese: date.chinese };
}

function band(n: number, width: number): string {
  const lo = Math.floor(n / width) * width;
  if (Number.isInteger(width) && Number.isInteger(n)) return `${lo}-${lo + width - 1}`;
  return `[${lo},${lo + width})`;
}

/**
 * A number. Example match: `1,234.50`, `-3`. Source: plain decimal notation with optional thousands commas.
 * Deliberately does not match exponents, currency signs or Chinese numerals.
 */
const NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

function generalizeAddress(value: string, level: AddressLevel): string {
  const v = value.trim();
  return v.slice(0, addressPrefixEnd(parseAddressPrefix(v), level));
}

function apply(value: string, ctx: OperatorContext<GeneralizeParams>): string {
  const p = ctx.params;
  switch (p.to) {
    case 'year':
    case 'month':
    case 'decade': {
      const b = birthOf(value, ctx);
      if (p.to === 'year') return b.chinese ? `${b.y}年` : String(b.y);
      if (p.to === 'decade') {
        const lo = b.y - (b.y % 10);
        return `${lo}-${lo + 9}`;
      }
      return b.chinese ? `${b.y}年${b.m}月` : `${b.y}${b.sep}${String(b.m).padStart(2, '0')}`;
    }
    case 'age-band': {
      const b = birthOf(value, ctx);
      const [ty, tm, td] = p.asOf;
      const age = ty - b.y - (tm * 100 + td < b.m * 100 + b.d ? 1 : 0);
      if (age < 0) throw operatorFailed('generalize', ctx, 'the date is after the reference date');
      return band(age, p.width);
    }
    case 'bucket': {
      const v = normalizeText(value).trim();
      if (!NUMBER.test(v)) throw operatorFailed('generalize', ctx, 'the value is not a number');
      return band(Number(v.replace(/,/g, '')), p.width);
    }
    case 'region-year': {
      const id = idParts(value);
      if (!id) throw operatorFailed('generalize', ctx, 'region-year needs an 18-character resident ID');
      const region =
        p.region === 'county' ? id.region : (PROVINCE_NAME.get(id.region.slice(0, 2)) ?? id.region.slice(0, 2));
      return `${region} ${id.y}`;
    }
    case 'province':
    case 'city':
    case 'district': {
      const id =
        (ctx.type !== undefined && ID_TYPES.has(ctx.type)) || ID18.test(value.trim()) ? idParts(value) : undefined;
      if (id) {
        if (p.to === 'province') return PROVINCE_NAME.get(id.region.slice(0, 2)) ?? id.region.slice(0, 2);
        return p.to === 'city' ? `${id.region.slice(0, 4)}00` : id.region;
      }
      return generalizeAddress(value, p.to);
    }
  }
}

/**
 * The `generalize` operator.
 *
 * @example
 * generalize.apply('1990-05-17', { ...ctx, params: generalize.parse({ to: 'year' }) }) // '1990'
 */
export const generalize = {
  name: 'generalize',
  reversible: false,
  keyUse: 'none',
  mayBeAsync: false,
  parse(params: unknown): GeneralizeParams {
    const p = parseWith('generalize', Schema, params);
    let asOf: [number, number, number];
    if (p.asOf) {
      const [y, m, d] = p.asOf.split('-').map(Number) as [number, number, number];
      if (!parseDate(p.asOf)) throw new OperatorParamsError('generalize', ['asOf'], 'is not a calendar date');
      asOf = [y, m, d];
    } else {
      const now = new Date();
      asOf = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
    }
    return { to: p.to, width: p.width ?? 10, asOf, region: p.region, dayFirst: p.dayFirst };
  },
  apply,
} satisfies Operator<GeneralizeParams>;
