import { isIP } from 'node:net';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPE_NAMES, type EntityType } from '../core/entity-types.js';
import { normalizeText } from '../detect/normalize.js';
import { findBin } from '../detect/recognizers/cn/bank-bins.js';
import { bitcoinBase58Kind } from '../detect/validators/base58check.js';
import { decodeSegwitAddress } from '../detect/validators/bech32.js';
import { isCalendarDate } from '../detect/validators/cn-date.js';
import { isProvinceCode } from '../detect/validators/cn-regions.js';
import { eip55Status } from '../detect/validators/eip55.js';
import { isUsccValid } from '../detect/validators/gb32100.js';
import { isHkIdValid } from '../detect/validators/hk-id.js';
import { isIbanValid } from '../detect/validators/iban.js';
import { isLuhnValid } from '../detect/validators/luhn.js';
import { isMod112Valid } from '../detect/validators/mod11-2.js';
import { isSsnValid } from '../detect/validators/ssn.js';
import { isTwIdValid } from '../detect/validators/tw-id.js';
import { isVinValid } from '../detect/validators/vin.js';
import {
  buildEvalSet,
  CHECKSUM_TYPES,
  DEFAULT_EVAL_SEED,
  type EvalCase,
  type EvalSpan,
  LOOKALIKES_PER_TYPE,
  passesAnyChecksum,
  toFullWidth,
} from './dataset.js';

const cases = buildEvalSet();

/** Width-folded value without spaces, hyphens and dots used as separators. */
function compact(value: string): string {
  return normalizeText(value).replace(/[\s\-·]/g, '');
}

function digitsOf(value: string): string {
  return normalizeText(value).replace(/[^0-9]/g, '');
}

function isChineseCard(d: string): boolean {
  return d.startsWith('62') || d.startsWith('81') || findBin(d) !== undefined;
}

function isResidentIdShape(v: string): boolean {
  if (!/^[0-9]{17}[0-9X]$/.test(v) || !isMod112Valid(v) || !isProvinceCode(Number(v.slice(0, 2)))) return false;
  return isCalendarDate(Number(v.slice(6, 10)), Number(v.slice(10, 12)), Number(v.slice(12, 14)));
}

/** Reference §6 plate pattern (province, authority letter, 5 ordinary or 6 new-energy characters). */
const PLATE =
  /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])$/;

/** Re-validate one labeled value with the project's validators (or a shape check where no checksum exists). */
function check(type: EntityType, value: string, span: EvalSpan): string | null {
  const c = compact(value).toUpperCase();
  const d = digitsOf(value);
  switch (type) {
    case 'CN_RESIDENT_ID':
      if (span.form === 'legacy15') return /^[0-9]{15}$/.test(c) ? null : 'legacy shape';
      return isResidentIdShape(c) ? null : 'resident id';
    case 'CN_RESIDENCE_PERMIT_HMT':
      return /^8[123]0000/.test(c) && isMod112Valid(c) ? null : 'permit';
    case 'CN_FOREIGN_PR_ID':
      if (span.form === '2017') return /^[A-Z]{3}[0-9]{12}$/.test(c) ? null : '2017 shape';
      return /^9[0-9]{16}[0-9X]$/.test(c) && isMod112Valid(c) ? null : '2023 form';
    case 'CN_BANK_CARD':
      return d === c && d.length >= 16 && d.length <= 19 && isLuhnValid(d) && isChineseCard(d) ? null : 'bank card';
    case 'CREDIT_CARD':
      return d === c && d.length >= 13 && d.length <= 19 && isLuhnValid(d) && !isChineseCard(d) ? null : 'card';
    case 'CN_PASSPORT':
      return /^(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})$/.test(c) ? null : 'passport';
    case 'CN_HK_MACAU_PERMIT':
      return /^(?:C[0-9]{8}|C[A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?)$/.test(c) ? null : 'hk/macau permit';
    case 'CN_TAIWAN_PERMIT':
      return /^[0-9]{8}$/.test(c) ? null : 'taiwan permit';
    case 'CN_LICENSE_PLATE':
      return PLATE.test(c) ? null : 'plate';
    case 'CN_USCC':
      if (!isUsccValid(c)) return 'uscc';
      return (span.subject === 'person') === c.startsWith('92') ? null : 'uscc subject';
    case 'HK_ID':
      return isHkIdValid(c) ? null : 'hkid';
    case 'TW_NATIONAL_ID':
      return isTwIdValid(c) ? null : 'tw id';
    case 'VIN':
      return isVinValid(c) ? null : 'vin';
    case 'IBAN_CODE':
      return isIbanValid(c) ? null : 'iban';
    case 'CRYPTO': {
      const ok =
        bitcoinBase58Kind(value) !== null ||
        decodeSegwitAddress('bc', value) !== null ||
        (/^0x[0-9a-fA-F]{40}$/.test(value) && eip55Status(value, 2) !== 'invalid');
      return ok ? null : 'crypto';
    }
    case 'CN_MOBILE': {
      const core = d.replace(/^(?:0086|86)(?=1[3-9][0-9]{9}$)/, '');
      return /^1[3-9][0-9]{9}$/.test(core) ? null : 'mobile';
    }
    case 'CN_LANDLINE': {
      if (span.subject === 'organisation') return /^[48]00[0-9]{7}$/.test(d) ? null : 'service number';
      return /^(?:0|860?)[1-9][0-9]{8,14}$/.test(d) ? null : 'landline';
    }
    case 'EMAIL_ADDRESS':
      return /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/.test(normalizeText(value)) ? null : 'email';
    case 'PHONE_NUMBER': {
      const p = parsePhoneNumberFromString(value, 'US');
      return p?.isValid() && p.country !== 'CN' ? null : 'phone';
    }
    case 'US_SSN':
      return d.length === 9 && isSsnValid(d) ? null : 'ssn';
    case 'IP_ADDRESS':
      return isIP(value) !== 0 ? null : 'ip';
    case 'MAC_ADDRESS':
      return /^(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})$/i.test(value)
        ? null
        : 'mac';
    case 'DATE_OF_BIRTH':
      return /(?:19|20)[0-9]{2}/.test(value) ? null : 'date';
    case 'PERSON':
      return /^[\u4e00-\u9fff·]{2,}$/.test(value) || /^[A-Z][\p{L}'.-]*(?: [A-Z][\p{L}'.-]*){1,2}$/u.test(value)
        ? null
        : 'person';
    case 'ADDRESS':
      return /(?:号|室|组|层|楼|[0-9])$/.test(value) || /, [A-Z]{2} [0-9]{5}(?:-[0-9]{4})?$/.test(value)
        ? null
        : 'address';
    case 'SECRET':
      return value.length >= 8 && value.trim() === value && !/^["']|["']$/.test(value) ? null : 'secret';
    default:
      return 'unknown type';
  }
}

