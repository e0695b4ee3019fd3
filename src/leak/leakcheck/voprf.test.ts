import { describe, expect, it } from 'vitest';
import {
  blind,
  blindEvaluateBatch,
  checkElement,
  deriveKeyPair,
  evaluate,
  finalizeBatch,
  fixedScalars,
  fromHex,
  toHex,
  VoprfInputError,
  VoprfProofError,
} from './voprf.js';

// RFC 9497 Appendix A.1.2: ristretto255-SHA512, VOPRF mode. Seed a3×32, KeyInfo "test key".
const SEED = 'a3'.repeat(32);
const KEY_INFO = '74657374206b6579';
const SKSM = 'e6f73f344b79b379f1a0dd37e07ff62e38d9f71345ce62ae3a9bc60b04ccd909';
const PKSM = 'c803e2cc6b05fc15064549b5920659ca4a77b2cca6f04f6b357009335476ad4e';
const BLIND1 = '64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706';
const BLIND2 = '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e';
const OUT1 =
  'b58cfbe118e0cb94d79b5fd6a6dafb98764dff49c14e1770b566e42402da1a7da4d8527693914139caee5bd03903af43a491351d23b430948dd50cde10d32b3c';
const OUT2 =
  '8a9a2f3c7f085b65933594309041fc1898d42d0858e59f90814ae90571a6df60356f4610bf816f27afdd84f47719e480906d27ecd994985890e5f539e7ea74b6';

const VECTORS = [
  {
    name: 'Test Vector 1, Batch Size 1',
    inputs: ['00'],
    blinds: [BLIND1],
    blinded: ['863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945'],
    evaluated: ['aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e'],
    proof:
      'ddef93772692e535d1a53903db24367355cc2cc78de93b3be5a8ffcc6985dd066d4346421d17bf5117a2a1ff0fcb2a759f58a539dfbe857a40bce4cf49ec600d',
    proofRandomScalar: '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e',
    outputs: [OUT1],
  },
  {
    name: 'Test Vector 2, Batch Size 1',
    inputs: ['5a'.repeat(17)],
    blinds: [BLIND1],
    blinded: ['cc0b2a350101881d8a4cba4c80241d74fb7dcbfde4a61fde2f91443c2bf9ef0c'],
    evaluated: ['60a59a57208d48aca71e9e850d22674b611f752bed48b36f7a91b372bd7ad468'],
    proof:
      '401a0da6264f8cf45bb2f5264bc31e109155600babb3cd4e5af7d181a2c9dc0a67154fabf031fd936051dec80b0b6ae29c9503493dde7393b722eafdf5a50b02',
    proofRandomScalar: '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e',
    outputs: [OUT2],
  },
  {
    name: 'Test Vector 3, Batch Size 2',
    inputs: ['00', '5a'.repeat(17)],
    blinds: [BLIND1, BLIND2],
    blinded: [
      '863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945',
      '90a0145ea9da29254c3a56be4fe185465ebb3bf2a1801f7124bbbadac751e654',
    ],
    evaluated: [
      'aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e',
      'cc5ac221950a49ceaa73c8db41b82c20372a4c8d63e5dded2db920b7eee36a2a',
    ],
    proof:
      'cc203910175d786927eeb44ea847328047892ddf8590e723c37205cb74600b0a5ab5337c8eb4ceae0494c2cf89529dcf94572ed267473d567aeed6ab873dee08',
    proofRandomScalar: '419c4f4f5052c53c45f3da494d2b67b220d02118e0857cdbcf037f9ea84bbe0c',
    outputs: [OUT1, OUT2],
  },
];

const bytes = (hex: string) => fromHex(hex, hex.length / 2);

describe('RFC 9497 A.1.2 ristretto255-SHA512 VOPRF', () => {
  const keys = deriveKeyPair(bytes(SEED), bytes(KEY_INFO));

  it('deriveKeyPair gives skSm and pkSm', () => {
    expect(toHex(keys.secretKey)).toBe(SKSM);
    expect(toHex(keys.publicKey)).toBe(PKSM);
  });

  for (const v of VECTORS) {
    it(`${v.name}: blind, evaluate, proof, finalize and evaluate match`, () => {
      const rng = fixedScalars(v.blinds);
      const states = v.inputs.map((i) => blind(bytes(i), rng));
      expect(states.map((s) => toHex(s.blinded))).toEqual(v.blinded);
      expect(states.map((s) => toHex(s.blind))).toEqual(v.blinds);
      const r = blindEvaluateBatch(
        keys,
        states.map((s) => s.blinded),
        fixedScalars([v.proofRandomScalar]),
      );
      expect(r.evaluated.map(toHex)).toEqual(v.evaluated);
      expect(toHex(r.proof)).toBe(v.proof);
      const outs = finalizeBatch(states, r.evaluated, keys.publicKey, r.proof);
      expect(outs.map(toHex)).toEqual(v.outputs);
      expect(v.inputs.map((i) => toHex(evaluate(keys.secretKey, bytes(i))))).toEqual(v.outputs);
    });
  }

  it('finalizeBatch rejects a proof made under another key', () => {
    const other = deriveKeyPair(bytes('b4'.repeat(32)), bytes(KEY_INFO));
    const s = blind(bytes('00'));
    const r = blindEvaluateBatch(other, [s.blinded]);
    expect(() => finalizeBatch([s], r.evaluated, keys.publicKey, r.proof)).toThrow(VoprfProofError);
  });

  it('finalizeBatch rejects a tampered evaluated element', () => {
    const s1 = blind(bytes('00'));
    const s2 = blind(bytes('01'));
    const r = blindEvaluateBatch(keys, [s1.blinded, s2.blinded]);
    const swapped = [r.evaluated[1] as Uint8Array, r.evaluated[0] as Uint8Array];
    expect(() => finalizeBatch([s1, s2], swapped, keys.publicKey, r.proof)).toThrow(VoprfProofError);
  });

  it('checkElement rejects non-canonical encodings and the identity', () => {
    expect(() => checkElement(new Uint8Array(32))).toThrow(/identity/);
    expect(() => checkElement(bytes('ff'.repeat(32)))).toThrow(VoprfInputError);
    expect(() => checkElement(bytes(PKSM))).not.toThrow();
  });

  it('fromHex rejects wrong lengths and non-hex', () => {
    expect(() => fromHex('zz', 1)).toThrow(/hex/);
    expect(() => fromHex('00', 2)).toThrow(/4 hex/);
    expect(() => fromHex(5, 1)).toThrow(/string/);
  });
});
