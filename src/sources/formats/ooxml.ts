/**
 * Office Open XML (ECMA-376): XLSX cells and DOCX paragraphs, read from the zip container with the same limits as
 * any archive and parsed with the streaming `saxes` XML parser (no DTD entity expansion, so no "billion laughs").
 *
 * Why not a spreadsheet library: `xlsx` (SheetJS) on the npm registry is frozen at 0.18.5 with published
 * advisories; `exceljs`'s streaming reader sits on `unzipper` (local headers only, no ratio or overlap checks)
 * and spills sheets to temporary files when shared strings come last. Reading the two XML parts we need keeps
 * every byte under the archive limits and memory at one sheet row (plus the shared-string table, bounded by
 * `maxBufferBytes`). `mammoth` (DOCX) loads the whole package with JSZip, without limits, to produce HTML we
 * would strip again.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Fragment } from '../source.js';
import { looksLikeHeader } from './csv.js';
import {
  at,
  checkAbort,
  errorTag,
  LimitExceededError,
  PROBLEM,
  problem,
  type ReadBatch,
  type ReadContext,
  type ReadItem,
  rethrowFatal,
} from './types.js';
import { memberBuffer, memberBytes, type OpenZip, refuseDeclared, type ZipMember } from './zip.js';

/** Parse an XML part as a stream, calling `setup` to attach handlers; yields what handlers push to `out`. */
async function* parseXml(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  out: ReadItem[],
  setup: (parser: SaxesParser) => void,
): AsyncGenerator<ReadBatch> {
  const refusal = refuseDeclared(member, ctx);
  if (refusal) throw new LimitExceededError(`part "${member.name}" ${refusal}`);
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  setup(parser);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of memberBytes(zip, member, ctx)) {
    checkAbort(ctx.signal);
    parser.write(decoder.decode(chunk, { stream: true }));
    if (out.length > 0) yield out.splice(0);
    if (error) throw error;
  }
  parser.write(decoder.decode());
  parser.close();
  if (out.length > 0) yield out.splice(0);
  if (error) throw error;
}

/** Local name of a tag (`w:t` → `t`). */
function local(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const a = tag.attributes[name];
  return typeof a === 'string' ? a : undefined;
}

/** Resolve a relationship target against the part's folder (`worksheets/sheet1.xml` under `xl/`). */
function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').filter(Boolean);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

/**
 * Column letters to a 1-based number (`A` → 1, `AA` → 27).
 *
 * @example
 * columnNumber('AB'); // 28
 */
export function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) {
    const c = letters.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    n = n * 26 + (c - 0x60);
  }
  return n;
}

/**
 * A 1-based column number to letters (1 → `A`, 27 → `AA`).
 *
 * @example
 * columnLetters(28); // 'AB'
 */
export function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(0x41 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * A cell reference: `B12` → column letters and row. Matches `A1`, `XFD1048576`; not `$A$1` (not used in `r`
 * attributes) or `R1C1` notation. Source: ECMA-376 Part 1 §18.3.1.4 (`ST_CellRef`).
 */
const CELL_REF = /^([A-Za-z]{1,3})([0-9]{1,7})$/;

/** Read a small XML part's elements with a handler (workbook, relationships). */
async function readSmallPart(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  onOpen: (tag: SaxesTagPlain) => void,
): Promise<void> {
  const data = await memberBuffer(zip, member, ctx, ctx.limits.maxBufferBytes);
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (t) => onOpen(t as SaxesTagPlain));
  parser.write(data.toString('utf8'));
  parser.close();
  if (error) throw error;
}

