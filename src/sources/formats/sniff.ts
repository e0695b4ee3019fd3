/**
 * Format sniffing by content: magic numbers first, then a text/binary decision with the encoding, then the text
 * formats (EML, JSON, NDJSON, CSV/TSV) by structure. The name's extension only breaks ties and lowers the evidence
 * a text format needs; a `.csv` full of NUL bytes is binary, a `notes.txt` holding a zip is a zip.
 */
import { isUtf8 } from 'node:buffer';
import { type CsvDialect, sniffCsvDialect } from './csv.js';
import type { TextEncoding } from './decode.js';
import { probeJson } from './json.js';
import { extensionOf } from './types.js';

/** Formats the readers know. `binary` and `unsupported` are skipped with a note. */
export type FormatId =
  | 'empty'
  | 'text'
  | 'csv'
  | 'json'
  | 'ndjson'
  | 'eml'
  | 'pdf'
  | 'zip'
  | 'tar'
  | 'gzip'
  | 'parquet'
  | 'binary'
  | 'unsupported';

/** What the sniffer found. */
export interface Sniffed {
  format: FormatId;
  /** Text formats: the encoding to decode with. */
  encoding?: TextEncoding;
  /** CSV: the dialect. */
  dialect?: CsvDialect;
  /** Unsupported formats: what it is (`7z`, `RAR`, `OLE2 (legacy or encrypted Office)`). */
  detail?: string;
}

/** Whether `head` starts with `magic` at `offset`. */
function startsWith(head: Uint8Array, magic: readonly number[], offset = 0): boolean {
  if (head.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[offset + i] !== magic[i]) return false;
  return true;
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** Recognised-but-unsupported containers, by magic number (sources: each format's specification). */
const UNSUPPORTED: readonly { magic: number[]; detail: string }[] = [
  { magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], detail: 'OLE2 (legacy or password-protected Office)' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], detail: '7z' },
  { magic: ascii('Rar!\x1a\x07'), detail: 'RAR' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], detail: 'xz' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], detail: 'zstd' },
];

/** Whether a 512-byte tar header's checksum is right (for pre-POSIX tar without the `ustar` magic). */
function isTarHeader(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i]!;
  const field = Buffer.from(head.subarray(148, 156)).toString('latin1');
  // Octal digits, NUL/space padded: `0001234\0`. Not a negative or base-256 value (never produced for checksums).
  const m = /^[ \0]*([0-7]{1,7})[ \0]*$/.exec(field);
  return m !== null && Number.parseInt(m[1]!, 8) === sum && head[0] !== 0;
}

/** Bytes that are neither text nor common whitespace/escape controls. */
function controlRatio(head: Uint8Array): number {
  if (head.length === 0) return 0;
  let bad = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b && b !== 0x1b) bad++;
    else if (b === 0x7f) bad++;
  }
  return bad / head.length;
}

/** `head` without a trailing incomplete UTF-8 sequence (when the head cut one). */
function trimUtf8Tail(head: Uint8Array): Uint8Array {
  for (let k = 1; k <= 3 && k <= head.length; k++) {
    const b = head[head.length - k]!;
    if (b < 0x80) return head;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > k ? head.subarray(0, head.length - k) : head;
    }
  }
  return head;
}

/** Decide the text encoding, or undefined when the bytes are binary. */
function textEncoding(head: Uint8Array, complete: boolean): TextEncoding | undefined {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  const sample = complete ? head : trimUtf8Tail(head);
  if (head.includes(0)) {
    // UTF-16 without a BOM: ASCII text with every other byte NUL.
    let evenZero = 0;
    let oddZero = 0;
    const n = Math.min(head.length, 4096) & ~1;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenZero++;
      if (head[i + 1] === 0) oddZero++;
    }
    if (n >= 8 && oddZero > 0.4 * (n / 2) && evenZero === 0) return 'utf-16le';
    if (n >= 8 && evenZero > 0.4 * (n / 2) && oddZero === 0) return 'utf-16be';
    return undefined;
  }
  if (controlRatio(head) > 0.1) return undefined;
  if (isUtf8(sample)) return 'utf-8';
  // Not UTF-8: a GB18030/GBK text (Chinese exports from Excel and older systems) decodes without error.
  try {
    const gbSample = complete ? head : head.subarray(0, Math.max(0, head.length - 4));
    new TextDecoder('gb18030', { fatal: true }).decode(gbSample);
    let high = 0;
    for (let i = 0; i < gbSample.length; i++) if (gbSample[i]! >= 0x80) high++;
    if (high >= 4) return 'gb18030';
  } catch {
    // Not GB18030 either: UTF-8 with invalid sequences (reported when read).
  }
  return 'utf-8';
}

