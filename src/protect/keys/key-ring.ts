/**
 * Key material for keyed operators: a key ring loaded from a policy's `keys:` section.
 *
 * - A key comes from an environment variable (`{ env: NAME }`, hex or base64 text) or a file
 *   (`{ file: ./path }`, raw bytes or hex/base64 text), and must hold at least 32 bytes after decoding.
 * - Operators never see the configured key: each gets a per-purpose subkey derived with HKDF-SHA256
 *   (RFC 5869, `node:crypto` `hkdfSync`), so `hash`, `pseudonym`, `fpe`, `encrypt`, `tokenize` and `dateshift`
 *   under one configured key are independent (learning one subkey reveals nothing about the others).
 * - Key bytes never appear in errors, logs, `JSON.stringify` or `util.inspect`: messages name the key and where
 *   it was looked for (variable name, file path), never the material.
 */
import { hkdfSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, type ErrorLocation } from '../../core/errors.js';

/** Minimum key length in bytes after decoding. */
export const MIN_KEY_BYTES = 32;

/** Salt for every subkey derivation; changing it changes every keyed output, so it is versioned. */
const HKDF_SALT = Buffer.from('leakguard/keys/v1', 'utf8');

/**
 * A key id as it appears in tagged outputs (`enc:v1:<kid>:…`, `tok:<kid>:…`).
 * Example match: `main`, `k2025-01`. Source: this module (tag grammar). Deliberately does not match `:` or
 * anything longer than 32 characters, so a tag splits unambiguously.
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** How key text is encoded. `auto` tries hex, then base64; for files, non-text content is taken as raw bytes. */
export type KeyEncoding = 'auto' | 'hex' | 'base64' | 'raw';

/** Where a key comes from: an environment variable. */
export interface EnvKeySpec {
  /** Name of the environment variable holding hex or base64 text. */
  env: string;
  /** Key id written into tagged outputs (defaults to the key's name). Keep it when rotating. */
  id?: string | undefined;
  /** Text encoding; `auto` (default) accepts hex or base64/base64url. */
  encoding?: 'auto' | 'hex' | 'base64' | undefined;
}

/** Where a key comes from: a file. */
export interface FileKeySpec {
  /** Path of the key file, relative to the policy file's folder. */
  file: string;
  id?: string | undefined;
  /** `auto` (default): printable text is decoded as hex or base64, anything else taken as raw bytes. */
  encoding?: KeyEncoding | undefined;
}

/** A key source as written in a policy's `keys:` section. */
export type KeySpec = EnvKeySpec | FileKeySpec;

/** Subkey purposes. Each names an independent HKDF `info` string. */
export type KeyPurpose =
  | 'hash'
  | 'pseudonym'
  | 'fpe'
  | 'encrypt'
  | 'tokenize-index'
  | 'tokenize-seal'
  | 'tokenize-token'
  | 'dateshift';

/**
 * One configured key. Holds the bytes privately and hands out per-purpose subkeys only.
 */
export class KeyMaterial {
  /** The key's name in the policy (`keys.main` → `main`). */
  readonly name: string;
  /** The key id written into tagged outputs. */
  readonly id: string;
  readonly #bytes: Uint8Array;
  readonly #derived = new Map<string, Uint8Array>();

  /**
   * @throws RangeError when `bytes` is shorter than {@link MIN_KEY_BYTES} or `id` does not match
   *   {@link KEY_ID_PATTERN} (loaders check both first and throw coded errors)
   * @example
   * new KeyMaterial('main', randomBytes(32))
   */
  constructor(name: string, bytes: Uint8Array, id: string = name) {
    if (bytes.length < MIN_KEY_BYTES) throw new RangeError(`KeyMaterial: key "${name}" is shorter than 32 bytes`);
    if (!KEY_ID_PATTERN.test(id)) throw new RangeError(`KeyMaterial: key id of "${name}" must match ${KEY_ID_PATTERN}`);
    this.name = name;
    this.id = id;
    this.#bytes = Uint8Array.from(bytes);
  }