/** The shared-string table, bounded by `maxBufferBytes` characters in total. */
async function readSharedStrings(zip: OpenZip, member: ZipMember, ctx: ReadContext): Promise<string[]> {
  const strings: string[] = [];
  let current = '';
  let inT = false;
  let inPhonetic = 0;
  let total = 0;
  const out: ReadItem[] = [];
  for await (const _ of parseXml(zip, member, ctx, out, (p) => {
    p.on('opentag', (t) => {
      const n = local(t.name);
      if (n === 'si') current = '';
      else if (n === 't') inT = !t.isSelfClosing;
      else if (n === 'rPh') inPhonetic++;
    });
    p.on('closetag', (t) => {
      const n = local(t.name);
      if (n === 'si') {
        strings.push(current);
        total += current.length;
        if (total > ctx.limits.maxBufferBytes) throw new LimitExceededError('shared strings exceed the buffer limit');
      } else if (n === 't') inT = false;
      else if (n === 'rPh') inPhonetic--;
    });
    p.on('text', (s) => {
      if (inT && inPhonetic === 0) current += s;
    });
  })) {
    // parseXml yields nothing here; the loop drives the parse.
  }
  return strings;
}

/** Rows held back to decide whether the first row is a header. */
const HEADER_SAMPLE_ROWS = 20;

/**
 * Read an XLSX workbook: one structured fragment per non-empty cell with `loc.sheet`, `loc.row` (the spreadsheet
 * row number) and `loc.field` (the header cell of the column when the first row is a header, else `column B`).
 * Formula cells contribute their cached value; booleans and errors are skipped.
 *
 * @example
 * for await (const item of readXlsx(opened, ctx)) …
 */
export async function* readXlsx(zip: OpenZip, ctx: ReadContext): AsyncGenerator<ReadBatch> {
  const byName = new Map(zip.members.map((m) => [m.name, m]));
  const workbook = byName.get('xl/workbook.xml');
  if (!workbook) {
    yield [problem(ctx, PROBLEM.corrupt, 'Cannot read XLSX workbook: "xl/workbook.xml" is missing')];
    return;
  }
  const sheets: { name: string; rid: string }[] = [];
  const rels = new Map<string, string>();
  let sharedPath = 'xl/sharedStrings.xml';
  try {
    await readSmallPart(zip, workbook, ctx, (t) => {
      if (local(t.name) === 'sheet') {
        const rid = attr(t, 'r:id') ?? Object.entries(t.attributes).find(([k]) => local(k) === 'id')?.[1];
        sheets.push({ name: attr(t, 'name') ?? `sheet ${sheets.length + 1}`, rid: typeof rid === 'string' ? rid : '' });
      }
    });
    const relsMember = byName.get('xl/_rels/workbook.xml.rels');
    if (relsMember) {
      await readSmallPart(zip, relsMember, ctx, (t) => {
        if (local(t.name) !== 'Relationship') return;
        const id = attr(t, 'Id');
        const target = attr(t, 'Target');
        const type = attr(t, 'Type') ?? '';
        if (!id || !target) return;
        rels.set(id, resolveTarget('xl', target));
        if (type.endsWith('/sharedStrings')) sharedPath = resolveTarget('xl', target);
      });
    }
  } catch (e) {
    rethrowFatal(e, ctx);
    yield [problem(ctx, PROBLEM.corrupt, `Cannot read XLSX workbook: the workbook part is damaged (${errorTag(e)})`)];
    return;
  }
  let shared: string[] = [];
  const sharedMember = byName.get(sharedPath);
  if (sharedMember) {
    try {
      shared = await readSharedStrings(zip, sharedMember, ctx);
    } catch (e) {
      rethrowFatal(e, ctx);
      yield [problem(ctx, PROBLEM.corrupt, `Cannot read XLSX shared strings: the part is damaged (${errorTag(e)})`)];
    }
  }
  for (let s = 0; s < sheets.length; s++) {
    const sheet = sheets[s]!;
    const path = rels.get(sheet.rid) ?? `xl/worksheets/sheet${s + 1}.xml`;
    const member = byName.get(path);
    if (!member) {
      yield [
        problem(ctx, PROBLEM.corrupt, `Cannot read XLSX sheet "${sheet.name}": its part is missing`, {
          sheet: sheet.name,
        }),
      ];
      continue;
    }
    try {
      yield* readSheet(zip, member, ctx, sheet.name, shared);
    } catch (e) {
      rethrowFatal(e, ctx);
      yield [
        problem(ctx, PROBLEM.corrupt, `Cannot read XLSX sheet "${sheet.name}": the part is damaged (${errorTag(e)})`, {
          sheet: sheet.name,
        }),
      ];
    }
  }
}

