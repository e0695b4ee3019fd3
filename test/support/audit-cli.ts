/**
 * Run `leakguard audit …` in-process with in-memory streams (the command is called directly, as the CLI's
 * registry would).
 */
import { PassThrough, Readable } from 'node:stream';
import { auditCommand } from '../../src/cli/commands/audit.js';
import type { CliIO } from '../../src/cli/io.js';
import { isLeakguardError } from '../../src/core/errors.js';

export interface AuditCliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run the audit command; a LeakguardError is mapped to its exit code and `error CODE: message` as run() does. */
export async function runAudit(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<AuditCliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const io: CliIO = {
    stdin: Readable.from([]),
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: false,
  };
  let exitCode: number;
  try {
    exitCode = await auditCommand(argv, io);
  } catch (e) {
    if (!isLeakguardError(e)) throw e;
    stderr.write(`error ${e.code}: ${e.message}\n`);
    exitCode = e.spec.exitCode;
  }
  stdout.end();
  stderr.end();
  return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
