import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateVin } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { embedded, findingsOf, replaceAt, spans } from './__fixtures__/embed.js';
import { vinRecognizer as r } from './vin.js';

const V = 'VIN';

describe('vin', () => {
  it('vinRecognizer finds valid VINs at exact offsets', () => {
    expect(spans(r, '车架号：LATPAB071W1005301')).toEqual([[V, 4, 21]]);
    expect(spans(r, '车架号LATPAB071W1005301。')).toEqual([[V, 3, 20]]);
    expect(spans(r, '1M8GDM9AXKP042788')).toEqual([[V, 0, 17]]);
    expect(spans(r, '{"vin":"LSVAU218XN2183294"}')).toEqual([[V, 8, 25]]);
    expect(findingsOf(r, 'LATPAB071W1005301')[0]).toMatchObject({ score: 0.9, attrs: { wmi: 'LAT' } });
  });

  it('vinRecognizer accepts check failures only for labelled VINs outside China and North America', () => {
    expect(spans(r, 'WVWZZZ1JZ3W386752')).toEqual([]);
    expect(spans(r, 'VIN: WVWZZZ1JZ3W386752')).toEqual([[V, 5, 22]]);
    expect(spans(r, 'VIN: LATPAB072W1005301')).toEqual([]);
    expect(spans(r, 'VIN: 1M8GDM9A1KP042788')).toEqual([]);
  });

  it('vinRecognizer rejects I/O/Q, lower case, all digits, wrong lengths and glued words', () => {
    for (const t of [
      '1M8GDM9AXKP04278O',
      'latpab071w1005301',
      '12345678901234567',
      'LATPAB071W100530',
      'LATPAB071W10053012',
      'xLATPAB071W1005301',
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    ]) {
      expect(spans(r, t), t).toEqual([]);
    }
  });

  it('vinRecognizer finds generated VINs in random text and rejects single-character changes', () => {
    fc.assert(
      fc.property(embedded(generateVin), ({ text, start, end }) => {
        expect(spans(r, text)).toEqual([[V, start, end]]);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.nat(16), fc.integer({ min: 1, max: 9 }), (seed, i, d) => {
        const vin = generateVin(createSeededRng(seed));
        fc.pre(i !== 8 && /[0-9]/.test(vin[i] as string));
        expect(spans(r, replaceAt(vin, i, String((Number(vin[i]) + d) % 10)))).toEqual([]);
      }),
    );
  });
});
