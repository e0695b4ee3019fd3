/**
 * `leakguard detect [FILE|-]` — find personal information in text.
 *
 * Three output modes: human (masked previews with file:line:column), `--json` (one document), and `--jsonl`
 * (the stable line protocol used by outside tooling: one `{"id","findings"}` line per input line).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { InputError, isLeakguardError, LeakguardError, UsageError } from '../../core/errors.js';
import type { Analyzer } from '../../detect/analyzer.js';
import { maskedPreview } from '../../detect/preview.js';
import { type AnalyzerSpec, analyzerFromSpec } from '../../detect/spec.js';
import { detectStreamHits, type StreamStats } from '../../detect/stream.js';
import { numberOption, parse } from '../args.js';
import { analyzerSpec, splitList } from '../common.js';
import { type CliIO, write } from '../io.js';
import { jsonlBatch } from '../jsonl.js';
import { type JsonlAnswer, JsonlPool } from '../jsonl-pool.js';

export const detectHelp = `Usage: leakguard detect [FILE|-] [options]

Find personal information in text: Chinese identifiers (resident ID, mobile, bank card, USCC, permits,
plates, names, addresses), international ones (email, phone, cards, IBAN, SSN, IP, crypto) and secrets.
Reads FILE, or standard input when FILE is "-" or absent. Values are shown masked unless --show-values.

Options:
  --jsonl               Read JSON lines {"id": any, "text": string} on stdin; write one line
                        {"id": same, "findings": [{"type","start","end","score"}]} per input line
                        (offsets are UTF-16 code units into "text")
  --threads N           With --jsonl: threads answering lines (default: the number of cores; N − 1
                        worker threads start after the first 128 Mi characters; output order and content
                        do not depend on N; 1 answers in this thread only)
  --json                Print one JSON document: { findings: [...], masked, summary }
  --types LIST          Only these entity types (comma-separated; see \`leakguard types\`)
  --threshold N         Minimum score for types without their own threshold (0-1, default 0.5)
  --config FILE         Detection config: custom recognizers, thresholds, allow and deny lists
  --show-values         Print matched values in clear (never do this on shared terminals or logs)
  --include-masked      Also list values that are already masked (138****5678)
  --fail-on-findings    Exit 1 when anything is found
  -h, --help            Show this help

Exit status: 0 done, 1 findings with --fail-on-findings, 2 usage, configuration or input error.

Examples:
  leakguard detect examples/sample.txt
  echo '{"id":1,"text":"手机13812345678"}' | leakguard detect --jsonl
`;

const OPTIONS = {
  jsonl: { type: 'boolean' },
  json: { type: 'boolean' },
  types: { type: 'string' },
  threshold: { type: 'string' },
  config: { type: 'string' },
  'show-values': { type: 'boolean' },
  'include-masked': { type: 'boolean' },
  'fail-on-findings': { type: 'boolean' },
  threads: { type: 'string' },
} as const;

/**
 * Largest JSONL input line accepted, in characters (longer lines are reported and skipped, not buffered).
 * `LEAKGUARD_JSONL_MAX_LINE` overrides it.
 */
const MAX_JSONL_LINE = 64 * 1024 * 1024;

