import { describe, expect, it } from 'vitest';
import { addressPrefixEnd, parseAddressPrefix } from './cn-address.js';

const keep = (a: string, level: 'province' | 'city' | 'district'): string =>
  a.slice(0, addressPrefixEnd(parseAddressPrefix(a), level));

describe('parseAddressPrefix', () => {
  it('finds province, city and district when all three are written', () => {
    expect(keep('广东省深圳市南山区科技园路1号', 'district')).toBe('广东省深圳市南山区');
    expect(keep('广东省深圳市南山区科技园路1号', 'city')).toBe('广东省深圳市');
    expect(keep('广东省深圳市南山区科技园路1号', 'province')).toBe('广东省');
  });

  it('treats a municipality as both province and city when the address starts with one', () => {
    expect(keep('北京市海淀区中关村大街1号', 'district')).toBe('北京市海淀区');
    expect(keep('北京市海淀区中关村大街1号', 'city')).toBe('北京市');
    expect(keep('上海市浦东新区世纪大道100号', 'district')).toBe('上海市浦东新区');
  });

  it('handles autonomous regions and prefectures when their suffixes are long', () => {
    expect(keep('新疆维吾尔自治区乌鲁木齐市天山区光明路8号', 'district')).toBe('新疆维吾尔自治区乌鲁木齐市天山区');
    expect(keep('四川省凉山彝族自治州西昌市胜利路', 'district')).toBe('四川省凉山彝族自治州西昌市');
  });

  it('keeps nothing when the address has no administrative suffix before a digit', () => {
    expect(keep('中关村大街1号', 'district')).toBe('');
    expect(keep('Room 1, Baker Street', 'district')).toBe('');
  });

  it('stops at the district when a later word ends in 市', () => {
    expect(keep('北京市海淀区中关村市场3号', 'district')).toBe('北京市海淀区');
  });

  it('recognises the province code when the province is named', () => {
    expect(parseAddressPrefix('浙江省杭州市西湖区').provinceCode).toBe('33');
    expect(parseAddressPrefix('西湖区文三路').provinceCode).toBeUndefined();
  });
});
