/**
 * The rate-limit key of a client address. One IPv6 subscriber usually holds a whole /64 (often much more), and
 * can send from any of its 2^64 addresses, so IPv6 clients are grouped by their /64; an IPv4-mapped IPv6 address
 * (`::ffff:203.0.113.9`, what a dual-stack socket reports for IPv4 peers) is its IPv4 address, so one client
 * is one key whichever socket family it arrives on.
 *
 * Keys are for limiting only: they are never logged.
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Trailing dotted IPv4 of an IPv6 text form (`::ffff:192.0.2.1`). Source: RFC 4291 §2.2 (form 3).
 * Example match: `:192.0.2.1` at the end. Does not match hex-only forms (`::ffff:c000:201`).
 */
const TRAILING_IPV4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/;

/** The eight 16-bit groups of a valid IPv6 text form (without zone), or `undefined`. */
function ipv6Groups(text: string): number[] | undefined {
  let s = text;
  const tail: number[] = [];
  const v4 = TRAILING_IPV4.exec(s);
  if (v4) {
    const o = (v4[1] as string).split('.').map(Number);
    tail.push(((o[0] as number) << 8) | (o[1] as number), ((o[2] as number) << 8) | (o[3] as number));
    // Keep the colon before the IPv4 part when it is the second of `::`.
    s = s.slice(0, v4.index + 1);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): number[] =>
    part === undefined || part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const head = parse(halves[0]);
  const rest = [...parse(halves[1]), ...tail];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * Strip what proxies add around an address in `X-Forwarded-For`: `[v6]:port`, `[v6]`, `v4:port`, a zone id.
 * Returns the bare address, or `undefined` when it is not an IP address.
 */
export function parseClientAddress(raw: string): string | undefined {
  let s = raw.trim();
  const bracket = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracket) s = bracket[1] as string;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  return isIPv4(s) || isIPv6(s) ? s : undefined;
}

/**
 * The rate-limit key of an address: IPv4 as is, IPv4-mapped IPv6 as its IPv4 address, other IPv6 as its /64
 * (`2001:db8:1:2::/64`). Anything else (not an IP address) is its own key.
 *
 * @example
 * clientKey('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 * clientKey('::ffff:192.0.2.7')      // '192.0.2.7'
 */
export function clientKey(address: string): string {
  const a = parseClientAddress(address);
  if (a === undefined) return address;
  if (isIPv4(a)) return a;
  const g = ipv6Groups(a.toLowerCase());
  if (!g) return a;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const hi = g[6] as number;
    const lo = g[7] as number;
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
