import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLeakguardError } from '../core/errors.js';
import { confirmationNeeded, isLoopback, isPrivateOrLoopback, planTargets } from './targets.js';

describe('planTargets', () => {
  it('parses host:port, URLs and IPv6 into endpoints with services from schemes', () => {
    const { endpoints } = planTargets([
      '127.0.0.1:6379',
      'es+https://127.0.0.1:9243',
      's3+http://10.0.0.5:9000/exports',
      '[::1]:5432',
      'redis://:pw@127.0.0.1',
    ]);
    expect(endpoints.map((e) => [e.host, e.port, e.tls, e.service ?? null, e.path])).toEqual([
      ['127.0.0.1', 6379, false, null, '/'],
      ['127.0.0.1', 9243, true, 'elasticsearch', '/'],
      ['10.0.0.5', 9000, false, 's3', '/exports'],
      ['::1', 5432, false, null, '/'],
      ['127.0.0.1', 6379, false, 'redis', '/'],
    ]);
    // Credentials in a target URL are never part of how it is shown.
    expect(endpoints[4]!.display).toBe('redis://127.0.0.1:6379');
  });

  it('expands a CIDR block to every default port of each host, skipping network and broadcast', () => {
    const { endpoints } = planTargets(['192.168.1.0/30']);
    const hosts = [...new Set(endpoints.map((e) => e.host))];
    expect(hosts).toEqual(['192.168.1.1', '192.168.1.2']);
    expect(endpoints.every((e) => e.expanded)).toBe(true);
    expect(endpoints.length).toBe(2 * 10);
  });

  it('rejects malformed targets and oversized blocks with LG_USAGE', () => {
    for (const bad of ['127.0.0.1:0', '127.0.0.1:70000', 'ftp://host', '10.0.0.0/8', '300.1.1.1/24', 'a b', '[zz]:1']) {
      try {
        planTargets([bad]);
        expect.unreachable(bad);
      } catch (e) {
        expect(isLeakguardError(e) && e.code).toBe('LG_USAGE');
      }
    }
  });
});

describe('planTargets on arbitrary input', () => {
  it('throws nothing but LG_USAGE, and every endpoint has a valid port', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.webUrl(),
          fc.ipV4().map((ip) => `${ip}/${24 + (ip.length % 9)}`),
        ),
        (spec) => {
          try {
            for (const e of planTargets([spec]).endpoints) {
              expect(e.port).toBeGreaterThan(0);
              expect(e.port).toBeLessThan(65536);
              // Never userinfo: the authority part of what is shown has no `@`.
              expect(/^(?:[a-z0-9+]+:\/\/)?([^/]*)/.exec(e.display)?.[1]).not.toContain('@');
            }
          } catch (e) {
            expect(isLeakguardError(e) && e.code).toBe('LG_USAGE');
          }
        },
      ),
    );
  });
});

describe('confirmationNeeded', () => {
  it('is not needed for loopback and one private /24', () => {
    expect(confirmationNeeded(planTargets(['127.0.0.1:6379', 'localhost:5432', '10.1.2.0/24']))).toBeNull();
  });

  it('is needed for public addresses and for more than one /24', () => {
    expect(confirmationNeeded(planTargets(['8.8.8.8:6379']))).toMatch(/neither loopback nor private/);
    expect(confirmationNeeded(planTargets(['db.example.com:5432']))).toMatch(/neither loopback nor private/);
    expect(confirmationNeeded(planTargets(['10.0.0.0/23']))).toMatch(/more than one \/24/);
    expect(confirmationNeeded(planTargets(['10.0.0.1:6379', '10.0.1.1:6379']))).toMatch(/more than one \/24/);
  });

  it('classifies loopback and private ranges', () => {
    expect(isLoopback('127.5.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isPrivateOrLoopback('172.16.0.1')).toBe(true);
    expect(isPrivateOrLoopback('172.32.0.1')).toBe(false);
    expect(isPrivateOrLoopback('192.168.0.1')).toBe(true);
    expect(isPrivateOrLoopback('fd00::1')).toBe(true);
    expect(isPrivateOrLoopback('2001:db8::1')).toBe(false);
  });
});
