/**
 * Characters common in Chinese given names (名), for scoring PERSON candidates found after a weak cue and for the
 * synthetic-name generator. Compiled from the most frequent given-name characters in published name-frequency
 * reports (male-leaning, female-leaning and neutral lists overlap in practice; the split only steers the
 * generator). A candidate whose given name uses these characters is more likely a name than a word (`张伟` vs
 * `张开`); absence does not veto a name after a strong label.
 */

/** Given-name characters more frequent in male names. */
export const MALE_GIVEN_CHARS =
  '伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国文东亮成峰兵毅志宏海锋博晨睿泽轩昊然豪铭瑞皓宸逸航梓翔鸿振永庆德春福贵民兴荣金山松江卫武彬立新正中晖涵栋楠森锐坤昌盛祥伦琦瀚彦哲骏铮煜烨晟昱诚信义仁智勋威雄钧锦天';

/** Given-name characters more frequent in female names. */
export const FEMALE_GIVEN_CHARS =
  '芳娜敏静丽艳娟霞秀英兰桂玉萍红梅燕玲婷雪琳晶颖倩慧莹佳怡欣雨思涵萱悦彤琪妍雅昕若汐瑶婧璐露薇蕾菲芸茜蓉琴凤珍莉丹淑惠珠翠雯洁秋月云彩虹诗梦晓美嘉可心依语欢媛婉姗嫣妮娅婕姝妙馨香芬芝娥娇瑾璇琼瑛萌蕊荷莲菊蓓芮茹沁琬黛璟';

/** Given-name characters used for both. */
export const NEUTRAL_GIVEN_CHARS = '一子小安乐诺天思佳嘉晓新春华文明宇睿家平正永远桐';

/** Very common complete given names, used by the generator for realism (张伟, 王芳, 李秀英…). */
export const COMMON_GIVEN_NAMES: readonly string[] = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀兰',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
  '建国',
  '志强',
  '晓东',
  '海燕',
  '丽娟',
  '红梅',
  '婷婷',
  '欣怡',
  '子涵',
  '浩然',
  '梓萱',
  '一诺',
  '雨桐',
  '宇轩',
];

const CJK_BASE = 0x4e00;
const GIVEN = new Uint8Array(0xa000 - CJK_BASE);
for (const chars of [MALE_GIVEN_CHARS, FEMALE_GIVEN_CHARS, NEUTRAL_GIVEN_CHARS]) {
  for (let i = 0; i < chars.length; i++) GIVEN[chars.charCodeAt(i) - CJK_BASE] = 1;
}

/**
 * Whether `code` is a common given-name character. One array read.
 *
 * @example
 * isCommonGivenChar('伟'.charCodeAt(0)) // true
 */
export function isCommonGivenChar(code: number): boolean {
  const i = code - CJK_BASE;
  return i >= 0 && i < GIVEN.length && GIVEN[i] === 1;
}