export async function detectCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, OPTIONS, 'detect');
  if (help) {
    await write(io.stdout, detectHelp);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('Invalid arguments for "detect": expected at most one FILE');
  const threshold = numberOption(values.threshold, 'threshold', 0, 1);
  const threads = numberOption(values.threads, 'threads', 1, 256);
  if (threads !== undefined && (!values.jsonl || !Number.isInteger(threads)))
    throw new UsageError(
      values.jsonl
        ? '--threads expects a whole number'
        : '--threads applies to --jsonl (detect FILE reads in one thread)',
    );
  const spec = analyzerSpec(io, {
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.types !== undefined ? { types: splitList(values.types) } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    includeMasked: Boolean(values['include-masked']),
  });
  const analyzer = analyzerFromSpec(spec);
  if (values.jsonl) {
    if (positionals.length > 0 && positionals[0] !== '-')
      throw new UsageError('--jsonl reads standard input: remove FILE');
    const found = await runJsonl(analyzer, spec, io, {
      threads: threads ?? availableParallelism(),
      maxLine: envCount(io, 'LEAKGUARD_JSONL_MAX_LINE') ?? MAX_JSONL_LINE,
      parallelAfter: envCount(io, 'LEAKGUARD_JSONL_PARALLEL_AFTER') ?? PARALLEL_AFTER,
    });
    return values['fail-on-findings'] && found > 0 ? 1 : 0;
  }
  const file = positionals[0] ?? '-';
  let input: Readable;
  let label: string;
  if (file === '-') {
    input = io.stdin;
    label = '<stdin>';
  } else {
    const path = resolve(io.cwd, file);
    try {
      const st = await stat(path);
      if (!st.isFile())
        throw new InputError('LG_INPUT_READ', `Cannot read "${file}": not a regular file`, { location: { file } });
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError('LG_INPUT_READ', `Cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
        cause: e,
        location: { file },
      });
    }
    input = createReadStream(path);
    label = file;
  }
  const stats: StreamStats = { chars: 0, bytes: 0, invalidUtf8: 0 };
  const lines = new LineTracker();
  const counts = new Map<string, number>();
  let maskedCount = 0;
  const json: object[] = [];
  const showValues = Boolean(values['show-values']);
  const decoded = lines.track(input, stats);
  // Human output is batched into writes of about 64 KiB: one write per finding cost a write request (and its
  // buffers in the pipe's queue) per line.
  let out = '';
  for await (const { finding, value } of detectStreamHits(analyzer, decoded, {}, stats)) {
    const { line, column } = lines.locate(finding.start);
    if (finding.masked) maskedCount++;
    else counts.set(finding.type, (counts.get(finding.type) ?? 0) + 1);
    const shown = showValues ? value : maskedPreview(value, finding.type);
    if (values.json) {
      json.push({ ...finding, line, column, [showValues ? 'value' : 'preview']: shown });
    } else {
      const score = finding.score.toFixed(2);
      const tag = finding.masked ? ' (already masked)' : '';
      out += `${label}:${line}:${column}\t${finding.type}\t${score}\t${oneLine(shown)}${tag}\n`;
      if (out.length >= 1 << 16) {
        await write(io.stdout, out);
        out = '';
      }
    }
  }
  if (out.length > 0) await write(io.stdout, out);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (values.json) {
    const summary = {
      findings: total,
      masked: maskedCount,
      byType: Object.fromEntries(counts),
      invalidUtf8: stats.invalidUtf8,
    };
    await write(io.stdout, `${JSON.stringify({ file: label, findings: json, summary }, null, 2)}\n`);
  } else {
    const byType = [...counts.entries()].map(([t, n]) => `${t} ${n}`).join(', ');
    let summary = `${total} finding${total === 1 ? '' : 's'}${byType ? ` (${byType})` : ''}`;
    if (maskedCount > 0) summary += `; ${maskedCount} already masked`;
    if (stats.invalidUtf8 > 0) summary += `; ${stats.invalidUtf8} invalid UTF-8 sequence(s) replaced`;
    await write(io.stderr, `${summary}\n`);
  }
  return values['fail-on-findings'] && total > 0 ? 1 : 0;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]/g, ' ');
}

/**
 * Decodes a byte stream to text and remembers where lines start, so findings (which arrive in order, at most a
 * window behind the reader) can be given line and column numbers without keeping the whole file.
 */
class LineTracker {
  private newlines: number[] = [];
  private head = 0;
  private line = 1;
  private lineStart = 0;

  async *track(input: Readable, stats: StreamStats): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    let offset = 0;
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (typeof chunk !== 'string') {
        stats.bytes += chunk.length;
        stats.invalidUtf8 += countFffd(text);
      }
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.newlines.push(offset + i);
      offset += text.length;
      yield text;
    }
    const tail = decoder.decode();
    if (tail.length > 0) {
      stats.invalidUtf8 += countFffd(tail);
      yield tail;
    }
  }

  /** Line and column (1-based, UTF-16 units) of `offset`; offsets must not decrease between calls. */
  locate(offset: number): { line: number; column: number } {
    while (this.head < this.newlines.length && this.newlines[this.head]! < offset) {
      this.lineStart = this.newlines[this.head]! + 1;
      this.line++;
      this.head++;
    }
    if (this.head > 4096) {
      this.newlines = this.newlines.slice(this.head);
      this.head = 0;
    }
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

function countFffd(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\ufffd'); i >= 0; i = s.indexOf('\ufffd', i + 1)) n++;
  return n;
}

/**
 * Input (characters) answered in this thread before `--threads` starts workers: a worker costs a few CPU-seconds
 * to load and optimise the recognizers, which only a large input repays. `LEAKGUARD_JSONL_PARALLEL_AFTER`
 * overrides it.
 */
const PARALLEL_AFTER = 128 << 20;

/** A whole number ≥ 0 from the environment, or undefined when unset. */
function envCount(io: CliIO, name: string): number | undefined {
  const raw = io.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UsageError(`Invalid ${name}: expected a whole number ≥ 0, got "${raw}"`);
  return n;
}

/** How {@link runJsonl} runs. */
export interface JsonlOptions {
  threads: number;
  maxLine: number;
  parallelAfter: number;
  /** Filled in: batches answered in this thread and by workers. */
  counts?: { here: number; workers: number };
}
/** Batches a worker may hold before this thread answers the next one itself. */
const WORKER_BACKLOG = 2;
/** Answers waiting to be written, at most (bounds memory: a batch is about one stdin chunk). */
const MAX_QUEUED = 64;

/**
 * The JSONL protocol. Returns the number of findings written. Each input line yields exactly one output line,
 * in order; malformed lines yield `{"id":null,"error":"line N: …"}` (never echoing input) and processing goes on.
 * Lines longer than `maxLine` characters are reported and skipped without being buffered.
 *
 * Input is decoded here and cut after the last newline of each chunk; each run of complete lines is one batch,
 * answered by `jsonlBatch`. With `threads > 1`, once the input passes `parallelAfter` characters,
 * `threads − 1` worker threads start and take batches while this thread (its code already optimised) answers
 * the rest. Answers are written strictly in input order, so the output is byte-identical whatever the thread
 * count.
 */
export async function runJsonl(
  analyzer: Analyzer,
  spec: AnalyzerSpec,
  io: CliIO,
  options: JsonlOptions,
): Promise<number> {
  const { threads, maxLine, parallelAfter } = options;
  let lineNo = 0;
  let found = 0;
  let pending = '';
  let oversized = false;
  let seen = 0;
  let pool: JsonlPool | undefined;
  const decoder = new StringDecoder('utf8');
  /** Answers not yet written, oldest first, with the last input line each answers. */
  const queue: { answer: Promise<JsonlAnswer>; last: number }[] = [];
  /** Input lines answered and written. */
  let answered = 0;

  const drainOne = async (): Promise<void> => {
    const { answer, last } = queue.shift() as (typeof queue)[number];
    let r: JsonlAnswer;
    try {
      r = await answer;
    } catch (e) {
      // Fail closed: the protocol promises one answer per line, so stop rather than skip lines.
      const why = isLeakguardError(e) ? e.message : ((e as Error)?.name ?? 'error');
      throw new LeakguardError('LG_INTERNAL', `detect --jsonl stopped after answering line ${answered}: ${why}`, {
        cause: e,
      });
    }
    answered = last;
    found += r.found;
    if (r.out.length > 0) await write(io.stdout, r.out);
  };
  const push = async (answer: Promise<JsonlAnswer>): Promise<void> => {
    // Never an unhandled rejection: the failure surfaces when its turn to be written comes.
    answer.catch(() => undefined);
    queue.push({ answer, last: lineNo });
    const limit = pool ? MAX_QUEUED : 0;
    while (queue.length > limit) await drainOne();
  };
  /** `text`: one or more complete lines joined by newlines. */
  const batch = async (text: string, lines: number): Promise<void> => {
    const first = lineNo + 1;
    lineNo += lines;
    seen += text.length;
    if (!pool && threads > 1 && seen > parallelAfter) pool = new JsonlPool(spec, threads - 1);
    const toWorker = pool?.hasRoom(WORKER_BACKLOG) === true;
    if (options.counts) options.counts[toWorker ? 'workers' : 'here']++;
    await push(toWorker ? (pool as JsonlPool).run(text, first) : Promise.resolve(jsonlBatch(analyzer, text, first)));
    // Let the workers' answers in: buffered input (a pipe) is iterated in microtasks, which would otherwise
    // keep this thread answering every batch itself while the workers sit idle.
    if (pool) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const skipped = async (): Promise<void> => {
    lineNo++;
    const out = `{"id":null,"error":"line ${lineNo}: line longer than ${maxLine} characters, skipped"}\n`;
    await push(Promise.resolve({ out, found: 0 }));
  };

  try {
    for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const last = text.lastIndexOf('\n');
      if (last >= 0) {
        let from = 0;
        if (oversized) {
          // The newline that ends the skipped line.
          await skipped();
          oversized = false;
          from = text.indexOf('\n') + 1;
        }
        if (from <= last) {
          let lines = 1;
          for (let nl = text.indexOf('\n', from); nl >= 0 && nl < last; nl = text.indexOf('\n', nl + 1)) lines++;
          const body = text.slice(from, last);
          await batch(pending.length > 0 ? pending + body : body, lines);
          pending = '';
        }
        const tail = text.length - last - 1;
        if (tail > 0) {
          if (tail > maxLine) oversized = true;
          else pending = text.slice(last + 1);
        }
      } else if (text.length > 0 && !oversized) {
        if (pending.length + text.length > maxLine) {
          oversized = true;
          pending = '';
        } else pending += text;
      }
    }
    const tail = decoder.end();
    if (tail.length > 0 && !oversized) pending += tail;
    if (oversized) await skipped();
    else if (pending.length > 0) await batch(pending, 1);
    while (queue.length > 0) await drainOne();
  } finally {
    await pool?.close();
  }
  return found;
}
