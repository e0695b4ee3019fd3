/**
 * Registry-wide contract tests: every built-in recognizer has valid metadata and examples that behave, and
 * the whole engine stays linear on adversarial input.
 */
import { describe, expect, it } from 'vitest';
import { isEntityType } from '../core/entity-types.js';
import { createAnalyzer } from './analyzer.js';
import { builtinRecognizers } from './presets.js';
import { Trigger } from './recognizer.js';

const ALL_TRIGGERS = Object.values(Trigger).reduce((a, b) => a | b, 0);

describe('builtinRecognizers', () => {
  it('have unique kebab-case ids, known entity types, valid triggers and ≥ 3 + 3 examples', () => {
    const ids = new Set<string>();
    for (const r of builtinRecognizers) {
      expect(ids.has(r.id), r.id).toBe(false);
      ids.add(r.id);
      expect(r.id).toMatch(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/);
      for (const e of r.entities) expect(isEntityType(e), `${r.id}: ${e}`).toBe(true);
      expect(r.triggers & ~ALL_TRIGGERS, r.id).toBe(0);
      expect(r.triggers & Trigger.TEXT, `${r.id} must not scan whole texts`).toBe(0);
      expect(r.examples.match.length, r.id).toBeGreaterThanOrEqual(3);
      expect(r.examples.noMatch.length, r.id).toBeGreaterThanOrEqual(3);
    }
  });

  for (const r of builtinRecognizers) {
    it(`${r.id} finds its match examples and nothing in its noMatch examples`, () => {
      const alone = createAnalyzer({ recognizers: [r], includeMasked: true });
      for (const m of r.examples.match) {
        const got = alone.detect(m);
        expect(
          got.some((f) => r.entities.includes(f.type)),
          `${r.id} should match example #${r.examples.match.indexOf(m)}`,
        ).toBe(true);
      }
      for (const m of r.examples.noMatch) {
        const got = alone.detect(m).filter((f) => r.entities.includes(f.type) && !f.masked);
        expect(got, `${r.id} should not match noMatch example #${r.examples.noMatch.indexOf(m)}`).toEqual([]);
      }
    });
  }

  it('every entity type has at least one recognizer', async () => {
    const { ENTITY_TYPE_NAMES } = await import('../core/entity-types.js');
    const covered = new Set(builtinRecognizers.flatMap((r) => r.entities));
    expect(ENTITY_TYPE_NAMES.filter((t) => !covered.has(t))).toEqual([]);
  });
});

describe('linear time on adversarial input', () => {
  // Each input is 2 MB; the whole engine must finish each in seconds. A catastrophic (super-linear) path would
  // take minutes or hours, so the generous bound below separates the two without measuring speed.
  const size = 2_000_000;
  const inputs: [string, string][] = [
    ['digits', '1'.repeat(size)],
    ['at signs', '@'.repeat(size)],
    ['dots', '.'.repeat(size)],
    ['CJK', '王'.repeat(size / 2) + '省市区路号'.repeat(size / 10)],
    ['digit groups', '138 '.repeat(size / 4)],
    ['letters and digits', 'a1'.repeat(size / 2)],
    ['email-ish', 'a.b@c.'.repeat(size / 6)],
    ['dashes', '-'.repeat(size)],
    ['hex colons', 'ab:'.repeat(size / 3)],
    ['keywords', 'password='.repeat(size / 9)],
    ['plus digits', '+8'.repeat(size / 2)],
  ];
  const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
  for (const [name, text] of inputs) {
    it(`detect finishes on 2 MB of ${name} within a generous bound`, () => {
      const t0 = performance.now();
      analyzer.detect(text);
      expect(performance.now() - t0).toBeLessThan(20_000);
    });
  }
});
