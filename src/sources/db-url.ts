/**
 * Database and search-index connection URLs: parse `postgres://`, `postgresql://`, `mysql://`, `mariadb://`,
 * `sqlite:path`, `sqlite:///abs/path`, `es+http://` and `es+https://` into a typed connection spec, and redact
 * credentials from any URL before it is printed.
 *
 * Credentials never have to travel inside a URL: `?passwordEnv=NAME` (and `?apiKeyEnv=NAME` for Elasticsearch)
 * name an environment variable that each process resolves from its own environment, so a URL without a password
 * can be shipped through a job queue and every worker fills in its own secret. The standard variables are used
 * when nothing else is given: `PGPASSWORD` (PostgreSQL), `MYSQL_PWD` (MySQL/MariaDB), `LEAKGUARD_ES_API_KEY`,
 * `LEAKGUARD_ES_USERNAME` and `LEAKGUARD_ES_PASSWORD` (Elasticsearch/OpenSearch).
 *
 * Every spec carries two credential-free renderings: `display` (the URL with the password replaced by `***`, for
 * messages) and `base` (the data's identity without user or password, for unit ids and assets).
 */
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

/** How a network connection uses TLS (libpq's `sslmode` vocabulary, applied to every driver). */
export type TlsMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** Options shared by every database URL (query string). */
interface CommonSpec {
  /** The URL with the password (and secret query parameters) replaced by `***`: safe to print. */
  readonly display: string;
  /** The data's identity without user or password (`postgres://db.internal:5432/shop`): unit ids and assets. */
  readonly base: string;
  /** `?tables=a,b`: table (or index) names or `*` patterns to scan, `schema.table` allowed. */
  readonly tables?: readonly string[];
  /** `?sample=N`: rows (documents) per table (index) in sampling mode. */
  readonly sampleRows?: number;
}

/** A PostgreSQL or MySQL/MariaDB server. */
export interface NetworkSqlSpec extends CommonSpec {
  readonly kind: 'postgres' | 'mysql';
  /** Whether the URL said `mariadb://` (the same driver and dialect as `mysql://`). */
  readonly mariadb?: boolean;
  readonly host: string;
  readonly port: number;
  /** A Unix socket directory (PostgreSQL, `?host=/run/postgresql`) or socket file (MySQL, `?socket=`). */
  readonly socketPath?: string;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  /** `?schema=a,b`: schemas (MySQL: databases) to scan; default all non-system schemas (MySQL: the URL's database). */
  readonly schemas?: readonly string[];
  readonly tls: TlsMode;
  /** `?sslrootcert=/path/ca.pem`: CA certificates to trust. */
  readonly tlsCaFile?: string;
}

/** A SQLite database file. */
export interface SqliteSpec extends CommonSpec {
  readonly kind: 'sqlite';
  /** Absolute path of the database file. */
  readonly path: string;
}

/** An Elasticsearch or OpenSearch cluster and an index pattern. */
export interface ElasticsearchSpec extends CommonSpec {
  readonly kind: 'elasticsearch';
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  /** Comma-separated index names or `*` patterns; `*` when the URL has no path. */
  readonly indexPattern: string;
  readonly user?: string;
  readonly password?: string;
  /** An API key (`id:key` or its base64 encoding) sent as `Authorization: ApiKey …`. */
  readonly apiKey?: string;
  /** `?slices=N`: slices per index in `--full` mode (default: planned from the document count). */
  readonly slices?: number;
  /** `?sslmode=require` turns certificate verification off; default `verify-full` for https. */
  readonly tls: TlsMode;
  readonly tlsCaFile?: string;
}

/** A parsed SQL connection URL. */
export type SqlConnectionSpec = NetworkSqlSpec | SqliteSpec;

/** A parsed database or index connection URL. */
export type DbConnectionSpec = SqlConnectionSpec | ElasticsearchSpec;

/** Options of {@link parseDbUrl}. */
export interface ParseDbUrlOptions {
  /** Environment to resolve `passwordEnv`/`apiKeyEnv` and the standard variables from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative SQLite paths are resolved against (default `process.cwd()`). */
  cwd?: string;
}

const SCHEMES: Readonly<Record<string, 'postgres' | 'mysql' | 'sqlite' | 'elasticsearch'>> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'sqlite:': 'sqlite',
  'es+http:': 'elasticsearch',
  'es+https:': 'elasticsearch',
};

