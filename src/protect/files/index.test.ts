import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { LeakguardError } from '../../core/errors.js';
import { isLuhnValid } from '../../detect/validators/luhn.js';
import { isMod112Valid } from '../../detect/validators/mod11-2.js';
import { parsePolicy } from '../policy.js';
import { openSqliteTokenVault } from '../vault/sqlite-vault.js';
import { ENV, filesIn, leaks, MIXED_POLICY, people, REVERSIBLE_POLICY, tempDir } from './__fixtures__/data.js';
import {
  loadFilePolicy,
  policyNeedsDefaultVault,
  protectFile,
  protectStream,
  type RevealAuditRecord,
  revealFile,
} from './index.js';

const P = people(10);

function csvOf(ps: typeof P): string {
  return `姓名,手机,身份证号,银行卡号,护照,邮箱\n${ps.map((p) => `${p.name},${p.mobile},${p.id},${p.card},${p.passport},${p.email}`).join('\n')}\n`;
}

describe('protectFile', () => {
  it('protectFile writes nothing where the output should be when it fails midway', async () => {
    const dir = tempDir();
    const rows = P.map((p) => `${p.name},${p.mobile}`);
    rows.splice(7, 0, 'a,b,c');
    writeFileSync(join(dir, 'in.csv'), `姓名,手机\n${rows.join('\n')}\n`);
    const policy = parsePolicy(MIXED_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await expect(protectFile(join(dir, 'in.csv'), join(dir, 'out.csv'), policy)).rejects.toMatchObject({
      code: 'LG_INPUT_INVALID',
      message: 'Cannot protect "in.csv": row 8 (line 9) has 3 fields, expected 2',
    });
    expect(filesIn(dir)).toEqual(['in.csv']);
  });

  it('protectFile refuses an existing output unless asked, and never writes onto its input', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), `tel ${P[0]?.mobile}\n`);
    writeFileSync(join(dir, 'out.txt'), 'keep me');
    symlinkSync(join(dir, 'in.txt'), join(dir, 'link.txt'));
    const policy = parsePolicy(MIXED_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await expect(protectFile(join(dir, 'in.txt'), join(dir, 'out.txt'), policy)).rejects.toMatchObject({
      code: 'LG_USAGE',
      message: expect.stringContaining('the file exists'),
    });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('keep me');
    await protectFile(join(dir, 'in.txt'), join(dir, 'out.txt'), policy, { overwrite: true });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toMatch(/^tel 1[0-9]{2}\*{4}[0-9]{4}\n$/);
    await expect(
      protectFile(join(dir, 'in.txt'), join(dir, 'link.txt'), policy, { overwrite: true }),
    ).rejects.toMatchObject({ code: 'LG_USAGE', message: expect.stringContaining('onto itself') });
    expect(filesIn(dir)).toEqual(['in.txt', 'link.txt', 'out.txt']);
  });

  it('protectFile reports unsupported formats, unreadable inputs and empty files clearly', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.pdf'), '%PDF-1.7\n1 0 obj\n');
    writeFileSync(join(dir, 'empty.csv'), '');
    const policy = parsePolicy(MIXED_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await expect(protectFile(join(dir, 'a.pdf'), join(dir, 'o.pdf'), policy)).rejects.toMatchObject({
      code: 'LG_INPUT_INVALID',
      message: expect.stringContaining('PDF content is not supported'),
    });
    await expect(protectFile(join(dir, 'missing.csv'), join(dir, 'o.csv'), policy)).rejects.toMatchObject({
      code: 'LG_INPUT_READ',
      message: 'Cannot read "' + join(dir, 'missing.csv') + '": it does not exist',
    });
    await expect(protectFile(dir, join(dir, 'o.csv'), policy)).rejects.toMatchObject({ code: 'LG_INPUT_READ' });
    const r = await protectFile(join(dir, 'empty.csv'), join(dir, 'o.csv'), policy);
    expect(r.format).toBe('empty');
    expect(readFileSync(join(dir, 'o.csv'), 'utf8')).toBe('');
  });

  it('protectFile outputs are identical across runs and consistent across files (SQLite vault)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), csvOf(P));
    writeFileSync(join(dir, 'b.csv'), csvOf([...P].reverse()));
    const text = MIXED_POLICY.replace('vault: { memory: true }', 'vault: { sqlite: ./vault.db }');
    writeFileSync(join(dir, 'p.yaml'), text);
    const run = async (input: string, output: string): Promise<string> => {
      const policy = loadFilePolicy(join(dir, 'p.yaml'), { env: ENV });
      try {
        await protectFile(join(dir, input), join(dir, output), policy);
      } finally {
        await policy.close();
      }
      return readFileSync(join(dir, output), 'utf8');
    };
    const a1 = await run('a.csv', 'a1.csv');
    const a2 = await run('a.csv', 'a2.csv');
    const b = await run('b.csv', 'b1.csv');
    expect(a2).toBe(a1);
    const [head, ...rowsA] = a1.trimEnd().split('\n');
    const [headB, ...rowsB] = b.trimEnd().split('\n');
    expect(headB).toBe(head);
    expect(rowsB.reverse()).toEqual(rowsA);
    expect(
      leaks(
        a1,
        P.flatMap((p) => [p.mobile, p.id, p.card, p.passport, p.email, p.name]),
      ),
    ).toEqual({
      detected: [],
      present: 0,
    });
    for (const row of rowsA) {
      const [, , id, card] = row.split(',');
      expect(isMod112Valid(id as string)).toBe(true);
      expect(isLuhnValid(card as string)).toBe(true);
    }
  });

  it('protectFile writes a UTF-16 or GB18030 text back in its own encoding', async () => {
    const dir = tempDir();
    const m = P[0]?.mobile as string;
    const text = `用户手机 ${m}\n`;
    writeFileSync(join(dir, 'u16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    writeFileSync(join(dir, 'gb.txt'), iconv.encode(`${text}${'中文内容，'.repeat(20)}\n`, 'gb18030'));
    const policy = parsePolicy(MIXED_POLICY, join(dir, 'p.yaml'), { env: ENV });
    const r = await protectFile(join(dir, 'u16.txt'), join(dir, 'u16.out'), policy);
    expect(r.encoding).toBe('utf-16le');
    const out = readFileSync(join(dir, 'u16.out'));
    expect([...out.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(out.subarray(2).toString('utf16le')).toBe(`用户手机 ${m.slice(0, 3)}****${m.slice(7)}\n`);
    const g = await protectFile(join(dir, 'gb.txt'), join(dir, 'gb.out'), policy);
    expect(g.encoding).toBe('gb18030');
    expect(iconv.decode(readFileSync(join(dir, 'gb.out')), 'gb18030')).toContain(
      `用户手机 ${m.slice(0, 3)}****${m.slice(7)}\n中文内容`,
    );
  });

  it('protectFile reports column rules that matched no column of the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.csv'), 'name,phone_no\nx,y\n');
    const policy = parsePolicy(
      'rules:\n  - { column: name, action: redact }\n  - { column: [phone, "$.user.phone"], action: redact }\n',
      join(dir, 'p.yaml'),
      { env: ENV },
    );
    const r = await protectFile(join(dir, 'in.csv'), join(dir, 'out.csv'), policy);
    expect(r.unusedColumnRules).toEqual(['phone', '$.user.phone']);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('name,phone_no\n,y\n');
  });

  it('protectFile keeps the input file mode on the output, and reveal output is owner-only', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), `mail ${P[0]?.email}\n`);
    chmodSync(join(dir, 'in.txt'), 0o644);
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await protectFile(join(dir, 'in.txt'), join(dir, 'out.txt'), policy);
    expect(statSync(join(dir, 'out.txt')).mode & 0o777).toBe(0o644);
    await revealFile(join(dir, 'out.txt'), join(dir, 'back.txt'), policy, { audit: join(dir, 'a.jsonl') });
    expect(statSync(join(dir, 'back.txt')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'back.txt'), 'utf8')).toBe(`mail ${P[0]?.email}\n`);
  });
});

