/**
 * Run one leak command function (`canary`, `leakcheck`, `serve`) in-process with in-memory streams, mapping
 * leakguard errors to exit codes as src/cli/run.ts does (the commands are registered there by the lead).
 */
import type { CliIO } from '../../src/cli/io.js';
import { memoryIO } from '../../src/cli/testing.js';
import { isLeakguardError } from '../../src/core/errors.js';

export interface LeakCliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type LeakCommand = (argv: readonly string[], io: CliIO) => Promise<number>;

export { memoryIO } from '../../src/cli/testing.js';

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
