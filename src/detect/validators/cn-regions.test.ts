import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CN_PROVINCES,
  isProvinceCode,
  knownRegionCodes,
  provinceCodeAt,
  regionCodeStatus,
  regionCodeStatusAt,
} from './cn-regions.js';

describe('cn-regions', () => {
  it('CN_PROVINCES lists the 34 province-level codes of reference §1.2', () => {
    expect(CN_PROVINCES.length).toBe(34);
    expect(new Set(CN_PROVINCES.map((p) => p.code)).size).toBe(34);
    expect(CN_PROVINCES.map((p) => p.code).join(' ')).toBe(
      '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82',
    );
  });

  it('isProvinceCode accepts exactly the 34 codes', () => {
    const codes = new Set(CN_PROVINCES.map((p) => Number(p.code)));
    for (let i = 0; i < 100; i++) expect(isProvinceCode(i)).toBe(codes.has(i));
    expect(isProvinceCode(-1)).toBe(false);
    expect(isProvinceCode(100)).toBe(false);
  });

  it('provinceCodeAt reads two digits inside a text and rejects unused codes', () => {
    expect(provinceCodeAt('身份证11010519491231002X', 3)).toBe(11);
    expect(provinceCodeAt('990105', 0)).toBe(-1);
    expect(provinceCodeAt('100105', 0)).toBe(-1);
    expect(provinceCodeAt('91', 0)).toBe(-1);
    expect(provinceCodeAt('83', 0)).toBe(-1);
    expect(provinceCodeAt('1', 0)).toBe(-1);
    expect(provinceCodeAt('1a', 0)).toBe(-1);
  });

  it('regionCodeStatus knows current and retired county codes', () => {
    expect(regionCodeStatus('110105')).toBe('known'); // 朝阳区
    expect(regionCodeStatus('110103')).toBe('known'); // 崇文区, merged in 2010
    expect(regionCodeStatus('440524')).toBe('plausible'); // the GB 11643 example, retired before 2002
    expect(regionCodeStatus('310104')).toBe('known');
    expect(regionCodeStatus('650102')).toBe('known');
    expect(regionCodeStatus('500101')).toBe('known');
    expect(regionCodeStatus('469001')).toBe('known'); // 省直辖县级 (prefecture 90)
  });

  it('regionCodeStatus calls well-formed unknown codes plausible and broken ones invalid', () => {
    expect(regionCodeStatus('115501')).toBe('plausible');
    expect(regionCodeStatus('110199')).toBe('plausible');
    expect(regionCodeStatus('110005')).toBe('invalid'); // prefecture 00
    expect(regionCodeStatus('110100')).toBe('invalid'); // county 00: a prefecture, not a county
    expect(regionCodeStatus('118001')).toBe('invalid'); // prefecture 80
    expect(regionCodeStatus('990105')).toBe('invalid');
    expect(regionCodeStatus('810000')).toBe('plausible'); // Hong Kong: not checked further
    expect(regionCodeStatus('11010')).toBe('invalid');
    expect(regionCodeStatus('11010a')).toBe('invalid');
    expect(regionCodeStatusAt('ID:110105', 3)).toBe('known');
  });

  it('knownRegionCodes returns only codes that regionCodeStatus calls known', () => {
    const all = knownRegionCodes();
    expect(all.length).toBe(3624);
    for (const c of all) expect(regionCodeStatus(c)).toBe('known');
    expect(knownRegionCodes('11')).toContain('110105');
    expect(knownRegionCodes('11').every((c) => c.startsWith('11'))).toBe(true);
    expect(knownRegionCodes('83')).toEqual([]);
  });

  it('regionCodeStatus never calls a code with an unused province valid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{6}$/), (code) => {
        const status = regionCodeStatus(code);
        if (!isProvinceCode(Number(code.slice(0, 2)))) expect(status).toBe('invalid');
        if (status === 'known') expect(knownRegionCodes()).toContain(code);
      }),
    );
  });
});
