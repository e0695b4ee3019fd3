/**
 * The few BSON pieces the MongoDB probe needs (spec: https://bsonspec.org/spec.html): an encoder for command
 * documents (string, number, boolean, null, document, array, bigint) and a bounded decoder for replies — every
 * length is checked against the buffer, nesting is capped, unknown element types are an error, never a crash.
 */

/** A decoded BSON value. Binary, ObjectId and decimal128 are reduced to short descriptive strings. */
export type BsonValue = string | number | bigint | boolean | null | Date | BsonDoc | BsonValue[];
export interface BsonDoc {
  [key: string]: BsonValue;
}

/** The bytes are not valid BSON. */
export class BsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BsonError';
  }
}

const MAX_DEPTH = 32;

function cstring(name: string): Buffer {
  if (name.includes('\0')) throw new BsonError('key contains NUL');
  return Buffer.from(`${name}\0`, 'utf8');
}

function encodeElement(name: string, v: BsonValue, parts: Buffer[], depth: number): void {
  const key = cstring(name);
  if (v === null) parts.push(Buffer.from([0x0a]), key);
  else if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    const len = Buffer.alloc(4);
    len.writeInt32LE(s.length + 1);
    parts.push(Buffer.from([0x02]), key, len, s, Buffer.from([0]));
  } else if (typeof v === 'boolean') parts.push(Buffer.from([0x08]), key, Buffer.from([v ? 1 : 0]));
  else if (typeof v === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    parts.push(Buffer.from([0x12]), key, b);
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      parts.push(Buffer.from([0x10]), key, b);
    } else {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v);
      parts.push(Buffer.from([0x01]), key, b);
    }
  } else if (v instanceof Date) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(v.getTime()));
    parts.push(Buffer.from([0x09]), key, b);
  } else if (Array.isArray(v)) {
    const doc: BsonDoc = {};
    v.forEach((x, i) => {
      doc[String(i)] = x;
    });
    parts.push(Buffer.from([0x04]), key, encodeDoc(doc, depth + 1));
  } else parts.push(Buffer.from([0x03]), key, encodeDoc(v, depth + 1));
}

function encodeDoc(doc: BsonDoc, depth: number): Buffer {
  if (depth > MAX_DEPTH) throw new BsonError('document nested too deeply');
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(doc)) encodeElement(k, v, parts, depth);
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(body.length + 5);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

/**
 * Encode a document.
 *
 * @example
 * encodeBson({ hello: 1, $db: 'admin' })
 */
export function encodeBson(doc: BsonDoc): Buffer {
  return encodeDoc(doc, 0);
}

function need(buf: Buffer, at: number, n: number, end: number): void {
  if (n < 0 || at + n > end || at + n > buf.length) throw new BsonError('truncated BSON');
}

function readCString(buf: Buffer, at: number, end: number): [string, number] {
  const nul = buf.indexOf(0, at);
  if (nul < 0 || nul >= end) throw new BsonError('unterminated key');
  return [buf.toString('utf8', at, nul), nul + 1];
}

function decodeDoc(buf: Buffer, at: number, depth: number, array: boolean): [BsonDoc | BsonValue[], number] {
  if (depth > MAX_DEPTH) throw new BsonError('document nested too deeply');
  need(buf, at, 4, buf.length);
  const size = buf.readInt32LE(at);
  if (size < 5) throw new BsonError('bad document size');
  const end = at + size;
  need(buf, at, size, buf.length);
  if (buf[end - 1] !== 0) throw new BsonError('document not terminated');
  const doc: BsonDoc = {};
  const list: BsonValue[] = [];
  let p = at + 4;
  while (p < end - 1) {
    const type = buf[p]!;
    const [name, next] = readCString(buf, p + 1, end - 1);
    p = next;
    let v: BsonValue;
    switch (type) {
      case 0x01:
        need(buf, p, 8, end);
        v = buf.readDoubleLE(p);
        p += 8;
        break;
      case 0x02:
      case 0x0d:
      case 0x0e: {
        need(buf, p, 4, end);
        const len = buf.readInt32LE(p);
        need(buf, p + 4, len, end);
        if (len < 1 || buf[p + 4 + len - 1] !== 0) throw new BsonError('bad string');
        v = buf.toString('utf8', p + 4, p + 4 + len - 1);
        p += 4 + len;
        break;
      }
      case 0x03:
      case 0x04: {
        const [d, n] = decodeDoc(buf, p, depth + 1, type === 0x04);
        v = d as BsonValue;
        p = n;
        break;
      }
      case 0x05: {
        need(buf, p, 5, end);
        const len = buf.readInt32LE(p);
        need(buf, p + 5, len, end);
        v = `<binary ${len} bytes>`;
        p += 5 + len;
        break;
      }
      case 0x06:
      case 0x0a:
      case 0x7f:
      case 0xff:
        v = null;
        break;
      case 0x07:
        need(buf, p, 12, end);
        v = buf.toString('hex', p, p + 12);
        p += 12;
        break;
      case 0x08:
        need(buf, p, 1, end);
        v = buf[p] === 1;
        p += 1;
        break;
      case 0x09:
        need(buf, p, 8, end);
        v = new Date(Number(buf.readBigInt64LE(p)));
        p += 8;
        break;
      case 0x0b: {
        const [pattern, n1] = readCString(buf, p, end);
        const [, n2] = readCString(buf, n1, end);
        v = pattern;
        p = n2;
        break;
      }
      case 0x10:
        need(buf, p, 4, end);
        v = buf.readInt32LE(p);
        p += 4;
        break;
      case 0x11:
        need(buf, p, 8, end);
        v = buf.readBigUInt64LE(p);
        p += 8;
        break;
      case 0x12:
        need(buf, p, 8, end);
        v = buf.readBigInt64LE(p);
        p += 8;
        break;
      case 0x13:
        need(buf, p, 16, end);
        v = '<decimal128>';
        p += 16;
        break;
      default:
        throw new BsonError(`unknown element type 0x${type.toString(16)}`);
    }
    if (array) list.push(v);
    else doc[name] = v;
  }
  if (p !== end - 1) throw new BsonError('document length mismatch');
  return [array ? list : doc, end];
}

/**
 * Decode one document at `offset`; returns it and the offset after it.
 *
 * @throws BsonError for malformed input
 */
export function decodeBson(buf: Buffer, offset = 0): { doc: BsonDoc; next: number } {
  const [doc, next] = decodeDoc(buf, offset, 0, false);
  return { doc: doc as BsonDoc, next };
}
