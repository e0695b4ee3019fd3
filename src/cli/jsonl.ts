/**
 * The `detect --jsonl` protocol: a fast reader for its lines `{"id": any, "text": string}` and `jsonlBatch`, which
 * answers a run of them (used by the command's thread and its worker threads alike).
 *
 * `JSON.parse` builds an object and copies every string; at ~100-byte lines that costs as much as detection
 * itself. This reader walks the top level of the object with `indexOf`, takes `text` as a slice when it has no
 * escapes (the common case) and keeps `id` as its raw JSON (echoed back verbatim). Anything unusual — escapes
 * in keys, control characters, odd nesting — falls back to `JSON.parse`, so results are identical to a strict
 * parse; only speed differs.
 */
import type { Finding } from '../core/finding.js';
import type { Analyzer } from '../detect/analyzer.js';

/** A parsed protocol line: `id` as JSON text (to echo), `text` decoded. */
export interface JsonlRecord {
  idJson: string;
  text: string;
}

/** Why a line was rejected (the message never includes input content). */
export type JsonlReject = 'invalid JSON' | 'expected an object with a string field "text"';

const WS = new Uint8Array(128);
WS[32] = 1;
WS[9] = 1;
WS[10] = 1;
WS[13] = 1;

const CONTROL = /[\u0000-\u001f]/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function skipWs(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 128 || WS[c] === 0) break;
    i++;
  }
  return i;
}

/** End (exclusive) of the JSON string starting at the quote `i`, or -1. */
function stringEnd(s: string, i: number): number {
  let q = s.indexOf('"', i + 1);
  while (q > 0) {
    // Count backslashes before the quote: an even count means the quote is not escaped.
    let b = q - 1;
    while (s.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    q = s.indexOf('"', q + 1);
  }
  return -1;
}

/** End (exclusive) of the JSON value at `i`, or -1 when it is not a well-formed scalar/string/container. */
function valueEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) return stringEnd(s, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    let j = i;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d === 34) {
        j = stringEnd(s, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  let j = i;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || (d < 128 && WS[d] === 1)) break;
    j++;
  }
  return j > i ? j : -1;
}

/** Other fields: strings without control characters and valid scalars pass; containers go the strict way. */
function isCheapValidValue(s: string, start: number, end: number): boolean {
  const c = s.charCodeAt(start);
  if (c === 34) return !CONTROL.test(s.slice(start, end));
  if (c === 123 || c === 91) return false;
  const raw = s.slice(start, end);
  return raw === 'true' || raw === 'false' || raw === 'null' || NUMBER.test(raw);
}

function slowPath(line: string): JsonlRecord | JsonlReject {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return 'invalid JSON';
  }
  if (
    typeof obj !== 'object' ||
    obj === null ||
    Array.isArray(obj) ||
    typeof (obj as { text?: unknown }).text !== 'string'
  ) {
    return 'expected an object with a string field "text"';
  }
  const { id, text } = obj as { id?: unknown; text: string };
  return { idJson: JSON.stringify(id ?? null), text };
}

/**
 * Parse one protocol line (without its newline; a trailing CR is ignored).
 *
 * @example
 * parseJsonlLine('{"id":1,"text":"手机13812345678"}') // { idJson: '1', text: '手机13812345678' }
 */
