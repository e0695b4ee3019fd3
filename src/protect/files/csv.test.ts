import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { isLuhnValid } from '../../detect/validators/luhn.js';
import { isMod112Valid } from '../../detect/validators/mod11-2.js';
import { CsvTokenizer } from '../../sources/formats/csv-tokenizer.js';
import type { TextEncoding } from '../../sources/formats/decode.js';
import { bufferInput } from '../../sources/formats/input.js';
import { parsePolicy } from '../policy.js';
import { ENV, leaks, MIXED_POLICY, people, REVERSIBLE_POLICY } from './__fixtures__/data.js';
import { type CsvTransformOptions, type CsvWriteDialect, sniffHeader, sniffQuote, transformCsv } from './csv.js';
import { BlockWriter, TextEncoderStream } from './output.js';
import type { BadRecordAction } from './records.js';
import { ValueTransformer } from './values.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const P = people(20);

interface Run {
  out: Buffer;
  text: string;
  rows: number;
  bad: { count: number; list: readonly { row?: number; line?: number; reason: string }[] };
  values: ValueTransformer;
}

async function runCsv(
  input: string | Buffer,
  policyText: string,
  options: Partial<Omit<CsvTransformOptions, 'dialect'>> & { dialect?: Partial<CsvWriteDialect> } = {},
  mode: 'protect' | 'reveal' = 'protect',
): Promise<Run> {
  const data = typeof input === 'string' ? Buffer.from(input) : input;
  const encoding: TextEncoding = options.encoding ?? 'utf-8';
  const policy = parsePolicy(policyText, 'p.yaml', { env: ENV });
  const values = new ValueTransformer(policy, analyzer, mode);
  const parts: Buffer[] = [];
  const bom = encoding === 'utf-8' && data[0] === 0xef;
  const writer = new BlockWriter(new TextEncoderStream(encoding, bom), (d) => {
    parts.push(d);
  });
  const r = await transformCsv(bufferInput('t.csv', data), writer, values, {
    file: 't.csv',
    encoding,
    onBadRecord: (options.onBadRecord ?? 'fail') as BadRecordAction,
    subjectColumn: options.subjectColumn,
    dialect: { delimiter: ',', header: true, quote: '"', ...options.dialect },
  });
  await writer.end();
  const out = Buffer.concat(parts);
  return { out, text: out.toString('utf8'), rows: r.rows, bad: r.bad, values };
}

/** Records of a CSV text with the project's tokenizer. */
function records(text: string, delimiter = ','): string[][] {
  const t = new CsvTokenizer({ delimiter: delimiter.charCodeAt(0), maxRecordBytes: 1 << 24 });
  const out: string[][] = [];
  for (const e of [...t.push(Buffer.from(text)), ...t.end()]) if (e.kind === 'record') out.push(e.fields);
  return out;
}

const KEEP_ALL = 'rules:\n  - { type: CN_MOBILE, action: keep }\ndefault: { action: keep }\n';

