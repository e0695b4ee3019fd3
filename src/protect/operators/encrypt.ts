/**
 * `encrypt`: deterministic authenticated encryption with AES-SIV (RFC 5297, AES-256 ×2 under the rule key's
 * `encrypt` subkey), output tagged with the key id so keys can rotate:
 *
 *     enc:v1:<kid>:<base64url(V ‖ C)>
 *
 * Same key + same value → same output (joins and equality lookups still work; equal values are visible as
 * equal, which is the price of determinism). `revert` picks the key by the id in the tag from the policy's key
 * ring, so values written under a retired key stay readable while that key stays in the ring.
 */
import { z } from 'zod';
import { AesSiv } from '../crypto/aes-siv.js';
import type { KeyMaterial } from '../keys/key-ring.js';
import { normalizeValue } from '../normalize-value.js';
import { type Operator, type OperatorContext, operatorFailed, parseWith } from '../operator.js';

/** The tag's fixed start and version. */
export const ENCRYPT_TAG = 'enc:v1:';

/**
 * A tagged ciphertext in text. Example match: `enc:v1:main:3q2-7w…` (22+ base64url characters: a 16-byte
 * synthetic IV at least). Source: this module's output grammar. Deliberately does not match other versions
 * (`enc:v2:`) or key ids with `:`; a base64url run glued to following `[A-Za-z0-9_-]` text is taken whole and then
 * fails authentication (left as is).
 */
export const ENCRYPTED_PATTERN = /enc:v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{22,})/g;

const AD = [Buffer.from('leakguard:enc:v1', 'utf8')];

const Schema = z.strictObject({
  /** Encrypt the canonical form (joins ignore formatting; reveal returns the canonical form). Default false. */
  normalize: z.boolean().default(false),
});

/** Options of `encrypt`. */
export type EncryptParams = z.output<typeof Schema>;

const SIVS = new WeakMap<KeyMaterial, AesSiv>();

function sivFor(key: KeyMaterial): AesSiv {
  let s = SIVS.get(key);
  if (!s) {
    s = new AesSiv(key.derive('encrypt', 64));
    SIVS.set(key, s);
  }
  return s;
}

/**
 * Decrypts one tagged ciphertext with a key from `keys` (by id), or `undefined` when the tag is malformed, the key
 * id is unknown or authentication fails.
 *
 * @example
 * decryptTagged('enc:v1:main:…', (id) => ring.byId(id))
 */
export function decryptTagged(text: string, keyById: (id: string) => KeyMaterial | undefined): string | undefined {
  if (!text.startsWith(ENCRYPT_TAG)) return undefined;
  const sep = text.indexOf(':', ENCRYPT_TAG.length);
  if (sep < 0) return undefined;
  const key = keyById(text.slice(ENCRYPT_TAG.length, sep));
  if (!key) return undefined;
  const body = text.slice(sep + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
  const p = sivFor(key).decrypt(Buffer.from(body, 'base64url'), AD);
  return p?.toString('utf8');
}

/**
 * The `encrypt` operator.
 *
 * @example
 * encrypt.apply('13812345678', ctx) // 'enc:v1:main:…'
 */
export const encrypt = {
  name: 'encrypt',
  reversible: true,
  keyUse: 'required',
  mayBeAsync: false,
  parse: (params: unknown): EncryptParams => parseWith('encrypt', Schema, params),
  apply(value: string, ctx: OperatorContext<EncryptParams>): string {
    const key = ctx.key;
    if (!key) throw operatorFailed('encrypt', ctx, 'the rule has no key');
    const plain = ctx.params.normalize ? normalizeValue(ctx.type, value) : value;
    const sealed = sivFor(key).encrypt(Buffer.from(plain, 'utf8'), AD);
    return `${ENCRYPT_TAG}${key.id}:${sealed.toString('base64url')}`;
  },
  revert(value: string, ctx: OperatorContext<EncryptParams>): string {
    const byId = (id: string): KeyMaterial | undefined =>
      ctx.keys?.byId(id) ?? (ctx.key?.id === id ? ctx.key : undefined);
    const out = decryptTagged(value, byId);
    if (out === undefined) {
      throw operatorFailed('encrypt', ctx, 'the value is not an enc:v1 ciphertext of a known key, or it was altered');
    }
    return out;
  },
} satisfies Operator<EncryptParams>;
