/**
 * Client of the private lookup, for Node (global `fetch`) and the browser (the page bundles this file): normalise,
 * blind, ask for the evaluation, verify the proof against the service key (optionally pinned), fetch the bucket of
 * the output's prefix and match the rest locally. The service sees a blinded element and a short prefix of a keyed
 * PRF output, never the identifier.
 *
 * @example
 * const client = createLeakcheckClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const r = await client.check('138 1234 5678');
 * if (r.found) for (const b of r.breaches) console.log(b.name, b.fields);
 *
 * This file is the `leakguard/leakcheck` subpath: it also re-exports the normalisation of the wire contract
 * (`normalizeIdentifier`, `guessKind`, …) so other clients compute exactly the OPRF input this one does.
 */

import {
  IdentifierError,
  type IdentifierKind,
  isIdentifierKind,
  type NormalizedIdentifier,
  type NormalizeOptions,
  normalizeIdentifier,
} from './normalize.js';
import type { BreachInfo } from './store.js';
import {
  type BlindState,
  blind,
  ELEMENT_BYTES,
  finalizeBatch,
  fromHex,
  MODE,
  PROOF_BYTES,
  SUITE,
  toHex,
  VoprfInputError,
} from './voprf.js';

export {
  guessKind,
  IDENTIFIER_KINDS,
  IdentifierError,
  type IdentifierKind,
  isIdentifierKind,
  type NormalizedIdentifier,
  type NormalizeOptions,
  normalizeIdentifier,
} from './normalize.js';

/** Options of {@link createLeakcheckClient}. */
export interface LeakcheckClientOptions {
  /** Service origin (`http://127.0.0.1:8080`); `''` in a page served by the service. */
  readonly baseUrl: string;
  /** A `fetch` implementation (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Expected public key (hex): refuse a service presenting another. */
  readonly publicKey?: string;
  readonly normalize?: NormalizeOptions;
}

/** The answer for one identifier. */
export interface LookupResult {
  readonly kind: IdentifierKind;
  readonly found: boolean;
  readonly breaches: readonly BreachInfo[];
}

/**
 * A failure of the lookup: `code` is the service's error code, or one of the local ones:
 * `LG_LEAK_CLIENT_INPUT` (an identifier is not valid for its kind: `index` says which item, the message never
 * holds the value), `LG_LEAK_CLIENT_NETWORK`, `LG_LEAK_CLIENT_PROTOCOL`, `LG_LEAK_CLIENT_PROOF`,
 * `LG_LEAK_CLIENT_KEY`.
 */
export class LeakcheckClientError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  /** For `LG_LEAK_CLIENT_INPUT`: position of the invalid item in the `checkMany` list (0 for `check`). */
  readonly index: number | undefined;
  /** For `LG_LEAK_CLIENT_INPUT`: the kind the identifier was checked as. */
  readonly kind: IdentifierKind | undefined;
  constructor(
    code: string,
    message: string,
    status?: number,
    options: { cause?: unknown; index?: number; kind?: IdentifierKind } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LeakcheckClientError';
    this.code = code;
    this.status = status;
    this.index = options.index;
    this.kind = options.kind;
  }
}

/** Normalise every item before anything is sent; an invalid one fails the whole call as `LG_LEAK_CLIENT_INPUT`. */
function normalizeAll(
  items: readonly { identifier: string; kind?: IdentifierKind }[],
  options: NormalizeOptions,
): NormalizedIdentifier[] {
  const out: NormalizedIdentifier[] = [];
  for (let i = 0; i < items.length; i++) {
    const { identifier, kind } = items[i] as { identifier: string; kind?: IdentifierKind };
    if (typeof identifier !== 'string')
      throw new TypeError(`LeakcheckClient: identifier ${i} must be a string, got ${typeof identifier}`);
    if (kind !== undefined && !isIdentifierKind(kind as string))
      throw new LeakcheckClientError(
        'LG_LEAK_CLIENT_INPUT',
        // The kind is not echoed: a caller who swapped the arguments would put the identifier there.
        'Unknown identifier kind: expected PHONE, CN_RESIDENT_ID or EMAIL',
        undefined,
        { index: i },
      );
    try {
      out.push(normalizeIdentifier(identifier, kind, options));
    } catch (e) {
      if (!(e instanceof IdentifierError)) throw e;
      // The IdentifierError message names the rule, never the value.
      throw new LeakcheckClientError('LG_LEAK_CLIENT_INPUT', e.message, undefined, {
        cause: e,
        index: i,
        ...(e.kind === undefined ? {} : { kind: e.kind }),
      });
    }
  }
  return out;
}

export interface LeakcheckClient {
  /** The service key document (fetched once and checked). */
  key(): Promise<{ publicKey: Uint8Array; prefixLength: number }>;
  /**
   * Look up one identifier (kind guessed when absent).
   *
   * @throws LeakcheckClientError `LG_LEAK_CLIENT_INPUT` when it is not a valid identifier of its kind (nothing is
   * sent), the service's code for a refusal, or another `LG_LEAK_CLIENT_*` code
   */
  check(identifier: string, kind?: IdentifierKind): Promise<LookupResult>;
  /**
   * Look up several identifiers with one evaluation request.
   *
   * @throws LeakcheckClientError as {@link LeakcheckClient.check}; `index` names the invalid item
   */
  checkMany(items: readonly { identifier: string; kind?: IdentifierKind }[]): Promise<LookupResult[]>;
}

