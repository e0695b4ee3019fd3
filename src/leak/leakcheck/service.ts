/**
 * The lookup service's protocol, apart from HTTP: the key document, batch evaluation with one DLEQ proof, and
 * padded k-anonymity buckets. Wire contract (stable; outside clients are written against it):
 *
 * - key: `{ "suite": "ristretto255-SHA512", "mode": "voprf", "publicKey": "<hex>", "prefixLength": <hex chars> }`
 * - evaluate: `{ "blinded": ["<hex>", …] }` → `{ "evaluated": ["<hex>", …], "proof": "<hex>" }`
 * - range: `{ "prefix": "…", "entries": [ { "suffix": "<rest of hex(F_k(x))>", "breaches": [ { "name", "date",
 *   "fields": [ … ] } ] } ] }`, always exactly `bucketSize` entries; padding entries have pseudo-random suffixes
 *   and no breaches, so they match nothing.
 *
 * Padding is deterministic: the i-th padding suffix of a prefix is HMAC-SHA512(paddingKey, prefix ‖ i), the key
 * derived from the service's secret (or given). Fresh random padding on every request would give itself away —
 * ask for a bucket twice and the entries that stayed are the real ones. With a keyed PRF, the same store state
 * gives byte-identical answers, and the padding of a bucket is the same across restarts and replicas sharing the
 * key. It depends on nothing but the prefix and its position, so when an ingest adds real entries to a bucket
 * only the added entries and the padding they displace change (a store "epoch" in the PRF input would re-draw
 * every padding entry at each ingest, and the entries surviving it would again be the real ones).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { BreachInfo, LeakcheckStore } from './store.js';
import {
  blindEvaluateBatch,
  checkElement,
  ELEMENT_BYTES,
  fromHex,
  MODE,
  OUTPUT_BYTES,
  SUITE,
  toHex,
  VoprfInputError,
  type VoprfKeyPair,
} from './voprf.js';

/** A client error of the protocol: HTTP status, stable code, a message that names no value. */
export class LeakcheckRequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'LeakcheckRequestError';
    this.status = status;
    this.code = code;
  }
}

/** Options of {@link LeakcheckService}. */
export interface LeakcheckServiceOptions {
  readonly store: LeakcheckStore;
  readonly keys: VoprfKeyPair;
  /** Hex characters of `F_k(x)` a range query names (1–16, default 4: 65,536 buckets). */
  readonly prefixLength?: number;
  /** Smallest padded bucket; grows in steps of itself to hold the largest bucket (default 32). */
  readonly minBucketSize?: number;
  /** Most blinded elements per evaluate request (default 16). */
  readonly maxBatch?: number;
  /** How long the computed bucket size is reused before it is recomputed, ms (default 60,000). */
  readonly bucketSizeTtlMs?: number;
  /**
   * Secret of the padding PRF, at least 32 bytes (default: derived from `keys.secretKey` with HKDF-SHA256, so
   * every replica with the same key pads alike). Whoever holds it can tell padding from real entries.
   */
  readonly paddingKey?: Uint8Array;
}

/** The key document. */
export interface KeyDocument {
  suite: string;
  mode: string;
  publicKey: string;
  prefixLength: number;
}

/** One range entry on the wire. */
export interface RangeEntry {
  suffix: string;
  breaches: BreachInfo[];
}

const HEX = /^[0-9a-f]+$/;

export class LeakcheckService {
  readonly prefixLength: number;
  readonly maxBatch: number;
  readonly #store: LeakcheckStore;
  readonly #keys: VoprfKeyPair;
  readonly #minBucket: number;
  readonly #ttl: number;
  readonly #paddingKey: Uint8Array;
  #bucket: { size: number; at: number } | undefined;

