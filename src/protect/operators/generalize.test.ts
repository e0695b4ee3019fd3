import { describe, expect, it } from 'vitest';
import type { EntityType } from '../../core/entity-types.js';
import { applySync, ctxFor } from '../__fixtures__/context.js';
import { generalize } from './generalize.js';

const g = (value: string, params: unknown, type?: EntityType): string =>
  applySync(generalize, value, ctxFor(generalize, params, type ? { type } : {}));

describe('generalize', () => {
  it('cuts dates to year, month and decade when the input is in a supported form', () => {
    expect(g('1990-05-17', { to: 'year' })).toBe('1990');
    expect(g('1990/5/17', { to: 'month' })).toBe('1990/05');
    expect(g('1990年5月17日', { to: 'month' })).toBe('1990年5月');
    expect(g('1990年5月17日', { to: 'year' })).toBe('1990年');
    expect(g('19900517', { to: 'decade' })).toBe('1990-1999');
    expect(g('17/05/1990', { to: 'year' })).toBe('1990');
  });

  it('computes age bands on asOf when given a date of birth or a resident ID', () => {
    expect(g('1990-05-17', { to: 'age-band', asOf: '2025-05-16' })).toBe('30-39');
    expect(g('1990-05-17', { to: 'age-band', asOf: '2025-05-17', width: 5 })).toBe('35-39');
    expect(g('11010519491231002X', { to: 'age-band', asOf: '2025-01-01' }, 'CN_RESIDENT_ID')).toBe('70-79');
  });

  it('buckets numbers when to is bucket', () => {
    expect(g('27', { to: 'bucket' })).toBe('20-29');
    expect(g('1,234', { to: 'bucket', width: 1000 })).toBe('1000-1999');
    expect(g('27.5', { to: 'bucket', width: 5 })).toBe('[25,30)');
  });

  it('keeps the administrative prefix when the value is an address', () => {
    expect(g('广东省深圳市南山区科技园路1号', { to: 'province' })).toBe('广东省');
    expect(g('广东省深圳市南山区科技园路1号', { to: 'city' })).toBe('广东省深圳市');
    expect(g('北京市海淀区中关村大街1号', { to: 'city' })).toBe('北京市');
    expect(g('中关村大街1号', { to: 'city' })).toBe('');
  });

  it('turns a resident ID into region and birth year when to is region-year', () => {
    expect(g('11010519491231002X', { to: 'region-year' }, 'CN_RESIDENT_ID')).toBe('北京 1949');
    expect(g('11010519491231002X', { to: 'region-year', region: 'county' }, 'CN_RESIDENT_ID')).toBe('110105 1949');
    expect(g('11010519491231002X', { to: 'province' }, 'CN_RESIDENT_ID')).toBe('北京');
  });

  it('throws LG_POLICY_INVALID naming options.to when the target is unknown', () => {
    expect(() => generalize.parse({ to: 'planet' })).toThrow(/options\.to/);
    expect(() => generalize.parse({ to: 'age-band', asOf: '2025-02-30' })).toThrow(/options\.asOf/);
  });

  it('throws LG_OPERATOR_FAILED when a date is expected and the value is not one', () => {
    expect(() => g('next tuesday', { to: 'year' })).toThrow(/not a supported date/);
  });
});
