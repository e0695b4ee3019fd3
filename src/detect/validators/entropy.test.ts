import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharClass, charClasses, entropyThreshold, looksRandom, MAX_ENTROPY_SPAN, shannonEntropy } from './entropy.js';

describe('entropy', () => {
  it('shannonEntropy gives the textbook values', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
    expect(shannonEntropy('aabb')).toBeCloseTo(1, 10);
    expect(shannonEntropy('abcd')).toBeCloseTo(2, 10);
    expect(shannonEntropy('changeme')).toBeCloseTo(2.75, 10);
    expect(shannonEntropy('0123456789abcdef')).toBeCloseTo(4, 10);
  });

  it('shannonEntropy counts non-ASCII characters and honours offsets', () => {
    expect(shannonEntropy('密码密码')).toBeCloseTo(1, 10);
    expect(shannonEntropy('xxabcdxx', 2, 6)).toBeCloseTo(2, 10);
  });

  it('shannonEntropy leaves no state behind between calls', () => {
    const first = shannonEntropy('hello world');
    shannonEntropy('zzzzzzzz');
    expect(shannonEntropy('hello world')).toBe(first);
  });

  it('shannonEntropy measures at most MAX_ENTROPY_SPAN characters', () => {
    const s = `${'a'.repeat(MAX_ENTROPY_SPAN)}bcdefgh`;
    expect(shannonEntropy(s)).toBe(0);
  });

  it('charClasses reports each class present', () => {
    expect(charClasses('abc')).toBe(CharClass.LOWER);
    expect(charClasses('aB3')).toBe(CharClass.LOWER | CharClass.UPPER | CharClass.DIGIT);
    expect(charClasses('!密')).toBe(CharClass.SYMBOL | CharClass.NON_ASCII);
  });

  it('entropyThreshold grows with length and caps at 3 bits', () => {
    expect(entropyThreshold(1)).toBe(0);
    expect(entropyThreshold(8)).toBeCloseTo(2.55, 10);
    expect(entropyThreshold(64)).toBe(3);
  });

  it('looksRandom separates keys from words and placeholders', () => {
    for (const s of ['kT9#qL2vX8', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY', '9f86d081884c7d659a2feaa0c55ad015']) {
      expect(looksRandom(s), s).toBe(true);
    }
    for (const s of ['changeme', 'password', 'xxxxxxxxxx', '********', 'abc', 'aaaaaa1']) {
      expect(looksRandom(s), s).toBe(false);
    }
  });

  it('shannonEntropy never exceeds log2 of the length or of the alphabet', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (s) => {
        const h = shannonEntropy(s);
        return h >= 0 && h <= Math.log2(s.length) + 1e-9 && h <= Math.log2(new Set(s).size) + 1e-9;
      }),
    );
  });
});
