/**
 * Build small zip archives for the audit tests (no dependency): local entries, stored or deflated, optionally with
 * sizes in a trailing data descriptor, and an end record.
 */
import { deflateRawSync } from 'node:zlib';

/** A zip of local entries only (what a prefix holds); `descriptor` puts sizes in a trailing data descriptor. */
export function buildZip(entries: { name: string; data: Buffer; store?: boolean; descriptor?: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = e.store ? e.data : deflateRawSync(e.data);
    const name = Buffer.from(e.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(e.descriptor ? 0x08 : 0, 6);
    h.writeUInt16LE(e.store ? 0 : 8, 8);
    h.writeUInt32LE(e.descriptor ? 0 : body.length, 18);
    h.writeUInt32LE(e.descriptor ? 0 : e.data.length, 22);
    h.writeUInt16LE(name.length, 26);
    parts.push(h, name, body);
    if (e.descriptor) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(body.length, 8);
      d.writeUInt32LE(e.data.length, 12);
      parts.push(d);
    }
  }
  // A central directory end record, as real archives have (not read: a prefix does not reach it).
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  parts.push(end);
  return Buffer.concat(parts);
}
