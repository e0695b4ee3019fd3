/**
 * Text from the first bytes of a compressed dump found by the HTTP or S3 probe, for `--sample`: a gzip stream
 * (`db.sql.gz`, `backup.tar.gz`) is inflated from its prefix; a zip (`backup.zip`) is read entry by entry from its
 * local headers (the central directory sits at the end, which a prefix does not hold). Only a bounded prefix is
 * ever fetched and only a bounded amount inflated: the scan's archive limits apply (`maxRatio` above
 * `ratioFloorBytes`, from `sources/formats/types.ts`), and each entry and the whole sample have byte caps, so a
 * zip bomb yields a truncated sample, never a blow-up.
 */
import { constants, createGunzip, createInflateRaw } from 'node:zlib';
import { DEFAULT_LIMITS } from '../../sources/formats/types.js';

/** Most bytes inflated from one gzip stream or zip entry. */
export const MAX_ENTRY_TEXT = 256 * 1024;
/** Most zip entries read from one archive prefix. */
export const MAX_ZIP_ENTRIES = 5;

/** Entry names worth reading as text (dumps, exports, logs). */
const TEXT_ENTRY = /\.(?:sql|csv|tsv|json|ndjson|jsonl|txt|log|xml|ya?ml|dump|bak)$/i;

/**
 * Inflate a possibly truncated gzip or raw-deflate prefix, keeping at most `maxOut` bytes and no more than the
 * archive ratio limit allows. Never throws: a corrupt or cut stream yields what inflated before the fault.
 *
 * @example
 * const text = (await inflatePrefix(gzipBytes.subarray(0, 65536), 'gzip')).toString('utf8');
 */
export function inflatePrefix(input: Buffer, format: 'gzip' | 'deflate-raw', maxOut = MAX_ENTRY_TEXT): Promise<Buffer> {
  const ratioCap = Math.max(DEFAULT_LIMITS.ratioFloorBytes, DEFAULT_LIMITS.maxRatio * input.length);
  const cap = Math.min(maxOut, ratioCap);
  return new Promise((resolve) => {
    const z =
      format === 'gzip'
        ? createGunzip({ finishFlush: constants.Z_SYNC_FLUSH })
        : createInflateRaw({ finishFlush: constants.Z_SYNC_FLUSH });
    const out: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      z.removeAllListeners('data');
      z.destroy();
      resolve(Buffer.concat(out).subarray(0, cap));
    };
    z.on('data', (c: Buffer) => {
      out.push(c);
      size += c.length;
      if (size >= cap) finish();
    });
    z.on('end', finish);
    z.on('error', finish);
    z.end(input);
  });
}

/** One entry read from a zip prefix. */
export interface ZipEntryText {
  name: string;
  text: string;
}

/**
 * Read the first text-like entries of a zip from a prefix of its bytes (local file headers: signature
 * `PK\x03\x04`, method 0 stored or 8 deflate; encrypted entries, directories and other methods are skipped). An
 * entry whose size is only in a trailing data descriptor is inflated until its stream ends, and the next header
 * is searched for. At most {@link MAX_ZIP_ENTRIES} entries, {@link MAX_ENTRY_TEXT} bytes each.
 *
 * @example
 * for (const e of await zipPrefixEntries(prefix)) console.log(e.name, e.text.length);
 */
export async function zipPrefixEntries(buf: Buffer, maxEntries = MAX_ZIP_ENTRIES): Promise<ZipEntryText[]> {
  const out: ZipEntryText[] = [];
  let p = 0;
  for (let guard = 0; guard < 1000 && out.length < maxEntries && p + 30 <= buf.length; guard++) {
    if (buf.readUInt32LE(p) !== 0x04034b50) break;
    const flags = buf.readUInt16LE(p + 6);
    const method = buf.readUInt16LE(p + 8);
    const compressed = buf.readUInt32LE(p + 18);
    const nameLen = buf.readUInt16LE(p + 26);
    const extraLen = buf.readUInt16LE(p + 28);
    const name = buf.toString('utf8', p + 30, Math.min(buf.length, p + 30 + nameLen));
    const data = p + 30 + nameLen + extraLen;
    if (data > buf.length) break;
    const sizeKnown = (flags & 0x08) === 0 || compressed > 0;
    const end = sizeKnown ? Math.min(buf.length, data + compressed) : buf.length;
    const readable =
      (flags & 0x01) === 0 && (method === 0 || method === 8) && !name.endsWith('/') && TEXT_ENTRY.test(name);
    if (readable) {
      const body = buf.subarray(data, end);
      const bytes = method === 0 ? body.subarray(0, MAX_ENTRY_TEXT) : await inflatePrefix(body, 'deflate-raw');
      if (bytes.length > 0) out.push({ name, text: bytes.toString('utf8') });
    }
    if (sizeKnown) {
      p = data + compressed;
      if ((flags & 0x08) !== 0) p += buf.readUInt32LE(Math.min(p, buf.length - 4)) === 0x08074b50 ? 16 : 12;
    } else {
      // The size is in a data descriptor after the data: find the next local header.
      const next = buf.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), data);
      if (next < 0) break;
      p = next;
    }
  }
  return out;
}
