/**
 * `tokenize`: replaces a value with a random token and keeps the original, encrypted, in a {@link TokenVault}.
 *
 * - Tokens carry no information about the value (16 random bytes), unlike `hash`/`fpe`/`encrypt`: without the
 *   vault they reveal nothing even to someone holding the key.
 * - The same value tokenized twice under the same key gets the same token: the vault is searched by a keyed
 *   hash of the normalised value (HMAC-SHA256 under the key's `tokenize-index` subkey).
 * - The original is sealed with AES-SIV under the key's `tokenize-seal` subkey, with the token as associated
 *   data (a sealed value moved to another token does not open).
 * - Detokenizing (`revert`) needs the vault and the key and writes an audit record (token, key id, actor,
 *   outcome), successful or not, before returning.
 *
 * Formats: `tagged` (default) `tok:<kid>:<26 base32 chars>`, found again by `revealText`; `preserve` keeps
 * the value's shape (digits → random digits, letters → random letters of the same case, other characters kept),
 * is not self-describing, and retries on a token collision.
 *
 * With a synchronous vault (memory, SQLite) `apply`/`revert` return strings; with an asynchronous one, promises.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AesSiv } from '../crypto/aes-siv.js';
import type { KeyMaterial } from '../keys/key-ring.js';
import { normalizeValue } from '../normalize-value.js';
import {
  isPromiseLike,
  type MaybePromise,
  type Operator,
  type OperatorContext,
  operatorFailed,
  parseWith,
} from '../operator.js';
import type { TokenRecord, TokenVault, VaultAuditOutcome } from '../vault/token-vault.js';
import { base32 } from './hash.js';

/**
 * A tagged token in text. Example match: `tok:main:abcdefghijklmnopqrstuvwxyz` (26 base32 characters).
 * Source: this module's output grammar. Deliberately does not match upper-case base32 or other lengths.
 */
export const TOKEN_PATTERN = /tok:([A-Za-z0-9_-]{1,32}):([a-z2-7]{26})(?![a-z2-7])/g;

const Schema = z.strictObject({
  /** `tagged` (default): `tok:<kid>:<random>`; `preserve`: same length and character classes as the value. */
  format: z.enum(['tagged', 'preserve']).default('tagged'),
  /** Look values up by their canonical form (`138 1234 5678` = `13812345678`). Default true. */
  normalize: z.boolean().default(true),
});

/** Options of `tokenize`. */
export type TokenizeParams = z.output<typeof Schema>;

const MAX_ATTEMPTS = 16;
const SEALERS = new WeakMap<KeyMaterial, AesSiv>();

function sealer(key: KeyMaterial): AesSiv {
  let s = SEALERS.get(key);
  if (!s) {
    s = new AesSiv(key.derive('tokenize-seal', 64));
    SEALERS.set(key, s);
  }
  return s;
}

function then<T, U>(v: MaybePromise<T>, f: (x: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(v) ? v.then(f) : f(v);
}

function randomDigitsLetters(value: string): { token: string; randomised: number } {
  const bytes = randomBytes(value.length * 2);
  let b = 0;
  let out = '';
  let randomised = 0;
  const draw = (n: number): number => {
    // Rejection sampling on bytes: no modulo bias.
    const limit = 256 - (256 % n);
    for (;;) {
      if (b >= bytes.length) {
        bytes.set(randomBytes(bytes.length));
        b = 0;
      }
      const x = bytes[b++] as number;
      if (x < limit) return x % n;
    }
  };
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) out += String.fromCharCode(48 + draw(10));
    else if (c >= 65 && c <= 90) out += String.fromCharCode(65 + draw(26));
    else if (c >= 97 && c <= 122) out += String.fromCharCode(97 + draw(26));
    else {
      out += value[i];
      continue;
    }
    randomised++;
  }
  return { token: out, randomised };
}

function newToken(value: string, key: KeyMaterial, p: TokenizeParams): string | undefined {
  if (p.format === 'tagged') return `tok:${key.id}:${base32(randomBytes(16))}`;
  const t = randomDigitsLetters(value);
  return t.randomised >= 6 ? t.token : undefined;
}

function vaultOf(ctx: OperatorContext<TokenizeParams>, op: string): TokenVault {
  if (!ctx.vault) throw operatorFailed(op, ctx, 'no token vault is configured');
  return ctx.vault;
}

/**
 * The `tokenize` operator.
 *
 * @example
 * tokenize.apply('13812345678', { ...ctx, vault }) // 'tok:main:…'
 */
export const tokenize = {
  name: 'tokenize',
  reversible: true,
  keyUse: 'required',
  mayBeAsync: true,
  parse: (params: unknown): TokenizeParams => parseWith('tokenize', Schema, params),
  apply(value: string, ctx: OperatorContext<TokenizeParams>): MaybePromise<string> {
    const key = ctx.key;
    if (!key) throw operatorFailed('tokenize', ctx, 'the rule has no key');
    const vault = vaultOf(ctx, 'tokenize');
    const p = ctx.params;
    const index = createHmac('sha256', key.derive('tokenize-index'))
      .update(p.normalize ? normalizeValue(ctx.type, value) : value, 'utf8')
      .digest('hex');
    const attempt = (n: number): MaybePromise<string> => {
      const token = newToken(value, key, p);
      if (token === undefined)
        throw operatorFailed('tokenize', ctx, 'preserve format needs at least 6 letters or digits');
      const record: TokenRecord = {
        token,
        index,
        sealed: sealer(key).encrypt(Buffer.from(value, 'utf8'), [Buffer.from(token, 'utf8')]),
        kid: key.id,
        type: ctx.type ?? ctx.column ?? '',
        createdAt: new Date().toISOString(),
      };
      return then(vault.put(record), (stored) => {
        if (stored) return stored.token;
        if (n + 1 >= MAX_ATTEMPTS) throw operatorFailed('tokenize', ctx, 'could not draw an unused token');
        return attempt(n + 1);
      });
    };
    return then(vault.lookup(index), (found) => (found ? found.token : attempt(0)));
  },
  revert(token: string, ctx: OperatorContext<TokenizeParams>): MaybePromise<string> {
    const vault = vaultOf(ctx, 'tokenize');
    const audit = (kid: string, outcome: VaultAuditOutcome): MaybePromise<void> =>
      vault.audit({ at: new Date().toISOString(), action: 'detokenize', token, kid, actor: ctx.actor ?? '', outcome });
    return then(vault.get(token), (record) => {
      if (!record) {
        return then(audit('', 'not-found'), () => {
          throw operatorFailed('tokenize', ctx, 'the token is not in the vault');
        });
      }
      const key = ctx.keys?.byId(record.kid) ?? (ctx.key?.id === record.kid ? ctx.key : undefined);
      const plain = key ? sealer(key).decrypt(record.sealed, [Buffer.from(token, 'utf8')]) : undefined;
      if (!plain) {
        return then(audit(record.kid, 'failed'), () => {
          throw operatorFailed(
            'tokenize',
            ctx,
            key ? 'the sealed value does not open with the key' : `key id "${record.kid}" is not in the key ring`,
          );
        });
      }
      return then(audit(record.kid, 'ok'), () => plain.toString('utf8'));
    });
  },
} satisfies Operator<TokenizeParams>;