  /**
   * The subkey for `purpose` (HKDF-SHA256, salt `leakguard/keys/v1`, info `leakguard:<purpose>:<length>`),
   * memoised so the hot path pays one map lookup.
   *
   * @example
   * key.derive('hash') // 32 bytes
   */
  derive(purpose: KeyPurpose, length = 32): Uint8Array {
    const slot = `${purpose}:${length}`;
    let k = this.#derived.get(slot);
    if (!k) {
      k = new Uint8Array(hkdfSync('sha256', this.#bytes, HKDF_SALT, `leakguard:${slot}`, length));
      this.#derived.set(slot, k);
    }
    return k;
  }

  /** Never serialises the material. */
  toJSON(): { name: string; id: string } {
    return { name: this.name, id: this.id };
  }

  /** Never prints the material. */
  [inspect.custom](): string {
    return `KeyMaterial { name: ${JSON.stringify(this.name)}, id: ${JSON.stringify(this.id)} }`;
  }

  toString(): string {
    return `[key ${this.name}]`;
  }
}

/** A set of named keys, looked up by policy name or by key id (for decrypting tagged outputs). */
export class KeyRing {
  readonly #byName = new Map<string, KeyMaterial>();
  readonly #byId = new Map<string, KeyMaterial>();

  /**
   * @throws ConfigError `LG_KEY_INVALID` when two keys share an id
   * @example
   * new KeyRing([new KeyMaterial('main', bytes)])
   */
  constructor(keys: Iterable<KeyMaterial> = []) {
    for (const k of keys) this.add(k);
  }

  /**
   * Adds a key.
   *
   * @throws ConfigError `LG_KEY_INVALID` when the name or id is already taken
   */
  add(key: KeyMaterial): void {
    if (this.#byName.has(key.name) || this.#byId.has(key.id)) {
      throw new ConfigError('LG_KEY_INVALID', `Cannot add key "${key.name}": its name or id "${key.id}" is taken`);
    }
    this.#byName.set(key.name, key);
    this.#byId.set(key.id, key);
  }

  /** The key named `name` in the policy. */
  get(name: string): KeyMaterial | undefined {
    return this.#byName.get(name);
  }

  /** The key whose id is `id` (as found in a tagged output). */
  byId(id: string): KeyMaterial | undefined {
    return this.#byId.get(id);
  }

  /** Key names, in insertion order. */
  names(): string[] {
    return [...this.#byName.keys()];
  }

  get size(): number {
    return this.#byName.size;
  }
}

/** Options for {@link loadKey} and {@link loadKeyRing}. */
export interface LoadKeyOptions {
  /** Environment to read `env:` keys from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative `file:` paths are resolved against (default: the working directory). */
  baseDir?: string;
  /** Receives non-fatal notices, e.g. a key file readable by group or others. Never given key material. */
  onWarning?: (message: string) => void;
  /** Where each key is declared (policy file, line, field), by key name, for error locations. */
  locations?: Readonly<Record<string, ErrorLocation>>;
}

/**
 * Hex: an even number of hex digits. Example match: `00ff…`. Source: RFC 4648 §8 (base16). Does not match
 * `0x` prefixes or separators.
 */
const HEX_TEXT = /^(?:[0-9a-fA-F]{2})+$/;
/**
 * Base64 or base64url, optional padding. Example match: `q83vEjRWeJA=`. Source: RFC 4648 §4/§5. Does not
 * match whitespace inside the text or mixed alphabets (`+` with `_`).
 */
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

function decodeText(text: string, encoding: KeyEncoding): Buffer | undefined {
  if ((encoding === 'auto' || encoding === 'hex') && HEX_TEXT.test(text)) return Buffer.from(text, 'hex');
  if ((encoding === 'auto' || encoding === 'base64') && BASE64_TEXT.test(text) && text.length % 4 !== 1) {
    const url = /[-_]/.test(text);
    const bytes = Buffer.from(text, url ? 'base64url' : 'base64');
    // Strict: re-encoding must give the same text (rejects non-canonical trailing bits).
    const again = bytes.toString(url ? 'base64url' : 'base64').replace(/=+$/, '');
    if (again === text.replace(/=+$/, '')) return bytes;
  }
  return undefined;
}

/** Whether `buf` looks like a text file (printable ASCII and whitespace only). */
function isText(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i] as number;
    if (!(c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))) return false;
  }
  return true;
}