const TLS_MODES: readonly TlsMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

const COMMON_PARAMS = ['tables', 'sample'] as const;
const PARAMS: Readonly<Record<'postgres' | 'mysql' | 'sqlite' | 'elasticsearch', readonly string[]>> = {
  postgres: [...COMMON_PARAMS, 'schema', 'sslmode', 'sslrootcert', 'passwordEnv', 'host', 'user', 'password'],
  mysql: [...COMMON_PARAMS, 'schema', 'sslmode', 'sslrootcert', 'passwordEnv', 'socket', 'user', 'password'],
  sqlite: [...COMMON_PARAMS],
  elasticsearch: [...COMMON_PARAMS, 'slices', 'sslmode', 'sslrootcert', 'passwordEnv', 'apiKeyEnv'],
};

/** Query parameters whose values are secrets, redacted by {@link redactUrl}. */
const SECRET_PARAMS = new Set(['password', 'pass', 'pwd', 'apikey', 'api_key', 'token', 'secret', 'sslpassword']);

const DEFAULT_PORTS = { postgres: 5432, mysql: 3306, elasticsearch: 9200 } as const;

/** Whether `url` names a database or index source this module parses (by scheme only). */
export function isDbUrl(url: string): boolean {
  const m = SCHEME_RE.exec(url);
  return m !== null && SCHEMES[m[1]!.toLowerCase()] !== undefined;
}

/**
 * The scheme of a URL, lower-cased with its colon: `postgres:`, `es+https:`.
 * Example match: `es+https:` in `es+https://h:9200/logs-*`. Source: RFC 3986 §3.1 (`ALPHA *( ALPHA / DIGIT / "+" /
 * "-" / "." )`), bounded to 32 characters. Does not match a Windows drive (`C:`), which is one letter: schemes here
 * are at least five.
 */
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]{3,31}:)/;

/**
 * Parse a connection URL into a typed spec.
 *
 * @throws {UsageError} `LG_USAGE` when the scheme is unknown, the URL is malformed, a query option is unknown or
 *   out of range (the message quotes the redacted URL).
 * @example
 * parseDbUrl('postgres://scanner:s3cret@db.internal/shop?schema=public&sample=200')
 * // { kind: 'postgres', host: 'db.internal', port: 5432, database: 'shop', schemas: ['public'], sampleRows: 200,
 * //   display: 'postgres://scanner:***@db.internal:5432/shop?schema=public&sample=200',
 * //   base: 'postgres://db.internal:5432/shop', … }
 */
