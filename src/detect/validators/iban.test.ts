import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bbanLayout,
  IBAN_COUNTRIES,
  IBAN_COUNTRY_CODES,
  IBAN_MAX_LENGTH,
  IBAN_MIN_LENGTH,
  ibanCheckDigits,
  ibanLength,
  ibanMod97,
  isBbanShapeValid,
  isIbanValid,
} from './iban.js';

/** Examples printed in the SWIFT IBAN Registry (one per country; they are the registry's own sample numbers). */
const REGISTRY_EXAMPLES = [
  'AD1200012030200359100100',
  'AE070331234567890123456',
  'AL47212110090000000235698741',
  'AT611904300234573201',
  'AZ21NABZ00000000137010001944',
  'BA391290079401028494',
  'BE68539007547034',
  'BG80BNBG96611020345678',
  'BH67BMAG00001299123456',
  'BR1800360305000010009795493C1',
  'BR9700360305000010009795493P1',
  'CH9300762011623852957',
  'CR05015202001026284066',
  'CY17002001280000001200527600',
  'CZ6508000000192000145399',
  'DE89370400440532013000',
  'DK5000400440116243',
  'DO28BAGR00000001212453611324',
  'EE382200221020145685',
  'ES9121000418450200051332',
  'FI2112345600000785',
  'FO6264600001631634',
  'FR1420041010050500013M02606',
  'GB29NWBK60161331926819',
  'GE29NB0000000101904917',
  'GI75NWBK000000007099453',
  'GL8964710001000206',
  'GR1601101250000000012300695',
  'GT82TRAJ01020000001210029690',
  'HR1210010051863000160',
  'HU42117730161111101800000000',
  'IE29AIBK93115212345678',
  'IL620108000000099999999',
  'IS140159260076545510730339',
  'IT60X0542811101000000123456',
  'JO94CBJO0010000000000131000302',
  'KW81CBKU0000000000001234560101',
  'KZ86125KZT5004100100',
  'LB62099900000001001901229114',
  'LC55HEMM000100010012001200023015',
  'LI21088100002324013AA',
  'LT121000011101001000',
  'LU280019400644750000',
  'LV80BANK0000435195001',
  'MC5811222000010123456789030',
  'MD24AG000225100013104168',
  'ME25505000012345678951',
  'MK07250120000058984',
  'MR1300020001010000123456753',
  'MT84MALT011000012345MTLCAST001S',
  'MU17BOMM0101101030300200000MUR',
  'NL91ABNA0417164300',
  'NO9386011117947',
  'PK36SCBL0000001123456702',
  'PL61109010140000071219812874',
  'PS92PALS000000000400123456702',
  'PT50000201231234567890154',
  'QA58DOHB00001234567890ABCDEFG',
  'RO49AAAA1B31007593840000',
  'RS35260005601001611379',
  'SA0380000000608010167519',
  'SC18SSCB11010000000000001497USD',
  'SE4550000000058398257466',
  'SI56263300012039086',
  'SK3112000000198742637541',
  'SM86U0322509800000000270100',
  'ST68000100010051845310112',
  'TL380080012345678910157',
  'TN5910006035183598478831',
  'TR330006100519786457841326',
  'VG96VPVG0000012345678901',
  'XK051212012345678906',
  'BI4210000100010000332045181',
  'BY13NBRB3600900000002Z00AB00',
  'DJ2100010000000154000100186',
  'EG380019000500000000263180002',
  'FK88SC123456789012',
  'HN88CABF00000000000250005469',
  'IQ98NBIQ850123456789012',
  'LY83002048000020100120361',
  'MN121234123456789123',
  'NI45BAPR00000013000003558124',
  'OM810180000001299123456',
  'RU0304452522540817810538091310419',
  'SD2129010501234001',
  'SO211000001001000100141',
  'SV62CENR00000000000000700025',
  'UA213223130000026007233566001',
  'VA59001123000012345678',
  'YE15CBYE0001018861234567891234',
];

const UPPER_ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** An arbitrary valid IBAN built from the registry layout of a random country. */
const validIban = fc
  .tuple(fc.constantFrom(...IBAN_COUNTRY_CODES), fc.array(fc.nat({ max: 35 }), { minLength: 30, maxLength: 30 }))
  .map(([country, picks]) => {
    const layout = bbanLayout(country) ?? '';
    let bban = '';
    for (let i = 0; i < layout.length; i++) {
      const p = picks[i] ?? 0;
      const k = layout[i];
      bban += k === 'n' ? String(p % 10) : k === 'a' ? UPPER_ALNUM[10 + (p % 26)] : UPPER_ALNUM[p];
    }
    return `${country}${ibanCheckDigits(country, bban)}${bban}`;
  });

