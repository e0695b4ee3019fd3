import { describe, expect, it } from 'vitest';
import {
  CN_PREFECTURES,
  CN_PROVINCES,
  countyEndingAt,
  DIVISION_ANCHORS,
  DivisionKind,
  matchDivisionAt,
  newDivisionMatch,
} from './cn-divisions.js';

const ALL = DivisionKind.PROVINCE | DivisionKind.PREFECTURE | DivisionKind.COUNTY;

describe('cn-divisions', () => {
  it('CN_PROVINCES lists the 34 province-level divisions with GB/T 2260 codes', () => {
    expect(CN_PROVINCES.length).toBe(34);
    expect(new Set(CN_PROVINCES.map((p) => p.code)).size).toBe(34);
    expect(CN_PROVINCES.map((p) => p.code).slice(0, 4)).toEqual(['11', '12', '13', '14']);
    const gd = CN_PROVINCES.find((p) => p.code === '44')!;
    expect([gd.name, gd.short, gd.abbr]).toEqual(['广东省', '广东', '粤']);
    expect(CN_PROVINCES.filter((p) => p.municipality).map((p) => p.short)).toEqual([
      '北京',
      '天津',
      '上海',
      '重庆',
      '香港',
      '澳门',
    ]);
  });

  it('CN_PREFECTURES has every prefecture-level unit and most county-level ones', () => {
    expect(CN_PREFECTURES.length).toBeGreaterThan(370);
    const counties = CN_PREFECTURES.reduce((n, p) => n + p.counties.length, 0);
    expect(counties).toBeGreaterThan(2800);
    const sz = CN_PREFECTURES.find((p) => p.name === '深圳市')!;
    expect(sz.short).toBe('深圳');
    expect(CN_PROVINCES[sz.province]!.short).toBe('广东');
    expect(sz.counties).toContain('南山区');
    expect(CN_PREFECTURES.find((p) => p.name === '延边朝鲜族自治州')!.short).toBe('延边');
    expect(CN_PREFECTURES.find((p) => p.name === '大兴安岭地区')!.short).toBe('大兴安岭');
  });

  it('every county name ends with a county-level suffix', () => {
    for (const p of CN_PREFECTURES) {
      for (const c of p.counties) expect(/(区|县|市|旗|特区|林区|路氹城)$/.test(c), c).toBe(true);
    }
  });

  it('matchDivisionAt matches full names before short names', () => {
    const m = newDivisionMatch();
    expect(matchDivisionAt('广东省深圳市', 0, ALL, m)).toBe(true);
    expect([m.kind, m.end, m.short]).toEqual([DivisionKind.PROVINCE, 3, false]);
    expect(matchDivisionAt('深圳南山区', 0, ALL, m)).toBe(true);
    expect([m.kind, m.end, m.short]).toEqual([DivisionKind.PREFECTURE, 2, true]);
    expect(matchDivisionAt('广西壮族自治区南宁市', 0, ALL, m)).toBe(true);
    expect(m.end).toBe(7);
  });

  it('matchDivisionAt rejects a short name followed by a road or estate suffix', () => {
    const m = newDivisionMatch();
    expect(matchDivisionAt('中山路88号', 0, ALL, m)).toBe(false);
    expect(matchDivisionAt('海淀路', 0, DivisionKind.COUNTY, m)).toBe(false);
    expect(matchDivisionAt('海淀区', 0, DivisionKind.COUNTY, m)).toBe(true);
    expect(matchDivisionAt('海淀中关村', 0, DivisionKind.COUNTY, m)).toBe(true);
    expect(m.end).toBe(2);
  });

  it('matchDivisionAt respects the kinds asked for', () => {
    const m = newDivisionMatch();
    expect(matchDivisionAt('海淀区', 0, DivisionKind.PROVINCE, m)).toBe(false);
    expect(matchDivisionAt('北京市', 0, DivisionKind.PREFECTURE, m)).toBe(false);
  });

  it('countyEndingAt finds a county name ending at an offset', () => {
    const m = newDivisionMatch();
    expect(countyEndingAt('住北京海淀区', 6, m)).toBe(3);
    expect(countyEndingAt('青龙满族自治县', 7, m)).toBe(0);
    expect(countyEndingAt('住在小区', 4, m)).toBe(-1);
    expect(countyEndingAt('区', 1, m)).toBe(-1);
  });

  it('DIVISION_ANCHORS are unique, at least two characters, and avoid everyday words', () => {
    expect(new Set(DIVISION_ANCHORS).size).toBe(DIVISION_ANCHORS.length);
    for (const a of DIVISION_ANCHORS) expect(a.length, a).toBeGreaterThanOrEqual(2);
    expect(DIVISION_ANCHORS).toContain('深圳');
    expect(DIVISION_ANCHORS).toContain('广东');
    expect(DIVISION_ANCHORS).not.toContain('中山');
    expect(DIVISION_ANCHORS).toContain('中山市');
  });
});
