/**
 * IP_ADDRESS — IPv4 and IPv6 addresses.
 *
 * Spec: IPv4 dotted quad in the strict form of RFC 6943 §3.1.1 (four decimal octets 0–255, no leading zeros:
 * `01` is rejected because many parsers read it as octal); IPv6 text forms of RFC 4291 §2.2 (eight groups of
 * 1–4 hex digits, one `::` compression, an embedded IPv4 tail such as `::ffff:192.0.2.1`) plus an RFC 4007
 * zone id (`fe80::1%eth0`). Validator: none (shape only), so context decides the score.
 *
 * Triggers: DIGIT (`192.`, `2001:`), ALNUM (`fe80:`, `db8:`), HEX (`ffff:`, `abcd:`). An address that starts
 * with `::` is found from the trigger of its first group by looking two characters back; a trigger whose
 * previous character is `:` or `.` inside an address is not a start and returns at once.
 *
 * False-positive traps handled: version strings (`v1.2.3.4`, `version 1.2.3.4`: letter before or negative
 * context), longer dotted runs (`1.2.3.4.5`, OIDs `1.3.6.1.4.1`), numbers with more digits (`1.2.3.4567`),
 * times (`12:34:56`: too few groups), MAC addresses (six groups, no `::`), C++/Rust paths (`std::`: not hex;
 * IPv6 forms without any digit need four groups).
 */
