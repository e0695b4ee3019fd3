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

/** Standard input for a test: text, bytes, chunks (each read separately) or any readable stream. */
export type TestStdin = string | Buffer | readonly (string | Buffer)[] | Readable;

/**
 * An in-memory CliIO; `out()` returns what was written so far.
 *
 * @example
 * const { io, out } = memoryIO({ stdin: 'text' });
 * await detectCommand(['-'], io);
 * out().stdout;
 */
export function memoryIO(options: { stdin?: TestStdin; env?: Record<string, string | undefined>; cwd?: string } = {}): {
  io: CliIO;
  out: () => { stdout: string; stderr: string };
} {
  const input = options.stdin ?? '';
  const stdin =
    input instanceof Readable
      ? input
      : Readable.from(
          (typeof input === 'string' || Buffer.isBuffer(input) ? [input] : input).map((c) =>
            typeof c === 'string' ? Buffer.from(c) : c,
          ),
        );
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (c: Buffer) => o.push(c));
  stderr.on('data', (c: Buffer) => e.push(c));
  const io: CliIO = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: false,
  };
  return { io, out: () => ({ stdout: Buffer.concat(o).toString('utf8'), stderr: Buffer.concat(e).toString('utf8') }) };
}

/**
 * Run `leakguard ARGV` with `stdin` as input.
 *
 * @example
 * const { exitCode, stdout } = await runCli(['types', '--json']);
 */
export async function runCli(
  argv: readonly string[],
  stdin: TestStdin = '',
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  const { io, out } = memoryIO({ stdin, ...options });
  const exitCode = await run(argv, io);
  io.stdout.end();
  io.stderr.end();
  return { exitCode, ...out() };
}
