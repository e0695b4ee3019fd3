import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkUsccAt,
  isOrgCodeValid,
  isOrgCodeValidAt,
  isUsccPrefixAt,
  isUsccValid,
  orgCodeCheckChar,
  USCC_ALPHABET,
  usccCheckChar,
  usccKind,
} from './gb32100.js';

/** Arbitrary valid USCC bodies: defined prefix, region with a province part, any 10 alphabet characters. */
const body = fc
  .tuple(
    fc.constantFrom('11', '12', '31', '51', '52', '53', '91', '92', '93', 'N1', 'Y1'),
    fc.constantFrom('11', '31', '44', '65', '10'),
    fc.stringMatching(/^[0-9]{4}$/),
    fc.stringMatching(/^[0-9ABCDEFGHJKLMNPQRTUWXY]{8}$/),
  )
  .map(([prefix, province, rest, org]) => prefix + province + rest + org + orgCodeCheckChar(org));

describe('gb32100', () => {
  it('isUsccValid accepts the reference vectors and rejects their wrong check characters', () => {
    expect(isUsccValid('91110000600037341L')).toBe(true);
    expect(isUsccValid('91110000600037341M')).toBe(false);
    expect(isUsccValid('91230184MA1BUFLT44')).toBe(true);
    expect(isUsccValid('92371000MA3MXH0E3W')).toBe(true);
    expect(isUsccValid('91110000600037341I')).toBe(false);
    expect(isUsccValid('911101085923662400')).toBe(true);
    expect(isUsccValid('91110000600037341')).toBe(false);
    expect(isUsccValid('91110000600037341l')).toBe(false);
  });

  it('usccCheckChar computes the worked example and throws on bad bodies', () => {
    expect(usccCheckChar('91110000600037341')).toBe('L');
    expect(() => usccCheckChar('9111000060003734I')).toThrow(RangeError);
    expect(() => usccCheckChar('911100006')).toThrow(RangeError);
  });

  it('orgCodeCheckChar and isOrgCodeValid follow GB 11714', () => {
    expect(orgCodeCheckChar('60003734')).toBe('1');
    expect(orgCodeCheckChar('MA1BUFLT')).toBe('4');
    expect(isOrgCodeValid('60003734-1')).toBe(true);
    expect(isOrgCodeValid('600037341')).toBe(true);
    expect(isOrgCodeValid('60003734-2')).toBe(false);
    expect(isOrgCodeValid('6000373412')).toBe(false);
    expect(isOrgCodeValidAt('91230184MA1BUFLT44', 8)).toBe(true);
    expect(() => orgCodeCheckChar('6000373')).toThrow(RangeError);
    expect(() => orgCodeCheckChar('6000373a')).toThrow(RangeError);
  });

  it('checkUsccAt tells pilot-era codes (bad mod-31, good organisation code) apart', () => {
    expect(checkUsccAt('91350211M0000XUF46', 0)).toEqual({ shape: true, check: false, orgCode: true });
    expect(checkUsccAt('91350100M0001TGQXM', 0)).toEqual({ shape: true, check: false, orgCode: true });
    expect(checkUsccAt('91350203M0001FUE2P', 0)).toEqual({ shape: true, check: false, orgCode: true });
    expect(checkUsccAt('91110000600037341L', 0)).toEqual({ shape: true, check: true, orgCode: true });
  });

  it('checkUsccAt rejects undefined prefixes, non-digit regions and unknown provinces', () => {
    expect(checkUsccAt('94110000600037341L', 0)).toBeNull(); // authority 9 has no category 4
    expect(checkUsccAt('Z1110000600037341L', 0)).toBeNull();
    expect(checkUsccAt('9111000A600037341L', 0)).toBeNull();
    expect(checkUsccAt('91990000600037341L', 0)).toBeNull(); // province 99
    expect(checkUsccAt('9111000060003734IL', 0)).toBeNull(); // I outside the alphabet
    expect(isUsccPrefixAt('92', 0)).toBe(true);
    expect(isUsccPrefixAt('9', 0)).toBe(false);
  });

  it('usccKind names individual businesses, enterprises and unknown pairs', () => {
    expect(usccKind('92371000MA3MXH0E3W')).toBe('individual-business');
    expect(usccKind('91110000600037341L')).toBe('enterprise');
    expect(usccKind('53100000500021676K')).toBe('foundation');
    expect(usccKind('99110000600037341L')).toBeNull();
  });

  it('isUsccValid accepts a computed check and rejects every single-character change', () => {
    fc.assert(
      fc.property(body, fc.nat(), fc.integer({ min: 1, max: 30 }), (b, at, delta) => {
        const code = b + usccCheckChar(b);
        expect(isUsccValid(code)).toBe(true);
        expect(checkUsccAt(code, 0)?.orgCode).toBe(true);
        const i = at % 18;
        const cur = USCC_ALPHABET.indexOf(code[i] as string);
        const changed = code.slice(0, i) + USCC_ALPHABET[(cur + delta) % 31] + code.slice(i + 1);
        expect(isUsccValid(changed)).toBe(false);
      }),
    );
  });
});
