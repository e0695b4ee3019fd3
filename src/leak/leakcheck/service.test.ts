import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakcheckService } from './service.js';
import { LeakcheckStore } from './store.js';
import { deriveKeyPair, evaluate, toHex } from './voprf.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-leakcheck-service-'));
const keys = deriveKeyPair(randomBytes(32), new TextEncoder().encode('service test'));
let store: LeakcheckStore;
let breach: number;

/** A stored output under `prefix` (a real F_k(x) with its first characters replaced). */
const output = (prefix: string, i: number): string =>
  prefix + toHex(evaluate(keys.secretKey, new Uint8Array([7, i]))).slice(prefix.length);

beforeAll(async () => {
  store = await LeakcheckStore.open(join(dir, 'lookup.db'));
  breach = await store.breachId('shop-2024', null);
  await store.addOutputs(breach, new Map([0, 1, 2].map((i) => [output('abcd', i), 1])));
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const suffixes = async (s: LeakcheckService, prefix: string): Promise<Set<string>> =>
  new Set((await s.range(prefix)).entries.map((e) => e.suffix));

describe('LeakcheckService.range', () => {
  it('pads deterministically: asking twice does not show which entries are real', async () => {
    const s = new LeakcheckService({ store, keys, minBucketSize: 8, bucketSizeTtlMs: 0 });
    const first = await s.range('abcd');
    const second = await s.range('abcd');
    expect(second).toEqual(first);
    expect(first.entries.length).toBe(8);
    const empty = await s.range('1234');
    expect(await s.range('1234')).toEqual(empty);
    expect(empty.entries.every((e) => e.breaches.length === 0)).toBe(true);
  });

  it('pads differently per prefix and per key', async () => {
    const s = new LeakcheckService({ store, keys, minBucketSize: 8 });
    const other = new LeakcheckService({ store, keys, minBucketSize: 8, paddingKey: randomBytes(32) });
    const a = await suffixes(s, '1234');
    const b = await suffixes(s, '1235');
    const c = await suffixes(other, '1234');
    expect([...a].filter((x) => b.has(x))).toEqual([]);
    expect([...a].filter((x) => c.has(x))).toEqual([]);
  });

  it('after an ingest, changes only the added entry and the padding it displaces', async () => {
    const s = new LeakcheckService({ store, keys, minBucketSize: 8, bucketSizeTtlMs: 0 });
    const before = await suffixes(s, 'abcd');
    const added = output('abcd', 3);
    await store.addOutputs(breach, new Map([[added, 1]]));
    const after = await suffixes(s, 'abcd');
    expect([...after].filter((x) => !before.has(x))).toEqual([added.slice(4)]);
    expect([...before].filter((x) => !after.has(x)).length).toBe(1);
  });

  it('refuses a short padding key', () => {
    expect(() => new LeakcheckService({ store, keys, paddingKey: new Uint8Array(16) })).toThrow(RangeError);
  });
});
