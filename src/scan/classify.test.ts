import { describe, expect, it } from 'vitest';
import { classifyField, nameHint } from './classify.js';

const stats = (nonEmpty: number, hits: Record<string, number>, masked: Record<string, number> = {}) => ({
  values: nonEmpty + 2,
  nonEmpty,
  hits,
  masked,
});

describe('classifyField', () => {
  it('nameHint reads Chinese, pinyin and English names and JSON paths', () => {
    expect(nameHint('身份证号')).toBe('CN_RESIDENT_ID');
    expect(nameHint('sfzh')).toBe('CN_RESIDENT_ID');
    expect(nameHint('$.user.id_card')).toBe('CN_RESIDENT_ID');
    expect(nameHint('手机号')).toBe('CN_MOBILE');
    expect(nameHint('$.contacts[*].phone')).toBe('PHONE');
    expect(nameHint('姓名')).toBe('PERSON');
    expect(nameHint('Home Address')).toBe('ADDRESS');
    expect(nameHint('order_id')).toBe(null);
  });

  it('decides by content ratio, with the name as a tie-breaker, and keeps the evidence', () => {
    const d = classifyField('col3', stats(100, { CN_RESIDENT_ID: 95, CN_BANK_CARD: 1 }));
    expect(d.type).toBe('CN_RESIDENT_ID');
    expect(d.evidence).toMatchObject({ hits: 95, ratio: 0.95, nameHint: null });
    expect(classifyField('phone', stats(100, { CN_MOBILE: 20 })).type).toBe('CN_MOBILE');
    expect(classifyField('notes', stats(100, { CN_MOBILE: 20 })).type).toBe(null);
  });

  it('counts masked columns and name-only columns as weak decisions', () => {
    expect(classifyField('mobile', stats(50, {}, { CN_MOBILE: 50 }))).toMatchObject({
      type: 'CN_MOBILE',
      confidence: 0.7,
    });
    expect(classifyField('身份证号', stats(50, {}))).toMatchObject({ type: 'CN_RESIDENT_ID', confidence: 0.35 });
    expect(classifyField('身份证号', stats(0, {})).type).toBe(null);
  });
});
