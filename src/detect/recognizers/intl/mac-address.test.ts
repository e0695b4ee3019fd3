import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { macAddressRecognizer } from './mac-address.js';

const analyzer = createAnalyzer({ recognizers: [macAddressRecognizer] });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('macAddressRecognizer', () => {
  it('macAddressRecognizer finds colon, hyphen and Cisco notations at exact offsets', () => {
    expect(found('link/ether 00:1A:2B:3C:4D:5E brd ff:ff:ff:ff:ff:ff')).toEqual([['00:1A:2B:3C:4D:5E', 11, 28]]);
    expect(found('Physical Address. . : 00-1a-2b-3c-4d-5e')).toEqual([['00-1a-2b-3c-4d-5e', 22, 39]]);
    expect(found('switch port 001a.2b3c.4d5e')).toEqual([['001a.2b3c.4d5e', 12, 26]]);
    expect(found('网卡ac:de:48:00:11:22，')).toEqual([['ac:de:48:00:11:22', 2, 19]]);
    expect(found('"mac":"a0:b1:c2:d3:e4:f5"')).toEqual([['a0:b1:c2:d3:e4:f5', 7, 24]]);
    expect(found('MAC：ＡＣ：ＤＥ：４８：００：１１：２２')).toEqual([['ＡＣ：ＤＥ：４８：００：１１：２２', 4, 21]]);
  });

  it('macAddressRecognizer flags locally administered (randomised) addresses', () => {
    expect(analyzer.detect('mac 02:00:00:aa:bb:cc')[0]?.attrs).toEqual({
      notation: 'colon',
      locallyAdministered: true,
    });
    expect(analyzer.detect('mac 00:00:5e:aa:bb:cc')[0]?.attrs).toEqual({
      notation: 'colon',
      locallyAdministered: false,
    });
  });

  it('macAddressRecognizer rejects mixed separators, short groups, longer runs and IPv6', () => {
    for (const t of [
      '00:1A-2B:3C:4D:5E',
      '0:1A:2B:3C:4D:5E',
      '00:1A:2B:3C:4D',
      '00:11:22:33:44:55:66:77',
      'fe80::1a2b:3c4d:5e6f:7a8b',
      '2001:db8:0:0:1:2:3:4',
      '00:1A:2B:3C:4D:5G',
      '001a.2b3c.4d5e.6f70',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('macAddressRecognizer rejects times, null and broadcast addresses', () => {
    expect(found('at 12:34:56')).toEqual([]);
    expect(found('00:00:00:00:00:00')).toEqual([]);
    expect(found('FF:FF:FF:FF:FF:FF')).toEqual([]);
  });

  it('macAddressRecognizer needs context for an all-digit dotted triple', () => {
    expect(found('total 1234.5678.9012')).toEqual([]);
    expect(found('mac 1234.5678.9012')).toEqual([['1234.5678.9012', 4, 18]]);
  });

  it('macAddressRecognizer finds generated addresses embedded in random text', () => {
    const g = intlGenerators.MAC_ADDRESS!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('设备', 'dev ', '(', '"', '\n', 'MAC：', 'we:'), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，ok`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });
});
