/**
 * A streaming RFC 4180 tokenizer over UTF-8 bytes that knows where every record starts (byte offset, physical line)
 * and recovers from broken quoting deterministically.
 *
 * It is hand-written rather than `csv-parse` because the range planner and the reader must agree exactly on record
 * boundaries and record numbers: both run this one state machine (the planner with `fields: false`). csv-parse was
 * evaluated: its error messages echo cell content, and after a malformed quote it resynchronises inconsistently
 * (`"x"y,2,3` followed by a valid multi-line quoted field made it report the valid record as broken too).
 *
 * Rules: `\n` ends a record outside quotes (a preceding `\r` is dropped); a field is quoted only when its first
 * byte is the quote; `""` inside quotes is one quote; a quote inside an unquoted field is literal (lenient, as
 * spreadsheets write it). Recovery: a closing quote followed by anything but a delimiter or end of record makes
 * the record *malformed*; it runs to the next record end and is reported. An unterminated quote (end of input, or
 * the record outgrowing `maxRecordBytes` inside quotes) reports the record and resumes at the line after its
 * first line, so the rest of the file is still read. Empty lines are not records.
 *
 * Delimiter and quote are ASCII bytes, which never occur inside a UTF-8 multi-byte sequence.
 */

/** Why a record was rejected. */
export type CsvMalformedReason = 'bad-quote' | 'unterminated-quote' | 'too-large';

/** A record, or a rejected record, with where it starts. */
export type CsvEvent =
  | { kind: 'record'; fields: string[]; offset: number; line: number; end: number }
  | { kind: 'malformed'; reason: CsvMalformedReason; offset: number; line: number };

/** Tokenizer settings. */
export interface CsvTokenizerOptions {
  /** Delimiter byte (`,` is 0x2c, tab 0x09). */
  delimiter: number;
  /** Quote byte (default `"`). */
  quote?: number;
  /** Absolute byte offset of the first byte pushed (ranges). */
  offset?: number;
  /** Physical line of the first byte pushed (1-based). */
  line?: number;
  /** Bytes beyond which a record is rejected. */
  maxRecordBytes: number;
  /** Decode fields (false for the planner, which only needs boundaries). */
  fields?: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Streaming CSV tokenizer: `push(chunk)` and `end()` return the events completed so far.
 *
 * @example
 * const t = new CsvTokenizer({ delimiter: 0x2c, maxRecordBytes: 1 << 20 });
 * t.push(Buffer.from('a,b\n1,"2\n3"\n')); // two records, the second starting on line 2
 */
export class CsvTokenizer {
  private readonly delim: number;
  private readonly quote: number;
  private readonly maxRecord: number;
  private readonly decode: boolean;
  /** Unconsumed bytes; the current record starts at `rs`. Compacted once per push, not per record. */
  private buf: Buffer = Buffer.alloc(0);
  /** Index in `buf` where the current record starts. */
  private rs = 0;
  /** Absolute offset of buf[0]. */
  private bufOffset: number;
  /** Line of the current record's first byte. */
  private recLine: number;
  /** Resume state within buf (absolute indices in `buf`). */
  private pos = 0;
  private linesInRecord = 0;
  private inQuote = false;
  private afterQuote = false;
  private fieldStart = 0;
  private fieldQuoted = false;
  private bad = false;
  /** Field bounds [start, end, quoted] collected for the current record. */
  private bounds: number[] = [];
  /** Discarding an oversized unquoted record up to its end. */
  private skipping = false;

  constructor(options: CsvTokenizerOptions) {
    this.delim = options.delimiter;
    this.quote = options.quote ?? 0x22;
    this.maxRecord = options.maxRecordBytes;
    this.decode = options.fields !== false;
    this.bufOffset = options.offset ?? 0;
    this.recLine = options.line ?? 1;
  }

  /** Absolute offset of the next record's start (after everything completed so far). */
  get offset(): number {
    return this.bufOffset + this.rs;
  }

  /** Physical line of the next record's start. */
  get line(): number {
    return this.recLine;
  }

  /** Feed bytes; returns events for records completed in them. */
  push(chunk: Uint8Array): CsvEvent[] {
    const events: CsvEvent[] = [];
    if (chunk.length === 0) return events;
    const c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const keep = this.buf.length - this.rs;
    if (keep === 0) {
      this.bufOffset += this.buf.length;
      this.buf = c;
      this.shift(this.rs);
    } else {
      const rest = this.buf.subarray(this.rs);
      this.bufOffset += this.rs;
      this.shift(this.rs);
      this.buf = Buffer.concat([rest, c]);
    }
    this.scan(events, false);
    return events;
  }

  /** End of input: completes the last record (or reports it). */
  end(): CsvEvent[] {
    const events: CsvEvent[] = [];
    this.scan(events, true);
    return events;
  }

  /** Re-base indices after dropping `n` bytes from the front of `buf`. */
  private shift(n: number): void {
    this.rs -= n;
    this.pos -= n;
    this.fieldStart -= n;
    for (let k = 0; k < this.bounds.length; k += 3) {
      this.bounds[k]! -= n;
      this.bounds[k + 1]! -= n;
    }
  }

  private startRecord(at: number, lines: number): void {
    this.rs = at;
    this.recLine += lines;
    this.pos = at;
    this.linesInRecord = 0;
    this.inQuote = false;
    this.afterQuote = false;
    this.fieldStart = at;
    this.fieldQuoted = false;
    this.bad = false;
    this.bounds.length = 0;
  }

  /** Drop everything buffered (an oversized record), keeping offsets right. */
  private dropAll(): void {
    this.bufOffset += this.buf.length;
    this.buf = Buffer.alloc(0);
    this.startRecord(0, 0);
  }