interface SheetRow {
  row: number;
  cells: { col: number; text: string }[];
}

async function* readSheet(
  zip: OpenZip,
  member: ZipMember,
  ctx: ReadContext,
  sheet: string,
  shared: readonly string[],
): AsyncGenerator<ReadBatch> {
  const out: ReadItem[] = [];
  let held: SheetRow[] | undefined = [];
  let header: Map<number, string> | undefined;
  let row: SheetRow | undefined;
  let lastRow = 0;
  let lastCol = 0;
  let cellType = '';
  let cellCol = 0;
  let value = '';
  let inValue = false;
  let inInline = 0;
  let inPhonetic = 0;

  const emit = (r: SheetRow): void => {
    for (const c of r.cells) {
      if (c.text.length === 0) continue;
      const field = header?.get(c.col) ?? `column ${columnLetters(c.col)}`;
      const f: Fragment = { text: c.text, loc: at(ctx, { sheet, row: r.row, field }), structured: true };
      out.push(f);
    }
  };
  const decide = (): void => {
    if (!held) return;
    const rows = held;
    held = undefined;
    const first = rows[0];
    if (first) {
      const width = Math.max(...first.cells.map((c) => c.col));
      const grid = rows.map((r) => {
        const a = new Array<string>(width).fill('');
        for (const c of r.cells) if (c.col <= width) a[c.col - 1] = c.text;
        return a;
      });
      if (first.cells.length > 0 && looksLikeHeader(grid)) {
        header = new Map();
        for (const c of first.cells) header.set(c.col, c.text.trim());
        rows.shift();
      }
    }
    for (const r of rows) emit(r);
  };

  yield* parseXml(zip, member, ctx, out, (p) => {
    p.on('opentag', (t) => {
      const n = local(t.name);
      const tag = t as SaxesTagPlain;
      if (n === 'row') {
        const r = Number(attr(tag, 'r'));
        lastRow = Number.isInteger(r) && r > 0 ? r : lastRow + 1;
        lastCol = 0;
        row = { row: lastRow, cells: [] };
      } else if (n === 'c') {
        const m = CELL_REF.exec(attr(tag, 'r') ?? '');
        cellCol = m ? columnNumber(m[1]!) : lastCol + 1;
        lastCol = cellCol;
        cellType = attr(tag, 't') ?? 'n';
        value = '';
      } else if (n === 'v') {
        inValue = !t.isSelfClosing;
      } else if (n === 'is') inInline++;
      else if (n === 'rPh') inPhonetic++;
      else if (n === 't' && inInline > 0) inValue = !t.isSelfClosing;
    });
    p.on('text', (s) => {
      if (inValue && inPhonetic === 0) value += s;
    });
    p.on('closetag', (t) => {
      const n = local(t.name);
      if (n === 'v' || n === 't') inValue = false;
      else if (n === 'is') inInline--;
      else if (n === 'rPh') inPhonetic--;
      else if (n === 'c' && row) {
        let text = '';
        if (cellType === 's') text = shared[Number(value)] ?? '';
        else if (cellType === 'b' || cellType === 'e') text = '';
        else text = value;
        if (text.length > 0) row.cells.push({ col: cellCol, text });
      } else if (n === 'row' && row) {
        if (held) {
          if (row.cells.length > 0) held.push(row);
          if (held.length >= HEADER_SAMPLE_ROWS) decide();
        } else emit(row);
        row = undefined;
      } else if (n === 'sheetData') decide();
    });
  });
  decide();
  yield out.splice(0);
}

/**
 * DOCX parts with text besides the body: `word/header1.xml`, `word/footer2.xml`, `word/footnotes.xml`,
 * `word/comments.xml`. Not `word/styles.xml` or `word/header1.xml.rels`. Source: ECMA-376 Part 1 §11.3.
 */
