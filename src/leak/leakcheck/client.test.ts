import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as subpath from './client.js';
import { createLeakcheckClient, guessKind, LeakcheckClientError, normalizeIdentifier } from './client.js';
import { deriveKeyPair, MODE, SUITE, toHex } from './voprf.js';

const keys = deriveKeyPair(randomBytes(32), new TextEncoder().encode('client test'));

/** A fetch that serves a key document (or `keyDoc`) and records every URL asked for. */
function fakeFetch(keyDoc: unknown = { suite: SUITE, mode: MODE, publicKey: toHex(keys.publicKey), prefixLength: 4 }) {
  const urls: string[] = [];
  const f = (async (url: string | URL | Request) => {
    urls.push(String(url));
    if (String(url).endsWith('/v1/oprf/key')) return new Response(JSON.stringify(keyDoc), { status: 200 });
    return new Response(JSON.stringify({ error: { code: 'LG_LEAK_NOT_FOUND', message: 'No such route' } }), {
      status: 404,
    });
  }) as typeof fetch;
  return { f, urls };
}

describe('leakguard/leakcheck subpath', () => {
  it('exports the client, its error and the normalisation of the wire contract', () => {
    expect(Object.keys(subpath).sort()).toEqual(
      [
        'IDENTIFIER_KINDS',
        'IdentifierError',
        'LeakcheckClientError',
        'createLeakcheckClient',
        'guessKind',
        'isIdentifierKind',
        'normalizeIdentifier',
      ].sort(),
    );
    expect(normalizeIdentifier('+86 138-1234-5678').input).toBe('PHONE:+8613812345678');
    expect(guessKind('Li.Lei@Example.CN')).toBe('EMAIL');
  });
});

describe('createLeakcheckClient', () => {
  it('check throws LeakcheckClientError LG_LEAK_CLIENT_INPUT for an invalid identifier, before any request', async () => {
    const { f, urls } = fakeFetch();
    const client = createLeakcheckClient({ baseUrl: 'http://lookup.invalid', fetch: f });
    for (const [raw, kind] of [
      ['12345', undefined],
      ['110105194912310022', 'CN_RESIDENT_ID'],
      ['not-an-address@', 'EMAIL'],
      ['13812345678', 'EMAIL'],
    ] as const) {
      const err = await client.check(raw, kind).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LeakcheckClientError);
      expect(err).toMatchObject({ code: 'LG_LEAK_CLIENT_INPUT', index: 0, status: undefined });
      expect((err as Error).message).not.toContain(raw);
      expect((err as Error).message.length).toBeGreaterThan(5);
    }
    expect(urls).toEqual([]);
  });

  it('checkMany names the invalid item by index and sends nothing', async () => {
    const { f, urls } = fakeFetch();
    const client = createLeakcheckClient({ baseUrl: 'http://lookup.invalid', fetch: f });
    await expect(
      client.checkMany([{ identifier: '13812345678' }, { identifier: 'li.lei@example.cn' }, { identifier: 'x@y' }]),
    ).rejects.toMatchObject({ name: 'LeakcheckClientError', code: 'LG_LEAK_CLIENT_INPUT', index: 2, kind: 'EMAIL' });
    await expect(client.check('13812345678', 'phone' as unknown as 'PHONE')).rejects.toMatchObject({
      code: 'LG_LEAK_CLIENT_INPUT',
    });
    expect(urls).toEqual([]);
  });

  it('never throws anything but LeakcheckClientError for string input', async () => {
    const { f } = fakeFetch();
    const client = createLeakcheckClient({ baseUrl: 'http://lookup.invalid', fetch: f });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(undefined, 'PHONE', 'CN_RESIDENT_ID', 'EMAIL'),
        async (raw, kind) => {
          const err = await client.check(raw, kind).catch((e: unknown) => e);
          // Valid input reaches the (fake) service, which answers 404.
          expect(err).toBeInstanceOf(LeakcheckClientError);
          expect(['LG_LEAK_CLIENT_INPUT', 'LG_LEAK_NOT_FOUND']).toContain((err as LeakcheckClientError).code);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports a malformed service key as LG_LEAK_CLIENT_PROTOCOL', async () => {
    const { f } = fakeFetch({ suite: SUITE, mode: MODE, publicKey: 'zz', prefixLength: 4 });
    const client = createLeakcheckClient({ baseUrl: 'http://lookup.invalid', fetch: f });
    await expect(client.key()).rejects.toMatchObject({ name: 'LeakcheckClientError', code: 'LG_LEAK_CLIENT_PROTOCOL' });
  });
});
