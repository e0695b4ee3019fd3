import { describe, expect, it } from 'vitest';
import { buildGzip, buildPdf, buildTar, buildZip } from './__fixtures__/build.js';
import { sniff } from './sniff.js';

const s = (data: Buffer | string, name = 'x'): string =>
  sniff(typeof data === 'string' ? Buffer.from(data) : data, name, true).format;

describe('sniff', () => {
  it('sniff recognises containers and documents by magic number whatever the name', () => {
    expect(s(buildZip([{ name: 'a.txt', data: 'x' }]), 'notes.txt')).toBe('zip');
    expect(s(buildGzip('hello'), 'a.csv')).toBe('gzip');
    expect(s(buildTar([{ name: 'a.txt', data: 'x' }]))).toBe('tar');
    expect(s(buildPdf(['hello']), 'a.txt')).toBe('pdf');
    expect(s(Buffer.from('PAR1\0\0\0\0PAR1'))).toBe('parquet');
  });

  it('sniff skips binary content and names unsupported formats', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(s(png, 'photo.csv')).toBe('binary');
    expect(sniff(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), 'a.7z', true)).toEqual({
      format: 'unsupported',
      detail: '7z',
    });
    expect(s(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls')).toBe('unsupported');
  });

  it('sniff tells e-mail, JSON, NDJSON, CSV and text apart by content', () => {
    expect(s('Received: from x\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody')).toBe('eml');
    expect(s('{"a": [1, 2]}')).toBe('json');
    expect(s('{"a":1}\n{"a":2}\n')).toBe('ndjson');
    expect(s('id,email\n1,a@example.com\n2,b@example.com\n3,c@example.com\n')).toBe('csv');
    expect(s('# Title\n\nSome prose, with a comma.\n')).toBe('text');
    expect(s('Note: remember\nthis is prose\n')).toBe('text');
    expect(s('A text that mentions %PDF-1.4 in passing\n')).toBe('text');
  });

  it('sniff detects GB18030 text and keeps Latin-1 as UTF-8 (reported as invalid when read)', () => {
    const gb = Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xca, 0xc0, 0xbd, 0xe7, 0x0a]);
    expect(sniff(gb, 'x.txt', true)).toEqual({ format: 'text', encoding: 'gb18030' });
    expect(sniff(Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'), 'x.txt', true).encoding).toBe('utf-8');
  });

  it('sniff returns empty for no bytes', () => {
    expect(s(Buffer.alloc(0))).toBe('empty');
  });
});
