import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer } from '../formats/csv-tokenizer.js';
import { type Fragment, isProblem, type Unit } from '../source.js';
import { createFileSource } from './file-source.js';

const RANGE = 1024;

/** The units of one file, and its fragments read whole and read range by range. */
async function planAndRead(path: string): Promise<{ ranges: Unit[]; whole: Fragment[]; pieces: Fragment[] }> {
  const split = createFileSource({ root: path, rangeBytes: RANGE });
  const ranges: Unit[] = [];
  for await (const u of split.units()) ranges.push(u);
  const one = createFileSource({ root: path, rangeBytes: 1 << 30 });
  const whole: Fragment[] = [];
  for await (const u of one.units()) {
    for await (const f of one.read(u)) if (!isProblem(f)) whole.push(f);
  }
  const pieces: Fragment[] = [];
  for (const u of ranges) for await (const f of split.read(u)) if (!isProblem(f)) pieces.push(f);
  return { ranges, whole, pieces };
}

/** Ranges are contiguous, start at 0, end at the file's end, and each is at least `RANGE` bytes but the last. */
function expectCover(ranges: readonly Unit[], size: number): void {
  expect(ranges.length).toBeGreaterThan(1);
  let at = 0;
  for (const [k, u] of ranges.entries()) {
    expect(u.kind).toBe('file-range');
    expect(u.params?.start).toBe(at);
    const end = u.params?.end as number;
    expect(end).toBeGreaterThan(at);
    // The first boundary at or after each multiple of RANGE.
    if (k > 0) expect(at).toBeGreaterThanOrEqual(k * RANGE);
    expect(u.size).toBe(end - at);
    at = end;
  }
  expect(at).toBe(size);
}

/** Every cut (but 0) of `ranges`, with the line and row it records. */
const cutsOf = (ranges: readonly Unit[]) =>
  ranges.slice(1).map((u) => ({ start: u.params?.start as number, line: u.params?.line, row: u.params?.row }));

/** Lines of printable ASCII, Chinese text, e-mails and digits (never a newline inside a line). */
const lineText = fc
  .array(
    fc.oneof(
      fc.string({ unit: fc.constantFrom(...'abc xyz,;:"'.split('')), maxLength: 30 }),
      fc.constantFrom('张伟', '手机 13812345678', 'li@example.com', '订单 42', '\t'),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(' '));

describe('planFile cuts (property)', () => {
  it('text and NDJSON: every cut follows a newline with its exact line number; ranges cover the file once and read what a whole read does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-plan-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(lineText, { minLength: 150, maxLength: 400 }),
          fc.constantFrom('log', 'ndjson'),
          fc.boolean(),
          async (lines, kind, crlf) => {
            const eol = crlf ? '\r\n' : '\n';
            const body =
              kind === 'log'
                ? lines.map((l) => `${l}${eol}`).join('')
                : lines.map((l, i) => `${JSON.stringify({ id: i, note: l })}${eol}`).join('');
            const path = join(dir, `f.${kind}`);
            writeFileSync(path, body);
            const bytes = readFileSync(path);
            const { ranges, whole, pieces } = await planAndRead(path);
            expectCover(ranges, bytes.length);
            for (const c of cutsOf(ranges)) {
              expect(bytes[c.start - 1]).toBe(0x0a);
              const line = bytes.subarray(0, c.start).filter((b) => b === 0x0a).length + 1;
              expect(c.line).toBe(line);
            }
            if (kind === 'ndjson') {
              // Values with their exact line, record and path, each once.
              const key = (f: Fragment) => `${f.loc.line}|${f.loc.row}|${f.loc.field}|${f.text}`;
              expect(pieces.map(key)).toEqual(whole.map(key));
            } else {
              // Every line with content, once, at its exact number (fragments holding only blank lines are not
              // passed to detection, so a range of one empty line yields none).
              const linesOf = (frags: readonly Fragment[]) =>
                frags.flatMap((f) =>
                  f.text.split('\n').flatMap((t, k) => (t.trim() ? [`${(f.loc.line ?? 0) + k}|${t}`] : [])),
                );
              expect(linesOf(pieces)).toEqual(linesOf(whole));
              expect(linesOf(whole)).toHaveLength(lines.filter((l) => l.trim()).length);
            }
          },
        ),
        { numRuns: 20, endOnFailure: true },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CSV with quoted fields holding delimiters, quotes and newlines, and broken quoting: every cut is a record start; ranges read each cell once at its exact row and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-plan-csv-'));
    /**
     * A cell as written: plain (no delimiter or line break; a stray quote makes broken quoting, which the
     * tokenizer rejects and resynchronises after), or quoted with delimiters, quotes and line breaks inside.
     */
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'abc xyz;:"'.split('')), maxLength: 20 }),
      fc.constantFrom('张伟', '13812345678', 'li@example.com', ''),
      fc
        .array(fc.constantFrom('a', '1', ',', '""', '\n', '\r\n', '张', ' '), { maxLength: 12 })
        .map((p) => `"${p.join('')}"`),
    );
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(cell, cell, cell), { minLength: 120, maxLength: 300 }), async (rows) => {
          const body = `name,phone,note\n${rows.map((r) => `${r.join(',')}\n`).join('')}`;
          const path = join(dir, 'f.csv');
          writeFileSync(path, body);
          const bytes = readFileSync(path);
          const { ranges, whole, pieces } = await planAndRead(path);
          // Record starts, from one tokenizer pass over the whole file with the dialect planning sniffed.
          const delimiter = String(ranges[0]?.params?.delimiter ?? ',').charCodeAt(0);
          const t = new CsvTokenizer({ delimiter, maxRecordBytes: 1 << 20, fields: false });
          const starts = new Set<number>();
          // A rejected (malformed) record starts where it starts too: the reader resumes from the same place.
          for (const e of [...t.push(bytes), ...t.end()]) starts.add(e.offset);
          expectCover(ranges, bytes.length);
          for (const c of cutsOf(ranges)) expect(starts.has(c.start)).toBe(true);
          const key = (f: Fragment) => `${f.loc.line}|${f.loc.row}|${f.loc.field}|${f.text}`;
          expect(pieces.map(key)).toEqual(whole.map(key));
          expect(whole.length).toBeGreaterThan(0);
        }),
        { numRuns: 20, endOnFailure: true },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
