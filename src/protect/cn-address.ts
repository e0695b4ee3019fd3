/**
 * Administrative prefix of a Chinese address (province → prefecture → county), used by `mask` (keep to the
 * district) and `generalize` (province or city). Reference §7.2 gives the level suffixes.
 *
 * Conservative by design: it walks at most three units from the start, each a run of 1–9 CJK characters ending in
 * a level suffix, and stops at the first digit, Latin letter or punctuation. Provinces come from the 34
 * province-level names (`CN_PROVINCES`) with their official suffixes; a unit ending in 市/州/盟/地区 is a
 * prefecture (or, after a prefecture, a county-level city); 区/县/旗 ends the county level. A road or building
 * name is never mistaken for a level: it has no such suffix before the first digit. When nothing parses, the
 * callers keep nothing.
 */
import { CN_PROVINCES } from '../detect/validators/cn-regions.js';

/** The administrative levels of an address prefix. */
export type AddressLevel = 'province' | 'city' | 'district';

/** Where each level ends in the address (UTF-16 offsets, exclusive), −1 when absent. */
export interface AddressPrefix {
  readonly provinceEnd: number;
  /** End of the prefecture-level unit; for the four municipalities (北京市 …) the province is also the city. */
  readonly cityEnd: number;
  readonly districtEnd: number;
  /** Two-digit province code when the province was recognised. */
  readonly provinceCode: string | undefined;
}

/** Official suffixes of province-level names, longest first. */
const PROVINCE_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  北京: ['市'],
  天津: ['市'],
  上海: ['市'],
  重庆: ['市'],
  内蒙古: ['自治区'],
  广西: ['壮族自治区', '自治区'],
  西藏: ['自治区'],
  宁夏: ['回族自治区', '自治区'],
  新疆: ['维吾尔自治区', '自治区'],
  香港: ['特别行政区'],
  澳门: ['特别行政区'],
};
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

function matchProvince(text: string): { end: number; code: string } | undefined {
  for (const p of CN_PROVINCES) {
    if (!text.startsWith(p.name)) continue;
    let end = p.name.length;
    for (const s of PROVINCE_SUFFIXES[p.name] ?? ['省']) {
      if (text.startsWith(s, end)) {
        end += s.length;
        break;
      }
    }
    return { end, code: p.code };
  }
  return undefined;
}

/** The next unit from `pos`: its end and suffix kind, or undefined. */
function nextUnit(text: string, pos: number): { end: number; kind: 'city' | 'district' } | undefined {
  const limit = Math.min(text.length, pos + 10);
  for (let i = pos + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (!isCjk(c)) return undefined;
    const ch = text[i];
    if (ch === '市' || ch === '州' || ch === '盟') return { end: i + 1, kind: 'city' };
    if (ch === '区') return { end: i + 1, kind: text[i - 1] === '地' ? 'city' : 'district' };
    if (ch === '县' || ch === '旗') return { end: i + 1, kind: 'district' };
  }
  return undefined;
}

/**
 * Parses the administrative prefix of `address`.
 *
 * @example
 * parseAddressPrefix('北京市海淀区中关村大街1号') // { provinceEnd: 3, cityEnd: 3, districtEnd: 6, provinceCode: '11' }
 */
export function parseAddressPrefix(address: string): AddressPrefix {
  let provinceEnd = -1;
  let cityEnd = -1;
  let districtEnd = -1;
  let pos = 0;
  const p = matchProvince(address);
  if (p) {
    provinceEnd = p.end;
    if (MUNICIPALITIES.has(p.code)) cityEnd = p.end;
    pos = p.end;
  }
  for (let step = 0; step < 2 && districtEnd < 0; step++) {
    const u = nextUnit(address, pos);
    if (!u) break;
    if (u.kind === 'city' && cityEnd < 0) {
      cityEnd = u.end;
    } else {
      // A district, or a county-level city (市 after a prefecture).
      districtEnd = u.end;
    }
    pos = u.end;
  }
  return { provinceEnd, cityEnd, districtEnd, provinceCode: p?.code };
}

/**
 * The end offset of the prefix to keep at `level`, falling back to coarser levels; 0 when none parsed.
 *
 * @example
 * addressPrefixEnd(parseAddressPrefix('广东省深圳市南山区科技园'), 'city') // 6
 */
export function addressPrefixEnd(prefix: AddressPrefix, level: AddressLevel): number {
  if (level === 'district' && prefix.districtEnd > 0) return prefix.districtEnd;
  if (level !== 'province' && prefix.cityEnd > 0) return prefix.cityEnd;
  return Math.max(prefix.provinceEnd, 0);
}