  /**
   * @throws RangeError for option values out of range (programmer misuse)
   */
  constructor(options: LeakcheckServiceOptions) {
    this.prefixLength = options.prefixLength ?? 4;
    this.maxBatch = options.maxBatch ?? 16;
    this.#minBucket = options.minBucketSize ?? 32;
    this.#ttl = options.bucketSizeTtlMs ?? 60_000;
    if (!Number.isInteger(this.prefixLength) || this.prefixLength < 1 || this.prefixLength > 16)
      throw new RangeError('LeakcheckService: prefixLength must be an integer from 1 to 16');
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1 || this.maxBatch > 1024)
      throw new RangeError('LeakcheckService: maxBatch must be an integer from 1 to 1024');
    if (!Number.isInteger(this.#minBucket) || this.#minBucket < 1)
      throw new RangeError('LeakcheckService: minBucketSize must be a positive integer');
    if (options.paddingKey !== undefined && options.paddingKey.length < 32)
      throw new RangeError('LeakcheckService: paddingKey must be at least 32 bytes');
    this.#store = options.store;
    this.#keys = options.keys;
    this.#paddingKey =
      options.paddingKey ??
      new Uint8Array(hkdfSync('sha256', options.keys.secretKey, 'leakguard/leakcheck/v1', 'range-padding', 32));
  }

  /** The `index`-th padding suffix of `prefix`: `chars` hex characters of HMAC-SHA512(paddingKey, prefix:index). */
  #paddingSuffix(prefix: string, index: number, chars: number): string {
    return createHmac('sha512', this.#paddingKey).update(`${prefix}:${index}`).digest('hex').slice(0, chars);
  }

  /** The public key document. */
  keyDocument(): KeyDocument {
    return { suite: SUITE, mode: MODE, publicKey: toHex(this.#keys.publicKey), prefixLength: this.prefixLength };
  }

  /**
   * Evaluate a request body `{ blinded: [hex…] }`.
   *
   * @throws LeakcheckRequestError 400 for a malformed body or element, 413 for a batch over the limit
   */
  evaluate(body: unknown): { evaluated: string[]; proof: string } {
    const blinded = (body as { blinded?: unknown } | null)?.blinded;
    if (typeof body !== 'object' || body === null || !Array.isArray(blinded)) {
      throw new LeakcheckRequestError(400, 'LG_LEAK_BAD_REQUEST', 'Expected a JSON object { "blinded": [hex, …] }');
    }
    if (blinded.length === 0) throw new LeakcheckRequestError(400, 'LG_LEAK_BAD_REQUEST', '"blinded" is empty');
    if (blinded.length > this.maxBatch) {
      throw new LeakcheckRequestError(
        413,
        'LG_LEAK_BATCH_TOO_LARGE',
        `Too many blinded elements: ${blinded.length}, at most ${this.maxBatch} per request`,
      );
    }
    const points: Uint8Array[] = [];
    try {
      for (let i = 0; i < blinded.length; i++) {
        const hex = blinded[i];
        const bytes = fromHex(typeof hex === 'string' ? hex.toLowerCase() : hex, ELEMENT_BYTES, `blinded[${i}]`, i);
        points.push(checkElement(bytes, `blinded[${i}]`, i));
      }
    } catch (e) {
      if (e instanceof VoprfInputError) throw new LeakcheckRequestError(400, 'LG_LEAK_BAD_ELEMENT', e.message);
      throw e;
    }
    const r = blindEvaluateBatch(this.#keys, points);
    return { evaluated: r.evaluated.map(toHex), proof: toHex(r.proof) };
  }

  /** The padded size of every bucket now. */
  async bucketSize(): Promise<number> {
    const now = Date.now();
    if (this.#bucket && now - this.#bucket.at < this.#ttl) return this.#bucket.size;
    const largest = await this.#store.largestBucket(this.prefixLength);
    const size = Math.max(1, Math.ceil(largest / this.#minBucket)) * this.#minBucket;
    this.#bucket = { size, at: now };
    return size;
  }

  /**
   * The bucket of `prefix`, padded to the common bucket size.
   *
   * @throws LeakcheckRequestError 400 when the prefix is not `prefixLength` lower-case hex characters
   */
  async range(prefix: string): Promise<{ prefix: string; entries: RangeEntry[] }> {
    if (prefix.length !== this.prefixLength || !HEX.test(prefix)) {
      throw new LeakcheckRequestError(
        400,
        'LG_LEAK_BAD_PREFIX',
        `The prefix must be exactly ${this.prefixLength} lower-case hex characters`,
      );
    }
    const stored = await this.#store.range(prefix);
    const size = await this.bucketSize();
    const suffixChars = OUTPUT_BYTES * 2 - this.prefixLength;
    const entries: RangeEntry[] = stored.map((e) => ({
      suffix: e.output.slice(this.prefixLength),
      breaches: e.breaches,
    }));
    const seen = new Set(entries.map((e) => e.suffix));
    for (let i = 0; entries.length < size; i++) {
      const suffix = this.#paddingSuffix(prefix, i, suffixChars);
      if (seen.has(suffix)) continue;
      seen.add(suffix);
      entries.push({ suffix, breaches: [] });
    }
    // Sorted, so padding sits among real entries rather than after them.
    entries.sort((a, b) => (a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0));
    return { prefix, entries };
  }
}