export function parseDbUrl(url: string, options: ParseDbUrlOptions = {}): DbConnectionSpec {
  const env = options.env ?? process.env;
  const m = SCHEME_RE.exec(url);
  const kind = m ? SCHEMES[m[1]!.toLowerCase()] : undefined;
  if (!m || !kind) {
    throw new UsageError(
      `Cannot parse source URL "${redactUrl(url)}": expected postgres://, mysql://, mariadb://, sqlite:, es+http:// or es+https://`,
    );
  }
  if (kind === 'sqlite') return parseSqlite(url, m[1]!.length, options.cwd ?? process.cwd());

  let u: URL;
  try {
    // WHATWG URL parses special schemes only; every scheme here is parsed as a generic URL with an authority.
    u = new URL(url);
  } catch (cause) {
    throw new UsageError(`Cannot parse source URL "${redactUrl(url)}": malformed URL`, { cause });
  }
  const params = readParams(u, kind, url);
  const display = redactUrl(url);
  const host = decodeHost(u.hostname);
  if (!host && !(kind !== 'elasticsearch' && (params.get('host') ?? params.get('socket')))) {
    throw new UsageError(`Cannot parse source URL "${display}": no host`);
  }
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[kind];
  const user = decode(u.username, display) || params.get('user') || undefined;
  const passwordEnv = params.get('passwordEnv');
  const password =
    decode(u.password, display) ||
    params.get('password') ||
    (passwordEnv !== undefined ? requireEnv(env, passwordEnv, display) : undefined) ||
    (kind === 'postgres' ? env.PGPASSWORD : kind === 'mysql' ? env.MYSQL_PWD : env.LEAKGUARD_ES_PASSWORD) ||
    undefined;
  const tables = listParam(params.get('tables'));
  const sampleRows = intParam(params.get('sample'), 'sample', 1, 10_000_000, display);
  const tlsRaw = params.get('sslmode');
  if (tlsRaw !== undefined && !TLS_MODES.includes(tlsRaw as TlsMode)) {
    throw new UsageError(
      `Cannot parse source URL "${display}": sslmode "${tlsRaw}" is not one of ${TLS_MODES.join(', ')}`,
    );
  }
  const tlsCaFile = params.get('sslrootcert');
  const hostForBase = host.includes(':') ? `[${host}]` : host;

  if (kind === 'elasticsearch') {
    const protocol = m[1]!.toLowerCase() === 'es+https:' ? 'https' : 'http';
    // Leading and trailing slashes of the path. Example match: `/` in `/logs-*/`. Inner slashes stay (refused below).
    const path = decode(u.pathname.replace(/^\/+|\/+$/g, ''), display);
    if (path.includes('/')) {
      throw new UsageError(`Cannot parse source URL "${display}": the path must be one index pattern (a,b,logs-*)`);
    }
    const apiKeyEnv = params.get('apiKeyEnv');
    const apiKey =
      (apiKeyEnv !== undefined ? requireEnv(env, apiKeyEnv, display) : undefined) || env.LEAKGUARD_ES_API_KEY;
    const esUser = user ?? env.LEAKGUARD_ES_USERNAME;
    const slices = intParam(params.get('slices'), 'slices', 1, 1024, display);
    return {
      kind,
      protocol,
      host,
      port,
      indexPattern: path || '*',
      display,
      base: `es+${protocol}://${hostForBase}:${port}`,
      tls: (tlsRaw as TlsMode | undefined) ?? (protocol === 'https' ? 'verify-full' : 'disable'),
      ...(esUser ? { user: esUser } : {}),
      ...(password !== undefined && esUser ? { password } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(tables ? { tables } : {}),
      ...(sampleRows !== undefined ? { sampleRows } : {}),
      ...(slices !== undefined ? { slices } : {}),
      ...(tlsCaFile ? { tlsCaFile } : {}),
    };
  }

  // Leading slashes of the path. Example match: `/` in `/shop`. Inner slashes stay (refused below).
  const database = decode(u.pathname.replace(/^\/+/, ''), display) || undefined;
  if (database?.includes('/')) {
    throw new UsageError(`Cannot parse source URL "${display}": the path must be one database name`);
  }
  // A percent-encoded path as the host (`postgres://u@%2Frun%2Fpostgresql/db`) is a socket, as in libpq.
  const socketPath =
    (kind === 'postgres' ? params.get('host') : params.get('socket')) ?? (host.startsWith('/') ? host : undefined);
  const schemas = listParam(params.get('schema'));
  const scheme = kind === 'postgres' ? 'postgres' : 'mysql';
  const baseHost = socketPath ? `unix:${encodeURIComponent(socketPath)}` : `${hostForBase}:${port}`;
  return {
    kind,
    host: host && !host.startsWith('/') ? host : 'localhost',
    port,
    display,
    // MySQL's "database" is a schema: tables are named schema.table under the server, so the base is the server.
    base:
      kind === 'postgres'
        ? `${scheme}://${baseHost}/${encodeURIComponent(database ?? user ?? 'postgres')}`
        : `${scheme}://${baseHost}`,
    tls: (tlsRaw as TlsMode | undefined) ?? 'prefer',
    ...(m[1]!.toLowerCase() === 'mariadb:' ? { mariadb: true } : {}),
    ...(socketPath ? { socketPath } : {}),
    ...(user ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(database ? { database } : {}),
    ...(schemas ? { schemas } : {}),
    ...(tables ? { tables } : {}),
    ...(sampleRows !== undefined ? { sampleRows } : {}),
    ...(tlsCaFile ? { tlsCaFile } : {}),
  };
}

function parseSqlite(url: string, schemeLength: number, cwd: string): SqliteSpec {
  let rest = url.slice(schemeLength);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  // `sqlite:///abs/path` (an empty authority) is absolute; `sqlite:path` and `sqlite:/abs` are taken as written.
  let path = rest.startsWith('///') ? rest.slice(2) : rest.startsWith('//') ? rest.slice(2) : rest;
  if (!path) throw new UsageError(`Cannot parse source URL "${redactUrl(url)}": no database file`);
  if (path !== ':memory:') path = isAbsolute(path) ? path : resolve(cwd, path);
  const params = new URLSearchParams(query);
  checkParams(params, 'sqlite', url);
  const tables = listParam(params.get('tables') ?? undefined);
  const sampleRows = intParam(params.get('sample') ?? undefined, 'sample', 1, 10_000_000, url);
  return {
    kind: 'sqlite',
    path,
    display: `sqlite:${path}${query ? `?${query}` : ''}`,
    base: `sqlite:${path}`,
    ...(tables ? { tables } : {}),
    ...(sampleRows !== undefined ? { sampleRows } : {}),
  };
}

function readParams(u: URL, kind: keyof typeof PARAMS, url: string): Map<string, string> {
  checkParams(u.searchParams, kind, url);
  const out = new Map<string, string>();
  for (const [k, v] of u.searchParams) out.set(k, v);
  return out;
}

function checkParams(params: URLSearchParams, kind: keyof typeof PARAMS, url: string): void {
  const known = PARAMS[kind];
  const seen = new Set<string>();
  for (const k of params.keys()) {
    if (!known.includes(k)) {
      throw new UsageError(
        `Cannot parse source URL "${redactUrl(url)}": unknown option "${k}", expected one of ${known.join(', ')}`,
      );
    }
    if (seen.has(k)) throw new UsageError(`Cannot parse source URL "${redactUrl(url)}": option "${k}" given twice`);
    seen.add(k);
  }
}

function listParam(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return list.length > 0 ? list : undefined;
}

function intParam(v: string | undefined, name: string, min: number, max: number, display: string): number | undefined {
  if (v === undefined) return undefined;
  // Digits only: `1e3`, `+5` and `0x10` are refused rather than guessed at.
  if (!/^[0-9]{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`Cannot parse source URL "${display}": ${name} must be an integer from ${min} to ${max}`);
  }
  return Number(v);
}

function requireEnv(env: Readonly<Record<string, string | undefined>>, name: string, display: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    throw new UsageError(`Cannot resolve the credentials of "${display}": environment variable "${name}" is not set`);
  }
  return v;
}

function decode(s: string, display: string): string {
  try {
    return decodeURIComponent(s);
  } catch (cause) {
    throw new UsageError(`Cannot parse source URL "${display}": invalid percent-encoding`, { cause });
  }
}

function decodeHost(h: string): string {
  const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  try {
    return decodeURIComponent(bare).toLowerCase();
  } catch {
    return bare.toLowerCase();
  }
}

/**
 * Userinfo with a password in any URL-like string: `//user:secret@`.
 * Example match: `//scanner:s3cret@` in `postgres://scanner:s3cret@db/x`. Source: RFC 3986 §3.2.1 (userinfo ends
 * at the last `@` before the host; the password is everything after the first `:`). The user part stops at `/`,
 * `@` or `:`; the password part may contain `@` (badly encoded passwords do), so it runs to the last `@` before the
 * next `/`. Does not match a host without userinfo (`//db:5432/x`: no `@`), nor a bare user without password.
 */
const USERINFO_RE = /\/\/([^/@:]{0,256}):([^/]{0,1024})@/;

/**
 * Replace the password and secret query parameters of a URL with `***`. Never throws; safe on malformed input.
 *
 * @example
 * redactUrl('mysql://root:hunter2@db:3306/shop?password=x&schema=a') // 'mysql://root:***@db:3306/shop?password=***&schema=a'
 */
export function redactUrl(url: string): string {
  let out = url.replace(USERINFO_RE, (_all, user: string, pass: string) => (pass ? `//${user}:***@` : `//${user}@`));
  const q = out.indexOf('?');
  if (q >= 0) {
    const head = out.slice(0, q);
    const hashAt = out.indexOf('#', q);
    const query = hashAt >= 0 ? out.slice(q + 1, hashAt) : out.slice(q + 1);
    const tail = hashAt >= 0 ? out.slice(hashAt) : '';
    const parts = query.split('&').map((part) => {
      const eq = part.indexOf('=');
      const key = (eq >= 0 ? part.slice(0, eq) : part).toLowerCase();
      return eq >= 0 && SECRET_PARAMS.has(key) ? `${part.slice(0, eq)}=***` : part;
    });
    out = `${head}?${parts.join('&')}${tail}`;
  }
  return out;
}
