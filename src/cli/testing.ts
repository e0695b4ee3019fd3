/**
 * Run the CLI in-process with in-memory streams; used by tests.
 */
import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from './io.js';
import { run } from './run.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `leakguard ARGV` with `stdin` as input.
 *
 * @example
 * const { exitCode, stdout } = await runCli(['types', '--json']);
 */
export async function runCli(
  argv: readonly string[],
  stdin: string | Buffer | readonly (string | Buffer)[] = '',
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  const chunks = typeof stdin === 'string' || Buffer.isBuffer(stdin) ? [stdin] : stdin;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const io: CliIO = {
    stdin: Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))),
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: false,
  };
  const exitCode = await run(argv, io);
  stdout.end();
  stderr.end();
  return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
