import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../analyzer.js';
import { intlRecognizers } from './index.js';

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
