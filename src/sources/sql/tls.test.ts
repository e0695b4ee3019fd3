import { describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../core/errors.js';
import { readCaFile, tlsOptions } from './tls.js';

describe('tlsOptions', () => {
  it('`tlsOptions` follows libpq sslmode semantics for each mode', () => {
    expect(tlsOptions('disable', undefined)).toBe(false);
    expect(tlsOptions('prefer', undefined)).toEqual({ rejectUnauthorized: false });
    expect(tlsOptions('require', undefined)).toEqual({ rejectUnauthorized: false });
    expect(tlsOptions('verify-full', undefined)).toEqual({ rejectUnauthorized: true });
    const ca = tlsOptions('verify-ca', 'PEM');
    expect(ca).toMatchObject({ ca: 'PEM', rejectUnauthorized: true });
    if (ca === false) throw new Error('expected TLS options');
    // verify-ca checks the chain but not the host name: the identity check accepts any host.
    expect(typeof ca.checkServerIdentity).toBe('function');
    expect(ca.checkServerIdentity!('other.host', {} as never)).toBeUndefined();
    expect(tlsOptions('verify-full', 'PEM')).not.toHaveProperty('checkServerIdentity');
    // With a CA file, `require` verifies the chain (libpq does the same).
    expect(tlsOptions('require', 'PEM')).toMatchObject({ ca: 'PEM', rejectUnauthorized: true });
  });

  it('`readCaFile` throws LG_USAGE naming the file when it cannot be read', () => {
    let err: unknown;
    try {
      readCaFile('/nonexistent/ca.pem', 'postgres://u:***@h:5432/d');
    } catch (e) {
      err = e;
    }
    expect(isLeakguardError(err) && err.code).toBe('LG_USAGE');
    expect((err as Error).message).toContain('"/nonexistent/ca.pem"');
    expect(readCaFile(undefined, 'x')).toBeUndefined();
  });
});
