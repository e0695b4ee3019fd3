/**
 * The error catalog. Every error leakguard throws on purpose carries a stable `code`; callers match on it.
 * Messages name locations (file:line, table.column), never personal values.
 */

const BRAND = Symbol.for('leakguard.error');

/** How an error code behaves towards users. */
export interface ErrorSpec {
  /** Whether the message may be shown to an untrusted client (HTTP). */
  readonly safe: boolean;
  readonly httpStatus: number;
  readonly exitCode: number;
  readonly hint: string;
}

export const ERROR_CODES = {
  LG_USAGE: { safe: true, httpStatus: 400, exitCode: 2, hint: 'Run with --help to see the usage' },
  LG_CONFIG_INVALID: {
    safe: true,
    httpStatus: 400,
    exitCode: 2,
    hint: 'Fix the file at the location given; `leakguard --help` lists the options',
  },
  LG_CONFIG_NOT_FOUND: { safe: true, httpStatus: 400, exitCode: 2, hint: 'Check the path' },
  LG_RECOGNIZER_INVALID: {
    safe: true,
    httpStatus: 400,
    exitCode: 2,
    hint: 'Custom recognizers need an id, an entity type, a linear-time pattern and examples',
  },
  LG_PATTERN_UNSAFE: {
    safe: true,
    httpStatus: 400,
    exitCode: 2,
    hint: 'Use bounded quantifiers and avoid nested or overlapping repetition',
  },
  LG_INPUT_READ: { safe: true, httpStatus: 400, exitCode: 2, hint: 'Check that the input exists and is readable' },
  LG_INPUT_INVALID: { safe: true, httpStatus: 400, exitCode: 2, hint: 'Check the input format' },
  LG_KEY_MISSING: {
    safe: true,
    httpStatus: 500,
    exitCode: 2,
    hint: 'Provide the key through the environment variable or key file the configuration names',
  },
  LG_KEY_INVALID: { safe: true, httpStatus: 500, exitCode: 2, hint: 'Keys must be at least 32 random bytes' },
  LG_REVEAL_FAILED: {
    safe: true,
    httpStatus: 400,
    exitCode: 2,
    hint: 'Use the keys and vault the file was protected with',
  },
  LG_POLICY_INVALID: { safe: true, httpStatus: 400, exitCode: 2, hint: 'Run `leakguard policy check FILE`' },
  LG_OPERATOR_FAILED: { safe: false, httpStatus: 500, exitCode: 2, hint: 'Check the operator parameters' },
  LG_VAULT_FAILED: {
    safe: false,
    httpStatus: 500,
    exitCode: 2,
    hint: 'Check the token vault database is reachable and writable',
  },
  LG_SOURCE_FAILED: { safe: false, httpStatus: 502, exitCode: 2, hint: 'Check the source is reachable' },
  LG_SOURCE_CONNECT: {
    safe: false,
    httpStatus: 502,
    exitCode: 2,
    hint: 'Check the address, credentials and that the server is running',
  },
  LG_SOURCE_UNREADABLE: {
    safe: true,
    httpStatus: 400,
    exitCode: 2,
    hint: 'Check permissions and that the path exists',
  },
  LG_FORMAT_CORRUPT: {
    safe: true,
    httpStatus: 400,
    exitCode: 2,
    hint: 'The file is damaged or not in the format its content suggests',
  },
  LG_ARCHIVE_REFUSED: {
    safe: true,
    httpStatus: 400,
    exitCode: 2,
    hint: 'The archive exceeds the depth, size or compression-ratio limits (possible zip bomb); raise the limits only for trusted input',
  },
  LG_INTERNAL: { safe: false, httpStatus: 500, exitCode: 2, hint: 'This is a bug: please report it' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where an error happened: a file and line, a field path, a table column. Never a value. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

/** Base class of every leakguard error. */
export class LeakguardError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; location?: ErrorLocation }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.location = options?.location;
  }

  get spec(): ErrorSpec {
    return ERROR_CODES[this.code];
  }
}

/** Bad command-line usage or API arguments a user supplied. */
export class UsageError extends LeakguardError {
  constructor(message: string, options?: { cause?: unknown; location?: ErrorLocation }) {
    super('LG_USAGE', message, options);
  }
}

/** A configuration file (recognizers, policy, rules) that does not validate. */
export class ConfigError extends LeakguardError {}

/** An input that cannot be read or parsed. */
export class InputError extends LeakguardError {}

/** A source (file, database, index) that cannot be read. */
export class SourceError extends LeakguardError {}

/** A protect policy or operator problem. */
export class PolicyError extends LeakguardError {}

/** Whether `e` is a leakguard error (works across duplicate copies of the package). */
export function isLeakguardError(e: unknown): e is LeakguardError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** Format a location as `file:line:column` (parts omitted when unknown). */
export function formatLocation(loc: ErrorLocation | undefined): string {
  if (!loc) return '';
  let out = loc.file ?? '';
  if (loc.line !== undefined) out += `${out ? ':' : 'line '}${loc.line}`;
  if (loc.column !== undefined) out += `:${loc.column}`;
  if (loc.field) out += `${out ? ' ' : ''}(${loc.field})`;
  return out;
}
