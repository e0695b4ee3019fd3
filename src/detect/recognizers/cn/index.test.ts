import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityType } from '../../../core/entity-types.js';
import { cnGenerators } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { filler } from './__fixtures__/embed.js';
import { cnRecognizers } from './index.js';

const all = createAnalyzer({ recognizers: cnRecognizers });
const allMasked = createAnalyzer({ recognizers: cnRecognizers, includeMasked: true });

/** Labels that make the shape-only types reportable, as in real documents. */
const LABEL: Partial<Record<EntityType, string>> = {
  CN_PASSPORT: '护照号码：',
  CN_HK_MACAU_PERMIT: '通行证号码：',
  CN_TAIWAN_PERMIT: '台胞证号码：',
  CN_USCC: '统一社会信用代码：',
  CN_FOREIGN_PR_ID: '永久居留身份证：',
  CN_LANDLINE: '电话：',
  CN_MOBILE: '手机：',
  CN_BANK_CARD: '卡号：',
  CN_RESIDENT_ID: '身份证号：',
  CN_RESIDENCE_PERMIT_HMT: '居住证号码：',
  HK_ID: '香港身份证：',
  TW_NATIONAL_ID: '身分證字號：',
  CN_LICENSE_PLATE: '车牌号：',
  VIN: '车架号：',
};

describe('cnRecognizers', () => {
  it('cnRecognizers have unique ids, no whole-text trigger and ≥ 3 + 3 examples', () => {
    const ids = new Set(cnRecognizers.map((r) => r.id));
    expect(ids.size).toBe(cnRecognizers.length);
    for (const r of cnRecognizers) {
      expect(r.examples.match.length, r.id).toBeGreaterThanOrEqual(3);
      expect(r.examples.noMatch.length, r.id).toBeGreaterThanOrEqual(3);
    }
  });

  for (const r of cnRecognizers) {
    it(`${r.id} finds its match examples and nothing in its noMatch examples`, () => {
      const alone = createAnalyzer({ recognizers: [r], includeMasked: true });
      for (const m of r.examples.match) {
        expect(
          alone.detect(m).some((f) => r.entities.includes(f.type as EntityType)),
          m,
        ).toBe(true);
      }
      for (const m of r.examples.noMatch) {
        expect(
          alone.detect(m).filter((f) => !f.masked),
          m,
        ).toEqual([]);
      }
    });
  }

  it('cnRecognizers cover every type that has a generator', () => {
    const covered = new Set(cnRecognizers.flatMap((r) => r.entities));
    for (const t of Object.keys(cnGenerators)) expect(covered.has(t as EntityType), t).toBe(true);
  });

  it('cnRecognizers together report each generated value as exactly its own type', () => {
    const types = Object.keys(cnGenerators) as EntityType[];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.integer({ min: 0, max: 0x7fffffff }), filler, (type, seed, post) => {
        const value = cnGenerators[type]!(createSeededRng(seed));
        const label = LABEL[type] ?? '';
        const text = `${label}${value}${post.replace(/^_/, ' ')}`;
        const got = all.detect(text).map((f) => [f.type, f.start, f.end]);
        expect(got, text).toEqual([[type, label.length, label.length + value.length]]);
      }),
      { numRuns: 1000 },
    );
  });

  it('cnRecognizers report nothing for a record of look-alikes with broken checks', () => {
    const text = [
      '订单号：202405011234567890',
      '身份证：110105194912310021', // wrong check
      '社会信用代码：91110000600037341M', // wrong check, all-digit organisation code
      '卡号 6222021234567895', // Luhn fails, but labelled UnionPay: reported low
      '手机 15412345678', // unallocated prefix
      '电话 026-62345678', // unused area code
      'VIN LATPAB072W1005301', // wrong check digit
      'HKID K034169(1)', // wrong check
      'ID A123456788', // wrong check
      '时间戳 1715000000000',
      'uuid 550e8400-e29b-41d4-a716-446655440000',
      'sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709',
      '版本 v10.2.3 价格 ¥1234.56 快递单号 SF1234567890123',
    ].join('\n');
    const got = all.detect(text).map((f) => [f.type, text.slice(f.start, f.end), f.score]);
    // The only finding is the Luhn-failing UnionPay number next to 卡号, at a score below checksum-valid cards.
    expect(got).toEqual([['CN_BANK_CARD', '6222021234567895', 0.6]]);
  });

  it('cnRecognizers find a realistic Chinese record with exact offsets and attrs', () => {
    const text =
      '姓名：王小明，身份证号：11010519491231002X，手机：138-1234-5678，座机：(010)62345678转8021，' +
      '银行卡：6217 0012 3456 7890 122，单位统一社会信用代码：91110000600037341L，车牌：京A·12345，' +
      '车架号：LATPAB071W1005301，护照：EA1234567。';
    const got = all.detect(text).map((f) => [f.type, text.slice(f.start, f.end)]);
    expect(got).toEqual([
      ['CN_RESIDENT_ID', '11010519491231002X'],
      ['CN_MOBILE', '138-1234-5678'],
      ['CN_LANDLINE', '(010)62345678转8021'],
      ['CN_BANK_CARD', '6217 0012 3456 7890 122'],
      ['CN_USCC', '91110000600037341L'],
      ['CN_LICENSE_PLATE', '京A·12345'],
      ['VIN', 'LATPAB071W1005301'],
      ['CN_PASSPORT', 'EA1234567'],
    ]);
  });

  it('cnRecognizers keep masked values apart from clear ones', () => {
    const text = '身份证 110105********002X 手机 138****5678 卡号 6222 **** **** 7894 车牌 京A***45';
    expect(all.detect(text)).toEqual([]);
    const masked = allMasked.analyze(text).masked.map((f) => [f.type, text.slice(f.start, f.end)]);
    expect(masked).toEqual([
      ['CN_RESIDENT_ID', '110105********002X'],
      ['CN_MOBILE', '138****5678'],
      ['CN_BANK_CARD', '6222 **** **** 7894'],
      ['CN_LICENSE_PLATE', '京A***45'],
    ]);
  });

  it('cnRecognizers stay linear on adversarial input', () => {
    // Each input is 1 MB; a super-linear path would take minutes, so the bound separates without timing speed.
    const size = 1_000_000;
    for (const text of [
      '1'.repeat(size),
      '138 '.repeat(size / 4),
      '6222 '.repeat(size / 5),
      '0'.repeat(size),
      '京A'.repeat(size / 2),
      '京'.repeat(size),
      'A1'.repeat(size / 2),
      '*'.repeat(size),
      '1*'.repeat(size / 2),
      '+86 '.repeat(size / 4),
      '(0'.repeat(size / 2),
      '台胞证1234567 '.repeat(size / 14),
      'E1234567 '.repeat(size / 9),
      '110105 '.repeat(size / 7),
    ]) {
      const t0 = performance.now();
      all.detect(text);
      expect(performance.now() - t0).toBeLessThan(20_000);
    }
  });
});
