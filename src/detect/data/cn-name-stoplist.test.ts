import { describe, expect, it } from 'vitest';
import { isNameStopword, NAME_STOPWORDS } from './cn-name-stoplist.js';
import { surnameTier } from './cn-surnames.js';

/** The false-positive traps listed in reference §7.1. */
const REFERENCE_TRAPS =
  '高兴 王国 周末 黄金 马上 张开 李子 何时 林业 石头 金额 江苏 白色 方法 常见 向上 于是 余额 叶子 任何 程序 史上 万一 钱包 武汉 严格 戴上 孔子 田地 董事 宋体 许多 韩国 曾经'.split(
    ' ',
  );

describe('cn-name-stoplist', () => {
  it('NAME_STOPWORDS covers every trap in the reference', () => {
    const set = new Set(NAME_STOPWORDS);
    for (const w of REFERENCE_TRAPS) expect(set.has(w), w).toBe(true);
  });

  it('NAME_STOPWORDS holds 2-4 character words that start with a surname or a diminutive prefix', () => {
    expect(NAME_STOPWORDS.length).toBeGreaterThan(1000);
    expect(new Set(NAME_STOPWORDS).size).toBe(NAME_STOPWORDS.length);
    for (const w of NAME_STOPWORDS) {
      expect(w.length >= 2 && w.length <= 4, w).toBe(true);
      const first = w.charCodeAt(0);
      expect(surnameTier(first) !== 0 || w.startsWith('小') || w.startsWith('老'), w).toBe(true);
    }
  });

  it('isNameStopword matches words at an offset without slicing', () => {
    expect(isNameStopword('今天是周末', 3, 5)).toBe(true);
    expect(isNameStopword('今天是周伟', 3, 5)).toBe(false);
    expect(isNameStopword('黄鹤楼', 0, 3)).toBe(true);
    expect(isNameStopword('马来西亚', 0, 4)).toBe(true);
    expect(isNameStopword('王', 0, 1)).toBe(false);
    expect(isNameStopword('王国强', 0, 3)).toBe(false);
  });
});
