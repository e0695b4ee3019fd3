import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eip55Status, toChecksumAddress } from './eip55.js';

/** The examples listed in EIP-55. */
const EIP55_MIXED = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];
const EIP55_UPPER = ['0x52908400098527886E0F7030069857D2E4169EE7', '0x8617E340B3D01FA5F11F306F4090FD50E238070D'];
const EIP55_LOWER = ['0xde709f2102306220921060314715629080e2fb77', '0x27b1fdb04752bbc536007a920d24acb045561c26'];

const hex40 = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((b) => Buffer.from(b).toString('hex'))
  .filter((h) => /[a-f]/.test(h));

function flipCase(c: string): string {
  return c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
}

describe('eip55', () => {
  it('eip55Status accepts the EIP-55 mixed-case examples', () => {
    for (const a of EIP55_MIXED) expect(eip55Status(a, 2), a).toBe('valid');
  });

  it('eip55Status reports single-case addresses as uncased', () => {
    for (const a of [...EIP55_UPPER, ...EIP55_LOWER]) expect(eip55Status(a, 2), a).toBe('uncased');
    expect(eip55Status('0'.repeat(40))).toBe('uncased');
  });

  it('toChecksumAddress reproduces the EIP-55 examples from any case', () => {
    for (const a of [...EIP55_MIXED, ...EIP55_UPPER, ...EIP55_LOWER]) {
      expect(toChecksumAddress(a.toLowerCase())).toBe(a);
      expect(toChecksumAddress(`0x${a.slice(2).toUpperCase()}`)).toBe(a);
      expect(toChecksumAddress(a.slice(2))).toBe(a);
    }
  });

  it('eip55Status rejects a mixed-case address with one letter of the wrong case', () => {
    const a = EIP55_MIXED[0] as string;
    const i = a.indexOf('a', 2);
    expect(eip55Status(a.slice(0, i) + 'A' + a.slice(i + 1), 2)).toBe('invalid');
  });

  it('eip55Status rejects short and non-hex input', () => {
    expect(eip55Status('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe')).toBe('invalid');
    expect(eip55Status('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg')).toBe('invalid');
  });

  it('toChecksumAddress throws RangeError for malformed input', () => {
    expect(() => toChecksumAddress('0x1234')).toThrow(RangeError);
    expect(() => toChecksumAddress(`0x${'g'.repeat(40)}`)).toThrow(RangeError);
  });

  it('eip55Status accepts every checksummed address', () => {
    fc.assert(
      fc.property(hex40, (h) => {
        const a = toChecksumAddress(h).slice(2);
        // When every letter's hash nibble falls on the same side the checksummed form is single-case.
        const single = a === a.toLowerCase() || a === a.toUpperCase();
        return eip55Status(a) === (single ? 'uncased' : 'valid');
      }),
      { numRuns: 3000 },
    );
  });

  it('eip55Status rejects a checksummed address with any one letter case-flipped, unless it becomes single-case', () => {
    fc.assert(
      fc.property(hex40, fc.nat(), (h, pos) => {
        const a = toChecksumAddress(h).slice(2);
        const letters = [...a].map((c, i) => (/[a-fA-F]/.test(c) ? i : -1)).filter((i) => i >= 0);
        const i = letters[pos % letters.length] as number;
        const flipped = a.slice(0, i) + flipCase(a[i] as string) + a.slice(i + 1);
        const status = eip55Status(flipped);
        const singleCase = flipped === flipped.toLowerCase() || flipped === flipped.toUpperCase();
        return singleCase ? status === 'uncased' : status === 'invalid';
      }),
      { numRuns: 3000 },
    );
  });
});