const DOCX_TEXT_PART = /^word\/(?:header[0-9]{0,4}|footer[0-9]{0,4}|footnotes|endnotes|comments)\.xml$/;

/** DOCX parts with text, in reading order after the body. */
function docxParts(zip: OpenZip): ZipMember[] {
  const body = zip.members.find((m) => m.name === 'word/document.xml');
  const others = zip.members
    .filter((m) => DOCX_TEXT_PART.test(m.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return body ? [body, ...others] : others;
}

/**
 * Read a DOCX document: one fragment per non-empty paragraph, `loc.line` = paragraph number within its part;
 * parts other than the body (headers, footers, notes, comments) carry `loc.field` = the part name. Tracked
 * deletions are included (they are still in the file).
 *
 * @example
 * for await (const item of readDocx(opened, ctx)) …
 */
export async function* readDocx(zip: OpenZip, ctx: ReadContext): AsyncGenerator<ReadBatch> {
  const parts = docxParts(zip);
  if (!parts.some((p) => p.name === 'word/document.xml')) {
    yield [problem(ctx, PROBLEM.corrupt, 'Cannot read DOCX document: "word/document.xml" is missing')];
    return;
  }
  const max = ctx.limits.maxFragmentChars;
  for (const part of parts) {
    const field = part.name === 'word/document.xml' ? undefined : part.name;
    const out: ReadItem[] = [];
    const stack: { text: string; n: number }[] = [];
    let paragraphs = 0;
    let inText = false;
    const push = (text: string, n: number): void => {
      if (text.trim().length === 0) return;
      out.push({ text, loc: at(ctx, field === undefined ? { line: n } : { line: n, field }) });
    };
    try {
      yield* parseXml(zip, part, ctx, out, (p) => {
        p.on('opentag', (t) => {
          const n = local(t.name);
          if (n === 'p') stack.push({ text: '', n: ++paragraphs });
          else if (n === 't' || n === 'delText') inText = !t.isSelfClosing;
          else if (stack.length > 0 && (n === 'tab' || n === 'br' || n === 'cr')) {
            const top = stack[stack.length - 1]!;
            top.text += n === 'tab' ? '\t' : '\n';
          }
        });
        p.on('text', (s) => {
          const top = stack[stack.length - 1];
          if (!inText || !top) return;
          top.text += s;
          if (top.text.length >= max) {
            push(top.text, top.n);
            top.text = '';
          }
        });
        p.on('closetag', (t) => {
          const n = local(t.name);
          if (n === 't' || n === 'delText') inText = false;
          else if (n === 'p') {
            const top = stack.pop();
            if (top) push(top.text, top.n);
          }
        });
      });
    } catch (e) {
      if (e instanceof LimitExceededError) {
        // One part that would inflate past the limits (a bomb in a header) is refused; the other parts are read.
        yield [problem(ctx, PROBLEM.archiveRefused, `Refused DOCX part: ${e.message}`, field ? { field } : {})];
        continue;
      }
      rethrowFatal(e, ctx);
      yield [
        problem(
          ctx,
          PROBLEM.corrupt,
          `Cannot read DOCX part "${part.name}": it is damaged (${errorTag(e)})`,
          field ? { field } : {},
        ),
      ];
    }
  }
}

/**
 * Which Office package a zip holds, from its part names.
 *
 * @example
 * officeKind(await openZip(input, ctx)); // 'xlsx' for a workbook
 */
export function officeKind(zip: OpenZip): 'xlsx' | 'docx' | undefined {
  let content = false;
  let kind: 'xlsx' | 'docx' | undefined;
  for (const m of zip.members) {
    if (m.name === '[Content_Types].xml') content = true;
    else if (m.name === 'xl/workbook.xml') kind = 'xlsx';
    else if (m.name === 'word/document.xml') kind = 'docx';
  }
  return content ? kind : undefined;
}
