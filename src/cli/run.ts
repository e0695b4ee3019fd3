/**
 * The CLI entry: `run(argv, io)` dispatches to a command and maps errors to exit codes. User errors print
 * `error LG_…: message` and a hint (no stack unless --debug); anything else prints "internal error, please
 * report" with the stack. Exit 0 clean, 1 findings (when asked to fail on them), 2 usage/config/fatal.
 */
import { formatLocation, isLeakguardError } from '../core/errors.js';
import { type CliIO, processIO, write } from './io.js';
import { version } from './version.js';

type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

/**
 * Commands load on demand: importing every command (guard, risk, audit, the file-format readers, BullMQ …) at
 * start cost about a second of CPU before `--version` or `detect --jsonl` could answer.
 */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  detect: {
    load: async () => (await import('./commands/detect.js')).detectCommand,
    summary: 'Find personal information in text (file, stdin, or JSON lines)',
  },
  scan: {
    load: async () => (await import('./commands/scan.js')).scanCommand,
    summary: 'Discover personal information in files and databases; catalog and grade it',
  },
  report: {
    load: async () => (await import('./commands/report.js')).reportCommand,
    summary: 'Render the latest scan as HTML, JSON, SARIF or Markdown',
  },
  types: {
    load: async () => (await import('./commands/types.js')).typesCommand,
    summary: 'List the entity types leakguard detects',
  },
  protect: {
    load: async () => (await import('./commands/protect.js')).protectCommand,
    summary: 'Protect a file with a policy (text, logs, CSV, JSON, Parquet, XLSX)',
  },
  reveal: {
    load: async () => (await import('./commands/reveal.js')).revealCommand,
    summary: 'Reverse fpe, encrypt and tokenize in a protected file (audited)',
  },
  policy: {
    load: async () => (await import('./commands/policy.js')).policyCommand,
    summary: 'Validate a protection policy: policy check FILE',
  },
  canary: {
    load: async () => (await import('./commands/canary.js')).canaryCommand,
    summary: 'Plant canary records and find which system a leaked sample came from',
  },
  leakcheck: {
    load: async () => (await import('./commands/leakcheck.js')).leakcheckCommand,
    summary: 'Private leak lookup: ingest breaches as VOPRF outputs; look identifiers up',
  },
  guard: {
    load: async () => (await import('./commands/guard.js')).guardCommand,
    summary: 'Access proxy for data APIs: auth, per-role masking, quotas, anomaly alerts, hash-chained audit',
  },
  audit: {
    load: async () => (await import('./commands/audit.js')).auditCommand,
    summary: 'Find open data stores and leaked credentials before an attacker does (audit endpoints|secrets)',
  },
  risk: {
    load: async () => (await import('./commands/risk.js')).riskCommand,
    summary: 'Measure re-identification risk (k, uniqueness, l-diversity); risk anonymize makes a table k-anonymous',
  },
  worker: {
    load: async () => (await import('./commands/worker.js')).workerCommand,
    summary: 'Run queued scan units and protect ranges from BullMQ (scale scan and in-place protect across machines)',
  },
  serve: {
    load: async () => (await import('./commands/serve.js')).serveCommand,
    summary: 'Run the private "was my data leaked?" service (page and /v1 API)',
  },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const list = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n');
  return `Usage: leakguard <command> [options]

leakguard finds, protects and guards personal information, with first-class Chinese identifiers.

Commands:
${list}

Global options:
  --debug        Print stack traces for errors
  -h, --help     Show help (also: leakguard <command> --help)
  -V, --version  Print the version

Run \`leakguard <command> --help\` for a command's options.
`;
}

/**
 * Run the CLI with `argv` (without `node` and the script path). Resolves to the exit code.
 *
 * @example
 * const code = await run(['detect', 'examples/sample.txt'], processIO());
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      if (name === 'help' && rest[0] && COMMANDS[rest[0]])
        return await (await COMMANDS[rest[0]]!.load())(['--help'], io);
      await write(io.stdout, mainHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '-V' || name === '--version') {
      await write(io.stdout, `${version()}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      await write(
        io.stderr,
        `error LG_USAGE: Unknown command "${name}"\nhint: run \`leakguard --help\` for the list of commands\n`,
      );
      return 2;
    }
    return await (await command.load())(rest, io);
  } catch (e) {
    if (isLeakguardError(e)) {
      const where = formatLocation(e.location);
      let msg = `error ${e.code}: ${e.message}${where && !e.message.includes(where) ? ` (${where})` : ''}\n`;
      msg += `hint: ${e.spec.hint}\n`;
      if (debug && e.stack) msg += `${e.stack}\n`;
      await write(io.stderr, msg);
      return e.spec.exitCode;
    }
    const err = e as Error;
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    await write(io.stderr, `internal error, please report: ${err?.stack ?? String(e)}\n`);
    return 2;
  }
}
