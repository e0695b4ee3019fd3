import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../detect/analyzer.js';
import { builtinRecognizers } from '../detect/presets.js';
import { estimateExposure } from './endpoints.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const ID = '11010519491231002X';
const ID2 = '110105199003071239';
const PHONE = '13812345678';

describe('estimateExposure', () => {
  it('counts records holding a type, not findings: a record with two IDs counts once', () => {
    const e = estimateExposure(analyzer, [
      { where: 'a', text: `id_card: ${ID}\nold_id_card: ${ID2}\nphone: ${PHONE}` },
      { where: 'a', text: `id_card: ${ID2}` },
      { where: 'a', text: 'note: nothing here' },
    ]);
    expect(e.inSample).toEqual({ CN_RESIDENT_ID: 2, CN_MOBILE: 1 });
    expect(e.exposed).toEqual({ CN_RESIDENT_ID: 2, CN_MOBILE: 1 });
    expect(e.sampled).toBe(3);
    expect(e.basis).toMatch(/counted in 3 sampled record\(s\) \(no total known: a lower bound\)/);
  });

  it('scales to the store total when the probe knows it, and says it is an estimate from N sampled of M', () => {
    const samples = [
      { where: 'a', text: `id_card: ${ID}` },
      { where: 'a', text: `id_card: ${ID2}\nphone: ${PHONE}` },
      { where: 'a', text: 'x: 1' },
      { where: 'a', text: 'x: 2' },
    ];
    const e = estimateExposure(analyzer, samples, 1_000_000);
    expect(e.exposed).toEqual({ CN_RESIDENT_ID: 500_000, CN_MOBILE: 250_000 });
    expect(e.inSample).toEqual({ CN_RESIDENT_ID: 2, CN_MOBILE: 1 });
    expect(e.basis).toBe('personal data estimated from 4 sampled of ~1.0 M records (scaled; a rough estimate)');
    // A total no larger than the sample: the sample is the store.
    expect(estimateExposure(analyzer, samples, 4).exposed).toEqual({ CN_RESIDENT_ID: 2, CN_MOBILE: 1 });
  });

  it('counts lines of file prefixes as records and does not scale them to a file count', () => {
    const csv = `name,id_card,phone\na,${ID},${PHONE}\nb,${ID2},\n\nc,,\n`;
    const e = estimateExposure(analyzer, [{ where: 'dump.csv', text: csv, lines: true }], 1);
    expect(e.inSample).toEqual({ CN_RESIDENT_ID: 2, CN_MOBILE: 1 });
    expect(e.exposed).toEqual(e.inSample);
    expect(e.sampled).toBe(4);
    expect(e.basis).toMatch(/4 sampled line\(s\) of file prefixes \(a lower bound\)/);
  });
});
