import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { isMod112Valid } from '../../detect/validators/mod11-2.js';
import { parsePolicy } from '../policy.js';
import { ENV, filesIn, leaks, MIXED_POLICY, people, REVERSIBLE_POLICY, tempDir } from './__fixtures__/data.js';
import { protectFile, revealFile } from './index.js';

const P = people(30);

function arrayBuffer(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

async function rows(path: string): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: arrayBuffer(path) });
}

/** A Parquet file of the fixture people, in row groups of 10; phones as INT64 or as text. */
function writePeople(path: string, phoneAsNumber = true): void {
  const buf = parquetWriteBuffer({
    columnData: [
      { name: '姓名', data: P.map((p) => p.name), type: 'STRING' },
      phoneAsNumber
        ? { name: 'phone', data: P.map((p) => BigInt(p.mobile)), type: 'INT64' }
        : { name: 'mobile', data: P.map((p) => p.mobile), type: 'STRING' },
      { name: 'visits', data: P.map((_, i) => BigInt(i)), type: 'INT64' },
      { name: 'id_card', data: P.map((p) => p.id), type: 'STRING' },
      { name: 'note', data: P.map((p, i) => (i % 3 === 0 ? null : `邮箱 ${p.email}`)), type: 'STRING' },
      { name: 'score', data: P.map((_, i) => i * 1.5), type: 'DOUBLE' },
      { name: 'active', data: P.map((_, i) => i % 2 === 0), type: 'BOOLEAN' },
      { name: 'seen', data: P.map((_, i) => new Date(Date.UTC(2024, 0, 1, 0, 0, i, 123))), type: 'TIMESTAMP' },
    ],
    rowGroupSize: 10,
  });
  writeFileSync(path, Buffer.from(buf));
}

describe('protectFile on Parquet', () => {
  it('protectFile keeps the Parquet schema and row groups and protects every value', async () => {
    const dir = tempDir();
    writePeople(join(dir, 'in.parquet'), false);
    const policy = parsePolicy(MIXED_POLICY, join(dir, 'p.yaml'), { env: ENV });
    const report = await protectFile(join(dir, 'in.parquet'), join(dir, 'out.parquet'), policy);
    expect(report.format).toBe('parquet');
    expect(report.records).toBe(P.length);
    const before = parquetMetadata(arrayBuffer(join(dir, 'in.parquet')));
    const after = parquetMetadata(arrayBuffer(join(dir, 'out.parquet')));
    expect(after.schema).toEqual(before.schema);
    expect(after.row_groups.map((g) => g.num_rows)).toEqual(before.row_groups.map((g) => g.num_rows));
    const out = await rows(join(dir, 'out.parquet'));
    const orig = await rows(join(dir, 'in.parquet'));
    for (let i = 0; i < P.length; i++) {
      const o = out[i] as Record<string, unknown>;
      const p = P[i] as (typeof P)[number];
      expect(isMod112Valid(o.id_card as string)).toBe(true);
      expect(o.id_card).not.toBe(p.id);
      expect(o.score).toBe(orig[i]?.score);
      expect(o.visits).toBe(orig[i]?.visits);
      expect(o.active).toBe(orig[i]?.active);
      expect((o.seen as Date).getTime()).toBe(
        (orig[i] as Record<string, unknown>).seen instanceof Date
          ? ((orig[i] as Record<string, Date>).seen as Date).getTime()
          : Number.NaN,
      );
      expect(o.note === null).toBe(i % 3 === 0);
    }
    const text = JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(
      leaks(
        text,
        P.flatMap((p) => [p.id, p.email, p.mobile]),
      ),
    ).toEqual({ detected: [], present: 0 });
  });

  it('protectFile round-trips reversible Parquet columns, an INT64 column included', async () => {
    const dir = tempDir();
    writePeople(join(dir, 'in.parquet'));
    const policy = parsePolicy(REVERSIBLE_POLICY, join(dir, 'p.yaml'), { env: ENV });
    await protectFile(join(dir, 'in.parquet'), join(dir, 'out.parquet'), policy);
    const mid = await rows(join(dir, 'out.parquet'));
    expect(mid.filter((r, i) => r.phone === BigInt(P[i]?.mobile ?? '0'))).toEqual([]);
    await revealFile(join(dir, 'out.parquet'), join(dir, 'back.parquet'), policy, { audit: join(dir, 'audit.jsonl') });
    const back = await rows(join(dir, 'back.parquet'));
    const orig = await rows(join(dir, 'in.parquet'));
    expect(back).toEqual(orig);
  });

  it('protectFile stops when a protected number no longer fits its column, and writes nothing', async () => {
    const dir = tempDir();
    writePeople(join(dir, 'in.parquet'));
    const policy = parsePolicy(`rules:\n  - { column: phone, action: mask }\n`, join(dir, 'p.yaml'), { env: ENV });
    await expect(protectFile(join(dir, 'in.parquet'), join(dir, 'out.parquet'), policy)).rejects.toMatchObject({
      code: 'LG_OPERATOR_FAILED',
      message: expect.stringContaining('"in.parquet" row 1, column "phone"'),
    });
    expect(filesIn(dir)).toEqual(['in.parquet']);
  });

  it('protectFile writes null for a redacted number and for misfits under onError: redact', async () => {
    const dir = tempDir();
    writePeople(join(dir, 'in.parquet'));
    const policy = parsePolicy(`rules:\n  - { column: phone, action: mask }\nonError: redact\n`, join(dir, 'p.yaml'), {
      env: ENV,
    });
    const report = await protectFile(join(dir, 'in.parquet'), join(dir, 'out.parquet'), policy);
    expect((await rows(join(dir, 'out.parquet'))).every((r) => r.phone === null)).toBe(true);
    expect(report.warnings.join('\n')).toContain(`${P.length} value(s)`);
  });

  it('protectFile protects nested Parquet fields by their dotted names', async () => {
    const dir = tempDir();
    const p = P[0] as (typeof P)[number];
    const buf = parquetWriteBuffer({
      columnData: [{ name: 'user', data: [{ name: 'x', contact: { phone: p.mobile } }, null] }],
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'user', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'contact', repetition_type: 'OPTIONAL', num_children: 1 },
        { name: 'phone', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    });
    writeFileSync(join(dir, 'in.parquet'), Buffer.from(buf));
    const policy = parsePolicy(
      `rules:\n  - { column: user.name, action: replace, options: { value: N } }\n  - { type: CN_MOBILE, action: mask }\n`,
      join(dir, 'p.yaml'),
      { env: ENV },
    );
    await protectFile(join(dir, 'in.parquet'), join(dir, 'out.parquet'), policy);
    const out = await rows(join(dir, 'out.parquet'));
    expect(out).toEqual([
      { user: { name: 'N', contact: { phone: `${p.mobile.slice(0, 3)}****${p.mobile.slice(7)}` } } },
      { user: null },
    ]);
  });
});
