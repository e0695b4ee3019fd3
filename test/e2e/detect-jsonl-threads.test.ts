/**
 * `detect --jsonl --threads N`: worker threads answer batches of lines, this thread writes them in input order.
 * The output must be byte-identical to one thread's for any input and any chunking, including malformed,
 * empty, CRLF, invalid UTF-8 and over-long lines; a worker that dies stops the command (exit 2) after whole
 * answers only, never skipping a line. The worker script runs from dist/ (run `npm run build` first).
 */
import { existsSync, mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runJsonl } from '../../src/cli/commands/detect.js';
import { run } from '../../src/cli/run.js';
import { memoryIO, runCli } from '../../src/cli/testing.js';
import { splitAt } from '../../src/core/testing.js';
import { analyzerFromSpec } from '../../src/detect/spec.js';

const ID = '110105199003071239'; // synthetic, valid MOD 11-2
const MOBILE = '13812345678';
/** Workers from the first batch on. */
const PARALLEL = { LEAKGUARD_JSONL_PARALLEL_AFTER: '0' };

beforeAll(() => {
  if (!existsSync(join(__dirname, '..', '..', 'dist', 'cli', 'jsonl-worker.js')))
    throw new Error('dist/cli/jsonl-worker.js is missing: run `npm run build` before these tests');
});

const TEXTS = [
  `手机${MOBILE}`,
  `身份证号：${ID}，电话 138-1234-5678`,
  'nothing here',
  '😀 emoji and 中文 mixed text',
  `mail a.b@example.com ip 203.0.113.7 ${MOBILE}`,
  '',
];
const MALFORMED = ['not json', '{"id":3}', '', '[1,2]', '{"id":1,"text":"\\u0041\\n"}', '{"text":"x"', '\r'];

const lineArb = fc.oneof(
  fc
    .record({
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null)),
      text: fc.constantFrom(...TEXTS),
    })
    .map((r) => JSON.stringify(r)),
  fc.constantFrom(...MALFORMED),
);

describe('detect --jsonl --threads', () => {
  it('writes exactly what one thread writes, for any lines and any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        async (lines, cuts, crlf, finalNewline) => {
          const text = lines.join(crlf ? '\r\n' : '\n') + (finalNewline ? '\n' : '');
          // A byte that is not UTF-8 in the middle: both paths must decode it the same way.
          const bytes = Buffer.concat([
            Buffer.from(text),
            Buffer.from([0xff, 0x0a]),
            Buffer.from(`{"id":9,"text":"${MOBILE}"}`),
          ]);
          const chunks = splitAt(bytes, cuts).filter((b) => b.length > 0);
          const one = await runCli(['detect', '--jsonl', '--threads', '1'], chunks);
          const three = await runCli(['detect', '--jsonl', '--threads', '3'], chunks, { env: PARALLEL });
          expect(three.stderr).toBe('');
          expect(three.exitCode).toBe(0);
          expect(three.stdout).toBe(one.stdout);
          // One answer per input line.
          const inputLines = bytes.toString('utf8').split('\n');
          expect(one.stdout.split('\n').length - 1).toBe(inputLines.length);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('skips over-long lines with their line number, whether they end in a later chunk or at the end', async () => {
    const long = `{"id":2,"text":"${'x'.repeat(80)}"}`;
    const ok = (id: number) => `{"id":${id},"text":"${MOBILE}"}`;
    // Line 2 arrives in pieces (buffered, then refused); line 4 fits in one chunk with its newline (answered);
    // line 6 is over-long without a final newline.
    const chunks = [
      `${ok(1)}\n${long.slice(0, 30)}`,
      long.slice(30, 60),
      `${long.slice(60)}\n${ok(3)}\n`,
      `${long}\n${ok(5)}\n`,
      long,
    ].map((s) => Buffer.from(s));
    const env = { LEAKGUARD_JSONL_MAX_LINE: '50' };
    const one = await runCli(['detect', '--jsonl', '--threads', '1'], chunks, { env });
    const two = await runCli(['detect', '--jsonl', '--threads', '2'], chunks, { env: { ...env, ...PARALLEL } });
    expect(two.stdout).toBe(one.stdout);
    const out = one.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((l) => l.id)).toEqual([1, null, 3, 2, 5, null]);
    expect(out[1].error).toBe('line 2: line longer than 50 characters, skipped');
    expect(out[3].findings).toEqual([]);
    expect(out[5].error).toBe('line 6: line longer than 50 characters, skipped');
  });

  it('stops with exit 2 after whole answers when a worker dies, never skipping a line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-jsonl-'));
    const cfg = join(dir, 'detect.yaml');
    writeFileSync(cfg, 'thresholds: { CN_MOBILE: 0.5 }\n');
    const lines = Array.from({ length: 200 }, (_, i) => `{"id":${i},"text":"${MOBILE}"}`);
    // The command loads the config, then reads input: the workers, started at the first batch, find it gone.
    async function* input() {
      unlinkSync(cfg);
      for (let i = 0; i < lines.length; i += 20) yield Buffer.from(`${lines.slice(i, i + 20).join('\n')}\n`);
    }
    const { io, out } = memoryIO({ stdin: Readable.from(input()), env: PARALLEL, cwd: dir });
    const code = await run(['detect', '--jsonl', '--threads', '2', '--config', cfg], io);
    expect(code).toBe(2);
    const message = out().stderr;
    expect(message).toMatch(/^error LG_INTERNAL: detect --jsonl stopped after answering line \d+: a detection worker/);
    expect(message).not.toContain(MOBILE);
    const written = out().stdout;
    expect(written === '' || written.endsWith('\n')).toBe(true);
    const ids = written
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).id);
    // Whole answers, in order, from the first line, and fewer than all of them.
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(ids.length).toBeLessThan(lines.length);
    expect(Number(/line (\d+)/.exec(message)?.[1])).toBe(ids.length);
  });

  it('refuses --threads without --jsonl and a bad environment override (exit 2)', async () => {
    const a = await runCli(['detect', '--threads', '2', '-'], 'x');
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toContain('--threads applies to --jsonl');
    const b = await runCli(['detect', '--jsonl', '--threads', '1.5'], '');
    expect(b.exitCode).toBe(2);
    const c = await runCli(['detect', '--jsonl'], '', { env: { LEAKGUARD_JSONL_MAX_LINE: '-1' } });
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toContain('LEAKGUARD_JSONL_MAX_LINE');
  });
});

describe('runJsonl with workers', () => {
  it('hands batches to the workers when the input is already buffered (a pipe), not only to this thread', async () => {
    // Readable.from yields buffered chunks in microtasks: before the fix the command answered every batch
    // itself after the workers' first two, and the workers sat idle.
    const line = `{"id":1,"text":"手机${MOBILE} 身份证号：${ID} ${'填充文本 '.repeat(40)}"}\n`;
    const chunks = Array.from({ length: 300 }, () => Buffer.from(line.repeat(20)));
    const { io } = memoryIO({ stdin: Readable.from(chunks) });
    const counts = { here: 0, workers: 0 };
    const spec = {};
    const found = await runJsonl(analyzerFromSpec(spec), spec, io, {
      threads: 2,
      maxLine: 1 << 20,
      parallelAfter: 0,
      counts,
    });
    expect(found).toBe(300 * 20 * 2);
    expect(counts.here + counts.workers).toBe(300);
    // Before the fix: 10 of 300 (the first backlog only); after: 55–150 depending on load.
    expect(counts.workers).toBeGreaterThan(20);
  });
});
