import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityType } from '../../../core/entity-types.js';
import { cnGenerators, generateBankCard, generateHkId, generateLandline, generateMobile } from '../../../synth/cn.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import type { Recognizer } from '../../recognizer.js';
import { filler } from './__fixtures__/embed.js';
import { cnRecognizers } from './index.js';

/** The same recognizer without its build-time prefilters: what the gates may never change. */
function withoutGates(r: Recognizer): Recognizer {
  const { digitGate: _d, alnumGate: _a, ...rest } = r;
  return rest as Recognizer;
}

/** Texts with digit runs and words next to every kind of neighbour, in the layouts the recognizers read. */
const GATE_TEXTS = [
  '手机138 1234 5678、138-1234-5678、138——1234——5678、138--1234--5678、1381234 5678、+86 138 1234 5678',
  '电话010-62345678，(0755)23456789，0571 8888 6666，01062345678，075523456789，+86 (0)755 2345 6789',
  '客服400-810-8888、400-8108-888、400 810 8888、4008108888；+81 800 806 6453；0081 800 806 6453',
  '卡号6222 0212 3456 7894、6222-0212-3456-7894、622202 1234567894、6222 **** **** 7894、622202******7894',
  'HKID A123456(3) A123456 (3) A123456（3） AB987654 (3) A1234563 E364912 (5)',
  'uuid 550e8400-e29b-41d4-a716-075523456789 xoxb-075523456789-39179723286 /orders/075523456789 ¥01062345678',
  '订单DD20250826212787，退回原卡6217001234567890122；id_card=623021196008049956；1 6222 0212 3456 7894',
];

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
      '卡号 6222021234567895', // Luhn fails, labelled UnionPay: scored below the threshold
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
    expect(all.detect(text)).toEqual([]);
    // With the threshold lowered for a review, the Luhn-failing UnionPay number next to 卡号 is the only finding.
    const review = createAnalyzer({ recognizers: cnRecognizers, defaultThreshold: 0.4 });
    const got = review.detect(text).map((f) => [f.type, text.slice(f.start, f.end), f.score < 0.5]);
    expect(got).toEqual([['CN_BANK_CARD', '6222021234567895', true]]);
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

  it('the DIGIT and ALNUM gates of cnRecognizers never hide a finding', () => {
    const gated = cnRecognizers.filter((r) => r.digitGate !== undefined || r.alnumGate !== undefined);
    for (const id of ['cn.bank-card', 'cn.mobile', 'cn.landline', 'hk.id']) {
      expect(gated.map((r) => r.id)).toContain(id);
    }
    const texts = [...GATE_TEXTS];
    for (const r of gated) texts.push(...r.examples.match, ...r.examples.noMatch);
    const rng = createSeededRng(5);
    for (const g of Object.values(cnGenerators))
      for (let i = 0; i < 30; i++) texts.push(`a ${g(rng)} b`, `号${g(rng)}`);
    for (let i = 0; i < 40; i++) {
      const m = generateMobile(rng);
      const l = generateLandline(rng);
      const c = generateBankCard(rng);
      const h = generateHkId(rng);
      texts.push(
        `${m.slice(0, 3)}——${m.slice(3, 7)}——${m.slice(7)}、${m}`,
        `座机${l.replace('-', '')}，${l}`,
        `${c.slice(0, 4)} ${c.slice(4, 8)} ${c.slice(8, 12)} ${c.slice(12)}`,
        `${h.replace('(', ' (')}`,
      );
    }
    for (const r of gated) {
      const a = createAnalyzer({ recognizers: [r], includeMasked: true, defaultThreshold: 0 });
      const b = createAnalyzer({ recognizers: [withoutGates(r)], includeMasked: true, defaultThreshold: 0 });
      for (const t of texts) expect(a.detect(t), `${r.id}: ${t}`).toEqual(b.detect(t));
      fc.assert(
        fc.property(
          fc.string({ unit: fc.constantFrom(...'0123456789012345678 -*()+:,AXab号卡机'.split('')), maxLength: 40 }),
          (t) => {
            expect(a.detect(t)).toEqual(b.detect(t));
          },
        ),
        { numRuns: 300 },
      );
    }
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
