/**
 * XLSX workbooks, rewritten part by part: the zip is read with the scanner's guarded reader (`yauzl`, zip-bomb
 * limits, overlapping entries refused) and written with `fflate`, one member after another, so memory is one
 * sheet row plus the shared-string table. Every part keeps its name, date and place; sheets, styles, formulas,
 * merged cells, tables, charts and relationships are kept.
 *
 * What is protected:
 * - Cells: shared strings (`t="s"`), inline strings, formula results (`t="str"`), ISO dates (`t="d"`) and
 *   numbers, by their column: the header cell of the first non-empty row when that row looks like a header
 *   (the scanner's test), else `column B`; rules as for CSV. A number whose protected form is not a number
 *   becomes an inline string. A shared string whose protected form differs in some cell gets a new shared
 *   string for that cell; an original entry no unchanged cell uses any more is emptied, so the original text
 *   is not left in the table.
 * - Formula text, comments, headers and footers, chart caches, pivot caches (with their field names as
 *   column names, so column rules apply there too), external-link caches, document properties: detection.
 *
 * What is not: binary parts (images, VBA projects, embedded OLE objects and workbooks, listed as warnings).
 * Rich-text formatting of a string that changes is dropped (its text becomes one run); phonetic guides of a
 * changed string are dropped with it.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { InputError } from '../../core/errors.js';
import { looksLikeHeader } from '../../sources/formats/csv.js';
import type { ByteInput } from '../../sources/formats/input.js';
import { columnLetters, columnNumber, officeKind } from '../../sources/formats/ooxml.js';
import { createReadContext, type ReadContext, type ReadLimits } from '../../sources/formats/types.js';
import { findOverlap, memberBytes, type OpenZip, openZip, type ZipMember } from '../../sources/formats/zip.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import type { AtomicOutput } from './output.js';
import { type ColumnRef, columnKey, columnRef, type ValueLocation, type ValueTransformer } from './values.js';
import { localName, serialize, type XmlToken, XmlTokenizer } from './xml.js';

/** Options of {@link transformXlsx}. */
export interface XlsxTransformOptions {
  /** File name for messages. */
  file: string;
  /** Header of the column whose value is the data subject (`dateshift`). */
  subjectColumn?: string | undefined;
  /** Zip limits (default: the scanner's). */
  limits?: Partial<ReadLimits>;
}

/** What {@link transformXlsx} reports. */
export interface XlsxResult {
  sheets: number;
  rows: number;
  /** Parts copied without protection (binary parts), by name. */
  notProtected: string[];
}

/**
 * A cell reference: `B12` → column letters and row. Matches `A1`, `XFD1048576`; not `$A$1` or `R1C1`.
 * Source: ECMA-376 Part 1 §18.3.1.4 (`ST_CellRef`).
 */
const CELL_REF = /^([A-Za-z]{1,3})([0-9]{1,7})$/;

/**
 * An XML number as Excel writes it in `<v>`: `42`, `-3.5`, `1E-3`. Not `1,234`, `0x1F` or text. Source:
 * ECMA-376 Part 1 §18.3.1.96 (`xsd:double` lexical form, without INF/NaN).
 */
const XML_NUMBER = /^-?(?:[0-9]{1,300}(?:\.[0-9]{0,300})?|\.[0-9]{1,300})(?:[eE][+-]?[0-9]{1,4})?$/;

/**
 * An ISO 8601 date or date-time as in `t="d"` cells: `2024-03-01`, `2024-03-01T08:30:00`. Not `2024` or
 * `01/03/2024`. Source: ECMA-376 Part 1 §18.17.4.1.
 */
