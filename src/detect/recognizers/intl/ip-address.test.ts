import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { ipAddressRecognizer } from './ip-address.js';

const analyzer = createAnalyzer({ recognizers: [ipAddressRecognizer] });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('ipAddressRecognizer', () => {
  it('ipAddressRecognizer finds IPv4 addresses in logs, URLs, CIDR and Chinese text', () => {
    expect(found('2024-05-01 12:00:01 client 203.0.113.7 GET /')).toEqual([['203.0.113.7', 27, 38]]);
    expect(found('http://192.168.1.20:8080/admin')).toEqual([['192.168.1.20', 7, 19]]);
    expect(found('allow 10.0.0.0/8;')).toEqual([['10.0.0.0', 6, 14]]);
    expect(found('登录IP：１９２．１６８．１．２３，时间')).toEqual([['１９２．１６８．１．２３', 5, 17]]);
    expect(found('"ip":"8.8.8.8"')).toEqual([['8.8.8.8', 6, 13]]);
  });

  it('ipAddressRecognizer describes the IPv4 scope', () => {
    const scope = (t: string) => analyzer.detect(t)[0]?.attrs?.scope;
    expect(scope('ip 10.1.2.3')).toBe('private');
    expect(scope('ip 172.20.0.1')).toBe('private');
    expect(scope('ip 127.0.0.1')).toBe('loopback');
    expect(scope('ip 169.254.1.1')).toBe('link-local');
    expect(scope('ip 203.0.113.7')).toBe('public');
  });

  it('ipAddressRecognizer rejects invalid octets, leading zeros and longer dotted runs', () => {
    for (const t of [
      '256.1.1.1',
      '1.2.3.4567',
      '01.2.3.4',
      '10.01.2023',
      '1.2.3.4.5',
      'OID 1.3.6.1.4.1.311',
      '1.2.3',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('ipAddressRecognizer rejects version strings and section numbers', () => {
    for (const t of ['v1.2.3.4', 'version 1.2.3.4', 'Chrome 120.0.6099.109', 'build 10.0.19045.1', 'section 1.2.3.4']) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('ipAddressRecognizer finds IPv6 addresses in full, compressed, bracketed and zoned forms', () => {
    expect(found('addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up')).toEqual([
      ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', 5, 44],
    ]);
    expect(found('[2001:db8::8a2e:370:7334]:443')).toEqual([['2001:db8::8a2e:370:7334', 1, 24]]);
    expect(found('ping ::1')).toEqual([['::1', 5, 8]]);
    expect(found('fe80::1%eth0 up')).toEqual([['fe80::1%eth0', 0, 12]]);
    expect(found('mapped ::ffff:192.0.2.1 ok')).toEqual([['::ffff:192.0.2.1', 7, 23]]);
    expect(found('IP:2001:db8::1')).toEqual([['2001:db8::1', 3, 14]]);
    expect(found('gw fe80::')).toEqual([['fe80::', 3, 9]]);
    expect(found('from 2400:cb00:758c:1045:78c1:162f:5bd4:da50.')).toEqual([
      ['2400:cb00:758c:1045:78c1:162f:5bd4:da50', 5, 44],
    ]);
    expect(found('from 2001:da8:6ad1::a5b4:34b8:29cd.')).toEqual([['2001:da8:6ad1::a5b4:34b8:29cd', 5, 34]]);
    expect(found('abcd:ef01:2345:6789:abcd:ef01:2345:6789')).toHaveLength(1);
  });

  it('ipAddressRecognizer reports IPv6 with version 6', () => {
    expect(analyzer.detect('::1')[0]?.attrs).toEqual({ version: 6 });
  });

  it('ipAddressRecognizer rejects times, MAC addresses, paths and malformed IPv6', () => {
    for (const t of [
      '12:34:56',
      '00:1A:2B:3C:4D:5E',
      'std::vector<int>',
      'Foo::bar',
      'a::b',
      '1::2::3',
      '2001:db8:85a3:0:0:8a2e:370:7334:1',
      '12345::1',
      '2001:db8:::1',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('ipAddressRecognizer does not report an IPv4 tail of an IPv6 address separately', () => {
    expect(found('::ffff:10.0.0.1').map((f) => f[0])).toEqual(['::ffff:10.0.0.1']);
  });

  it('ipAddressRecognizer scores context and negative context', () => {
    expect(analyzer.detect('note 203.0.113.7')[0]?.score).toBe(0.7);
    expect(analyzer.detect('server 203.0.113.7')[0]?.score).toBe(0.9);
  });

  it('ipAddressRecognizer finds generated addresses embedded in random text', () => {
    const g = intlGenerators.IP_ADDRESS!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('来自', 'from ', '(', '"', '\n', 'IP：'), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，ok`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });
});

describe('ipAddressRecognizer: product versions', () => {
  it('does not read a browser version as an address, but keeps URLs and paths', () => {
    const a = createAnalyzer({ recognizers: [ipAddressRecognizer] });
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/122.0.0.0 Safari/537.36';
    expect(a.detect(ua)).toEqual([]);
    expect(a.detect('GET http://203.0.113.7/admin').map((f) => [f.start, f.end])).toEqual([[11, 22]]);
    expect(a.detect('route /10.0.0.1 ok').map((f) => f.start)).toEqual([7]);
  });
});