  private scan(events: CsvEvent[], final: boolean): void {
    for (;;) {
      if (this.skipping) {
        const nl = this.buf.indexOf(LF, this.pos);
        if (nl < 0) {
          // Keep nothing of an oversized record: count its bytes and wait for its end.
          this.dropAll();
          if (final) this.skipping = false;
          return;
        }
        this.skipping = false;
        this.startRecord(nl + 1, 1);
        continue;
      }
      if (this.scanRecord(events)) continue;
      // Incomplete record at the end of the data.
      const size = this.buf.length - this.rs;
      if (size > this.maxRecord) {
        this.rejectIncomplete(events, 'too-large');
        continue;
      }
      if (!final) return;
      if (this.inQuote) {
        this.rejectIncomplete(events, 'unterminated-quote');
        continue;
      }
      const n = this.buf.length;
      const contentEnd = n > this.rs && this.buf[n - 1] === CR ? n - 1 : n;
      if (contentEnd > this.rs || this.bounds.length > 0 || this.fieldQuoted) {
        if (this.bad) events.push({ kind: 'malformed', reason: 'bad-quote', offset: this.offset, line: this.recLine });
        else this.emitRecord(events, contentEnd, n);
      }
      this.startRecord(n, 0);
      return;
    }
  }

  /** Record the current field's bounds ending at `end`. */
  private closeField(end: number): void {
    this.bounds.push(this.fieldStart, end, this.fieldQuoted ? 1 : 0);
  }

  /** Scan from `pos`; returns true when a record (or empty line) was completed. */
  private scanRecord(events: CsvEvent[]): boolean {
    const b = this.buf;
    const n = b.length;
    const q = this.quote;
    const d = this.delim;
    let i = this.pos;
    while (i < n) {
      if (this.inQuote) {
        // Fast skip to the next quote; count newlines on the way.
        const next = b.indexOf(q, i);
        const stop = next < 0 ? n : next;
        for (let j = b.indexOf(LF, i); j >= 0 && j < stop; j = b.indexOf(LF, j + 1)) this.linesInRecord++;
        if (next < 0) {
          i = n;
          break;
        }
        i = next;
        if (i + 1 >= n) {
          // Cannot tell `""` from a closing quote yet.
          this.pos = i;
          return false;
        }
        if (b[i + 1] === q) {
          i += 2;
          continue;
        }
        this.inQuote = false;
        this.afterQuote = true;
        i++;
        continue;
      }
      const ch = b[i]!;
      if (ch === LF) {
        const end = i > this.rs && b[i - 1] === CR ? i - 1 : i;
        const empty = this.bounds.length === 0 && end === this.rs && !this.afterQuote && !this.fieldQuoted;
        if (!empty) {
          if (i + 1 - this.rs > this.maxRecord) {
            events.push({ kind: 'malformed', reason: 'too-large', offset: this.offset, line: this.recLine });
          } else if (this.bad) {
            events.push({ kind: 'malformed', reason: 'bad-quote', offset: this.offset, line: this.recLine });
          } else this.emitRecord(events, end, i + 1);
        }
        this.startRecord(i + 1, this.linesInRecord + 1);
        return true;
      }
      if (ch === d) {
        this.closeField(i);
        this.fieldStart = i + 1;
        this.fieldQuoted = false;
        this.afterQuote = false;
        i++;
        continue;
      }
      if (this.afterQuote) {
        if (!(ch === CR && (i + 1 === n || b[i + 1] === LF))) this.bad = true;
        i++;
        continue;
      }
      if (ch === q && i === this.fieldStart) {
        this.inQuote = true;
        this.fieldQuoted = true;
        i++;
        continue;
      }
      // Plain field bytes: jump to the next byte that matters.
      i++;
      while (i < n) {
        const c2 = b[i]!;
        if (c2 === LF || c2 === d || c2 === q) break;
        i++;
      }
    }
    this.pos = i;
    return false;
  }

  private emitRecord(events: CsvEvent[], contentEnd: number, recordEnd: number): void {
    const offset = this.offset;
    if (!this.decode) {
      events.push({ kind: 'record', fields: [], offset, line: this.recLine, end: this.bufOffset + recordEnd });
      return;
    }
    this.closeField(contentEnd);
    const fields: string[] = [];
    const bounds = this.bounds;
    for (let k = 0; k < bounds.length; k += 3) {
      let s = bounds[k]!;
      let e = bounds[k + 1]!;
      if (bounds[k + 2] === 1) {
        s += 1;
        // A well-formed quoted field ends with its closing quote (a trailing `\r` is already excluded).
        if (e > s && this.buf[e - 1] === this.quote) e -= 1;
        const raw = this.buf.toString('utf8', s, e);
        fields.push(raw.includes('""') ? raw.replaceAll('""', '"') : raw);
      } else fields.push(this.buf.toString('utf8', s, e));
    }
    events.push({ kind: 'record', fields, offset, line: this.recLine, end: this.bufOffset + recordEnd });
  }

  /** Reject the record at `rs`: report it and resume after its first physical line. */
  private rejectIncomplete(events: CsvEvent[], reason: CsvMalformedReason): void {
    events.push({
      kind: 'malformed',
      reason: this.inQuote ? reason : 'too-large',
      offset: this.offset,
      line: this.recLine,
    });
    const nl = this.buf.indexOf(LF, this.rs);
    if (nl >= 0) {
      this.startRecord(nl + 1, 1);
      return;
    }
    // One giant line: discard up to its end as it arrives.
    this.skipping = true;
    this.dropAll();
  }
}
