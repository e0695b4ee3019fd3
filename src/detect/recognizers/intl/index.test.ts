import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import type { Recognizer } from '../../recognizer.js';
import { intlRecognizers } from './index.js';

/** Texts full of digit runs next to every kind of neighbour, for the DIGIT gates. */
const DIGIT_TEXTS = [
  'ip 10.0.0.1 and ::1, ::ffff:192.0.2.1, fe80::1%eth0, 2001:db8::8a2e:370:7334; at 12:34:56',
  'mac 00:1A:2B:3C:4D:5E / 00-1a-2b-3c-4d-5e / 001a.2b3c.4d5e; 0a:1b:2c:3d:4e:5f',
  'cards 4111 1111 1111 1111, 4111-1111-1111-1111, 5555555555554444, 3782 822463 10005, 4111 **** **** 1111, 411111******1111',
  'ssn 536-22-5169, 536 22 5169, ssn 536225169, ***-**-5169, XXX-XX-5169',
  'phone +44 20 7946 0958, 0044 20 7946 0958, (415) 555-2671, 415-555-2671, 415.555.2671, tel 415 555 2671',
  'btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  'x45y6 a1b2 _7 1.2.3.4.5 v1.2.3.4 3.4111111111111111 1,4111111111111111,302596686 +1234567 1+2 (12) 9*9',
];

function withoutGate(r: Recognizer): Recognizer {
  const { digitGate: _gate, ...rest } = r;
  return rest as Recognizer;
}

describe('intlRecognizers', () => {
  it('intlRecognizers have unique ids and each finds its own examples alone', () => {
    expect(new Set(intlRecognizers.map((r) => r.id)).size).toBe(intlRecognizers.length);
    for (const r of intlRecognizers) {
      const alone = createAnalyzer({ recognizers: [r], includeMasked: true });
      for (const m of r.examples.match) {
        expect(
          alone.detect(m).some((f) => r.entities.includes(f.type)),
          `${r.id}: ${m}`,
        ).toBe(true);
      }
      for (const m of r.examples.noMatch) {
        expect(
          alone.detect(m).filter((f) => !f.masked),
          `${r.id}: ${m}`,
        ).toEqual([]);
      }
    }
  });

  it('intlRecognizers together report each example of every recognizer as that recognizer’s type', () => {
    const all = createAnalyzer({ recognizers: intlRecognizers, includeMasked: true });
    for (const r of intlRecognizers) {
      for (const m of r.examples.match) {
        expect(
          all.detect(m).some((f) => r.entities.includes(f.type)),
          `${r.id}: ${m}`,
        ).toBe(true);
      }
    }
  });

  it('the DIGIT gates of intlRecognizers never hide a finding', () => {
    const gated = intlRecognizers.filter((r) => r.digitGate !== undefined);
    expect(gated.length).toBeGreaterThanOrEqual(6);
    const texts = [...DIGIT_TEXTS];
    for (const r of gated) texts.push(...r.examples.match, ...r.examples.noMatch);
    const rng = createSeededRng(3);
    for (const g of Object.values(intlGenerators)) for (let i = 0; i < 50; i++) texts.push(`a ${g(rng)} b`);
    for (const r of gated) {
      const a = createAnalyzer({ recognizers: [r], includeMasked: true, defaultThreshold: 0 });
      const b = createAnalyzer({ recognizers: [withoutGate(r)], includeMasked: true, defaultThreshold: 0 });
      for (const t of texts) expect(a.detect(t), `${r.id}: ${t}`).toEqual(b.detect(t));
      fc.assert(
        fc.property(
          fc.string({ unit: fc.constantFrom(...'0123456789 -.:+()*xXab_@,'.split('')), maxLength: 40 }),
          (t) => {
            expect(a.detect(t)).toEqual(b.detect(t));
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  describe('linear time on adversarial input', () => {
    // 2 MB each; a super-linear path would take minutes. The bound separates the two without timing speed.
    const size = 2_000_000;
    const inputs: [string, string][] = [
      ['digits', '4'.repeat(size)],
      ['digit groups', '4111 '.repeat(size / 5)],
      ['dotted digits', '1.'.repeat(size / 2)],
      ['colons', '1:'.repeat(size / 2)],
      ['double colons', 'a::'.repeat(size / 3)],
      ['hex pairs', 'ab:'.repeat(size / 3)],
      ['at signs', 'a@'.repeat(size / 2)],
      ['email-ish', 'a.b@c.'.repeat(size / 6)],
      ['long local parts', `${'x'.repeat(size / 2)}@${'y.'.repeat(size / 4)}`],
      ['CJK before @', `${'汉'.repeat(size)}@qq.com`],
      ['plus digits', '+4 '.repeat(size / 3)],
      ['parens', '(415) '.repeat(size / 6)],
      ['BEGIN lines', '-----BEGIN PRIVATE KEY-----\nMIIE'.repeat(size / 32)],
      ['JWT heads', 'eyJhbGciOiJIUzI1NiJ9.'.repeat(size / 21)],
      ['URLs without @', 'https://user:pass'.repeat(size / 17)],
      ['password keys', 'password='.repeat(size / 9)],
      ['base58', `1${'A1'.repeat(size / 2)}`],
      ['IBAN heads', 'DE89 '.repeat(size / 5)],
      ['0x', '0x'.repeat(size / 2)],
    ];
    const analyzer = createAnalyzer({ recognizers: intlRecognizers });
    for (const [name, text] of inputs) {
      it(`intlRecognizers finish 2 MB of ${name} within a generous bound`, () => {
        const t0 = performance.now();
        analyzer.detect(text);
        expect(performance.now() - t0).toBeLessThan(20_000);
      });
    }
  });
});
