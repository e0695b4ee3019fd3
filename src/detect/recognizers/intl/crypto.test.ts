import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { encodeBase58Check } from '../../validators/base58check.js';
import { cryptoRecognizer } from './crypto.js';

const analyzer = createAnalyzer({ recognizers: [cryptoRecognizer] });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

describe('cryptoRecognizer', () => {
  it('cryptoRecognizer finds Bitcoin legacy, segwit and taproot addresses at exact offsets', () => {
    expect(found('send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now')).toEqual([
      ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 8, 42],
    ]);
    expect(found('P2SH:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')).toEqual([['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 5, 39]]);
    expect(found('比特币地址bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4。')).toEqual([
      ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 5, 47],
    ]);
    expect(found('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')).toHaveLength(1);
    expect(found('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toHaveLength(1);
  });

  it('cryptoRecognizer describes chain and kind', () => {
    expect(analyzer.detect('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')[0]?.attrs).toEqual({
      chain: 'bitcoin',
      kind: 'p2pkh',
    });
    expect(analyzer.detect('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')[0]?.attrs).toEqual({
      chain: 'bitcoin',
      kind: 'p2tr',
    });
  });

  it('cryptoRecognizer finds EIP-55 Ethereum addresses and needs context for uncased ones', () => {
    expect(found('"to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"')).toEqual([
      ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 6, 48],
    ]);
    expect(found('x 0xde709f2102306220921060314715629080e2fb77')).toEqual([]);
    expect(found('ETH 钱包 0xde709f2102306220921060314715629080e2fb77')).toEqual([
      ['0xde709f2102306220921060314715629080e2fb77', 7, 49],
    ]);
  });

  it('cryptoRecognizer rejects bad checksums, other versions, hashes and bech32 of other HRPs', () => {
    const testnet = encodeBase58Check(Uint8Array.from([0x6f, ...new Uint8Array(20).fill(3)]));
    for (const t of [
      '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3',
      testnet,
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
      'tx 0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5',
      'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
      'a1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
    ]) {
      expect(found(`wallet ${t}`), t).toEqual([]);
    }
  });

  it('cryptoRecognizer finds generated addresses embedded in random text', () => {
    const g = intlGenerators.CRYPTO!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('地址', 'to ', '(', '"', '\n', 'x: '), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，ok`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });

  it('cryptoRecognizer rejects every single-character substitution of a generated Bitcoin address', () => {
    const g = intlGenerators.CRYPTO!;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat({ max: 57 }), (seed, p, pick) => {
        const v = g(createSeededRng(seed));
        fc.pre(!v.startsWith('0x'));
        const bech = v.startsWith('bc1');
        const alphabet = bech ? 'qpzry9x8gf2tvdw0s3jn54khce6mua7l' : BASE58;
        const i = (bech ? 4 : 1) + (p % (v.length - (bech ? 4 : 1)));
        const c = alphabet[pick % alphabet.length] as string;
        fc.pre(c !== v[i]);
        return found(v.slice(0, i) + c + v.slice(i + 1)).length === 0;
      }),
      { numRuns: 500 },
    );
  });
});