describe('revealFile', () => {
  it('revealFile writes one audit record per run with counts and no values', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.csv'), csvOf(P));
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await protectFile(join(dir, 'in.csv'), join(dir, 'mid.csv'), policy);
    const records: RevealAuditRecord[] = [];
    const report = await revealFile(join(dir, 'mid.csv'), join(dir, 'back.csv'), policy, {
      audit: (r) => {
        records.push(r);
      },
      actor: 'auditor-1',
    });
    expect(readFileSync(join(dir, 'back.csv'), 'utf8')).toBe(csvOf(P));
    expect(records).toHaveLength(1);
    const rec = records[0] as RevealAuditRecord;
    expect(rec).toMatchObject({ action: 'reveal', actor: 'auditor-1', outcome: 'ok', format: 'csv', keyIds: ['main'] });
    expect(rec.values).toBe(report.stats.values);
    expect(rec.values).toBeGreaterThanOrEqual(P.length * 5);
    const line = JSON.stringify(rec);
    for (const p of P) for (const v of [p.mobile, p.id, p.email, p.card, p.passport]) expect(line).not.toContain(v);
  });

  it('revealFile records a failed run and leaves no output', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.ndjson'), '{"a":1}\nnot json\n');
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await expect(
      revealFile(join(dir, 'bad.ndjson'), join(dir, 'out.ndjson'), policy, { audit: join(dir, 'audit.jsonl') }),
    ).rejects.toMatchObject({ code: 'LG_INPUT_INVALID' });
    const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ outcome: 'failed', error: 'LG_INPUT_INVALID' });
    expect(existsSync(join(dir, 'out.ndjson'))).toBe(false);
  });

  it('revealFile refuses a policy with nothing reversible, and the output is not written when the audit fails', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), 'x\n');
    const maskOnly = parsePolicy('rules:\n  - { type: CN_MOBILE, action: mask }\n', join(dir, 'p.yaml'), { env: ENV });
    await expect(
      revealFile(join(dir, 'in.txt'), join(dir, 'out.txt'), maskOnly, { audit: join(dir, 'a.jsonl') }),
    ).rejects.toMatchObject({ code: 'LG_POLICY_INVALID', message: expect.stringContaining('no reversible rule') });
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await expect(
      revealFile(join(dir, 'in.txt'), join(dir, 'out.txt'), policy, {
        audit: () => {
          throw new Error('audit store down');
        },
      }),
    ).rejects.toThrow('audit store down');
    expect(filesIn(dir)).toEqual(['in.txt']);
  });

  it('revealFile fails closed with LG_REVEAL_FAILED and the line when a value does not open with the key', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), `ok\nmail ${P[0]?.email}\n`);
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await protectFile(join(dir, 'in.txt'), join(dir, 'mid.txt'), policy);
    const other = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: { LEAKGUARD_KEY: ENV.OTHER_KEY } });
    const audit: RevealAuditRecord[] = [];
    const e = await revealFile(join(dir, 'mid.txt'), join(dir, 'out.txt'), other, {
      audit: (r) => {
        audit.push(r);
      },
    }).then(
      () => undefined,
      (x: unknown) => x as LeakguardError,
    );
    expect(e?.code).toBe('LG_REVEAL_FAILED');
    expect(e?.message).toMatch(/^Cannot reveal "mid\.txt" line 2: a protected value does not open/);
    expect(e?.message).not.toContain(P[0]?.email);
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    expect(audit.map((a) => [a.outcome, a.error, a.failed])).toEqual([['failed', 'LG_REVEAL_FAILED', 1]]);
  });

  it('revealFile fails closed on a CSV column value that does not open, naming row and column', async () => {
    const dir = tempDir();
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    // A token the (empty) vault does not hold, in the tokenize column.
    writeFileSync(join(dir, 'mid.csv'), 'id,token_me\n1,tok:main:aaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    const e = await revealFile(join(dir, 'mid.csv'), join(dir, 'out.csv'), policy, {
      audit: () => undefined,
    }).then(
      () => undefined,
      (x: unknown) => x as LeakguardError,
    );
    expect(e?.code).toBe('LG_REVEAL_FAILED');
    expect(e?.message).toContain('row 1 (line 2), column "token_me"');
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
  });
});