function problems(set: readonly EvalCase[]): string[] {
  const out: string[] = [];
  for (const c of set) {
    let last = 0;
    for (const s of [...c.spans].sort((a, b) => a.start - b.start)) {
      if (s.start < last || s.end <= s.start || s.end > c.text.length) out.push(`${c.id}: bad offsets`);
      last = s.end;
      const value = c.text.slice(s.start, s.end);
      if (value.trim() !== value) out.push(`${c.id}: ${s.type} span has outer spaces`);
      const why = check(s.type, value, s);
      if (why !== null) out.push(`${c.id}: ${s.type} [${s.form}] fails ${why}`);
    }
  }
  return out;
}

/** The text with every labeled, masked and look-alike region blanked out. */
function unlabeledText(c: EvalCase): string {
  let t = c.text;
  for (const s of [...c.spans, ...(c.masked ?? []), ...(c.lookalike ?? [])]) {
    t = t.slice(0, s.start) + '\u0000'.repeat(s.end - s.start) + t.slice(s.end);
  }
  return normalizeText(t);
}

describe('buildEvalSet', () => {
  it('`buildEvalSet` labels spans that re-validate with the project validators for every type', () => {
    expect(problems(cases)).toEqual([]);
  });

  it('`buildEvalSet` labels valid spans for other seeds too (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        expect(problems(buildEvalSet(seed))).toEqual([]);
      }),
      { numRuns: 2 },
    );
  });

  it('`buildEvalSet` is deterministic when given the same seed', () => {
    const again = buildEvalSet(DEFAULT_EVAL_SEED);
    expect(JSON.stringify(again)).toBe(JSON.stringify(cases));
    const other = buildEvalSet(DEFAULT_EVAL_SEED + 1);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(cases));
  });

  it('`buildEvalSet` gives every entity type at least 100 positive spans', () => {
    const counts = new Map<string, number>();
    for (const c of cases) for (const s of c.spans) counts.set(s.type, (counts.get(s.type) ?? 0) + 1);
    for (const t of ENTITY_TYPE_NAMES) expect(counts.get(t) ?? 0, t).toBeGreaterThanOrEqual(100);
  });

  it('`buildEvalSet` makes at least 30% of its cases hard negatives without spans', () => {
    const none = cases.filter((c) => c.spans.length === 0).length;
    expect(none / cases.length).toBeGreaterThanOrEqual(0.3);
    expect(cases.length).toBeGreaterThan(3000);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('`buildEvalSet` covers the text kinds of the spec', () => {
    const categories = new Set(cases.map((c) => c.category));
    for (const k of ['chat', 'ticket', 'log', 'csv', 'json', 'form', 'police', 'html', 'url', 'config', 'masked']) {
      expect(categories.has(k), k).toBe(true);
    }
    for (const k of ['order', 'timestamp', 'uuid', 'hash', 'price', 'version', 'tracking']) {
      expect(categories.has(`neg-${k}`), k).toBe(true);
    }
    const forms = new Set(cases.flatMap((c) => c.spans.map((s) => `${s.type}:${s.form}`)));
    for (const f of [
      'CN_MOBILE:fullwidth',
      'CN_MOBILE:spaced',
      'CN_MOBILE:dashed',
      'CN_MOBILE:+86 spaced',
      'CN_BANK_CARD:spaced',
      'CN_RESIDENT_ID:fullwidth',
      'CN_RESIDENT_ID:legacy15',
      'CN_LANDLINE:service-dash',
      'EMAIL_ADDRESS:fullwidth-at',
    ]) {
      expect(forms.has(f), f).toBe(true);
    }
  });

  it('`buildEvalSet` writes no unlabeled value of a checked type into template text', () => {
    const leaks: string[] = [];
    for (const c of cases) {
      const t = unlabeledText(c);
      if (/[^\s@"'<>(),;:=\u0000]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/.test(t)) leaks.push(`${c.id}: email`);
      if (/(?<![\d.A-Za-z])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/.test(t)) leaks.push(`${c.id}: ipv4`);
      for (const m of t.matchAll(/(?<![0-9])[0-9]{11,19}(?![0-9])/g)) {
        const run = m[0];
        if (run.length === 11 && /^1[3-9]/.test(run)) leaks.push(`${c.id}: mobile-like ${run.length}`);
        if (run.length === 18 && isResidentIdShape(run)) leaks.push(`${c.id}: resident-id-like`);
        if (run.length >= 16 && isLuhnValid(run) && /^(?:[2-6]|81)/.test(run)) leaks.push(`${c.id}: card-like`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('`buildEvalSet` keeps masked and look-alike values out of the spans', () => {
    let masked = 0;
    for (const c of cases) {
      for (const m of c.masked ?? []) {
        masked++;
        expect(/[*＊某Xx]/.test(c.text.slice(m.start, m.end)), c.id).toBe(true);
        for (const s of c.spans) expect(s.end <= m.start || m.end <= s.start, c.id).toBe(true);
      }
    }
    expect(masked).toBeGreaterThan(300);
  });

  it('`buildEvalSet` makes look-alikes that fail every checksum, for every checksum type', () => {
    const lookalikes = cases.filter((c) => c.category === 'lookalike');
    const perType = new Map<string, number>();
    for (const c of lookalikes) {
      expect(c.spans).toEqual([]);
      expect(c.lookalike).toHaveLength(1);
      const l = c.lookalike![0]!;
      perType.set(l.type, (perType.get(l.type) ?? 0) + 1);
      expect(passesAnyChecksum(c.text.slice(l.start, l.end)), c.id).toBe(false);
    }
    expect([...perType.keys()].sort()).toEqual([...CHECKSUM_TYPES].sort());
    for (const n of perType.values()) expect(n).toBe(LOOKALIKES_PER_TYPE);
  });

  it('`buildEvalSet` labels Chinese-language cases with Chinese names and addresses only', () => {
    for (const c of cases) {
      if (c.lang !== 'zh') continue;
      for (const s of c.spans) {
        if (s.type === 'PERSON' || s.type === 'ADDRESS') {
          expect(/[\u4e00-\u9fff]/.test(c.text.slice(s.start, s.end)), c.id).toBe(true);
        }
      }
    }
  });
});

describe('passesAnyChecksum', () => {
  it('`passesAnyChecksum` accepts valid values and rejects one-character changes', () => {
    expect(passesAnyChecksum('11010519491231002X')).toBe(true);
    expect(passesAnyChecksum('110105194912310021')).toBe(false);
    expect(passesAnyChecksum('91110000600037341L')).toBe(true);
    expect(passesAnyChecksum('91110000600037341M')).toBe(false);
    expect(passesAnyChecksum('A123456(3)')).toBe(true);
    expect(passesAnyChecksum('A123456(4)')).toBe(false);
    expect(passesAnyChecksum('GB29 NWBK 6016 1331 9268 19')).toBe(true);
    expect(passesAnyChecksum('GB28 NWBK 6016 1331 9268 19')).toBe(false);
    expect(passesAnyChecksum('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(true);
    expect(passesAnyChecksum('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false);
  });
});

describe('toFullWidth', () => {
  it('`toFullWidth` maps printable ASCII to full-width forms and keeps the length', () => {
    expect(toFullWidth('138 1234-5678@')).toBe('１３８\u3000１２３４－５６７８＠');
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z @:-]{0,40}$/), (s) => {
        const w = toFullWidth(s);
        expect(w.length).toBe(s.length);
        expect(normalizeText(w)).toBe(s);
      }),
    );
  });
});
