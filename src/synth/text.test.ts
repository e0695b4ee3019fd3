import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CN_PREFECTURES,
  CN_PROVINCES,
  DivisionKind,
  matchDivisionAt,
  newDivisionMatch,
} from '../detect/data/cn-divisions.js';
import { isNameStopword } from '../detect/data/cn-name-stoplist.js';
import { isCompoundSurnameAt, surnameTier } from '../detect/data/cn-surnames.js';
import { formatDate, isRealDate, newParsedDate, parseDateAt } from '../detect/recognizers/text/dates.js';
import { createKeyedRng, createSeededRng } from './rng.js';
import {
  generateChineseAddress,
  generateChineseName,
  generateEnglishName,
  generateUsAddress,
  textGenerators,
} from './text.js';

const seeds = fc.integer({ min: 0, max: 0xffffffff });
const person = textGenerators.PERSON!;
const address = textGenerators.ADDRESS!;
const dob = textGenerators.DATE_OF_BIRTH!;

function surnameLength(name: string): number {
  return isCompoundSurnameAt(name, 0) ? 2 : surnameTier(name.charCodeAt(0)) !== 0 ? 1 : 0;
}

function parseDate(text: string) {
  const d = newParsedDate();
  for (let i = 0; i < text.length; i++) if (parseDateAt(text, i, d)) return { ...d };
  return null;
}

describe('generateChineseName', () => {
  it('generateChineseName starts with a surname and has a 1-2 character given name', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const name = generateChineseName(createSeededRng(seed));
        const s = surnameLength(name);
        expect(s).toBeGreaterThan(0);
        expect(name.length - s).toBeGreaterThanOrEqual(1);
        expect(name.length - s).toBeLessThanOrEqual(2);
        expect(/^[\u4e00-\u9fff]+$/.test(name)).toBe(true);
        expect(isNameStopword(name, 0, name.length)).toBe(false);
      }),
    );
  });

  it('generateChineseName is deterministic per seed and varied across seeds', () => {
    expect(generateChineseName(createSeededRng(9))).toBe(generateChineseName(createSeededRng(9)));
    const names = new Set(Array.from({ length: 200 }, (_, i) => generateChineseName(createSeededRng(i))));
    expect(names.size).toBeGreaterThan(150);
  });
});

describe('generateEnglishName', () => {
  it('generateEnglishName gives two capitalised words', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        expect(generateEnglishName(createSeededRng(seed))).toMatch(/^[A-Z][a-z]+ [A-Z][a-z']+$/);
      }),
    );
  });
});

describe('textGenerators.PERSON', () => {
  it('PERSON gives a Chinese name by default, even for an English like', () => {
    const rng = createSeededRng(1);
    expect(/^[\u4e00-\u9fff]{2,4}$/.test(person(rng))).toBe(true);
    expect(/^[\u4e00-\u9fff]{2,4}$/.test(person(rng, { like: 'John Smith' }))).toBe(true);
  });

  it('PERSON keeps the script of like when asked', () => {
    const rng = createSeededRng(2);
    expect(person(rng, { like: 'John Smith', keep: ['script'] })).toMatch(/^[A-Z][a-z]+ [A-Z][a-z']+$/);
    expect(/^[\u4e00-\u9fff]+$/.test(person(rng, { like: '张伟', keep: ['script'] }))).toBe(true);
  });

  it('PERSON keeps the surname and the length of a Chinese like', () => {
    fc.assert(
      fc.property(seeds, fc.constantFrom('张伟', '王小明', '欧阳娜娜', '司马光'), (seed, like) => {
        const out = person(createSeededRng(seed), { like, keep: ['surname'] });
        const s = surnameLength(like);
        expect(out.slice(0, s)).toBe(like.slice(0, s));
        expect(out.length).toBe(like.length);
      }),
    );
  });

  it('PERSON keeps an English surname with script and surname kept', () => {
    const out = person(createSeededRng(3), { like: 'Jane Doe', keep: ['script', 'surname'] });
    expect(out.endsWith(' Doe')).toBe(true);
  });

  it('PERSON gives a lone surname for a surname-only like', () => {
    const out = person(createSeededRng(4), { like: '王' });
    expect(out.length).toBe(1);
    expect(surnameTier(out.charCodeAt(0))).not.toBe(0);
    expect(person(createSeededRng(4), { like: '王', keep: ['surname'] })).toBe('王');
  });

  it('PERSON is deterministic for a keyed rng', () => {
    const key = new Uint8Array(32).fill(7);
    const a = person(createKeyedRng(key, 'PERSON:张伟'), { like: '张伟', keep: ['surname'] });
    const b = person(createKeyedRng(key, 'PERSON:张伟'), { like: '张伟', keep: ['surname'] });
    expect(a).toBe(b);
  });
});

describe('generateChineseAddress', () => {
  it('generateChineseAddress starts with a real province, prefecture and county chain', () => {
    const m = newDivisionMatch();
    fc.assert(
      fc.property(seeds, (seed) => {
        const a = generateChineseAddress(createSeededRng(seed));
        expect(matchDivisionAt(a, 0, DivisionKind.PROVINCE, m)).toBe(true);
        expect(m.short).toBe(false);
        const p = CN_PROVINCES[m.province]!;
        expect(['71', '81', '82']).not.toContain(p.code);
        let pos = m.end;
        if (!p.municipality) {
          const pref = p.prefectures.find((x) => a.startsWith(x.name, pos));
          expect(pref?.name.length).toBeGreaterThan(0);
          pos += pref!.name.length;
          if (pref!.counties.length > 0) expect(pref!.counties.some((c) => a.startsWith(c, pos))).toBe(true);
        } else {
          expect(p.prefectures[0]!.counties.some((c) => a.startsWith(c, pos))).toBe(true);
        }
        expect(/(号|室|\d+-\d+-\d+)$/.test(a)).toBe(true);
      }),
    );
  });

  it('generateChineseAddress honours a province hint given by short name, full name or code', () => {
    expect(generateChineseAddress(createSeededRng(1), { province: '广东' }).startsWith('广东省')).toBe(true);
    expect(generateChineseAddress(createSeededRng(1), { province: '北京市' }).startsWith('北京市')).toBe(true);
    expect(generateChineseAddress(createSeededRng(1), { province: '33' }).startsWith('浙江省')).toBe(true);
  });
});

describe('generateUsAddress', () => {
  it('generateUsAddress gives number, street, city, state and ZIP', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        expect(generateUsAddress(createSeededRng(seed))).toMatch(
          /^\d{1,4} [A-Z][a-z]+ [A-Z][a-z]+(, (Apt|Suite) \d+B?)?, [A-Z][a-z]+, [A-Z]{2} \d{5}$/,
        );
      }),
    );
  });
});