describe('dateshift subject from the policy', () => {
  const POLICY = `keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { column: [visit, $.visit, '$[*].visits[*].on'], action: dateshift, key: main, options: { maxDays: 30, subject: 'SUBJ' } }\ndefault: { action: keep }\n`;
  const VISITS = [
    ['p1', '2024-03-05'],
    ['p1', '2024-03-09'],
    ['p2', '2024-03-05'],
    ['p2', '2024-03-09'],
  ] as const;
  const day = (s: string): number => Date.parse(`${s}T00:00:00Z`) / 86_400_000;

  async function roundTrip(name: string, text: string, subject: string): Promise<string> {
    const dir = tempDir();
    writeFileSync(join(dir, name), text);
    const policy = parsePolicy(POLICY.replace('SUBJ', subject), join(dir, 'p.yaml'), { env: ENV });
    await protectFile(join(dir, name), join(dir, `mid-${name}`), policy);
    const mid = readFileSync(join(dir, `mid-${name}`), 'utf8');
    await revealFile(join(dir, `mid-${name}`), join(dir, `back-${name}`), policy, { audit: () => undefined });
    expect(readFileSync(join(dir, `back-${name}`), 'utf8')).toBe(text);
    return mid;
  }

  /** Shifts are the same within a subject (intervals kept) and differ between these two subjects. */
  function checkShifts(dates: readonly string[]): void {
    const shifts = dates.map((d, i) => day(d) - day(VISITS[i]?.[1] as string));
    expect(shifts[0]).toBe(shifts[1]);
    expect(shifts[2]).toBe(shifts[3]);
    expect(shifts[0]).not.toBe(shifts[2]);
    for (const s of shifts) expect(s !== 0 && Math.abs(s) <= 30).toBe(true);
  }

  it('a CSV uses the subject column the dateshift rule names, without --subject-column', async () => {
    const csv = `patient,visit\n${VISITS.map(([p, d]) => `${p},${d}`).join('\n')}\n`;
    const mid = await roundTrip('v.csv', csv, 'patient');
    checkShifts(
      mid
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[1] as string),
    );
  });

  it('NDJSON reads the subject at a JSON path relative to each line', async () => {
    const nd = `${VISITS.map(([p, d]) => JSON.stringify({ who: { id: p }, visit: d })).join('\n')}\n`;
    const mid = await roundTrip('v.ndjson', nd, '$.who.id');
    checkShifts(
      mid
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { visit: string }).visit),
    );
  });

  it("a JSON array of records reads each record's subject at $[*].path, whatever the key order", async () => {
    const doc = JSON.stringify(
      [
        { visits: [{ on: VISITS[0][1] }, { on: VISITS[1][1] }], pid: 'p1' },
        { pid: 'p2', visits: [{ on: VISITS[2][1] }, { on: VISITS[3][1] }] },
      ],
      null,
      2,
    );
    const mid = await roundTrip('v.json', doc, '$[*].pid');
    const parsed = JSON.parse(mid) as { visits: { on: string }[] }[];
    checkShifts(parsed.flatMap((r) => r.visits.map((v) => v.on)));
  });

  it('text refuses an explicit subject column, and a policy subject does not apply to it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), 'visit on 2024-03-05\n');
    const policy = parsePolicy(POLICY.replace('SUBJ', 'patient'), join(dir, 'p.yaml'), { env: ENV });
    await expect(
      protectFile(join(dir, 'a.log'), join(dir, 'o.log'), policy, { subjectColumn: 'patient' }),
    ).rejects.toThrow(/Cannot use a subject column with TEXT input/);
    const r = await protectFile(join(dir, 'a.log'), join(dir, 'o2.log'), policy);
    expect(r.format).toBe('text');
  });
});

