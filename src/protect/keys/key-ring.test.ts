import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isLeakguardError, type LeakguardError } from '../../core/errors.js';
import { KeyMaterial, KeyRing, loadKey, loadKeyRing } from './key-ring.js';

const HEX64 = 'a1'.repeat(32);
const B64 = Buffer.alloc(32, 0xa1).toString('base64');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isLeakguardError(e) ? e.code : `not a leakguard error: ${String(e)}`;
  }
  return undefined;
}

function errorOf(fn: () => unknown): LeakguardError {
  try {
    fn();
  } catch (e) {
    if (isLeakguardError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('loadKey', () => {
  it('decodes hex and base64 environment values to the same key when they hold the same bytes', () => {
    const a = loadKey('main', { env: 'K' }, { env: { K: HEX64 } });
    const b = loadKey('main', { env: 'K' }, { env: { K: B64 } });
    const c = loadKey('main', { env: 'K' }, { env: { K: Buffer.alloc(32, 0xa1).toString('base64url') } });
    expect(Buffer.from(a.derive('hash')).equals(Buffer.from(b.derive('hash')))).toBe(true);
    expect(Buffer.from(a.derive('hash')).equals(Buffer.from(c.derive('hash')))).toBe(true);
  });

  it('throws LG_KEY_MISSING naming the key and variable when the variable is unset', () => {
    const e = errorOf(() => loadKey('main', { env: 'LEAKGUARD_KEY' }, { env: {} }));
    expect(e.code).toBe('LG_KEY_MISSING');
    expect(e.message).toContain('"main"');
    expect(e.message).toContain('"LEAKGUARD_KEY"');
  });

  it('throws LG_KEY_INVALID without the material when the key is shorter than 32 bytes', () => {
    const short = 'b7'.repeat(16);
    const e = errorOf(() => loadKey('main', { env: 'K' }, { env: { K: short } }));
    expect(e.code).toBe('LG_KEY_INVALID');
    expect(e.message).toContain('16 bytes');
    expect(e.message).not.toContain(short);
    expect(e.message).not.toContain('b7b7');
  });

  it('throws LG_KEY_INVALID without the material when the text is neither hex nor base64', () => {
    const bad = 'not a key! not a key! not a key! not a key!';
    const e = errorOf(() => loadKey('main', { env: 'K' }, { env: { K: bad } }));
    expect(e.code).toBe('LG_KEY_INVALID');
    expect(e.message).not.toContain(bad);
  });

  it('reads raw, hex and base64 key files and warns when a file is group-readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-key-'));
    writeFileSync(join(dir, 'raw.key'), Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 200) & 0xff)));
    writeFileSync(join(dir, 'hex.key'), `${HEX64}\n`);
    writeFileSync(join(dir, 'b64.key'), `${B64}\n`);
    for (const f of ['raw.key', 'hex.key', 'b64.key']) chmodSync(join(dir, f), 0o600);
    chmodSync(join(dir, 'b64.key'), 0o644);
    const warnings: string[] = [];
    const ring = loadKeyRing(
      { raw: { file: './raw.key' }, hex: { file: 'hex.key' }, b64: { file: 'b64.key' } },
      { baseDir: dir, onWarning: (w) => warnings.push(w) },
    );
    expect(ring.names()).toEqual(['raw', 'hex', 'b64']);
    expect(Buffer.from(ring.get('hex')!.derive('fpe')).equals(Buffer.from(ring.get('b64')!.derive('fpe')))).toBe(true);
    if (process.platform !== 'win32' && process.getuid?.() !== undefined) {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('"b64.key"');
    }
  });

  it('throws LG_KEY_MISSING naming the file when the key file does not exist', () => {
    const e = errorOf(() => loadKey('main', { file: './nope.key' }, { baseDir: tmpdir() }));
    expect(e.code).toBe('LG_KEY_MISSING');
    expect(e.message).toContain('"./nope.key"');
  });

  it('throws LG_KEY_INVALID when a key id contains a colon', () => {
    expect(codeOf(() => loadKey('main', { env: 'K', id: 'a:b' }, { env: { K: HEX64 } }))).toBe('LG_KEY_INVALID');
  });
});

describe('KeyMaterial', () => {
  it('`derive` gives independent subkeys per purpose when derived from one key', () => {
    const k = new KeyMaterial('main', Buffer.alloc(32, 1));
    const purposes = ['hash', 'pseudonym', 'fpe', 'encrypt', 'dateshift'] as const;
    const seen = new Set(purposes.map((p) => Buffer.from(k.derive(p)).toString('hex')));
    expect(seen.size).toBe(purposes.length);
    expect(k.derive('encrypt', 64)).toHaveLength(64);
  });

  it('never shows the material when printed, serialised or stringified', () => {
    const bytes = Buffer.alloc(32, 0xcd);
    const k = new KeyMaterial('main', bytes);
    const shown = `${inspect(k)} ${JSON.stringify(k)} ${String(k)} ${inspect({ k }, { depth: 5, showHidden: true })}`;
    expect(shown).not.toContain('cdcd');
    expect(shown).not.toContain('205, 205');
    expect(shown).not.toContain(bytes.toString('base64').slice(0, 12));
  });
});

describe('KeyRing', () => {
  it('finds keys by name and by id when the id differs from the name', () => {
    const ring = new KeyRing([new KeyMaterial('main', Buffer.alloc(32, 1), 'k2025')]);
    expect(ring.get('main')?.id).toBe('k2025');
    expect(ring.byId('k2025')?.name).toBe('main');
    expect(ring.byId('main')).toBeUndefined();
  });

  it('throws LG_KEY_INVALID when two keys share an id', () => {
    expect(
      codeOf(() => loadKeyRing({ a: { env: 'K', id: 'x' }, b: { env: 'K', id: 'x' } }, { env: { K: HEX64 } })),
    ).toBe('LG_KEY_INVALID');
  });
});
