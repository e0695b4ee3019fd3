import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientKey, parseClientAddress } from './client-key.js';

/** Canonical (compressed) text form of an IPv6 address, as Node's URL parser writes it. */
const compressed = (groups: number[]): string =>
  new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(1, -1);
const full = (groups: number[]): string => groups.map((g) => g.toString(16).padStart(4, '0')).join(':');

const group = fc.integer({ min: 0, max: 0xffff });
const ipv6 = fc.array(group, { minLength: 8, maxLength: 8 }).filter(
  // Not IPv4-mapped (::ffff:0:0/96): those are IPv4 clients.
  (g) => !(g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff),
);

describe('clientKey', () => {
  it('groups IPv6 addresses by /64 whatever the text form', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0DB8:0001:0002:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('2001:db8::192.0.2.1')).toBe('2001:db8:0:0::/64');
  });

  it('gives the same key to every address of one /64 and different keys to different /64s', () => {
    fc.assert(
      fc.property(ipv6, fc.array(group, { minLength: 4, maxLength: 4 }), (g, low) => {
        const other = [...g.slice(0, 4), ...low];
        expect(clientKey(compressed(g))).toBe(clientKey(full(g)));
        expect(clientKey(compressed(other))).toBe(clientKey(full(g)));
        expect(clientKey(`[${compressed(g)}]:443`)).toBe(clientKey(full(g)));
      }),
    );
    fc.assert(
      fc.property(ipv6, ipv6, (a, b) => {
        const sameNet = a.slice(0, 4).every((x, i) => x === b[i]);
        expect(clientKey(compressed(a)) === clientKey(compressed(b))).toBe(sameNet);
      }),
    );
  });

  it('maps IPv4-mapped IPv6 to the IPv4 address', () => {
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('::FFFF:c000:0207')).toBe('192.0.2.7');
    expect(clientKey('0:0:0:0:0:ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        expect(clientKey(`::ffff:${v4}`)).toBe(clientKey(v4));
        expect(clientKey(v4)).toBe(v4);
      }),
    );
  });

  it('keeps something that is not an address as its own key', () => {
    expect(clientKey('unknown')).toBe('unknown');
    expect(clientKey('2001:db8::1::2')).toBe('2001:db8::1::2');
  });
});

describe('parseClientAddress', () => {
  it('strips ports, brackets and zones that proxies add, and refuses non-addresses', () => {
    expect(parseClientAddress(' 198.51.100.7 ')).toBe('198.51.100.7');
    expect(parseClientAddress('198.51.100.7:5123')).toBe('198.51.100.7');
    expect(parseClientAddress('[2001:db8::5]:443')).toBe('2001:db8::5');
    expect(parseClientAddress('[2001:db8::5]')).toBe('2001:db8::5');
    expect(parseClientAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(parseClientAddress('unknown')).toBeUndefined();
    expect(parseClientAddress('')).toBeUndefined();
    expect(parseClientAddress('999.1.1.1')).toBeUndefined();
  });
});
