/**
 * MAC_ADDRESS — IEEE 802 MAC-48 / EUI-48 addresses.
 *
 * Spec: IEEE 802 canonical notation, six two-hex-digit groups with one consistent separator (`00:1A:2B:3C:4D:5E`,
 * `00-1a-2b-3c-4d-5e`, as in IEEE Std 802-2014 §8.1 and RFC 7042 §1.1), and the Cisco dotted form of three
 * four-digit groups (`001a.2b3c.4d5e`). Validator: none (shape only).
 *
 * Triggers: DIGIT (`00:`), ALNUM (`a0:`, `001a.`), HEX (`ab:`, `aabb.`); only the first group of an address is
 * a start (its previous character is not a hex digit or separator).
 *
 * False-positive traps handled: IPv6 addresses and longer colon runs (`00:11:22:33:44:55:66:77`: the run continues),
 * times (`12:34:56`: three groups), all-digit dotted triples (`1234.5678.9012`: need a hex letter or context),
 * the null and broadcast addresses `00:00:00:00:00:00` / `ff:ff:ff:ff:ff:ff` (not a device: low score).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';

const ID = 'mac-address';

const CONTEXT = defineContext({
  positive: [
    'mac',
    'mac address',
    'mac地址',
    'hwaddr',
    'hw addr',
    'ether',
    'ethernet',
    'bssid',
    'wifi',
    'wlan',
    'lladdr',
    'arp',
    'is-at',
    'station',
    'client mac',
    'hardware address',
    'physical address',
    'device',
    '物理地址',
    '网卡',
    '设备',
  ],
  negative: [...COMMON_NEGATIVE, 'time', 'utc', 'gmt', '时间'],
  before: 24,
  after: 8,
});

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isSep(c: number): boolean {
  return c === 58 || c === 45 || c === 46;
}

/** Whether `text[i, i+n)` are hex digits. */
function hexRun(text: string, i: number, n: number): boolean {
  for (let k = i; k < i + n; k++) if (hexValue(text.charCodeAt(k)) < 0) return false;
  return true;
}

function emit(
  text: string,
  start: number,
  end: number,
  notation: string,
  ctx: MatchContext,
  needsContext: boolean,
): void {
  const c = ctx.context(start, end, CONTEXT);
  if (needsContext && c !== 1) return;
  let zero = true;
  let ones = true;
  let letter = false;
  for (let k = start; k < end; k++) {
    const v = hexValue(text.charCodeAt(k));
    if (v < 0) continue;
    if (v !== 0) zero = false;
    if (v !== 15) ones = false;
    if (v >= 10) letter = true;
  }
  let score = c === 1 ? 0.95 : c === -1 ? 0.4 : letter ? 0.8 : 0.7;
  if (zero || ones) score = 0.3;
  const firstOctet = hexValue(text.charCodeAt(start)) * 16 + hexValue(text.charCodeAt(start + 1));
  ctx.emit({
    type: 'MAC_ADDRESS',
    start,
    end,
    score,
    recognizer: ID,
    attrs: { notation, locallyAdministered: (firstOctet & 2) !== 0 },
  });
}

/** Whether `pos` follows a separator and a whole hex group of 2 or 4 digits (the address started earlier). */
function continuesGroup(text: string, pos: number): boolean {
  if (!isSep(text.charCodeAt(pos - 1))) return false;
  let k = pos - 2;
  while (k >= pos - 6 && hexValue(text.charCodeAt(k)) >= 0) k--;
  const len = pos - 2 - k;
  return (len === 2 || len === 4) && !isWordCode(text.charCodeAt(k));
}

function match(text: string, pos: number, ctx: MatchContext): void {
  if (isWordCode(text.charCodeAt(pos - 1)) || continuesGroup(text, pos)) return;
  const s2 = text.charCodeAt(pos + 2);
  if (s2 === 58 || s2 === 45) {
    // Six groups of two: positions 2, 5, 8, 11, 14 hold the separator.
    if (!hexRun(text, pos, 2)) return;
    for (let g = 1; g < 6; g++) {
      const at = pos + 3 * g;
      if (text.charCodeAt(at - 1) !== s2 || !hexRun(text, at, 2)) return;
    }
    const end = pos + 17;
    const after = text.charCodeAt(end);
    if (isWordCode(after) || (isSep(after) && hexValue(text.charCodeAt(end + 1)) >= 0)) return;
    emit(text, pos, end, s2 === 58 ? 'colon' : 'hyphen', ctx, false);
    return;
  }
  if (text.charCodeAt(pos + 4) === 46) {
    // Cisco: three groups of four.
    if (!hexRun(text, pos, 4) || !hexRun(text, pos + 5, 4) || text.charCodeAt(pos + 9) !== 46) return;
    if (!hexRun(text, pos + 10, 4)) return;
    const end = pos + 14;
    const after = text.charCodeAt(end);
    if (isWordCode(after) || (isSep(after) && hexValue(text.charCodeAt(end + 1)) >= 0)) return;
    let letter = false;
    for (let k = pos; k < end; k++) if (hexValue(text.charCodeAt(k)) >= 10) letter = true;
    emit(text, pos, end, 'dot', ctx, !letter);
  }
}

/**
 * MAC addresses in colon, hyphen and Cisco dot notation; `attrs.locallyAdministered` flags randomised addresses.
 *
 * @example
 * createAnalyzer({ recognizers: [macAddressRecognizer] }).detect('ether 00:1a:2b:3c:4d:5e') // [{ start: 6, end: 23, … }]
 */
export const macAddressRecognizer = defineRecognizer({
  id: ID,
  entities: ['MAC_ADDRESS'],
  triggers: Trigger.DIGIT | Trigger.ALNUM | Trigger.HEX,
  // Letter-led groups: `a0:…`, `ab12.…` (one hex group of at most 4).
  alnumGate: (_first, len) => len <= 4,
  // The first group: two digits then `:`/`-`, four digits then `.` (Cisco), or 1-3 digits then a hex letter;
  // never inside a word. (`2024-01-02` and `123.45` never start an address.)
  digitGate: (_first: number, length: number, prev?: string, next?: string) =>
    prev !== 'letter' &&
    prev !== 'x' &&
    ((length === 2 && (next === 'colon' || next === 'hyphen')) ||
      (length === 4 && next === 'dot') ||
      (length <= 3 && next === 'letter')),
  match,
  examples: {
    match: [
      'link/ether 00:1A:2B:3C:4D:5E brd',
      'MAC: 00-1a-2b-3c-4d-5e',
      'switch port 001a.2b3c.4d5e',
      '网卡ac:de:48:00:11:22',
    ],
    noMatch: ['at 12:34:56', 'fe80::1a2b:3c4d:5e6f:7a8b', '00:11:22:33:44:55:66:77', 'build 1234.5678.9012'],
  },
});
