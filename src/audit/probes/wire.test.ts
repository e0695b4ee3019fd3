import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BsonDoc, BsonError, decodeBson, encodeBson } from './bson.js';
import { ProtocolError } from './common.js';
import { dumpKind, isDirectoryListing } from './http-listing.js';
import { opMsg, parseOpMsg } from './mongodb.js';
import { parseGreeting } from './mysql.js';
import { encodeCommand, parseResp } from './redis.js';

describe('BSON', () => {
  it('encodes the spec example {"hello": "world"} byte for byte', () => {
    expect(encodeBson({ hello: 'world' }).toString('hex')).toBe('160000000268656c6c6f0006000000776f726c640000');
  });

  it('decodes what it encodes', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
        fc.boolean(),
        fc.constant(null),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((k) => !k.includes('\0')),
          tie('v'),
          { maxKeys: 4 },
        ),
      ),
    }));
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => !k.includes('\0') && k !== '__proto__'),
          value.v,
          { maxKeys: 5 },
        ),
        (doc) => {
          const bytes = encodeBson(doc as BsonDoc);
          const { doc: back, next } = decodeBson(bytes);
          expect(next).toBe(bytes.length);
          expect(back).toEqual(doc);
        },
      ),
    );
  });

  it('throws only BsonError on arbitrary or truncated bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeBson(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(BsonError);
        }
      }),
    );
    const good = encodeBson({ a: 'x', b: { c: [1, 2, 3] } });
    for (let n = 0; n < good.length; n++) expect(() => decodeBson(good.subarray(0, n))).toThrow(BsonError);
  });
});

describe('OP_MSG', () => {
  it('round-trips a command and rejects a legacy OP_REPLY', () => {
    const msg = opMsg(7, { hello: 1, $db: 'admin' });
    expect(msg.readInt32LE(0)).toBe(msg.length);
    expect(msg.readInt32LE(12)).toBe(2013);
    expect(parseOpMsg(msg)).toEqual({ hello: 1, $db: 'admin' });
    const legacy = Buffer.from(msg);
    legacy.writeInt32LE(1, 12);
    expect(() => parseOpMsg(legacy)).toThrow(ProtocolError);
  });
});

describe('RESP', () => {
  it('parses replies and reports incomplete ones as null', () => {
    expect(parseResp(Buffer.from('+OK\r\n'))?.value).toBe('OK');
    expect(parseResp(Buffer.from('-NOAUTH Authentication required.\r\n'))?.value).toEqual({
      error: 'NOAUTH Authentication required.',
    });
    expect(parseResp(Buffer.from('*2\r\n$1\r\n0\r\n*1\r\n$3\r\nabc\r\n'))?.value).toEqual(['0', ['abc']]);
    expect(parseResp(Buffer.from('$5\r\nab'))).toBeNull();
    expect(encodeCommand(['GET', 'k']).toString()).toBe('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
  });

  it('throws only ProtocolError on garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        try {
          parseResp(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
    );
    expect(() => parseResp(Buffer.from('SSH-2.0-OpenSSH\r\n'))).toThrow(ProtocolError);
  });
});

describe('MySQL greeting and HTTP listings', () => {
  it('reads the server version from a handshake and the code from an error packet', () => {
    const payload = Buffer.concat([Buffer.from([0x0a]), Buffer.from('10.11.6-MariaDB\0'), Buffer.alloc(20)]);
    const head = Buffer.alloc(4);
    head.writeUIntLE(payload.length, 0, 3);
    expect(parseGreeting(Buffer.concat([head, payload]))).toEqual({ version: '10.11.6-MariaDB' });
    const err = Buffer.from([0xff, 0x6a, 0x04, ...Buffer.from('Host not allowed')]);
    const h2 = Buffer.alloc(4);
    h2.writeUIntLE(err.length, 0, 3);
    expect(parseGreeting(Buffer.concat([h2, err]))).toEqual({ errorCode: 1130 });
  });

  it('tells listings and dumps from ordinary pages', () => {
    expect(isDirectoryListing('<html><head><title>Index of /backup/</title>')).toBe(true);
    expect(isDirectoryListing('<title>Directory listing for /</title>')).toBe(true);
    expect(isDirectoryListing('<title>Shop</title>')).toBe(false);
    expect(dumpKind(Buffer.from('-- MySQL dump 10.13\nCREATE TABLE t'), 'x.sql')).toBe('sql');
    expect(dumpKind(Buffer.from('PGDMP\x01\x0e'), 'db.dump')).toBe('postgres-dump');
    expect(dumpKind(Buffer.from([0x50, 0x4b, 3, 4, 0]), 'b.zip')).toBe('zip');
    expect(dumpKind(Buffer.from('a,b\n1,2\n'), 'u.csv')).toBe('csv');
    expect(dumpKind(Buffer.from('<!doctype html><html>'), 'backup.sql')).toBeNull();
    expect(dumpKind(Buffer.from('just text'), 'u.csv')).toBeNull();
  });
});
