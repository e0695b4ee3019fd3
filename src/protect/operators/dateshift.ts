/**
 * `dateshift`: moves every date of one data subject by the same secret number of days (within ±`maxDays`,
 * never 0), so intervals between a subject's events survive (length of stay, age at visit to within the
 * shift) while real dates do not. The shift is HMAC(key's `dateshift` subkey, subject) → uniform in
 * `[-maxDays, -1] ∪ [1, maxDays]`: consistent per subject and key, unlinkable across keys. The date keeps its
 * written form (see `dates.ts`). Reversible with the key and the subject.
 */
import { z } from 'zod';
import { createKeyedRng } from '../../synth/rng.js';
import { addDays, parseDate } from '../dates.js';
import { type Operator, type OperatorContext, operatorFailed, parseWith } from '../operator.js';

const Schema = z.strictObject({
  /** Largest shift in days, either way. Default 30. */
  maxDays: z.number().int().min(1).max(3650).default(30),
  /**
   * Without a subject: `fail` (default) refuses, `value` keys the shift by the date itself (consistent per
   * date only, so intervals are not kept).
   */
  withoutSubject: z.enum(['fail', 'value']).default('fail'),
  /** How to read `05/03/2024`: day first (default) or month first. */
  dayFirst: z.boolean().default(true),
  /**
   * Where each record's subject id is: a column name (CSV/TSV, XLSX, Parquet, database tables) or a JSON path
   * (`$.patient.id`, `$[*].patient_id` for an array of records; NDJSON paths are relative to each line). The
   * CLI's `--subject-column` overrides it. Every dateshift rule of a policy names the same subject. Text has no
   * records: there, `withoutSubject` decides.
   */
  subject: z.string().min(1).max(512).optional(),
});

/** Options of `dateshift`. */
export type DateshiftParams = z.output<typeof Schema>;

/**
 * The shift in days for `subject` under `key` bytes.
 *
 * @example
 * shiftDays(subkey, 'patient-42', 30) // e.g. -17
 */
export function shiftDays(subkey: Uint8Array, subject: string, maxDays: number): number {
  const k = createKeyedRng(subkey, `dateshift:${subject}`).int(2 * maxDays);
  return k < maxDays ? -(k + 1) : k - maxDays + 1;
}

function run(value: string, ctx: OperatorContext<DateshiftParams>, sign: 1 | -1): string {
  const p = ctx.params;
  if (!ctx.key) throw operatorFailed('dateshift', ctx, 'the rule has no key');
  const date = parseDate(value.trim(), p.dayFirst);
  if (!date) throw operatorFailed('dateshift', ctx, 'the value is not a supported date');
  let subject = ctx.subject;
  if (subject === undefined) {
    if (p.withoutSubject === 'fail') {
      throw operatorFailed(
        'dateshift',
        ctx,
        'no subject id was given (name the subject with options.subject or --subject-column for CSV, XLSX, Parquet, JSON and tables; free text has none: set options.withoutSubject: value to key the shift by the date)',
      );
    }
    if (sign === -1) throw operatorFailed('dateshift', ctx, 'a shift keyed by the value cannot be reverted');
    subject = `value:${value}`;
  }
  const days = sign * shiftDays(ctx.key.derive('dateshift'), subject, p.maxDays);
  const [y, m, d] = addDays(date.y, date.m, date.d, days);
  if (y < 1 || y > 9999) throw operatorFailed('dateshift', ctx, 'the shifted date is out of range');
  const lead = value.length - value.trimStart().length;
  const trail = value.trimEnd().length;
  return value.slice(0, lead) + date.render(y, m, d) + value.slice(trail);
}

/**
 * The `dateshift` operator.
 *
 * @example
 * dateshift.apply('2024-03-05', { ...ctx, subject: 'patient-42' }) // e.g. '2024-02-17'
 */
export const dateshift = {
  name: 'dateshift',
  reversible: true,
  keyUse: 'required',
  mayBeAsync: false,
  parse: (params: unknown): DateshiftParams => parseWith('dateshift', Schema, params),
  apply: (value: string, ctx: OperatorContext<DateshiftParams>): string => run(value, ctx, 1),
  revert: (value: string, ctx: OperatorContext<DateshiftParams>): string => run(value, ctx, -1),
} satisfies Operator<DateshiftParams>;