const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]{1,18}(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$/;

/** Worksheet parts. Matches `xl/worksheets/sheet1.xml`; not `xl/worksheets/_rels/sheet1.xml.rels`. */
const SHEET_PART = /^xl\/worksheets\/[^/]{1,255}\.xml$/;
/** Pivot cache definitions. Matches `xl/pivotCache/pivotCacheDefinition1.xml`; not records or rels. */
const PIVOT_DEFINITION = /^xl\/pivotCache\/pivotCacheDefinition[0-9]{0,6}\.xml$/;
/** Pivot cache records. Matches `xl/pivotCache/pivotCacheRecords1.xml`. */
const PIVOT_RECORDS = /^xl\/pivotCache\/pivotCacheRecords[0-9]{0,6}\.xml$/;
/**
 * Parts copied as they are: package plumbing and formatting without values. Matches `[Content_Types].xml`,
 * `xl/_rels/workbook.xml.rels`, `xl/styles.xml`, `xl/theme/theme1.xml`, `xl/calcChain.xml`. Not sheets, shared
 * strings, comments or properties.
 */
const PLUMBING =
  /^(?:\[Content_Types\]\.xml|.{0,1024}\.rels|xl\/styles\.xml|xl\/theme\/[^/]{1,255}|xl\/calcChain\.xml)$/;
/** XML parts (by extension). Matches `docProps/core.xml`, `xl/comments1.xml`; not `xl/media/image1.png`. */
const XML_PART = /\.xml$/i;

/** Attributes that hold values in Office parts (pivot cache items, external-link caches, connections). */
const VALUE_ATTRS = new Set(['v', 'minValue', 'maxValue', 'connection', 'command']);

interface SheetInfo {
  readonly name: string;
  /** Header names by column number, when the first non-empty row is a header. */
  header: Map<number, string> | undefined;
  /** Row number of the header. */
  headerRow: number;
}

/** A `<c>` element inside a buffered row. */
interface Cell {
  readonly start: number;
  readonly end: number;
  readonly col: number;
}

/** A guarded zip read failure as an input error (the reader's messages never hold values). */
function zipError(file: string, detail: string, cause?: unknown): InputError {
  return new InputError('LG_INPUT_INVALID', `Cannot rewrite XLSX "${file}": ${detail}`, {
    location: { file },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Decoded text of a part, chunk by chunk. */
async function* partText(zip: OpenZip, member: ZipMember, ctx: ReadContext): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of memberBytes(zip, member, ctx)) yield decoder.decode(chunk, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** Tokens of a part, in batches; stops early when the consumer returns. */
async function* partTokens(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  file: string,
): AsyncGenerator<XmlToken[]> {
  const t = new XmlTokenizer();
  try {
    for await (const s of partText(zip, member, ctx)) yield t.write(s);
    yield t.end();
  } catch (e) {
    if (e instanceof InputError) throw e;
    const why = e instanceof Error && e.name === 'LimitExceededError' ? e.message : 'it is not well-formed XML';
    throw zipError(file, `part "${member.name}" ${why.startsWith('it') ? why : `is refused: ${why}`}`, e);
  }
}

/** Text of the `<t>` elements of an `<si>`/`<is>` token range, phonetic runs (`<rPh>`) excluded. */
function runText(tokens: readonly XmlToken[], from: number, to: number): string {
  let s = '';
  let inT = false;
  let phonetic = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i] as XmlToken;
    if (t.k === 'open') {
      const n = localName(t.name);
      if (n === 'rPh') phonetic++;
      else if (n === 't' && !t.self) inT = true;
    } else if (t.k === 'close') {
      const n = localName(t.name);
      if (n === 'rPh') phonetic--;
      else if (n === 't') inT = false;
    } else if ((t.k === 'text' || t.k === 'cdata') && inT && phonetic === 0) s += t.text;
  }
  return s;
}

/** Index of the token closing the element opened at `open` (itself when self-closing). */
function closeOf(tokens: readonly XmlToken[], open: number): number {
  const first = tokens[open] as XmlToken;
  if (first.k === 'open' && first.self) return open;
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as XmlToken;
    if (t.k === 'open' && !t.self) depth++;
    else if (t.k === 'close' && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** `<si>`/`<is>` content for a plain string, with the element prefix of its parent. */
function textRun(prefix: string, text: string): XmlToken[] {
  return [
    { k: 'open', name: `${prefix}t`, attrs: { 'xml:space': 'preserve' }, self: false },
    { k: 'text', text },
    { k: 'close', name: `${prefix}t` },
  ];
}

function prefixOf(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? '' : name.slice(0, i + 1);
}

/**
 * Protects (or reveals) an XLSX workbook into `output`.
 *
 * @throws InputError `LG_INPUT_INVALID` for a damaged or refused workbook (naming the part); PolicyError
 *   `LG_OPERATOR_FAILED` with sheet, row and column when an operator fails
 * @example
 * await transformXlsx(input, output, values, { file: 'people.xlsx' });
 */
export async function transformXlsx(
  input: ByteInput,
  output: AtomicOutput,
  values: ValueTransformer,
  options: XlsxTransformOptions,
): Promise<XlsxResult> {
  const { file } = options;
  const newCtx = (): ReadContext => createReadContext(options.limits);
  const opened = await openZip(input, newCtx(), 'XLSX workbook');
  if ('problem' in opened) throw zipError(file, opened.message.replace(/^Cannot [a-z]+ XLSX workbook: /, ''));
  try {
    if (officeKind(opened) !== 'xlsx') throw zipError(file, 'it is a zip archive but not an XLSX workbook');
    if (opened.truncated > 0) throw zipError(file, 'it has more parts than the entry limit');
    if (findOverlap(opened.members)) throw zipError(file, 'its entries overlap (a zip-bomb construction)');
    for (const m of opened.members) {
      if (m.entry.isEncrypted()) throw zipError(file, `part "${m.name}" is encrypted`);
      if (m.entry.compressionMethod !== 0 && m.entry.compressionMethod !== 8) {
        throw zipError(file, `part "${m.name}" uses compression method ${m.entry.compressionMethod}`);
      }
    }
    return await rewrite(opened, output, values, options, newCtx);
  } finally {
    opened.close();
  }
}

async function rewrite(
  zip: OpenZip,
  output: AtomicOutput,
  values: ValueTransformer,
  options: XlsxTransformOptions,
  newCtx: () => ReadContext,
): Promise<XlsxResult> {
  const { file } = options;
  const byName = new Map(zip.members.map((m) => [m.name, m]));
  const readAll = async (name: string): Promise<XmlToken[]> => {
    const member = byName.get(name);
    if (!member) return [];
    const all: XmlToken[] = [];
    for await (const batch of partTokens(zip, member, newCtx(), file)) for (const t of batch) all.push(t);
    return all;
  };

  // Workbook: sheet names and parts; the shared-string part.
  const rels = new Map<string, string>();
  let sstPath = 'xl/sharedStrings.xml';
  for (const t of await readAll('xl/_rels/workbook.xml.rels')) {
    if (t.k !== 'open' || localName(t.name) !== 'Relationship') continue;
    const id = t.attrs.Id;
    const target = t.attrs.Target;
    if (!id || !target) continue;
    const path = target.startsWith('/') ? target.slice(1) : resolvePath('xl', target);
    rels.set(id, path);
    if ((t.attrs.Type ?? '').endsWith('/sharedStrings')) sstPath = path;
  }
  const sheets = new Map<string, SheetInfo>();
  let s = 0;
  for (const t of await readAll('xl/workbook.xml')) {
    if (t.k !== 'open' || localName(t.name) !== 'sheet') continue;
    s++;
    const rid = Object.entries(t.attrs).find(([k]) => localName(k) === 'id')?.[1] ?? '';
    const path = rels.get(rid) ?? `xl/worksheets/sheet${s}.xml`;
    sheets.set(path, { name: t.attrs.name ?? `sheet ${s}`, header: undefined, headerRow: 0 });
  }
  for (const m of zip.members) {
    if (SHEET_PART.test(m.name) && !sheets.has(m.name)) {
      sheets.set(m.name, { name: m.name, header: undefined, headerRow: 0 });
    }
  }

  // Shared strings, as text.
  const sstTokens = byName.has(sstPath) ? await readAll(sstPath) : [];
  const shared: string[] = [];
  let chars = 0;
  const maxChars = newCtx().limits.maxBufferBytes;
  for (let i = 0; i < sstTokens.length; i++) {
    const t = sstTokens[i] as XmlToken;
    if (t.k !== 'open' || localName(t.name) !== 'si') continue;
    const end = closeOf(sstTokens, i);
    const text = runText(sstTokens, i, end);
    chars += text.length;
    if (chars > maxChars) throw zipError(file, `the shared strings exceed ${maxChars} characters`);
    shared.push(text);
    i = end;
  }

  // Pass 1: each sheet's header (the first non-empty rows only).
  for (const [path, info] of sheets) {
    const member = byName.get(path);
    if (member) await findHeader(zip, member, newCtx(), file, shared, info);
  }

  // Pivot caches: field names of each definition, and which records part belongs to which definition.
  const pivotFields = new Map<string, string[]>();
  for (const m of zip.members) {
    if (!PIVOT_DEFINITION.test(m.name)) continue;
    const names: string[] = [];
    for (const t of await readAll(m.name)) {
      if (t.k === 'open' && localName(t.name) === 'cacheField') names.push(t.attrs.name ?? '');
    }
    const relsPath = m.name.replace(/([^/]+)$/, '_rels/$1.rels');
    for (const t of await readAll(relsPath)) {
      if (
        t.k === 'open' &&
        localName(t.name) === 'Relationship' &&
        (t.attrs.Type ?? '').endsWith('/pivotCacheRecords')
      ) {
        pivotFields.set(resolvePath('xl/pivotCache', t.attrs.Target ?? ''), names);
      }
    }
    pivotFields.set(m.name, names);
  }

  // Writing.
  const queue: Uint8Array[] = [];
  let zipError_: Error | undefined;
  const out = new Zip((err, data) => {
    if (err) zipError_ ??= err;
    else queue.push(data);
  });
  const drain = async (): Promise<void> => {
    if (zipError_) throw zipError_;
    while (queue.length > 0) await output.write(queue.shift() as Uint8Array);
  };
  const encoder = new TextEncoder();
  const state: SharedState = {
    shared,
    kept: new Uint8Array(shared.length),
    changed: new Uint8Array(shared.length),
    appended: [],
    appendedIndex: new Map(),
    cache: new Map(),
  };
  const notProtected: string[] = [];
  let rows = 0;

  for (const member of zip.members) {
    const { name, entry } = member;
    if (name === sstPath) continue; // written last, once every cell has been seen
    const stored = entry.compressionMethod === 0 || name.endsWith('/');
    const target = stored ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    target.mtime = zipDate(entry.getLastModDate());
    out.add(target);
    if (name.endsWith('/')) {
      target.push(new Uint8Array(0), true);
      await drain();
      continue;
    }
    const push = async (text: string): Promise<void> => {
      if (text.length === 0) return;
      target.push(encoder.encode(text));
      await drain();
    };
    const sheet = sheets.get(name);
    if (sheet) rows += await rewriteSheet(zip, member, newCtx(), values, sheet, state, push, options);
    else if (XML_PART.test(name) && !PLUMBING.test(name)) {
      await rewriteGeneric(zip, member, newCtx(), values, push, file, pivotFields.get(name), PIVOT_RECORDS.test(name));
    } else {
      if (!XML_PART.test(name) && !PLUMBING.test(name) && !/^xl\/media\//.test(name)) notProtected.push(name);
      for await (const chunk of memberBytes(zip, member, newCtx())) {
        target.push(chunk);
        await drain();
      }
    }
    target.push(new Uint8Array(0), true);
    await drain();
  }

  const sstMember = byName.get(sstPath);
  if (sstMember) {
    const target = new ZipDeflate(sstPath, { level: 6 });
    target.mtime = zipDate(sstMember.entry.getLastModDate());
    out.add(target);
    const xml = await writeShared(sstTokens, state, values, file);
    for (let i = 0; i < xml.length; i += 1 << 20) {
      target.push(encoder.encode(xml.slice(i, i + (1 << 20))));
      await drain();
    }
    target.push(new Uint8Array(0), true);
    await drain();
  }
  out.end();
  await drain();
  return { sheets: sheets.size, rows, notProtected };
}

/** A part's date within what a zip header can hold (1980-2099; DOS dates start in 1980). */
function zipDate(d: Date): Date {
  const y = d.getFullYear();
  return Number.isNaN(y) || y < 1980 || y > 2099 ? new Date(1980, 0, 1) : d;
}

/** `base/target` with `..` resolved (relationship targets). */
function resolvePath(base: string, target: string): string {
  const parts = base.split('/').filter(Boolean);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

/** Rows held back to decide whether the first non-empty row is a header (as the scanner does). */
const HEADER_SAMPLE_ROWS = 20;

/** The text of a cell (header sniffing, subjects); `shared` looks up shared strings. */
function cellText(tokens: readonly XmlToken[], c: Cell, shared: (i: number) => string | undefined): string {
  const open = tokens[c.start] as Extract<XmlToken, { k: 'open' }>;
  const t = open.attrs.t ?? 'n';
  if (t === 'b' || t === 'e') return '';
  if (t === 'inlineStr') {
    for (let i = c.start + 1; i < c.end; i++) {
      const x = tokens[i] as XmlToken;
      if (x.k === 'open' && localName(x.name) === 'is') return runText(tokens, i, closeOf(tokens, i));
    }
    return '';
  }
  const v = childText(tokens, c, 'v');
  if (t === 's') return shared(Number(v)) ?? '';
  return v ?? '';
}

/** The text of the first child element `name` of a cell, or undefined. */
function childText(tokens: readonly XmlToken[], c: Cell, name: string): string | undefined {
  for (let i = c.start + 1; i < c.end; i++) {
    const x = tokens[i] as XmlToken;
    if (x.k === 'open' && localName(x.name) === name) {
      if (x.self) return '';
      let s = '';
      const end = closeOf(tokens, i);
      for (let j = i + 1; j < end; j++) {
        const y = tokens[j] as XmlToken;
        if (y.k === 'text' || y.k === 'cdata') s += y.text;
      }
      return s;
    }
  }
  return undefined;
}

/** The cells of a buffered `<row>` (tokens[0] is the row's open tag). */
function cellsOf(tokens: readonly XmlToken[]): Cell[] {
  const cells: Cell[] = [];
  let last = 0;
  for (let i = 1; i < tokens.length - 1; i++) {
    const t = tokens[i] as XmlToken;
    if (t.k !== 'open' || localName(t.name) !== 'c') continue;
    const end = closeOf(tokens, i);
    const m = CELL_REF.exec(t.attrs.r ?? '');
    const col = m ? columnNumber(m[1] as string) : last + 1;
    last = col;
    cells.push({ start: i, end, col });
    i = end;
  }
  return cells;
}

/** Rows of a sheet as token arrays (the `<row>` element), with everything else passed to `other`. */
async function* sheetRows(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  file: string,
  other: ((t: XmlToken) => void) | undefined,
): AsyncGenerator<XmlToken[]> {
  let row: XmlToken[] | undefined;
  let depth = 0;
  for await (const batch of partTokens(zip, member, ctx, file)) {
    for (const t of batch) {
      if (row) {
        row.push(t);
        if (t.k === 'open' && !t.self) depth++;
        else if (t.k === 'close' && --depth === 0) {
          const r = row;
          row = undefined;
          yield r;
        }
        continue;
      }
      if (t.k === 'open' && !t.self && localName(t.name) === 'row') {
        row = [t];
        depth = 1;
        continue;
      }
      other?.(t);
    }
  }
}

async function findHeader(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  file: string,
  shared: readonly string[],
  info: SheetInfo,
): Promise<void> {
  const held: { row: number; cells: { col: number; text: string }[] }[] = [];
  let lastRow = 0;
  for await (const tokens of sheetRows(zip, member, ctx, file, undefined)) {
    const open = tokens[0] as Extract<XmlToken, { k: 'open' }>;
    const r = Number(open.attrs.r);
    lastRow = Number.isInteger(r) && r > 0 ? r : lastRow + 1;
    const cells = cellsOf(tokens)
      .map((c) => ({ col: c.col, text: cellText(tokens, c, (i) => shared[i]) }))
      .filter((c) => c.text.length > 0);
    if (cells.length > 0) held.push({ row: lastRow, cells });
    if (held.length >= HEADER_SAMPLE_ROWS) break;
  }
  const first = held[0];
  if (!first) return;
  const width = Math.max(...first.cells.map((c) => c.col));
  const grid = held.map((h) => {
    const a = new Array<string>(width).fill('');
    for (const c of h.cells) if (c.col <= width) a[c.col - 1] = c.text;
    return a;
  });
  if (!looksLikeHeader(grid)) return;
  info.header = new Map(first.cells.map((c) => [c.col, c.text.trim()]));
  info.headerRow = first.row;
}

/** Shared-string bookkeeping across sheets. */
interface SharedState {
  readonly shared: readonly string[];
  /** 1 when some cell still uses the entry unchanged. */
  readonly kept: Uint8Array;
  /** 1 when some cell's value was changed away from the entry. */
  readonly changed: Uint8Array;
  /** New entries, appended after the originals. */
  readonly appended: string[];
  readonly appendedIndex: Map<string, number>;
  /** Output per (entry, column) for cells without a subject. */
  readonly cache: Map<string, string>;
}

async function rewriteSheet(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  values: ValueTransformer,
  sheet: SheetInfo,
  state: SharedState,
  push: (text: string) => Promise<void>,
  options: XlsxTransformOptions,
): Promise<number> {
  const { file } = options;
  let pending = '';
  const other = (t: XmlToken): void => {
    pending += serialize(t);
  };
  const refs = new Map<number, ColumnRef>();
  const refOf = (col: number): ColumnRef => {
    let r = refs.get(col);
    if (!r) {
      const name = sheet.header?.get(col) ?? `column ${columnLetters(col)}`;
      r = columnRef(name);
      refs.set(col, r);
    }
    return r;
  };
  let subjectCol = -1;
  if (options.subjectColumn !== undefined && sheet.header) {
    const key = columnKey(options.subjectColumn);
    for (const [col, name] of sheet.header) if (columnKey(name) === key) subjectCol = col;
  }
  const loc = { row: 0, col: 0 };
  const where = (): ValueLocation => ({
    file,
    sheet: sheet.name,
    row: loc.row,
    field: sheet.header?.get(loc.col) ?? `column ${columnLetters(loc.col)}`,
  });
  let rows = 0;
  let lastRow = 0;
  for await (const tokens of sheetRows(zip, member, ctx, file, other)) {
    if (pending) {
      await push(pending);
      pending = '';
    }
    rows++;
    const open = tokens[0] as Extract<XmlToken, { k: 'open' }>;
    const r = Number(open.attrs.r);
    lastRow = Number.isInteger(r) && r > 0 ? r : lastRow + 1;
    loc.row = lastRow;
    const isHeader = sheet.header !== undefined && lastRow === sheet.headerRow;
    const cells = cellsOf(tokens);
    const ends = new Map(cells.map((c) => [c.start, c.end]));
    const replaced = new Map<number, XmlToken[]>();
    let subject: string | undefined;
    const order =
      subjectCol >= 0
        ? [...cells].sort((a, b) => (b.col === subjectCol ? 1 : 0) - (a.col === subjectCol ? 1 : 0))
        : cells;
    for (const c of order) {
      loc.col = c.col;
      const col = isHeader ? undefined : refOf(c.col);
      const before =
        values.mode === 'reveal' && c.col === subjectCol ? cellText(tokens, c, sharedLookup(state)) : undefined;
      const res = rewriteCell(tokens, c, col, subject, values, state, where);
      const next = isPromiseLike(res) ? await res : res;
      if (next) replaced.set(c.start, next);
      if (c.col === subjectCol && !isHeader) {
        if (values.mode === 'reveal') subject = before;
        else {
          const slice = next ?? tokens.slice(c.start, c.end + 1);
          subject = cellText(slice, { start: 0, end: slice.length - 1, col: c.col }, sharedLookup(state));
        }
      }
    }
    let s = '';
    for (let i = 0; i < tokens.length; i++) {
      const rep = replaced.get(i);
      if (rep) {
        for (const t of rep) s += serialize(t);
        i = ends.get(i) as number;
        continue;
      }
      s += serialize(tokens[i] as XmlToken);
    }
    await push(s);
  }
  await push(pending);
  return rows;
}

/** Looks up shared strings, the appended ones included (for reading a rewritten cell). */
function sharedLookup(state: SharedState): (i: number) => string | undefined {
  return (i) => (i < state.shared.length ? state.shared[i] : state.appended[i - state.shared.length]);
}

/** The new tokens of one cell, or undefined when it is unchanged. */
function rewriteCell(
  tokens: readonly XmlToken[],
  c: Cell,
  col: ColumnRef | undefined,
  subject: string | undefined,
  values: ValueTransformer,
  state: SharedState,
  where: () => ValueLocation,
): MaybePromise<XmlToken[] | undefined> {
  const open = tokens[c.start] as Extract<XmlToken, { k: 'open' }>;
  if (open.self) return undefined;
  const t = open.attrs.t ?? 'n';
  const prefix = prefixOf(open.name);
  const formula = childText(tokens, c, 'f');
  const fOut = formula ? values.value(formula, undefined, undefined, where) : undefined;
  let vOut: MaybePromise<string> | undefined;
  let original = '';
  let sharedIndex = -1;
  if (t === 's') {
    const index = Number(childText(tokens, c, 'v'));
    if (Number.isInteger(index) && index >= 0 && index < state.shared.length) {
      sharedIndex = index;
      original = state.shared[index] as string;
      const key = subject === undefined ? `${index}\u0000${col?.name ?? ''}` : undefined;
      const cached = key !== undefined ? state.cache.get(key) : undefined;
      if (cached !== undefined) vOut = cached;
      else {
        const r = values.value(original, col, subject, where);
        if (key !== undefined && state.cache.size < 200_000) {
          if (isPromiseLike(r)) {
            vOut = r.then((o) => {
              state.cache.set(key, o);
              return o;
            });
          } else {
            state.cache.set(key, r);
            vOut = r;
          }
        } else vOut = r;
      }
    }
  } else if (t === 'inlineStr') {
    original = cellText(tokens, c, sharedLookup(state));
    vOut = values.value(original, col, subject, where);
  } else if (t === 'str' || t === 'd' || t === 'n') {
    const v = childText(tokens, c, 'v');
    if (v !== undefined && v !== '') {
      original = v;
      vOut = values.value(v, col, subject, where, t === 'n');
    }
  }
  if (fOut === undefined && vOut === undefined) return undefined;

  function finish(f: string | undefined, v: string | undefined): XmlToken[] | undefined {
    const fChanged = f !== undefined && f !== formula;
    const vChanged = v !== undefined && v !== original;
    if (t === 's' && sharedIndex >= 0) {
      if (vChanged) state.changed[sharedIndex] = 1;
      else if (v !== undefined) state.kept[sharedIndex] = 1;
    }
    if (!fChanged && !vChanged) return undefined;
    const attrs = { ...open.attrs };
    let newV: XmlToken[] | undefined;
    let newIs: XmlToken[] | undefined;
    if (vChanged) {
      const val = v as string;
      if (t === 's') {
        let idx = state.appendedIndex.get(val);
        if (idx === undefined) {
          idx = state.shared.length + state.appended.length;
          state.appended.push(val);
          state.appendedIndex.set(val, idx);
        }
        newV = [
          { k: 'open', name: `${prefix}v`, attrs: {}, self: false },
          { k: 'text', text: String(idx) },
          { k: 'close', name: `${prefix}v` },
        ];
      } else if (t === 'inlineStr') {
        newIs = [
          { k: 'open', name: `${prefix}is`, attrs: {}, self: false },
          ...textRun(prefix, val),
          { k: 'close', name: `${prefix}is` },
        ];
      } else if (val === '' && t !== 'str') {
        newV = [];
        delete attrs.t;
      } else if ((t === 'n' && XML_NUMBER.test(val)) || (t === 'd' && ISO_DATE.test(val)) || t === 'str') {
        newV = [
          { k: 'open', name: `${prefix}v`, attrs: {}, self: false },
          { k: 'text', text: val },
          { k: 'close', name: `${prefix}v` },
        ];
      } else {
        // A number or date whose protected form is text: an inline string in its place.
        attrs.t = 'inlineStr';
        newV = [];
        newIs = [
          { k: 'open', name: `${prefix}is`, attrs: {}, self: false },
          ...textRun(prefix, val),
          { k: 'close', name: `${prefix}is` },
        ];
      }
    }
    const out: XmlToken[] = [{ ...open, attrs }];
    let placedIs = false;
    for (let i = c.start + 1; i < c.end; i++) {
      const x = tokens[i] as XmlToken;
      if (x.k !== 'open') {
        out.push(x);
        continue;
      }
      const end = closeOf(tokens, i);
      const n = localName(x.name);
      if (n === 'f' && fChanged && !x.self) {
        out.push(x, { k: 'text', text: f as string }, tokens[end] as XmlToken);
      } else if (n === 'v' && newV) {
        out.push(...newV);
        if (newIs && !placedIs) {
          out.push(...newIs);
          placedIs = true;
        }
      } else if (n === 'is' && newIs) {
        if (!placedIs) out.push(...newIs);
        placedIs = true;
      } else for (let j = i; j <= end; j++) out.push(tokens[j] as XmlToken);
      i = end;
    }
    if (newIs && !placedIs) out.push(...newIs);
    out.push(tokens[c.end] as XmlToken);
    return out;
  }

  if (isPromiseLike(fOut) || isPromiseLike(vOut)) {
    return Promise.all([fOut, vOut]).then(([f, v]) => finish(f, v));
  }
  return finish(fOut, vOut);
}

/** The shared-string part, rewritten: unused originals emptied, orphans detected, new entries appended. */
async function writeShared(
  tokens: readonly XmlToken[],
  state: SharedState,
  values: ValueTransformer,
  file: string,
): Promise<string> {
  const parts: string[] = [];
  let index = 0;
  const total = state.shared.length + state.appended.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as XmlToken;
    if (t.k === 'open' && localName(t.name) === 'sst') {
      const attrs = { ...t.attrs };
      if (attrs.uniqueCount !== undefined || state.appended.length > 0) attrs.uniqueCount = String(total);
      parts.push(serialize({ ...t, attrs }));
      continue;
    }
    if (t.k === 'close' && localName(t.name) === 'sst') {
      const prefix = prefixOf(t.name);
      for (const a of state.appended) parts.push(siXml(prefix, a));
      parts.push(serialize(t));
      continue;
    }
    if (t.k !== 'open' || localName(t.name) !== 'si') {
      parts.push(serialize(t));
      continue;
    }
    const end = closeOf(tokens, i);
    const prefix = prefixOf(t.name);
    const text = state.shared[index] ?? '';
    if (state.kept[index] === 1) for (let j = i; j <= end; j++) parts.push(serialize(tokens[j] as XmlToken));
    else if (state.changed[index] === 1) parts.push(siXml(prefix, ''));
    else {
      // An entry no cell uses: detection only.
      const r = values.value(text, undefined, undefined, () => ({ file, field: 'shared strings' }));
      const o = isPromiseLike(r) ? await r : r;
      if (o === text) for (let j = i; j <= end; j++) parts.push(serialize(tokens[j] as XmlToken));
      else parts.push(siXml(prefix, o));
    }
    index++;
    i = end;
  }
  return parts.join('');
}

function siXml(prefix: string, text: string): string {
  return [
    { k: 'open', name: `${prefix}si`, attrs: {}, self: false } as XmlToken,
    ...textRun(prefix, text),
    { k: 'close', name: `${prefix}si` } as XmlToken,
  ]
    .map(serialize)
    .join('');
}

/**
 * Any other XML part: every text node and value attribute through detection. In pivot caches, items get their
 * cache field's name as column (`fields`: the definition's field names; records are matched by position).
 */
async function rewriteGeneric(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  values: ValueTransformer,
  push: (text: string) => Promise<void>,
  file: string,
  fields: readonly string[] | undefined,
  records: boolean,
): Promise<void> {
  const stack: string[] = [];
  let fieldIndex = -1;
  let recordIndex = -1;
  const refs = new Map<string, ColumnRef>();
  const refOf = (name: string | undefined): ColumnRef | undefined => {
    if (name === undefined || name === '') return undefined;
    let r = refs.get(name);
    if (!r) refs.set(name, (r = columnRef(name)));
    return r;
  };
  const where = (): ValueLocation => ({ file, field: member.name });
  let s = '';
  for await (const batch of partTokens(zip, member, ctx, file)) {
    for (const t of batch) {
      if (t.k === 'open') {
        const n = localName(t.name);
        let col: ColumnRef | undefined;
        if (fields) {
          if (!records && n === 'cacheField') fieldIndex++;
          if (records && n === 'r' && stack.length === 1) recordIndex = -1;
          if (records && stack.length === 2) recordIndex++;
          col = refOf(records ? fields[recordIndex] : fields[fieldIndex]);
        }
        let attrs = t.attrs;
        for (const [k, v] of Object.entries(t.attrs)) {
          if (!VALUE_ATTRS.has(localName(k)) || v.length === 0) continue;
          // Item indices (`<x v="3"/>`) point into shared items; they are not values.
          if (n === 'x') continue;
          const r = values.value(v, col, undefined, where);
          const o = isPromiseLike(r) ? await r : r;
          if (o !== v) {
            if (attrs === t.attrs) attrs = { ...t.attrs };
            attrs[k] = o;
          }
        }
        let name = t.name;
        if (attrs !== t.attrs && n === 'n' && attrs.v !== undefined && !XML_NUMBER.test(attrs.v)) {
          name = `${prefixOf(t.name)}s`;
        }
        s += serialize(attrs === t.attrs && name === t.name ? t : { ...t, name, attrs });
        if (!t.self) stack.push(name);
      } else if (t.k === 'close') {
        s += serialize({ k: 'close', name: stack.pop() ?? t.name });
      } else if ((t.k === 'text' || t.k === 'cdata') && t.text.trim().length > 0) {
        const r = values.value(t.text, undefined, undefined, where);
        const o = isPromiseLike(r) ? await r : r;
        s += serialize(o === t.text ? t : { k: 'text', text: o });
      } else s += serialize(t);
      if (s.length > 1 << 16) {
        await push(s);
        s = '';
      }
    }
  }
  await push(s);
}
