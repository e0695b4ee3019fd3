/**
 * Run one leak command function (`canary`, `leakcheck`, `serve`) in-process with in-memory streams, mapping
 * leakguard errors to exit codes as src/cli/run.ts does (the commands are registered there by the lead).
 */
import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import { isLeakguardError } from '../../src/core/errors.js';

export interface LeakCliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type LeakCommand = (argv: readonly string[], io: CliIO) => Promise<number>;

/** Build an in-memory CliIO; `out()` returns what was written so far. */
export function memoryIO(options: { cwd: string; env: Record<string, string | undefined>; stdin?: string }): {
  io: CliIO;
  out: () => { stdout: string; stderr: string };
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (c: Buffer) => o.push(c));
  stderr.on('data', (c: Buffer) => e.push(c));
  const io: CliIO = {
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
    stdout,
    stderr,
    env: options.env,
    cwd: options.cwd,
    isTTY: false,
  };
  return { io, out: () => ({ stdout: Buffer.concat(o).toString('utf8'), stderr: Buffer.concat(e).toString('utf8') }) };
}

/** Run `command(argv)`; a leakguard error becomes `error CODE: message` on stderr and its exit code. */
export async function runLeakCommand(
  command: LeakCommand,
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined>; stdin?: string },
): Promise<LeakCliResult> {
  const { io, out } = memoryIO(options);
  let exitCode: number;
  try {
    exitCode = await command(argv, io);
  } catch (err) {
    if (!isLeakguardError(err)) throw err;
    io.stderr.write(`error ${err.code}: ${err.message}\n`);
    exitCode = err.spec.exitCode;
  }
  await new Promise((r) => setImmediate(r));
  return { exitCode, ...out() };
}
