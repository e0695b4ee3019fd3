import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSsnValid, ssnDefect } from './ssn.js';

const validSsn = fc
  .tuple(fc.integer({ min: 1, max: 899 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .filter(([a]) => a !== 666)
  .map(([a, g, s]) => `${String(a).padStart(3, '0')}${String(g).padStart(2, '0')}${String(s).padStart(4, '0')}`)
  .filter((d) => !['078051120', '219099999', '457555462', '123456789'].includes(d) && !/^(\d)\1{8}$/.test(d));

describe('ssn', () => {
  it('isSsnValid accepts structurally valid numbers across the area range', () => {
    for (const d of ['001010001', '536225169', '772881234', '899999999', '665123456', '667123456']) {
      expect(isSsnValid(d), d).toBe(true);
    }
  });

  it('ssnDefect reports invalid areas 000, 666 and 900-999', () => {
    expect(ssnDefect('000123456')).toBe('area');
    expect(ssnDefect('666123456')).toBe('area');
    expect(ssnDefect('900123456')).toBe('area');
    expect(ssnDefect('987654321')).toBe('area');
    expect(ssnDefect('999999999')).toBe('area');
  });

  it('ssnDefect reports group 00 and serial 0000', () => {
    expect(ssnDefect('536005169')).toBe('group');
    expect(ssnDefect('536220000')).toBe('serial');
  });

  it('ssnDefect reports advertised, specimen and repeated-digit numbers', () => {
    for (const d of ['078051120', '219099999', '457555462', '123456789']) expect(ssnDefect(d), d).toBe('advertised');
    expect(ssnDefect('111111111')).toBe('repeated');
    expect(ssnDefect('888888888')).toBe('repeated');
  });

  it('ssnDefect reports a wrong length or a non-digit', () => {
    expect(ssnDefect('53622516')).toBe('length');
    expect(ssnDefect('5362251690')).toBe('length');
    expect(ssnDefect('536-22-5169')).toBe('length');
    expect(ssnDefect('53622516a')).toBe('length');
  });

  it('isSsnValid accepts every number built from a valid area, group and serial', () => {
    fc.assert(fc.property(validSsn, (d) => isSsnValid(d)));
  });

  it('isSsnValid rejects any number whose area is 9xx or whose group or serial is all zeros', () => {
    fc.assert(
      fc.property(validSsn, fc.integer({ min: 0, max: 2 }), (d, which) => {
        const bad =
          which === 0 ? `9${d.slice(1)}` : which === 1 ? `${d.slice(0, 3)}00${d.slice(5)}` : `${d.slice(0, 5)}0000`;
        return !isSsnValid(bad);
      }),
    );
  });
});