describe('iban', () => {
  it('IBAN_COUNTRIES covers the 89 registry countries with consistent lengths', () => {
    expect(IBAN_COUNTRY_CODES).toHaveLength(89);
    for (const code of IBAN_COUNTRY_CODES) {
      const spec = IBAN_COUNTRIES[code];
      expect(spec?.length).toBeGreaterThanOrEqual(IBAN_MIN_LENGTH);
      expect(spec?.length).toBeLessThanOrEqual(IBAN_MAX_LENGTH);
      expect(bbanLayout(code)).toHaveLength((spec?.length ?? 0) - 4);
    }
    expect(ibanLength('DE')).toBe(22);
    expect(ibanLength('NO')).toBe(15);
    expect(ibanLength('RU')).toBe(33);
    expect(ibanLength('LC')).toBe(32);
    expect(ibanLength('US')).toBeUndefined();
  });

  it('isIbanValid accepts every registry example', () => {
    for (const iban of REGISTRY_EXAMPLES) expect(isIbanValid(iban), iban).toBe(true);
  });

  it('ibanMod97 gives 1 for valid IBANs and -1 for foreign characters', () => {
    expect(ibanMod97('DE89370400440532013000')).toBe(1);
    expect(ibanMod97('DE89370400440532013-00')).toBe(-1);
  });

  it('ibanCheckDigits recomputes the check digits of the registry examples', () => {
    for (const iban of REGISTRY_EXAMPLES) {
      expect(ibanCheckDigits(iban.slice(0, 2), iban.slice(4)), iban).toBe(iban.slice(2, 4));
    }
  });

  it('ibanCheckDigits throws RangeError when the BBAN does not fit the country', () => {
    expect(() => ibanCheckDigits('DE', '37040044053201300')).toThrow(RangeError);
    expect(() => ibanCheckDigits('US', '123')).toThrow(RangeError);
  });

  it('isIbanValid rejects wrong check digits, wrong lengths, unknown countries and bad structure', () => {
    expect(isIbanValid('DE88370400440532013000')).toBe(false);
    expect(isIbanValid('DE8937040044053201300')).toBe(false);
    expect(isIbanValid('DE893704004405320130000')).toBe(false);
    expect(isIbanValid('US89370400440532013000')).toBe(false);
    // Lower case is the recognizer's job to fold.
    expect(isIbanValid('gb29nwbk60161331926819')).toBe(false);
    // NL needs four letters first: same digits, digits where letters belong.
    expect(isIbanValid('NL911234041716430')).toBe(false);
    expect(isIbanValid('')).toBe(false);
    expect(isIbanValid('DE89 3704 0044 0532 0130 00')).toBe(false);
  });

  it('isIbanValid rejects the alternative check digits 00, 01 and 99 that also satisfy mod 97', () => {
    // GB bban whose remainder with "00" is 97-... : search a few BBANs for each alternative.
    let found = 0;
    for (let i = 0; i < 3000 && found < 3; i++) {
      const bban = `NWBK${String(600000 + i).padStart(6, '0')}31926819`;
      const check = ibanCheckDigits('GB', bban);
      if (check === '98') {
        expect(ibanMod97(`GB01${bban}`)).toBe(1);
        expect(isIbanValid(`GB01${bban}`)).toBe(false);
        found++;
      }
      if (check === '02') {
        expect(ibanMod97(`GB99${bban}`)).toBe(1);
        expect(isIbanValid(`GB99${bban}`)).toBe(false);
        found++;
      }
    }
    expect(found).toBeGreaterThan(0);
  });

  it('isBbanShapeValid checks every position kind', () => {
    expect(isBbanShapeValid('GB', 'NWBK60161331926819')).toBe(true);
    expect(isBbanShapeValid('GB', 'NWB760161331926819')).toBe(false);
    expect(isBbanShapeValid('GB', 'NWBK6016133192681A')).toBe(false);
    expect(isBbanShapeValid('XX', 'NWBK60161331926819')).toBe(false);
  });

  it('isIbanValid accepts any IBAN built with computed check digits', () => {
    fc.assert(fc.property(validIban, (iban) => isIbanValid(iban)));
  });

  it('isIbanValid rejects every same-class single-character substitution of a valid IBAN', () => {
    // MOD 97-10 detects every digit-for-digit and letter-for-letter substitution; a letter swapped for a digit
    // changes the width of the expansion and escapes with probability 1/97, which the BBAN layout usually catches.
    fc.assert(
      fc.property(validIban, fc.nat(), fc.nat({ max: 35 }), (iban, pos, pick) => {
        const i = pos % iban.length;
        const isDigit = /[0-9]/.test(iban[i] as string);
        const replacement = isDigit ? String(pick % 10) : (UPPER_ALNUM[10 + (pick % 26)] as string);
        fc.pre(replacement !== iban[i]);
        const mutated = iban.slice(0, i) + replacement + iban.slice(i + 1);
        return !isIbanValid(mutated);
      }),
      { numRuns: 2000 },
    );
  });

  it('isIbanValid rejects adjacent digit transpositions of a valid IBAN', () => {
    fc.assert(
      fc.property(validIban, fc.nat(), (iban, pos) => {
        const i = 2 + (pos % (iban.length - 3));
        fc.pre(iban[i] !== iban[i + 1] && /^[0-9]{2}$/.test(iban.slice(i, i + 2)));
        const swapped = iban.slice(0, i) + iban[i + 1] + iban[i] + iban.slice(i + 2);
        return !isIbanValid(swapped);
      }),
    );
  });
});
