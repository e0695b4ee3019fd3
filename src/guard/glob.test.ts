import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldMatcher } from './glob.js';

describe('FieldMatcher', () => {
  it('matchesAnywhere takes a key name at any depth and a $ path from the root only', () => {
    const m = new FieldMatcher(['mobile', 'owner.email', '$.meta.owner', '$.items[*].id_*']);
    expect(m.matchesAnywhere('mobile')).toBe(true);
    expect(m.matchesAnywhere('items.mobile')).toBe(true);
    expect(m.matchesAnywhere('data.contact.mobile.raw')).toBe(true); // inside a denied key
    expect(m.matchesAnywhere('items.mobile_note')).toBe(false);
    expect(m.matchesAnywhere('items.xmobile')).toBe(false);
    expect(m.matchesAnywhere('a.owner.email')).toBe(true);
    expect(m.matchesAnywhere('a.owner.name')).toBe(false);
    expect(m.matchesAnywhere('meta.owner.dept')).toBe(true);
    expect(m.matchesAnywhere('items.meta.owner')).toBe(false); // rooted
    expect(m.matchesAnywhere('items.id_card')).toBe(true);
    expect(m.matchesAnywhere('x.items.id_card')).toBe(false);
    // Elasticsearch mode: paths inside _source, as before.
    expect(m.matches('mobile')).toBe(true);
    expect(m.matches('items.mobile')).toBe(false);
  });

  it('matchesAnywhere finds a listed key under any prefix of keys (property)', () => {
    const key = fc.stringMatching(/^[a-z_]{1,8}$/);
    fc.assert(
      fc.property(fc.array(key, { maxLength: 5 }), key, fc.array(key, { maxLength: 3 }), (before, k, after) => {
        const m = new FieldMatcher([k]);
        return m.matchesAnywhere([...before, k, ...after].join('.'));
      }),
    );
  });
});
