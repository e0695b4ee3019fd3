/**
 * Run `leakguard audit …` in-process with in-memory streams (the command is called directly, as the CLI's
 * registry would).
 */
import { auditCommand } from '../../src/cli/commands/audit.js';
import { memoryIO } from '../../src/cli/testing.js';
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
  const { io, out } = memoryIO(options);
  let exitCode: number;
  try {
    exitCode = await auditCommand(argv, io);
  } catch (e) {
    if (!isLeakguardError(e)) throw e;
    io.stderr.write(`error ${e.code}: ${e.message}\n`);
    exitCode = e.spec.exitCode;
  }
  io.stdout.end();
  io.stderr.end();
  return { exitCode, ...out() };
}