describe('transformCsv', () => {
  it('transformCsv copies a file with nothing to protect byte for byte, whatever its quoting', async () => {
    const cell = fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s) || s.length > 0);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (rows, eol, quoteAll) => {
          const enc = (s: string): string =>
            quoteAll || /[",\r\n]/.test(s) || s === '' ? `"${s.replaceAll('"', '""')}"` : s;
          const text = ['a,b,c', ...rows.map((r) => r.map(enc).join(','))].join(eol) + eol;
          const r = await runCsv(text, KEEP_ALL);
          expect(r.text).toBe(text);
          expect(r.bad.count).toBe(0);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('transformCsv output parses to the protected fields of the input (quoting added where needed)', async () => {
    const policy = `rules:\n  - { column: b, action: replace, options: { value: "x,\\"y\\"\\n" } }\ndefault: { action: keep }\n`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 10 }),
        async (rows) => {
          const enc = (s: string): string => (/[",\r\n]/.test(s) || s === '' ? `"${s.replaceAll('"', '""')}"` : s);
          const text = `${['a,b', ...rows.map((r) => r.map(enc).join(','))].join('\n')}\n`;
          const r = await runCsv(text, policy);
          const got = records(r.text);
          expect(got[0]).toEqual(['a', 'b']);
          expect(got.slice(1)).toEqual(rows.map(([a, b]) => [a, b === '' ? '' : 'x,"y"\n']));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('transformCsv keeps the delimiter, line endings, quoting and header of the input', async () => {
    const input = `姓名;手机;备注\r\n"${P[0]?.name}";${P[0]?.mobile};"说明; ""引号"""\r\n${P[1]?.name};"${P[1]?.mobile}";无\r\n`;
    const r = await runCsv(input, MIXED_POLICY, { dialect: { delimiter: ';' } });
    const lines = r.text.split('\r\n');
    expect(lines[0]).toBe('姓名;手机;备注');
    expect(lines[1]).toMatch(/^"[^"]+";1[0-9]{2}\*{4}[0-9]{4};"说明; ""引号"""$/);
    expect(lines[2]).toMatch(/^[^";]+;"1[0-9]{2}\*{4}[0-9]{4}";无$/);
    expect(lines[3]).toBe('');
    expect(leaks(r.text, [P[0]?.mobile ?? '', P[1]?.mobile ?? '', P[0]?.name ?? '', P[1]?.name ?? ''])).toEqual({
      detected: [],
      present: 0,
    });
  });

  it('transformCsv applies column rules to whole values and leaves keep columns untouched', async () => {
    const p = P[2] as (typeof P)[number];
    const input = `id,secret_note,untouched,comment\n1,anything at all,${p.mobile},call ${p.mobile}\n`;
    const r = await runCsv(input, MIXED_POLICY);
    const [, row] = records(r.text);
    expect(row?.[1]).toBe('');
    expect(row?.[2]).toBe(p.mobile);
    expect(row?.[3]).toBe(`call ${p.mobile.slice(0, 3)}****${p.mobile.slice(7)}`);
    expect(r.values.stats.byColumn).toEqual({ secret_note: 1 });
  });

  it('transformCsv writes valid identifiers for fpe with preserveCheck', async () => {
    const input = `身份证号,银行卡号\n${P.map((p) => `${p.id},${p.card}`).join('\n')}\n`;
    const r = await runCsv(input, MIXED_POLICY);
    const rows = records(r.text).slice(1);
    expect(rows).toHaveLength(P.length);
    for (const [id, card] of rows) {
      expect(isMod112Valid(id as string)).toBe(true);
      expect(isLuhnValid(card as string)).toBe(true);
    }
    expect(
      leaks(
        r.text,
        P.flatMap((p) => [p.id, p.card]),
      ),
    ).toEqual({ detected: [], present: 0 });
  });

  it('transformCsv stops at a ragged row with its row and line under onBadRecord fail', async () => {
    const input = `a,b\n1,2\n"x\ny",3\n4,5,6\n`;
    await expect(runCsv(input, KEEP_ALL)).rejects.toMatchObject({
      code: 'LG_INPUT_INVALID',
      message: 'Cannot protect "t.csv": row 3 (line 5) has 3 fields, expected 2',
      location: { file: 't.csv', line: 5 },
    });
  });

  it('transformCsv skips or redacts bad rows and lists them', async () => {
    const p = P[3] as (typeof P)[number];
    const input = `a,b\n1,2\n${p.mobile},${p.id},extra\n"bad"x,1\n3,4`;
    const skipped = await runCsv(input, KEEP_ALL, { onBadRecord: 'skip' });
    expect(skipped.text).toBe('a,b\n1,2\n3,4');
    expect(skipped.bad.count).toBe(2);
    expect(skipped.bad.list.map((b) => [b.row, b.line])).toEqual([
      [2, 3],
      [3, 4],
    ]);
    const redacted = await runCsv(input, KEEP_ALL, { onBadRecord: 'redact' });
    expect(redacted.text).toBe('a,b\n1,2\n,,\n,\n3,4');
    expect(redacted.text).not.toContain(p.mobile);
    expect(redacted.rows).toBe(4);
  });

  it('transformCsv keeps a UTF-8 BOM and writes GB18030 back as GB18030', async () => {
    const p = P[4] as (typeof P)[number];
    const text = `手机,备注\n${p.mobile},中文说明\n`;
    const bom = await runCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), MIXED_POLICY);
    expect([...bom.out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const gb = await runCsv(iconv.encode(text, 'gb18030'), MIXED_POLICY, { encoding: 'gb18030' });
    const decoded = iconv.decode(gb.out, 'gb18030');
    expect(decoded).toBe(`手机,备注\n${p.mobile.slice(0, 3)}****${p.mobile.slice(7)},中文说明\n`);
  });

  it('transformCsv names headerless columns "column N" for rules', async () => {
    const p = P[5] as (typeof P)[number];
    const policy = `rules:\n  - { column: column 2, action: redact }\ndefault: { action: keep }\n`;
    const r = await runCsv(`1,${p.mobile},x\n2,${p.mobile},y\n`, policy, { dialect: { header: false } });
    expect(r.text).toBe('1,,x\n2,,y\n');
  });

  it('transformCsv quotes an emptied field of a one-column file so the row stays', async () => {
    const r = await runCsv(`secret_note\nabc\n\ndef\n`, MIXED_POLICY);
    expect(r.text).toBe('secret_note\n""\n""\n');
  });

  it('transformCsv round-trips reversible column and type rules exactly', async () => {
    const input = `phone,token_me,note\n${P.map((p) => `${p.mobile},${p.passport},"卡 ${p.card}; mail ${p.email}"`).join('\r\n')}\r\n`;
    const policy = parsePolicy(REVERSIBLE_POLICY, 'p.yaml', { env: ENV });
    const protect = new ValueTransformer(policy, analyzer, 'protect');
    const reveal = new ValueTransformer(policy, analyzer, 'reveal');
    const run = async (data: Buffer, values: ValueTransformer): Promise<Buffer> => {
      const parts: Buffer[] = [];
      const w = new BlockWriter(new TextEncoderStream('utf-8', false), (d) => {
        parts.push(d);
      });
      await transformCsv(bufferInput('t.csv', data), w, values, {
        file: 't.csv',
        encoding: 'utf-8',
        onBadRecord: 'fail',
        dialect: { delimiter: ',', header: true, quote: '"' },
      });
      await w.end();
      return Buffer.concat(parts);
    };
    const protectedCsv = await run(Buffer.from(input), protect);
    expect(
      leaks(
        protectedCsv.toString(),
        P.flatMap((p) => [p.mobile, p.passport, p.card, p.email]),
      ),
    ).toEqual({
      detected: [],
      present: 0,
    });
    const back = await run(protectedCsv, reveal);
    expect(back.toString()).toBe(input);
  });

  it('transformCsv shifts dates by subject consistently and reverts them', async () => {
    const policyText = `keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { column: visit, action: dateshift, key: main }\n  - { column: patient, action: hash, key: main, options: { length: 16 } }\ndefault: { action: keep }\n`;
    const input = 'patient,visit\nP1,2024-03-01\nP2,2024-03-01\nP1,2024-03-11\n';
    const r = await runCsv(input, policyText, { subjectColumn: 'patient' });
    const rows = records(r.text).slice(1);
    const day = (s: string): number => Date.parse(`${s}T00:00:00Z`) / 86_400_000;
    expect(day(rows[2]?.[1] as string) - day(rows[0]?.[1] as string)).toBe(10);
    expect(rows[0]?.[0]).toBe(rows[2]?.[0]);
    const back = await runCsv(r.text, policyText, { subjectColumn: 'patient' }, 'reveal');
    expect(records(back.text).map((x) => x[1])).toEqual(['visit', '2024-03-01', '2024-03-01', '2024-03-11']);
  });
});

describe('sniffQuote and sniffHeader', () => {
  it('sniffQuote finds single quotes only when they wrap fields and double quotes never do', () => {
    expect(sniffQuote(Buffer.from("'a,b',c\n'd',e\n"), ',')).toBe("'");
    expect(sniffQuote(Buffer.from('"a,b",c\n\'d\',e\n'), ',')).toBe('"');
    expect(sniffQuote(Buffer.from("it's,fine\nno,quotes\n"), ',')).toBe('"');
  });

  it('sniffHeader tells a header row from a data row', () => {
    expect(sniffHeader(Buffer.from('name,phone\nWang,13800138000\n'), ',')).toBe(true);
    expect(sniffHeader(Buffer.from('Alice,Paris\nBob,Lyon\n'), ',')).toBe(false);
  });
});
