/**
 * Bad records (a CSV row with the wrong number of fields or broken quoting, an NDJSON line that is not one JSON
 * value) and what to do with them, chosen by the caller:
 *
 * - `fail` (default, fail closed): stop at the first one with its row and line; the output is not written.
 * - `skip`: leave the record out of the output; it is listed in the report.
 * - `redact`: keep the record's place with every value removed (a CSV row of empty fields, an empty NDJSON
 *   line), so row and line numbers still match the input; it is listed in the report.
 *
 * A bad record is never written in clear: its fields cannot be trusted to line up with the header, so column
 * rules cannot be applied to it.
 */
import { InputError } from '../../core/errors.js';

/** What to do with a bad record. */
export type BadRecordAction = 'fail' | 'skip' | 'redact';

/** The names {@link BadRecordAction} accepts (for option validation). */
export const BAD_RECORD_ACTIONS: readonly BadRecordAction[] = ['fail', 'skip', 'redact'];

/** One bad record, by location only. */
export interface BadRecord {
  /** Data row (CSV, header excluded) or line (NDJSON). */
  readonly row?: number;
  /** Physical line where the record starts. */
  readonly line?: number;
  /** Why it is bad (never quoting content). */
  readonly reason: string;
}

/** Bad records listed in a report at most; the count is always exact. */
export const MAX_LISTED_BAD_RECORDS = 1000;

/**
 * Collects bad records and applies the chosen action.
 *
 * @example
 * const bad = new BadRecords('skip', 'users.csv', 'row');
 * bad.handle({ row: 5, line: 6, reason: 'has 3 fields, expected 2' }); // 'skip'
 */
export class BadRecords {
  readonly list: BadRecord[] = [];
  count = 0;

  constructor(
    readonly action: BadRecordAction,
    private readonly file: string,
    private readonly what: 'row' | 'line',
    private readonly verb: 'protect' | 'reveal' = 'protect',
  ) {}

  /**
   * Records one bad record and says what to do with it.
   *
   * @throws InputError `LG_INPUT_INVALID` with the row and line when the action is `fail`
   */
  handle(record: BadRecord): 'skip' | 'redact' {
    const where =
      record.row !== undefined
        ? `${this.what} ${record.row}${record.line !== undefined && record.line !== record.row ? ` (line ${record.line})` : ''}`
        : `line ${record.line}`;
    if (this.action === 'fail') {
      throw new InputError('LG_INPUT_INVALID', `Cannot ${this.verb} "${this.file}": ${where} ${record.reason}`, {
        location: { file: this.file, ...(record.line !== undefined ? { line: record.line } : {}) },
      });
    }
    this.count++;
    if (this.list.length < MAX_LISTED_BAD_RECORDS) this.list.push(record);
    return this.action;
  }
}
