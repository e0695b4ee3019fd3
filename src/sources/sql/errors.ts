/**
 * Driver errors → {@link SourceError}. Driver messages can echo row values (a failed cast quotes the value) and
 * connection strings, so they never reach a message: they are kept as `cause`, and the message is written here
 * from the error's class and code, naming the source (redacted URL), the table and the range.
 */
import { type ErrorCode, isLeakguardError, SourceError } from '../../core/errors.js';
import type { SqlDriver, SqlErrorClass } from './types.js';

/** What was being done when an error happened. */
export interface SqlErrorContext {
  /** The redacted URL of the source. */
  source: string;
  /** `connect`, `list` (introspection), `plan`, `read`, `query`. */
  action: 'connect' | 'list' | 'plan' | 'read' | 'query';
  /** `schema.table`. */
  table?: string;
  /** Range label (`(1000,2000]`, `#3`) or `sample`. */
  range?: string;
  /** Attempts made (retries + 1), when more than one. */
  attempts?: number;
  statementTimeoutMs?: number;
}

const REASONS: Record<SqlErrorClass, string> = {
  connection: 'connection lost',
  auth: 'authentication failed',
  timeout: 'statement timed out',
  permission: 'permission denied',
  missing: 'does not exist',
  readonly: 'write refused: the connection is read-only',
  other: 'database error',
};

/**
 * Wrap a driver error (or pass a leakguard error through).
 *
 * @example
 * wrapSqlError(driver, err, { source: 'postgres://u:***@h:5432/db', action: 'read', table: 'public.users', range: '(0,1000]' })
 * // SourceError LG_SOURCE_FAILED: Cannot read table "public.users" range (0,1000] from "postgres://u:***@h:5432/db": connection lost (57P01)
 */
export function wrapSqlError(
  driver: SqlDriver,
  error: unknown,
  ctx: SqlErrorContext,
  cls: SqlErrorClass = driver.classify(error),
): SourceError {
  if (isLeakguardError(error) && error instanceof SourceError) return error;
  const code = driver.code(error);
  let reason = REASONS[cls];
  if (cls === 'timeout' && ctx.statementTimeoutMs !== undefined) reason += ` after ${ctx.statementTimeoutMs} ms`;
  if (cls === 'missing') reason = ctx.action === 'connect' ? 'database does not exist' : 'table does not exist';
  if (cls === 'connection' && ctx.action === 'connect') reason = connectReason(code);
  if (code) reason += ` (${code})`;
  if (ctx.attempts !== undefined && ctx.attempts > 1) reason += ` after ${ctx.attempts} attempts`;
  const what = describe(ctx, driver.dialect.label);
  const errorCode: ErrorCode =
    ctx.action === 'connect' || cls === 'auth'
      ? 'LG_SOURCE_CONNECT'
      : cls === 'permission' || cls === 'missing'
        ? 'LG_SOURCE_UNREADABLE'
        : 'LG_SOURCE_FAILED';
  return new SourceError(errorCode, `${what}: ${reason}`, {
    cause: error,
    ...(ctx.table ? { location: { field: ctx.table } } : {}),
  });
}

function describe(ctx: SqlErrorContext, label: string): string {
  const table = ctx.table ? `table "${ctx.table}"` : '';
  const range = ctx.range ? (ctx.range === 'sample' ? ' (sample)' : ` range ${ctx.range}`) : '';
  switch (ctx.action) {
    case 'connect':
      return `Cannot connect to ${label} at "${ctx.source}"`;
    case 'list':
      return `Cannot list the tables of "${ctx.source}"`;
    case 'plan':
      return `Cannot plan ${table} of "${ctx.source}"`;
    case 'read':
      return `Cannot read ${table}${range} from "${ctx.source}"`;
    case 'query':
      return `Cannot run a read-only query on "${ctx.source}"`;
  }
}

function connectReason(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return 'connection failed';
  }
}

/** The `code` property of an error, if it is a short token (SQLSTATE, errno name). */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  // A driver code is a short token: `57P01`, `ECONNRESET`, `SQLITE_READONLY`. Anything else is not trusted.
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : undefined;
}

/** The message of an error, for classification only (never shown). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Error codes of Node's network layer that mean the connection is gone. */
export const NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
]);