describe('loadFilePolicy', () => {
  it('loadFilePolicy opens the default vault only for tokenize without a vault section', () => {
    expect(policyNeedsDefaultVault('rules:\n  - { type: CN_PASSPORT, action: tokenize }\n')).toBe(true);
    expect(
      policyNeedsDefaultVault('vault: { memory: true }\nrules:\n  - { type: CN_PASSPORT, action: tokenize }\n'),
    ).toBe(false);
    expect(policyNeedsDefaultVault('rules:\n  - { type: CN_PASSPORT, action: mask }\n')).toBe(false);
    expect(policyNeedsDefaultVault(': : not yaml [')).toBe(false);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'p.yaml'),
      'keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { type: CN_PASSPORT, action: tokenize }\n',
    );
    const vault = join(dir, 'state', 'vault.db');
    const policy = loadFilePolicy(join(dir, 'p.yaml'), { env: ENV, defaultVault: vault });
    expect(typeof policy.vault?.put).toBe('function');
    expect(existsSync(vault)).toBe(true);
    const token = policy.ruleFor('CN_PASSPORT')?.apply('E12345678');
    policy.close();
    const again = openSqliteTokenVault(vault);
    expect((again.get(String(token)) as { token?: string } | undefined)?.token).toBe(String(token));
    again.close();
  });
});

describe('protectStream', () => {
  it('protectStream protects NDJSON from one stream to another and refuses binary formats', async () => {
    const policy = parsePolicy(MIXED_POLICY, 'p.yaml', { env: ENV });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const input = `${P.map((p) => JSON.stringify({ phone: p.mobile })).join('\n')}\n`;
    const r = await protectStream(Readable.from([Buffer.from(input)]), out, policy, { name: 'x.ndjson' });
    expect(r.format).toBe('ndjson');
    expect(r.records).toBe(P.length);
    expect(
      leaks(
        Buffer.concat(chunks).toString(),
        P.map((p) => p.mobile),
      ),
    ).toEqual({ detected: [], present: 0 });
    await expect(
      protectStream(Readable.from([Buffer.from('PAR1\0\0\0\0')]), new PassThrough(), policy),
    ).rejects.toMatchObject({ code: 'LG_INPUT_INVALID', message: expect.stringContaining('give a file') });
  });
});