/**
 * Create a client.
 *
 * @example
 * const client = createLeakcheckClient({ baseUrl: '' });
 */
export function createLeakcheckClient(options: LeakcheckClientOptions): LeakcheckClient {
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const base = options.baseUrl.replace(/\/+$/, '');
  let keyPromise: Promise<{ publicKey: Uint8Array; prefixLength: number }> | undefined;

  const getJson = async (path: string, init?: RequestInit): Promise<unknown> => {
    let res: Response;
    try {
      res = await doFetch(base + path, { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
    } catch {
      throw new LeakcheckClientError('LG_LEAK_CLIENT_NETWORK', 'The lookup service cannot be reached');
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new LeakcheckClientError(
        'LG_LEAK_CLIENT_PROTOCOL',
        `The service answered ${res.status} without JSON`,
        res.status,
      );
    }
    if (!res.ok) {
      const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      throw new LeakcheckClientError(
        typeof err?.code === 'string' ? err.code : 'LG_LEAK_CLIENT_PROTOCOL',
        typeof err?.message === 'string' ? err.message : `The service answered ${res.status}`,
        res.status,
      );
    }
    return body;
  };

  const key = (): Promise<{ publicKey: Uint8Array; prefixLength: number }> => {
    keyPromise ??= (async () => {
      const doc = (await getJson('/v1/oprf/key')) as Record<string, unknown>;
      if (doc.suite !== SUITE || doc.mode !== MODE)
        throw new LeakcheckClientError('LG_LEAK_CLIENT_PROTOCOL', 'The service uses another OPRF suite or mode');
      const prefixLength = doc.prefixLength;
      if (typeof prefixLength !== 'number' || !Number.isInteger(prefixLength) || prefixLength < 1 || prefixLength > 16)
        throw new LeakcheckClientError('LG_LEAK_CLIENT_PROTOCOL', 'The service sent an invalid prefix length');
      let publicKey: Uint8Array;
      try {
        publicKey = fromHex(doc.publicKey, ELEMENT_BYTES, 'publicKey');
      } catch (e) {
        if (!(e instanceof VoprfInputError)) throw e;
        throw new LeakcheckClientError('LG_LEAK_CLIENT_PROTOCOL', `The service sent an invalid key: ${e.message}`);
      }
      if (options.publicKey !== undefined && toHex(publicKey) !== options.publicKey.toLowerCase())
        throw new LeakcheckClientError('LG_LEAK_CLIENT_KEY', 'The service key is not the expected (pinned) key');
      return { publicKey, prefixLength };
    })();
    keyPromise.catch(() => {
      keyPromise = undefined;
    });
    return keyPromise;
  };

  const checkMany = async (
    items: readonly { identifier: string; kind?: IdentifierKind }[],
  ): Promise<LookupResult[]> => {
    if (items.length === 0) return [];
    // Input is checked before any request: a typo costs no rate-limit allowance.
    const normalized = normalizeAll(items, options.normalize ?? {});
    const { publicKey, prefixLength } = await key();
    const encoder = new TextEncoder();
    const states: BlindState[] = normalized.map((n) => blind(encoder.encode(n.input)));
    const ev = (await getJson('/v1/oprf/evaluate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blinded: states.map((s) => toHex(s.blinded)) }),
    })) as { evaluated?: unknown; proof?: unknown };
    if (!Array.isArray(ev.evaluated) || ev.evaluated.length !== states.length)
      throw new LeakcheckClientError('LG_LEAK_CLIENT_PROTOCOL', 'The service returned a wrong number of elements');
    let outputs: Uint8Array[];
    try {
      const evaluated = ev.evaluated.map((h, i) => fromHex(h, ELEMENT_BYTES, `evaluated[${i}]`));
      outputs = finalizeBatch(states, evaluated, publicKey, fromHex(ev.proof, PROOF_BYTES, 'proof'));
    } catch (e) {
      throw new LeakcheckClientError(
        'LG_LEAK_CLIENT_PROOF',
        `The service response does not verify: ${(e as Error).message}`,
      );
    }
    const results: LookupResult[] = [];
    const buckets = new Map<string, Promise<unknown>>();
    for (let i = 0; i < outputs.length; i++) {
      const hex = toHex(outputs[i] as Uint8Array);
      const prefix = hex.slice(0, prefixLength);
      let p = buckets.get(prefix);
      if (!p) {
        p = getJson(`/v1/range/${prefix}`);
        buckets.set(prefix, p);
      }
      const bucket = (await p) as { entries?: unknown };
      if (!Array.isArray(bucket.entries))
        throw new LeakcheckClientError('LG_LEAK_CLIENT_PROTOCOL', 'The service returned a malformed bucket');
      const suffix = hex.slice(prefixLength);
      const hit = (bucket.entries as { suffix?: unknown; breaches?: unknown }[]).find((e) => e.suffix === suffix);
      const breaches = Array.isArray(hit?.breaches) ? (hit.breaches as BreachInfo[]) : [];
      results.push({ kind: (normalized[i] as { kind: IdentifierKind }).kind, found: breaches.length > 0, breaches });
    }
    return results;
  };

  return {
    key,
    checkMany,
    async check(identifier, kind) {
      const [r] = await checkMany([kind === undefined ? { identifier } : { identifier, kind }]);
      return r as LookupResult;
    },
  };
}