export function parseJsonlLine(line: string): JsonlRecord | JsonlReject {
  let i = skipWs(line, 0);
  if (line.charCodeAt(i) !== 123) return slowPath(line);
  i = skipWs(line, i + 1);
  let idStart = -1;
  let idEnd = -1;
  let textStart = -1;
  let textEnd = -1;
  if (line.charCodeAt(i) === 125) return slowPath(line);
  for (;;) {
    if (line.charCodeAt(i) !== 34) return slowPath(line);
    const keyEnd = stringEnd(line, i);
    if (keyEnd < 0) return 'invalid JSON';
    const key = line.slice(i + 1, keyEnd - 1);
    if (key.indexOf('\\') >= 0) return slowPath(line);
    i = skipWs(line, keyEnd);
    if (line.charCodeAt(i) !== 58) return slowPath(line);
    i = skipWs(line, i + 1);
    const vEnd = valueEnd(line, i);
    if (vEnd < 0) return slowPath(line);
    if (key === 'id') {
      idStart = i;
      idEnd = vEnd;
    } else if (key === 'text') {
      textStart = i;
      textEnd = vEnd;
    } else if (!isCheapValidValue(line, i, vEnd)) return slowPath(line);
    i = skipWs(line, vEnd);
    const c = line.charCodeAt(i);
    if (c === 44) {
      i = skipWs(line, i + 1);
      continue;
    }
    if (c === 125) break;
    return slowPath(line);
  }
  if (skipWs(line, i + 1) !== line.length) return slowPath(line);
  if (textStart < 0 || line.charCodeAt(textStart) !== 34) return slowPath(line);
  // Strings: control characters are invalid JSON; escapes need decoding. Both go the strict way.
  const rawText = line.slice(textStart + 1, textEnd - 1);
  let text: string;
  if (rawText.indexOf('\\') >= 0 || CONTROL.test(rawText)) {
    try {
      text = JSON.parse(line.slice(textStart, textEnd)) as string;
    } catch {
      return 'invalid JSON';
    }
  } else text = rawText;
  let idJson = 'null';
  if (idStart >= 0) {
    const raw = line.slice(idStart, idEnd);
    const c = raw.charCodeAt(0);
    if (c === 34) {
      if (raw.indexOf('\\') >= 0 || CONTROL.test(raw)) return slowPath(line);
      idJson = raw;
    } else if (raw === 'true' || raw === 'false' || raw === 'null' || NUMBER.test(raw)) idJson = raw;
    else return slowPath(line);
  }
  return { idJson, text };
}

/** What {@link jsonlBatch} produced: the output lines (each ending in a newline) and the findings written. */
export interface JsonlBatchResult {
  out: string;
  found: number;
}

function round(score: number): number {
  return Math.round(score * 10000) / 10000;
}

function findingsJson(findings: readonly Finding[]): string {
  let out = '[';
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (i > 0) out += ',';
    out += `{"type":"${f.type}","start":${f.start},"end":${f.end},"score":${round(f.score)}}`;
  }
  return `${out}]`;
}

/**
 * Answer a run of complete protocol lines: `text` is one or more lines joined by `\n` (no trailing newline; an
 * empty `text` is one empty line), the first of them input line `firstLine`. Returns exactly one output line per
 * input line, in order; a malformed line gives `{"id":null,"error":"line N: …"}`, never echoing input. The same
 * function answers in the command's thread and in its worker threads, so output does not depend on threading.
 *
 * @example
 * jsonlBatch(analyzer, '{"id":1,"text":"手机13812345678"}\n{', 1).out
 * // '{"id":1,"findings":[{"type":"CN_MOBILE",…}]}\n{"id":null,"error":"line 2: invalid JSON"}\n'
 */
export function jsonlBatch(analyzer: Analyzer, text: string, firstLine: number): JsonlBatchResult {
  let out = '';
  let found = 0;
  let lineNo = firstLine;
  for (let start = 0; ; lineNo++) {
    const nl = text.indexOf('\n', start);
    const stop = nl < 0 ? text.length : nl;
    // A trailing CR (CRLF input) is not part of the line.
    const end = stop > start && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
    if (end === start) {
      out += `{"id":null,"error":"line ${lineNo}: empty line"}\n`;
    } else {
      const rec = parseJsonlLine(text.slice(start, end));
      if (typeof rec === 'string') {
        out += `{"id":null,"error":${JSON.stringify(`line ${lineNo}: ${rec}`)}}\n`;
      } else {
        const findings = analyzer.detect(rec.text);
        found += findings.length;
        out += `{"id":${rec.idJson},"findings":${findingsJson(findings)}}\n`;
      }
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  return { out, found };
}
