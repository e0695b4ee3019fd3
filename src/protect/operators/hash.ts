/**
 * `hash`: keyed HMAC-SHA256 of the normalised value (never an unkeyed hash: phone numbers and ID numbers are
 * small spaces that an unkeyed hash lets anyone enumerate). Same key + same value → same output, so hashed
 * columns still join; without the key, outputs cannot be linked to values. Irreversible.
 *
 * The HMAC key is the rule key's `hash` subkey (HKDF). Output: `hex` (default, 64 chars), `base64url` (43) or
 * `base32` (RFC 4648 lower case, no padding, 52), optionally truncated to `length` characters and prefixed.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { normalizeValue } from '../normalize-value.js';
import { type Operator, type OperatorContext, OperatorParamsError, operatorFailed, parseWith } from '../operator.js';

const MAX_LENGTH = { hex: 64, base64url: 43, base32: 52 } as const;

const Schema = z.strictObject({
  /** Output encoding. */
  encoding: z.enum(['hex', 'base64url', 'base32']).default('hex'),
  /** Output length in characters (truncation; at least 16 so collisions stay negligible). Default: full. */
  length: z.number().int().min(16).max(64).optional(),
  /** Text put before the hash, e.g. `h_`. */
  prefix: z.string().max(32).default(''),
  /** Hash the canonical form (`138 1234 5678` = `13812345678`). Default true. */
  normalize: z.boolean().default(true),
  /** Mix the entity type in, so equal strings of different types hash apart. Default false (joins across types). */
  perType: z.boolean().default(false),
});

/** Options of `hash`. */
export interface HashParams {
  readonly encoding: 'hex' | 'base64url' | 'base32';
  readonly length: number;
  readonly prefix: string;
  readonly normalize: boolean;
  readonly perType: boolean;
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * RFC 4648 base32, lower case, no padding.
 *
 * @example
 * base32(Buffer.from('f')) // 'my'
 */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) {
    acc = (acc << 8) | (bytes[i] as number);
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

/** Encodes a digest. */
export function encodeDigest(digest: Buffer, encoding: HashParams['encoding']): string {
  if (encoding === 'hex') return digest.toString('hex');
  if (encoding === 'base64url') return digest.toString('base64url');
  return base32(digest);
}

/**
 * The `hash` operator.
 *
 * @example
 * hash.apply('13812345678', { ...ctx, params: hash.parse({ length: 16 }) }) // 16 hex chars
 */
export const hash = {
  name: 'hash',
  reversible: false,
  keyUse: 'required',
  mayBeAsync: false,
  parse(params: unknown): HashParams {
    const p = parseWith('hash', Schema, params);
    const max = MAX_LENGTH[p.encoding];
    if (p.length !== undefined && p.length > max) {
      throw new OperatorParamsError('hash', ['length'], `at most ${max} characters for ${p.encoding}`);
    }
    return {
      encoding: p.encoding,
      length: p.length ?? max,
      prefix: p.prefix,
      normalize: p.normalize,
      perType: p.perType,
    };
  },
  apply(value: string, ctx: OperatorContext<HashParams>): string {
    const p = ctx.params;
    if (!ctx.key) throw operatorFailed('hash', ctx, 'the rule has no key');
    const h = createHmac('sha256', ctx.key.derive('hash'));
    if (p.perType) h.update(`${ctx.type ?? ''}\u0000`);
    h.update(p.normalize ? normalizeValue(ctx.type, value) : value, 'utf8');
    const out = encodeDigest(h.digest(), p.encoding);
    return p.prefix + (p.length < out.length ? out.slice(0, p.length) : out);
  },
} satisfies Operator<HashParams>;
