/**
 * Table columns for the text recognizers: when a cue keyword is a whole header cell of a delimited table
 * (`姓名,性别,电话` / `name\temail` / `| 姓名 | 地址 |`), the cells of that column on the following lines carry the
 * value without a label (`张伟,男,13812345678`). The recognizer checks each such cell with its own parser.
 *
 * Bounded work (documented contract): the header line is looked at no further than {@link MAX_LINE} characters
 * either side of the keyword; the row scan stops at the first blank line, at a line whose cell repeats a header
 * (a new table), after {@link MAX_ROWS} rows or after {@link MAX_SCAN} characters, whichever comes first. A header
 * keyword therefore costs at most `MAX_SCAN + 2 * MAX_LINE` character reads, and the scan happens only for
 * keywords that sit alone in a delimited cell — rare in prose.
 *
 * Delimiters: `,` `\t` `|` `;`. Double-quoted cells may contain the delimiter (`"北京市,海淀区"`); a doubled quote
 * inside quotes is read as a quote. HTML tables work too: a keyword alone in a `<th>` cell selects the matching
 * `<td>` of the following `<tr>` rows, until `</table>` (same bounds). No allocation: state lives in a
 * caller-owned {@link ColumnCursor}.
 */

/** Longest header line looked at, either side of the keyword. */
export const MAX_LINE = 1024;
/** Most rows read after a header. */
export const MAX_ROWS = 500;
/** Most characters read after a header. */
export const MAX_SCAN = 32 * 1024;

const QUOTE = 34;
/** `delimiter` value of an HTML table column. */
const HTML = -1;
const NL = 10;
const CR = 13;

function isDelimiter(c: number): boolean {
  return c === 44 || c === 9 || c === 124 || c === 59;
}

/** Characters allowed in a header cell around the keyword: letters, `_`, CJK, spaces, quotes (no digits: values). */
function isHeaderChar(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 32 || c === QUOTE || (c >= 0x4e00 && c <= 0x9fff)
  );
}

/** Where a table column is, and the state of a row scan over it. */
export interface ColumnCursor {
  delimiter: number;
  column: number;
  /** Header cell bounds, for checking that a later row repeats the header. */
  headerStart: number;
  headerEnd: number;
  /** Next line to read. */
  next: number;
  /** Scan limit (exclusive). */
  limit: number;
  rows: number;
  /** Bounds of the current cell, trimmed of spaces and quotes. */
  start: number;
  end: number;
}

/** A fresh cursor. */
export function newColumnCursor(): ColumnCursor {
  return { delimiter: 0, column: 0, headerStart: 0, headerEnd: 0, next: 0, limit: 0, rows: 0, start: 0, end: 0 };
}

/**
 * If the keyword `[kwStart, kwEnd)` lies inside a header cell of a delimited line (the cell holds only header-like
 * characters and at least one delimiter sits on the line next to it), set up `cur` to read that column on the
 * following lines and return true.
 *
 * @example
 * const cur = newColumnCursor(); headerCellAt('姓名,电话\n张伟,138', 0, 2, cur) // true, cur.column === 0
 */
export function headerCellAt(text: string, kwStart: number, kwEnd: number, cur: ColumnCursor): boolean {
  if (htmlHeaderCellAt(text, kwStart, kwEnd, cur)) return true;
  // Cell start: back over header characters to a delimiter or the line start.
  let cs = kwStart;
  const minLeft = Math.max(kwStart - 24, 0);
  while (cs > minLeft && isHeaderChar(text.charCodeAt(cs - 1))) cs--;
  const before = text.charCodeAt(cs - 1);
  const atLineStart = cs === 0 || before === NL || before === CR;
  if (!atLineStart && !isDelimiter(before)) return false;
  // Cell end: forward over header characters to a delimiter or the line end.
  let ce = kwEnd;
  const maxRight = kwEnd + 24;
  while (ce < maxRight && ce < text.length && isHeaderChar(text.charCodeAt(ce))) ce++;
  const after = text.charCodeAt(ce);
  const atLineEnd = ce >= text.length || after === NL || after === CR;
  if (!atLineEnd && !isDelimiter(after)) return false;
  if (atLineStart && atLineEnd) return false; // a lone word on a line is not a table
  const delimiter = atLineStart ? after : before;
  // Column index: count delimiters (outside quotes) from the line start.
  let lineStart = cs;
  const minLine = Math.max(cs - MAX_LINE, 0);
  while (lineStart > minLine) {
    const c = text.charCodeAt(lineStart - 1);
    if (c === NL || c === CR) break;
    lineStart--;
  }
  if (lineStart === minLine && lineStart > 0) {
    const c = text.charCodeAt(lineStart - 1);
    if (c !== NL && c !== CR) return false;
  }
  let column = 0;
  let quoted = false;
  for (let i = lineStart; i < cs; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (c === delimiter && !quoted) column++;
  }
  // Line end of the header.
  let lineEnd = ce;
  const maxLine = ce + MAX_LINE;
  while (lineEnd < text.length && lineEnd < maxLine) {
    const c = text.charCodeAt(lineEnd);
    if (c === NL || c === CR) break;
    lineEnd++;
  }
  if (lineEnd >= text.length) return false; // no rows follow
  if (lineEnd === maxLine) return false;
  cur.delimiter = delimiter;
  cur.column = column;
  let hs = cs;
  let he = ce;
  while (hs < he && (text.charCodeAt(hs) === 32 || text.charCodeAt(hs) === QUOTE)) hs++;
  while (he > hs && (text.charCodeAt(he - 1) === 32 || text.charCodeAt(he - 1) === QUOTE)) he--;
  cur.headerStart = hs;
  cur.headerEnd = he;
  cur.next = lineEnd;
  cur.limit = Math.min(lineEnd + MAX_SCAN, text.length);
  cur.rows = 0;
  return true;
}