/**
 * A header block that looks like RFC 5322: `Name: value` lines (with folded continuations) up to a blank line.
 * Matches `From: a@example.com`, `Content-Type: text/plain`; not `Note: see below` alone (needs known fields).
 */
const HEADER_LINE = /^([A-Za-z0-9-]{1,76}):/;

/** Header fields of a message (RFC 5322 §3.6, RFC 2045 MIME-Version/Content-Type, RFC 5321 trace fields). */
const MAIL_FIELDS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'received',
  'return-path',
  'content-type',
  'delivered-to',
  'reply-to',
  'sender',
]);
const MAIL_ANCHORS = new Set(['from', 'received', 'mime-version', 'message-id', 'return-path', 'delivered-to']);

function looksLikeEmail(text: string, name: string): boolean {
  const eml = extensionOf(name) === 'eml';
  const fields = new Set<string>();
  let lines = 0;
  for (const line of text.split('\n', 200)) {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (l === '') break;
    lines++;
    if (l.startsWith(' ') || l.startsWith('\t')) {
      if (lines === 1) return false;
      continue;
    }
    const m = HEADER_LINE.exec(l);
    if (!m) return false;
    fields.add(m[1]!.toLowerCase());
  }
  let known = 0;
  let anchor = false;
  for (const f of fields) {
    if (MAIL_FIELDS.has(f)) known++;
    if (MAIL_ANCHORS.has(f)) anchor = true;
  }
  return eml ? known >= 1 : known >= 3 && anchor;
}

/**
 * Sniff the format of an input from its first bytes and name.
 *
 * @param head the first bytes (up to 64 KiB)
 * @param name the file or member name (extension hint)
 * @param complete whether `head` is the whole input
 * @example
 * sniff(Buffer.from('%PDF-1.7\n…'), 'x.bin', false).format; // 'pdf'
 */
export function sniff(head: Uint8Array, name: string, complete: boolean): Sniffed {
  if (head.length === 0) return { format: 'empty' };
  if (
    startsWith(head, ascii('PK\x03\x04')) ||
    startsWith(head, ascii('PK\x05\x06')) ||
    startsWith(head, ascii('PK\x07\x08'))
  ) {
    return { format: 'zip' };
  }
  if (startsWith(head, [0x1f, 0x8b])) return { format: 'gzip' };
  if (startsWith(head, ascii('PAR1'))) return { format: 'parquet' };
  // PDF readers accept a header within the first 1024 bytes; a text that merely mentions `%PDF-` stays text.
  const pdfAt = Buffer.from(head.subarray(0, 1024)).indexOf('%PDF-');
  if (pdfAt === 0 || (pdfAt > 0 && textEncoding(head, complete) === undefined)) return { format: 'pdf' };
  if (startsWith(head, ascii('ustar'), 257) || (extensionOf(name) === 'tar' && isTarHeader(head)))
    return { format: 'tar' };
  if (startsWith(head, ascii('BZh')) && head.length > 3 && head[3]! >= 0x31 && head[3]! <= 0x39) {
    return { format: 'unsupported', detail: 'bzip2' };
  }
  for (const u of UNSUPPORTED) if (startsWith(head, u.magic)) return { format: 'unsupported', detail: u.detail };

  const encoding = textEncoding(head, complete);
  if (!encoding) return { format: 'binary' };
  if (encoding !== 'utf-8' && encoding !== 'gb18030') return { format: 'text', encoding };

  const bom = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  const body = head.subarray(bom);
  const text = new TextDecoder(encoding).decode(complete ? body : encoding === 'utf-8' ? trimUtf8Tail(body) : body);
  if (looksLikeEmail(text, name)) return { format: 'eml', encoding };
  const json = probeJson(text, name, complete);
  if (json) return { format: json, encoding };
  const utf8 = encoding === 'utf-8' ? Buffer.from(body) : Buffer.from(text, 'utf8');
  const dialect = sniffCsvDialect(utf8, name, complete);
  if (dialect) return { format: 'csv', encoding, dialect };
  return { format: 'text', encoding };
}