import { COMMON_NEGATIVE, defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';

const ID = 'ip-address';

const CONTEXT = defineContext({
  positive: [
    'ip',
    'ipv4',
    'ipv6',
    'ip address',
    'ip地址',
    'addr',
    'address',
    'host',
    'hostname',
    'server',
    'client',
    'remote',
    'src',
    'dst',
    'source',
    'destination',
    'gateway',
    'proxy',
    'nameserver',
    'dns',
    'inet',
    'inet6',
    'listen',
    'bind',
    'peer',
    '地址',
    '网关',
    '登录',
    '来源',
    '服务器',
  ],
  negative: [
    ...COMMON_NEGATIVE,
    'v',
    'ver',
    'release',
    'firmware',
    'oid',
    'sdk',
    'section',
    'chapter',
    'figure',
    'table',
    'step',
    'clause',
    '章',
    '节',
    '条',
    '图',
    '表',
    '固件',
  ],
  before: 24,
  after: 8,
});

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** End of a strict decimal octet at `i` (1–3 digits, ≤ 255, no leading zero), or -1. */
function octetEnd(text: string, i: number): number {
  const c0 = text.charCodeAt(i);
  if (!isDigitCode(c0)) return -1;
  if (c0 === 48) return isDigitCode(text.charCodeAt(i + 1)) ? -1 : i + 1;
  let v = c0 - 48;
  let j = i + 1;
  while (j < i + 3 && isDigitCode(text.charCodeAt(j))) {
    v = v * 10 + (text.charCodeAt(j) - 48);
    j++;
  }
  if (isDigitCode(text.charCodeAt(j)) || v > 255) return -1;
  return j;
}

/** End of a dotted quad starting at `i`, or -1 (does not check what follows). */
function ipv4End(text: string, i: number): number {
  let j = octetEnd(text, i);
  for (let k = 0; k < 3; k++) {
    if (j < 0 || text.charCodeAt(j) !== 46) return -1;
    j = octetEnd(text, j + 1);
  }
  return j;
}

/** Whether a dotted quad ending at `end` is followed by more of a dotted run or glued to a word. */
function ipv4Continues(text: string, end: number): boolean {
  const c = text.charCodeAt(end);
  if (isWordCode(c)) return true;
  return c === 46 && isWordCode(text.charCodeAt(end + 1));
}

function ipv4Scope(text: string, start: number): string {
  const a = Number.parseInt(text.slice(start, start + 3), 10);
  const dot = text.indexOf('.', start);
  const b = Number.parseInt(text.slice(dot + 1, dot + 4), 10);
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  if (a === 0 || a >= 224) return 'special';
  return 'public';
}

function matchIpv4(text: string, pos: number, ctx: MatchContext): void {
  const prev = text.charCodeAt(pos - 1);
  if (isWordCode(prev) || prev === 46) return;
  // A product version after a name and a slash (`Chrome/122.0.0.0`, `Safari/537.36`), not an address; a URL's
  // `//1.2.3.4` or a path `/10.0.0.1` still is one.
  if (prev === 47 && isWordCode(text.charCodeAt(pos - 2))) return;
  // Part of an IPv6 address (`::ffff:192.0.2.1`): the IPv6 path reports the whole address.
  if (prev === 58 && (text.charCodeAt(pos - 2) === 58 || afterGroup(text, pos))) return;
  const end = ipv4End(text, pos);
  if (end < 0 || ipv4Continues(text, end)) return;
  const c = ctx.context(pos, end, CONTEXT);
  const score = c === 1 ? 0.9 : c === -1 ? 0.3 : 0.7;
  ctx.emit({
    type: 'IP_ADDRESS',
    start: pos,
    end,
    score,
    recognizer: ID,
    attrs: { version: 4, scope: ipv4Scope(text, pos) },
  });
}

/** Longest IPv6 text form (with an IPv4 tail) plus a zone id. */
const MAX_ZONE = 32;

function isZoneChar(c: number): boolean {
  return isWordCode(c) || c === 46 || c === 126 || c === 45;
}

function matchIpv6(text: string, start: number, ctx: MatchContext): void {
  let i = start;
  let groups = 0;
  let compressed = false;
  let sawDigit = false;
  let end = -1;
  if (text.charCodeAt(i) === 58) {
    compressed = true;
    i += 2;
    end = i;
  }
  for (let guard = 0; guard < 9; guard++) {
    const g = i;
    while (i < g + 4 && hexValue(text.charCodeAt(i)) >= 0) i++;
    if (i === g) break;
    if (hexValue(text.charCodeAt(i)) >= 0) return; // a fifth hex digit
    if (text.charCodeAt(i) === 46 && isDigitCode(text.charCodeAt(i + 1))) {
      // Embedded IPv4 tail: counts as two groups and ends the address. (A dot that ends a sentence does not.)
      const v4 = ipv4End(text, g);
      if (v4 < 0 || groups > 6) return;
      groups += 2;
      sawDigit = true;
      end = v4;
      i = v4;
      break;
    }
    for (let k = g; k < i; k++) if (isDigitCode(text.charCodeAt(k))) sawDigit = true;
    groups++;
    end = i;
    if (text.charCodeAt(i) !== 58) break;
    if (text.charCodeAt(i + 1) === 58) {
      if (compressed) break;
      compressed = true;
      i += 2;
      end = i;
    } else if (hexValue(text.charCodeAt(i + 1)) >= 0) {
      i++;
    } else {
      break;
    }
  }
  if (end < 0 || groups > 8 || (compressed ? groups > 7 : groups !== 8)) return;
  if (!sawDigit && groups < 4) return;
  // Boundary: nothing word-like, no further `:hex` or `.digit`.
  let stop = end;
  const after = text.charCodeAt(stop);
  if (after === 37) {
    let z = stop + 1;
    while (z < stop + 1 + MAX_ZONE && isZoneChar(text.charCodeAt(z))) z++;
    if (z > stop + 1) stop = z;
  } else if (
    isWordCode(after) ||
    (after === 58 && (hexValue(text.charCodeAt(stop + 1)) >= 0 || text.charCodeAt(stop + 1) === 58))
  ) {
    return;
  } else if (after === 46 && isDigitCode(text.charCodeAt(stop + 1))) {
    return;
  }
  const c = ctx.context(start, stop, CONTEXT);
  const score = c === 1 ? 0.95 : c === -1 ? 0.4 : 0.85;
  ctx.emit({ type: 'IP_ADDRESS', start, end: stop, score, recognizer: ID, attrs: { version: 6 } });
}

/** Whether `pos` follows `:` and a whole group of 1-4 hex digits (a middle group of an address). */
function afterGroup(text: string, pos: number): boolean {
  let k = pos - 2;
  while (k >= pos - 6 && hexValue(text.charCodeAt(k)) >= 0) k--;
  const len = pos - 2 - k;
  return len >= 1 && len <= 4 && !isWordCode(text.charCodeAt(k));
}

function match(text: string, pos: number, ctx: MatchContext): void {
  const prev = text.charCodeAt(pos - 1);
  // IPv6 candidates: a group of ≤ 4 hex digits followed by `:`.
  let k = pos;
  while (k < pos + 4 && hexValue(text.charCodeAt(k)) >= 0) k++;
  if (text.charCodeAt(k) === 58) {
    if (prev === 58) {
      // `::1`, `::ffff:…` start two characters back; after a hex group this is a middle group; after a label
      // (`IP:2001:db8::1`) it is a start.
      const p2 = text.charCodeAt(pos - 2);
      const p3 = text.charCodeAt(pos - 3);
      if (p2 === 58) {
        if (hexValue(p3) < 0 && p3 !== 58 && p3 !== 46) matchIpv6(text, pos - 2, ctx);
      } else if (!afterGroup(text, pos)) {
        matchIpv6(text, pos, ctx);
      }
    } else if (hexValue(prev) < 0 && !isWordCode(prev) && prev !== 46) {
      matchIpv6(text, pos, ctx);
    }
    return;
  }
  if (prev === 58 && text.charCodeAt(pos - 2) === 58) {
    // The last group right after `::` (`::1`, `fe80::` + `1` is handled by the start trigger).
    const p3 = text.charCodeAt(pos - 3);
    if (hexValue(p3) < 0 && p3 !== 58 && p3 !== 46) matchIpv6(text, pos - 2, ctx);
    return;
  }
  // IPv4: a 1-3 digit run followed by a dot.
  if (ctx.runEnd - pos <= 3 && text.charCodeAt(ctx.runEnd) === 46 && isDigitCode(text.charCodeAt(pos))) {
    matchIpv4(text, pos, ctx);
  }
}

/**
 * IPv4 and IPv6 addresses; `attrs.version` is 4 or 6, `attrs.scope` tells private, loopback and public IPv4 apart.
 *
 * @example
 * createAnalyzer({ recognizers: [ipAddressRecognizer] }).detect('client 203.0.113.7') // [{ start: 7, end: 18, … }]
 */
export const ipAddressRecognizer = defineRecognizer({
  id: ID,
  entities: ['IP_ADDRESS'],
  triggers: Trigger.DIGIT | Trigger.ALNUM | Trigger.HEX,
  // Letter-led IPv6 groups: `fe80:`, `db8:` (at most 4 hex digits).
  alnumGate: (_first, len) => len <= 4,
  // An IPv4 octet before a dot, an IPv6 group (≤ 4 digits, a colon or hex letter next) or a group after `::`.
  digitGate: (_first: number, length: number, prev?: string, next?: string) =>
    length <= 4 &&
    prev !== 'letter' &&
    prev !== 'x' &&
    ((length <= 3 && next === 'dot') || next === 'colon' || next === 'letter' || prev === 'colon'),
  match,
  examples: {
    match: [
      'client ip 203.0.113.7 denied',
      '[2001:db8::8a2e:370:7334]:443',
      'ping ::1',
      'fe80::1%eth0 up',
      '登录IP：192.168.1.23',
    ],
    noMatch: ['version 1.2.3.4', 'OID 1.3.6.1.4.1.311', 'at 12:34:56', 'std::vector<int>', '10.01.2023'],
  },
});