function describe(spec: KeySpec): string {
  return 'env' in spec ? `environment variable "${spec.env}"` : `file "${spec.file}"`;
}

/**
 * Loads one key.
 *
 * @throws ConfigError `LG_KEY_MISSING` when the variable is unset or empty or the file cannot be read;
 *   `LG_KEY_INVALID` when the text is neither hex nor base64, decodes to fewer than 32 bytes, or the id is bad.
 *   Messages name the key and its source, never the material.
 * @example
 * loadKey('main', { env: 'LEAKGUARD_KEY' })
 */
export function loadKey(name: string, spec: KeySpec, options: LoadKeyOptions = {}): KeyMaterial {
  const location = options.locations?.[name];
  const where = describe(spec);
  const fail = (code: 'LG_KEY_MISSING' | 'LG_KEY_INVALID', detail: string, cause?: unknown): never => {
    throw new ConfigError(code, `Cannot load key "${name}" from ${where}: ${detail}`, {
      ...(location ? { location } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
  };
  const id = spec.id ?? name;
  if (!KEY_ID_PATTERN.test(id)) {
    fail('LG_KEY_INVALID', 'the key id must be 1-32 characters from A-Z, a-z, 0-9, "_" and "-"');
  }
  let bytes: Buffer | undefined;
  if ('env' in spec) {
    const env = options.env ?? process.env;
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') fail('LG_KEY_MISSING', 'the variable is not set');
    bytes = decodeText((raw as string).trim(), spec.encoding ?? 'auto');
    if (!bytes) fail('LG_KEY_INVALID', `the value is not ${spec.encoding ?? 'hex or base64'} text`);
  } else {
    const path = isAbsolute(spec.file) ? spec.file : resolve(options.baseDir ?? process.cwd(), spec.file);
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Wrap without the raw error message only when it could echo contents; fs errors never do.
      return fail(
        'LG_KEY_MISSING',
        code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${code})`,
        e,
      );
    }
    if (process.platform !== 'win32' && options.onWarning) {
      try {
        const mode = statSync(path).mode & 0o777;
        if (mode & 0o077) {
          options.onWarning(
            `Key file "${spec.file}" for key "${name}" is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 on it`,
          );
        }
      } catch {
        // The file was just read; a failing stat only loses the warning.
      }
    }
    const encoding = spec.encoding ?? 'auto';
    if (encoding === 'raw' || (encoding === 'auto' && !isText(content))) {
      bytes = content;
    } else {
      bytes = decodeText(content.toString('latin1').trim(), encoding);
      if (!bytes) fail('LG_KEY_INVALID', `the content is not ${encoding === 'auto' ? 'hex or base64' : encoding} text`);
    }
  }
  const b = bytes as Buffer;
  if (b.length < MIN_KEY_BYTES) {
    fail('LG_KEY_INVALID', `the key has ${b.length} bytes after decoding, expected at least ${MIN_KEY_BYTES}`);
  }
  const key = new KeyMaterial(name, b, id);
  b.fill(0);
  return key;
}

/**
 * Loads every key of a policy's `keys:` section into a {@link KeyRing}.
 *
 * @throws ConfigError `LG_KEY_MISSING` / `LG_KEY_INVALID` as {@link loadKey}
 * @example
 * loadKeyRing({ main: { env: 'LEAKGUARD_KEY' } }, { baseDir: dirname(policyPath) })
 */
export function loadKeyRing(specs: Readonly<Record<string, KeySpec>>, options: LoadKeyOptions = {}): KeyRing {
  const ring = new KeyRing();
  for (const [name, spec] of Object.entries(specs)) {
    const key = loadKey(name, spec, options);
    if (ring.byId(key.id)) {
      const location = options.locations?.[name];
      throw new ConfigError('LG_KEY_INVALID', `Cannot load key "${name}": key id "${key.id}" is used by another key`, {
        ...(location ? { location } : {}),
      });
    }
    ring.add(key);
  }
  return ring;
}