function sameText(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

/**
 * Advance to the cell of the next row; false when the table ends (blank line, bound reached, header repeated).
 * Rows too short to have the column are skipped. Sets `cur.start`/`cur.end` to the cell trimmed of spaces and
 * surrounding quotes.
 */
export function nextColumnCell(text: string, cur: ColumnCursor): boolean {
  if (cur.delimiter === HTML) return nextHtmlCell(text, cur);
  while (cur.rows < MAX_ROWS) {
    let i = cur.next;
    // Skip one line break (\r\n counts as one); two in a row is a blank line.
    if (text.charCodeAt(i) === CR) i++;
    if (text.charCodeAt(i) === NL) i++;
    if (i >= cur.limit) return false;
    const first = text.charCodeAt(i);
    if (first === NL || first === CR) return false;
    cur.rows++;
    let column = 0;
    let quoted = false;
    let cellStart = i;
    let found = -1;
    let foundEnd = -1;
    for (; i < cur.limit; i++) {
      const c = text.charCodeAt(i);
      if (c === NL || c === CR) break;
      if (c === QUOTE) quoted = !quoted;
      else if (c === cur.delimiter && !quoted) {
        if (column === cur.column) {
          found = cellStart;
          foundEnd = i;
        }
        column++;
        cellStart = i + 1;
      }
    }
    if (found < 0 && column === cur.column) {
      found = cellStart;
      foundEnd = i;
    }
    cur.next = i;
    if (i >= cur.limit && found < 0) return false;
    if (found < 0) continue;
    let s = found;
    let e = foundEnd;
    while (s < e && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === QUOTE)) s++;
    while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === QUOTE)) e--;
    // A row that repeats the header starts a new table: stop (its own keyword hit takes over).
    if (sameText(text, s, e, cur.headerStart, cur.headerEnd)) return false;
    if (s === e) continue;
    cur.start = s;
    cur.end = e;
    return true;
  }
  return false;
}

/** Position of `word` in `text[from, to)`, or -1 (a bounded `indexOf`). */
function findBounded(text: string, word: string, from: number, to: number): number {
  const first = word.charCodeAt(0);
  for (let i = from; i + word.length <= to; i++) {
    if (text.charCodeAt(i) === first && text.startsWith(word, i)) return i;
  }
  return -1;
}

/** Last position of `word` in `text[from, to)`, or -1. */
function findBoundedBack(text: string, word: string, from: number, to: number): number {
  const first = word.charCodeAt(0);
  for (let i = to - word.length; i >= from; i--) {
    if (text.charCodeAt(i) === first && text.startsWith(word, i)) return i;
  }
  return -1;
}

/** `<th>姓名</th>`, `<th class="x"> DOB </th>`: the keyword alone in a header cell of an HTML table row. */
function htmlHeaderCellAt(text: string, kwStart: number, kwEnd: number, cur: ColumnCursor): boolean {
  let b = kwStart;
  while (b > kwStart - 8 && text.charCodeAt(b - 1) === 32) b--;
  if (text.charCodeAt(b - 1) !== 62) return false; // >
  const lt = findBoundedBack(text, '<th', Math.max(b - 64, 0), b);
  if (lt < 0) return false;
  const t = text.charCodeAt(lt + 3);
  if (t !== 62 && t !== 32) return false;
  if (findBounded(text, '>', lt, b) !== b - 1) return false;
  let e = kwEnd;
  while (e < kwEnd + 8 && text.charCodeAt(e) === 32) e++;
  if (!text.startsWith('</th>', e)) return false;
  const minRow = Math.max(lt - MAX_LINE, 0);
  const tr = findBoundedBack(text, '<tr', minRow, lt);
  if (tr < 0) return false;
  let column = 0;
  for (let i = findBounded(text, '<th', tr, lt); i >= 0 && i < lt; i = findBounded(text, '<th', i + 3, lt)) column++;
  cur.delimiter = HTML;
  cur.column = column;
  cur.headerStart = kwStart;
  cur.headerEnd = kwEnd;
  cur.next = e + 5;
  cur.limit = Math.min(cur.next + MAX_SCAN, text.length);
  cur.rows = 0;
  return true;
}

/** Next `<td>` cell of the header's column in the following rows of an HTML table. */
function nextHtmlCell(text: string, cur: ColumnCursor): boolean {
  while (cur.rows < MAX_ROWS) {
    const tr = findBounded(text, '<tr', cur.next, cur.limit);
    if (tr < 0) return false;
    const close = findBounded(text, '</table', cur.next, tr);
    if (close >= 0) return false;
    cur.rows++;
    const rowEnd = findBounded(text, '</tr', tr, cur.limit);
    const stop = rowEnd < 0 ? cur.limit : rowEnd;
    cur.next = stop;
    let cell = findBounded(text, '<td', tr, stop);
    for (let k = 0; k < cur.column && cell >= 0; k++) cell = findBounded(text, '<td', cell + 3, stop);
    if (cell < 0) continue;
    const open = findBounded(text, '>', cell, stop);
    if (open < 0) continue;
    let s = open + 1;
    let e = findBounded(text, '<', s, stop + 1);
    if (e < 0) e = stop;
    while (s < e && text.charCodeAt(s) === 32) s++;
    while (e > s && text.charCodeAt(e - 1) === 32) e--;
    if (s === e) continue;
    cur.start = s;
    cur.end = e;
    return true;
  }
  return false;
}