describe('textGenerators.ADDRESS', () => {
  const like = '广东省深圳市南山区科技园路1号';

  it('ADDRESS keeps the province, city or district prefix of like', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const rng = createSeededRng(seed);
        expect(address(rng, { like, keep: ['province'] }).startsWith('广东省')).toBe(true);
        expect(address(rng, { like, keep: ['province', 'city'] }).startsWith('广东省深圳市')).toBe(true);
        const d = address(rng, { like, keep: ['district'] });
        expect(d.startsWith('广东省深圳市南山区')).toBe(true);
        expect(d).not.toBe(like);
      }),
    );
  });

  it('ADDRESS keeping only the province picks a prefecture of that province', () => {
    const sz = CN_PREFECTURES.find((p) => p.name === '深圳市')!;
    const gd = CN_PROVINCES[sz.province]!;
    for (let seed = 0; seed < 30; seed++) {
      const out = address(createSeededRng(seed), { like, keep: ['province'] });
      expect(gd.prefectures.some((p) => out.startsWith(`广东省${p.name}`))).toBe(true);
    }
  });

  it('ADDRESS keeps a municipality district', () => {
    const out = address(createSeededRng(5), { like: '北京市海淀区中关村大街1号', keep: ['district'] });
    expect(out.startsWith('北京市海淀区')).toBe(true);
  });

  it('ADDRESS gives a US address for a US like', () => {
    expect(address(createSeededRng(6), { like: '1600 Amphitheatre Parkway, Mountain View, CA 94043' })).toMatch(
      /^\d+ [A-Z]/,
    );
  });
});

describe('textGenerators.DATE_OF_BIRTH', () => {
  it('DATE_OF_BIRTH gives real past dates in ISO form by default', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const out = dob(createSeededRng(seed));
        expect(out).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const d = parseDate(out)!;
        expect(isRealDate(d.year, d.month, d.day)).toBe(true);
        expect(new Date(out).getTime()).toBeLessThan(Date.now());
        expect(d.year).toBeGreaterThanOrEqual(1945);
      }),
    );
  });

  it('DATE_OF_BIRTH keeps the format of like', () => {
    fc.assert(
      fc.property(
        seeds,
        fc.constantFrom('1990年3月7日', '07/03/1990', 'March 7, 1990', '19900307', '1990.03.07', '7 Mar 1990'),
        (seed, like) => {
          const out = dob(createSeededRng(seed), { like });
          const d = parseDate(out)!;
          // `May` reads as an abbreviation, so compare by rendering with the format of like.
          expect(formatDate(d.year, d.month, d.day, parseDate(like)!.format)).toBe(out);
        },
      ),
    );
  });

  it('DATE_OF_BIRTH keeps year, decade and month', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const rng = createSeededRng(seed);
        const like = '出生日期：1987-11-23';
        expect(dob(rng, { like, keep: ['year'] }).startsWith('1987-')).toBe(true);
        expect(dob(rng, { like, keep: ['decade'] }).startsWith('198')).toBe(true);
        expect(dob(rng, { like, keep: ['month'] }).slice(4, 8)).toBe('-11-');
      }),
    );
  });
});
