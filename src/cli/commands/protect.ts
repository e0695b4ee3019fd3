/**
 * `leakguard protect <input> -o <output> --policy P` — apply a protection policy to a file (text and logs,
 * CSV/TSV, JSON, NDJSON, Parquet, XLSX), or `-` for standard input/output. A database URL is handed to
 * `protectTable` in `src/protect/db/` when that module is present.
 *
 * Shared with `reveal` (same flags, the other direction, plus the audit record).
 */

import { randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { isLeakguardError, SourceError, UsageError } from '../../core/errors.js';
import type { Analyzer } from '../../detect/analyzer.js';
import type { ProtectRangeJobData } from '../../protect/db/distributed.js';
import {
  BAD_RECORD_ACTIONS,
  type BadRecordAction,
  FILE_FORMATS,
  loadFilePolicy,
  type ProtectFileOptions,
  type ProtectFileReport,
  protectFile,
  protectStream,
  revealFile,
} from '../../protect/files/index.js';
import type { CompiledPolicy } from '../../protect/policy.js';
import { importSqliteVaultFile } from '../../protect/vault/import-vault.js';
import { connectPostgresTokenVault } from '../../protect/vault/postgres-vault.js';
import { openSqliteTokenVault } from '../../protect/vault/sqlite-vault.js';
import type { TokenVault } from '../../protect/vault/token-vault.js';
import { QueueJobs } from '../../scan/queue.js';
import { isDbUrl, redactUrl } from '../../sources/db-url.js';
import { numberOption, parse } from '../args.js';
import { analyzerSpec, buildAnalyzer } from '../common.js';
import { type CliIO, write } from '../io.js';
import { createProgress } from '../progress.js';
import { catalogTarget } from './scan.js';

export const protectHelp = `Usage: leakguard protect <input> -o <output> --policy FILE [options]
       leakguard protect <db-url> --table NAME --policy FILE [options]

Apply a protection policy to a file, sniffed by content: text and logs (streamed, any size), CSV/TSV
(dialect, quoting and line endings kept), JSON and NDJSON (rules by JSON path), Parquet (schema kept)
and XLSX (workbook kept). Column rules apply to whole values; type rules to what detection finds.

The output is written to a temporary file and renamed at the end: when anything fails, nothing is left
where the output should be. Values never appear in messages.

Options:
  -o, --output FILE        Output file; "-" writes standard output (text, CSV, JSON, NDJSON)
  -p, --policy FILE        Protection policy (YAML; default: $LEAKGUARD_POLICY). Check one with
                           \`leakguard policy check FILE\`
  --format F               auto (default), text, csv, tsv, json, ndjson, parquet, xlsx
  --on-error ACTION        Ragged or broken CSV rows, invalid NDJSON lines:
                             fail   stop with the row and line, write nothing, exit 2 (default)
                             skip   leave the record out and list it
                             redact keep its place with every value removed and list it
  --subject-column NAME    Where the data subject is, for dateshift: a column (CSV, XLSX, Parquet, tables)
                           or a JSON path (JSON, NDJSON); overrides the rules' options.subject
  --header yes|no          CSV: whether the first row is a header (default: sniffed)
  --delimiter C            CSV: the delimiter (default: sniffed; "tab" for a tab)
  --line-buffered          Text: write each line as soon as it is read (live logs on stdin)
  --force                  Replace an existing output file
  --vault FILE|URL         Token vault for tokenize when the policy names none: a SQLite file or a
                           postgres:// URL (default: the catalog database, in its lg_token_vault table)
  --catalog PATH|URL       Catalog database (SQLite file or postgres:// URL): holds the default token
                           vault; the audit log sits beside a file catalog
  --config FILE            Detection config: custom recognizers, thresholds, allow and deny lists
  --threshold N            Minimum detection score (0-1, default 0.5)
  --json                   Print the report as JSON (on stderr when the output is standard output)
  --quiet                  No summary
  -h, --help               Show this help

Database tables (postgres://, mysql://, mariadb://, sqlite:PATH):
  --table NAME             The table to protect (repeatable; schema.name allowed)
  --to TABLE               Write a protected copy to TABLE (default <table>_protected; one --table)
  --in-place               Protect the table itself, in batches, resumable (needs --yes)
  --yes                    Confirm an in-place run (it overwrites the data)
  --restart                In place: run a finished job again from the first row
  --job NAME               In place: the job name in the progress table (default protect)
  --batch-rows N           Rows per batch and transaction (default 1000)
  --queue URL              In place: split the primary key into ranges and queue them on BullMQ
                           (redis://host:6379) for \`leakguard worker --queue URL --policy FILE\` processes
                           on any machine (they resolve the database with --connection); this process
                           waits and prints the result. Each range resumes after its last committed batch,
                           so a retried range protects no row twice; run the same command again to resume
  --range-rows N           With --queue: rows per range (default 100000)
  --force                  Copy: replace an existing target table

Exit status: 0 done, 2 usage, policy, key or input error (a bad record under --on-error fail included).

Examples:
  leakguard protect customers.csv -o customers.safe.csv --policy policy.yaml
  leakguard protect postgres://app@db/shop --table users --to users_safe --policy policy.yaml
  tail -f app.log | leakguard protect - -o - --policy policy.yaml --line-buffered
`;

export const PROTECT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  policy: { type: 'string', short: 'p' },
  format: { type: 'string' },
  'on-error': { type: 'string' },
  'subject-column': { type: 'string' },
  header: { type: 'string' },
  delimiter: { type: 'string' },
  'line-buffered': { type: 'boolean' },
  force: { type: 'boolean' },
  vault: { type: 'string' },
  catalog: { type: 'string' },
  table: { type: 'string', multiple: true },
  to: { type: 'string' },
  'in-place': { type: 'boolean' },
  yes: { type: 'boolean' },
  restart: { type: 'boolean' },
  job: { type: 'string' },
  'batch-rows': { type: 'string' },
  queue: { type: 'string' },
  'range-rows': { type: 'string' },
  config: { type: 'string' },
  threshold: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** Extra flags of `reveal`. */
export const REVEAL_OPTIONS = {
  ...PROTECT_OPTIONS,
  audit: { type: 'string' },
  actor: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse<typeof REVEAL_OPTIONS>>['values'];

/** What a database module must export for `protect <db-url>` (written elsewhere, loaded when present). */
export interface ProtectTableModule {
  protectTable(request: ProtectTableRequest): Promise<unknown>;
  /** The human summary of a report (optional). */
  describeTableReport?(report: never): string;
}

/** The request handed to `protectTable`. */
export interface ProtectTableRequest {
  readonly url: string;
  readonly tables: readonly string[];
  readonly mode: 'protect' | 'reveal';
  readonly policy: CompiledPolicy;
  readonly analyzer: Analyzer;
  readonly onBadRecord: BadRecordAction;
  readonly subjectColumn: string | undefined;
  readonly actor: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Copy mode target table. */
  readonly to?: string | undefined;
  readonly inPlace?: boolean | undefined;
  readonly yes?: boolean | undefined;
  readonly force?: boolean | undefined;
  readonly restart?: boolean | undefined;
  readonly job?: string | undefined;
  readonly batchRows?: number | undefined;
}

/** Where the DB module lives, relative to this file (a variable, so the build does not require it). */
const DB_MODULE = '../../protect/db/index.js';

/** The actor for audit records: --actor, $LEAKGUARD_ACTOR, the OS user. */
export function actorOf(values: { actor?: string | undefined }, io: CliIO): string {
  if (values.actor) return values.actor;
  if (io.env.LEAKGUARD_ACTOR) return io.env.LEAKGUARD_ACTOR;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The library options from parsed flags (validated). */
function fileOptions(values: Values, analyzer: Analyzer, actor: string): ProtectFileOptions {
  const format = values.format;
  if (format !== undefined && !(FILE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Invalid value for --format: "${format}" (expected ${FILE_FORMATS.join(', ')})`);
  }
  const onError = values['on-error'];
  if (onError !== undefined && !(BAD_RECORD_ACTIONS as readonly string[]).includes(onError)) {
    throw new UsageError(`Invalid value for --on-error: "${onError}" (expected fail, skip or redact)`);
  }
  const header = values.header;
  if (header !== undefined && header !== 'yes' && header !== 'no') {
    throw new UsageError(`Invalid value for --header: "${header}" (expected yes or no)`);
  }
  let delimiter = values.delimiter;
  if (delimiter === 'tab' || delimiter === '\\t') delimiter = '\t';
  if (delimiter !== undefined && (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f || delimiter === '"')) {
    throw new UsageError('Invalid value for --delimiter: expected one ASCII character (or "tab")');
  }
  return {
    analyzer,
    actor,
    ...(format !== undefined ? { format: format as NonNullable<ProtectFileOptions['format']> } : {}),
    ...(onError !== undefined ? { onBadRecord: onError as BadRecordAction } : {}),
    ...(values['subject-column'] !== undefined ? { subjectColumn: values['subject-column'] } : {}),
    ...(header !== undefined ? { header: header === 'yes' } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(values.force ? { overwrite: true } : {}),
    ...(values['line-buffered'] ? { text: { flushLines: true } } : {}),
  };
}

/** Where the token vault lives when the policy names none (`--vault`, else the catalog database). */
export interface CliVaultTarget {
  readonly kind: 'sqlite' | 'postgres';
  /** A SQLite file path or a PostgreSQL URL (with its credentials: never print it, print `describe`). */
  readonly target: string;
  /** The pre-catalog default vault file whose tokens are moved into the catalog database on first use. */
  readonly legacy?: string;
  /** For messages: no password. */
  readonly describe: string;
}

const PG_URL = /^postgres(ql)?:\/\//i;

/**
 * `--vault FILE|URL`, else the catalog database (`--catalog`, $LEAKGUARD_CATALOG, `.leakguard/catalog.db`):
 * tokens live in the `lg_token_vault` table beside the catalog's tables, in SQLite or PostgreSQL, so every
 * process that shares the catalog (distributed protect workers, `reveal` on another machine) shares the vault.
 */
export function defaultVaultTarget(
  values: { vault?: string | undefined; catalog?: string | undefined },
  io: CliIO,
): CliVaultTarget {
  if (values.vault) {
    if (PG_URL.test(values.vault)) return { kind: 'postgres', target: values.vault, describe: redactUrl(values.vault) };
    const file = resolve(io.cwd, values.vault.replace(/^sqlite:/, ''));
    return { kind: 'sqlite', target: file, describe: file };
  }
  const catalog = catalogTarget(values.catalog, io);
  if (PG_URL.test(catalog)) {
    return {
      kind: 'postgres',
      target: catalog,
      legacy: resolve(io.cwd, '.leakguard/vault.db'),
      describe: `the catalog database ${redactUrl(catalog)}`,
    };
  }
  return {
    kind: 'sqlite',
    target: catalog,
    legacy: resolve(dirname(catalog), 'vault.db'),
    describe: `the catalog database ${catalog}`,
  };
}

/** Opens a vault target (a PostgreSQL one connects on first use or `ready()`). */
function openVaultTarget(t: CliVaultTarget): TokenVault {
  if (t.kind === 'postgres') return connectPostgresTokenVault(t.target);
  mkdirSync(dirname(t.target), { recursive: true });
  return openSqliteTokenVault(t.target);
}

/**
 * Loads the policy named by --policy or $LEAKGUARD_POLICY, with the default vault in the catalog database;
 * connects the vault (and moves an old default `vault.db` into it) before any data is read.
 */
export async function loadCliPolicy(
  values: { policy?: string | undefined; vault?: string | undefined; catalog?: string | undefined },
  io: CliIO,
  analyzer: Analyzer,
  command: string,
): Promise<CompiledPolicy> {
  const path = values.policy ?? io.env.LEAKGUARD_POLICY;
  if (!path) throw new UsageError(`Invalid arguments for "${command}": give the policy with --policy FILE`);
  const target = defaultVaultTarget(values, io);
  let usedDefault = false;
  const policy = loadFilePolicy(resolve(io.cwd, path), {
    env: io.env,
    defaultVault: () => {
      usedDefault = true;
      return openVaultTarget(target);
    },
    customTypes: analyzer.recognizers.flatMap((r) => r.entities),
  });
  try {
    await policy.vault?.ready?.();
    if (usedDefault && target.legacy && policy.vault) {
      const moved = await importSqliteVaultFile(
        target.legacy,
        policy.vault,
        target.kind === 'sqlite' ? target.target : undefined,
      );
      if (moved) {
        let note = `${command}: moved ${plural(moved.tokens, 'token')} from the old token vault "${moved.file}" into ${target.describe}; the file is no longer used (keep it as a backup or delete it)\n`;
        if (moved.conflicts > 0) {
          note += `${command}: ${plural(moved.conflicts, 'token')} of "${moved.file}" could not be moved (the catalog vault has another token for the same value): reveal files holding them with --vault ${moved.file}\n`;
        }
        await write(io.stderr, note);
      }
    }
  } catch (e) {
    await policy.close();
    throw e;
  }
  return policy;
}

/** `--audit`, else `audit.jsonl` beside a file catalog, else `.leakguard/audit.jsonl`. */
function auditPath(values: Values, io: CliIO): string {
  if (values.audit) return resolve(io.cwd, values.audit);
  const catalog = catalogTarget(values.catalog, io);
  return /^postgres(ql)?:\/\//i.test(catalog)
    ? resolve(io.cwd, '.leakguard/audit.jsonl')
    : resolve(dirname(catalog), 'audit.jsonl');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The one-paragraph summary printed on stderr. */
export function renderReport(r: ProtectFileReport): string {
  const recordName = r.format === 'text' || r.format === 'ndjson' ? 'line' : r.format === 'json' ? 'document' : 'row';
  const verb = r.mode === 'protect' ? 'protected' : 'revealed';
  const byType = Object.entries(r.stats.byType)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  const byColumn = Object.entries(r.stats.byColumn)
    .map(([c, n]) => `"${c}" ${n}`)
    .join(', ');
  const byAction = Object.entries(r.stats.byAction)
    .map(([a, n]) => `${a} ${n}`)
    .join(', ');
  let out = `${r.input} → ${r.output} (${r.format}, ${plural(r.records, recordName)}): ${plural(r.stats.values, 'value')} ${verb}`;
  const details = [
    byType && `by type: ${byType}`,
    byColumn && `by column: ${byColumn}`,
    byAction && `by action: ${byAction}`,
  ]
    .filter(Boolean)
    .join('; ');
  if (details) out += ` (${details})`;
  out += '\n';
  if (r.stats.failed > 0) {
    out +=
      r.mode === 'protect'
        ? `${plural(r.stats.failed, 'value')} removed after an operator failure (onError: redact)\n`
        : `${plural(r.stats.failed, 'value')} could not be revealed (other key, altered or unknown token): left as they were\n`;
  }
  if (r.badRecords.count > 0) {
    const where = r.badRecords.list
      .slice(0, 10)
      .map((b) =>
        b.row !== undefined ? `row ${b.row}${b.line !== undefined ? ` (line ${b.line})` : ''}` : `line ${b.line}`,
      )
      .join(', ');
    out += `${plural(r.badRecords.count, 'bad record')} ${r.badRecords.count === 1 ? 'was' : 'were'} handled by --on-error: ${where}${r.badRecords.count > 10 ? ', …' : ''}\n`;
  }
  for (const w of r.warnings) out += `warning: ${w}\n`;
  if (r.unusedColumnRules.length > 0) {
    const names = r.unusedColumnRules.map((c) => `"${c}"`).join(', ');
    out += `note: column rules that matched no column of this file: ${names}${r.format === 'csv' && r.dialect?.header === false ? ' (no header row was found: --header yes)' : ''}\n`;
  }
  return out;
}

/** Runs `protect` or `reveal`. */
export async function runProtectCommand(
  mode: 'protect' | 'reveal',
  argv: readonly string[],
  io: CliIO,
  help: string,
): Promise<number> {
  const parsed = parse(argv, mode === 'protect' ? PROTECT_OPTIONS : REVEAL_OPTIONS, mode);
  if (parsed.help) {
    await write(io.stdout, help);
    return 0;
  }
  const values = parsed.values as Values;
  const { positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(`Invalid arguments for "${mode}": expected one input (a file, "-" or a database URL)`);
  }
  const input = positionals[0] as string;
  const threshold = numberOption(values.threshold, 'threshold', 0, 1);
  const analyzer = buildAnalyzer(io, {
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  });
  const actor = actorOf(values, io);
  const options = fileOptions(values, analyzer, actor);

  if (isDbUrl(input)) return runTable(mode, input, values, io, analyzer, options, actor);
  for (const flag of [
    'table',
    'to',
    'in-place',
    'yes',
    'restart',
    'job',
    'batch-rows',
    'queue',
    'range-rows',
  ] as const) {
    if (values[flag] !== undefined) {
      throw new UsageError(`Invalid arguments for "${mode}": --${flag} needs a database URL as input`);
    }
  }
  if (values.output === undefined)
    throw new UsageError(`Invalid arguments for "${mode}": give the output with -o FILE`);

  // The policy (and its keys) is loaded before any data is read: a missing key fails here.
  const policy = await loadCliPolicy(values, io, analyzer, mode);
  try {
    let report: ProtectFileReport;
    const toStdout = values.output === '-';
    if (input === '-' && !toStdout) {
      throw new UsageError(
        `Invalid arguments for "${mode}": standard input needs "-o -" (a file output needs a file input)`,
      );
    }
    if (toStdout) {
      const source = input === '-' ? io.stdin : createReadStream(resolve(io.cwd, input));
      if (mode === 'reveal') await auditStream(values, io, input, policy, actor, { outcome: 'started' });
      try {
        report = await protectStream(source, io.stdout, policy, {
          ...options,
          mode,
          name: input === '-' ? '<stdin>' : input,
        });
      } catch (e) {
        // What was written before the failure is out: the log says the reveal stopped, and why (a code only).
        if (mode === 'reveal') {
          await auditStream(values, io, input, policy, actor, {
            outcome: 'failed',
            error: isLeakguardError(e) ? e.code : 'LG_INTERNAL',
          }).catch(() => undefined);
        }
        throw e;
      }
    } else {
      const inPath = resolve(io.cwd, input);
      const outPath = resolve(io.cwd, values.output);
      report =
        mode === 'protect'
          ? await protectFile(inPath, outPath, policy, options)
          : await revealFile(inPath, outPath, policy, { ...options, audit: auditPath(values, io) });
      report = { ...report, input, output: values.output };
    }
    if (values.json) {
      await write(toStdout ? io.stderr : io.stdout, `${JSON.stringify(report, null, 2)}\n`);
    } else if (!values.quiet) {
      await write(io.stderr, renderReport(report));
    }
    return 0;
  } finally {
    await policy.close();
  }
}

/**
 * A reveal to standard output is audited before it starts (there is no end to wait for), and again when it
 * stops on an error.
 */
async function auditStream(
  values: Values,
  io: CliIO,
  input: string,
  policy: CompiledPolicy,
  actor: string,
  outcome: { outcome: 'started' } | { outcome: 'failed'; error: string },
): Promise<void> {
  const file = auditPath(values, io);
  await mkdir(dirname(file), { recursive: true });
  const keyIds = policy.keys.names().map((n) => policy.keys.get(n)?.id ?? n);
  const record = {
    at: new Date().toISOString(),
    action: 'reveal',
    actor,
    host: hostname(),
    input: input === '-' ? '<stdin>' : resolve(io.cwd, input),
    output: '<stdout>',
    policy: resolve(policy.file),
    keyIds,
    ...outcome,
  };
  await appendFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

async function runTable(
  mode: 'protect' | 'reveal',
  url: string,
  values: Values,
  io: CliIO,
  analyzer: Analyzer,
  options: ProtectFileOptions,
  actor: string,
): Promise<number> {
  if (!values.table || values.table.length === 0) {
    throw new UsageError(`Invalid arguments for "${mode}": a database input needs --table NAME`);
  }
  let mod: ProtectTableModule | undefined;
  try {
    const loaded = (await import(/* @vite-ignore */ DB_MODULE)) as Partial<ProtectTableModule>;
    if (typeof loaded.protectTable === 'function') mod = loaded as ProtectTableModule;
  } catch (e) {
    // Only an absent module means "not supported"; a module that fails to load is a real error.
    const code = (e as NodeJS.ErrnoException).code;
    const missing =
      code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url|Does the file exist/i.test(String(e));
    if (!missing) throw e;
  }
  if (!mod) {
    throw new UsageError(
      `Cannot ${mode} "${redactUrl(url)}": database tables are not supported by this build (protect a file export instead)`,
    );
  }
  const policy = await loadCliPolicy(values, io, analyzer, mode);
  try {
    const batchRows = numberOption(values['batch-rows'], 'batch-rows', 1, 1_000_000);
    if (values.queue !== undefined) {
      return await runDistributed(url, values, io, policy, actor, batchRows);
    }
    const result = await mod.protectTable({
      url,
      tables: values.table,
      mode,
      policy,
      analyzer,
      onBadRecord: options.onBadRecord ?? 'fail',
      subjectColumn: options.subjectColumn,
      actor,
      cwd: io.cwd,
      env: io.env,
      ...(values.to !== undefined ? { to: values.to } : {}),
      ...(values['in-place'] ? { inPlace: true } : {}),
      ...(values.yes ? { yes: true } : {}),
      ...(values.force ? { force: true } : {}),
      ...(values.restart ? { restart: true } : {}),
      ...(values.job !== undefined ? { job: values.job } : {}),
      ...(batchRows !== undefined ? { batchRows } : {}),
    });
    if (values.json) await write(io.stdout, `${JSON.stringify(result, null, 2)}\n`);
    else if (!values.quiet && mod.describeTableReport) {
      await write(io.stderr, mod.describeTableReport(result as never));
    }
    return 0;
  } finally {
    await policy.close();
  }
}

/** `protect <db-url> --in-place --queue URL`: ranges as queue jobs, this process waits for them. */
async function runDistributed(
  url: string,
  values: Values,
  io: CliIO,
  policy: CompiledPolicy,
  actor: string,
  batchRows: number | undefined,
): Promise<number> {
  if (!values['in-place'] || !values.yes) {
    throw new UsageError(
      'Invalid arguments for "protect": --queue distributes in-place protection (add --in-place --yes; a copy runs in one process)',
    );
  }
  if (values.restart || values.to !== undefined) {
    throw new UsageError('Invalid arguments for "protect": --queue cannot be combined with --restart or --to');
  }
  const db = (await import(/* @vite-ignore */ DB_MODULE)) as typeof import('../../protect/db/index.js');
  const job = values.job ?? 'protect';
  const rangeRows = numberOption(values['range-rows'], 'range-rows', 1, 1_000_000_000);
  const threshold = numberOption(values.threshold, 'threshold', 0, 1);
  const spec = analyzerSpec(io, {
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  });
  const hash = db.policyHash(policy);
  const { policyVaultId } = await import('../../protect/db/distributed.js');
  const vaultId = await policyVaultId(policy);
  const queueUrl = values.queue as string;
  const jobs = await QueueJobs.open(queueUrl);
  const token = randomUUID();
  const progress = createProgress({ stream: io.stderr, isTTY: io.isTTY, quiet: Boolean(values.quiet || values.json) });
  const tables: { table: string; ranges: number; rows: number; alreadyDone: boolean; resumed: boolean }[] = [];
  const common = { url, env: io.env, cwd: io.cwd };
  try {
    for (const [t, name] of (values.table ?? []).entries()) {
      const plan = await db.planTableRanges({ ...common, table: name, job, policy, rangeRows });
      if (plan.alreadyDone) {
        tables.push({ table: plan.table, ranges: 0, rows: 0, alreadyDone: true, resumed: false });
        continue;
      }
      const n = plan.ranges.length;
      const idOf = (i: number) => `protect-${token}-${t}-${i}`;
      const dataOf = (i: number): ProtectRangeJobData => {
        const r = plan.ranges[i] as (typeof plan.ranges)[number];
        return {
          kind: 'protect',
          url: redactUrl(url),
          table: plan.table,
          job,
          range: r.index,
          from: r.from,
          to: r.to,
          ...(batchRows !== undefined ? { batchRows } : {}),
          policyHash: hash,
          analyzer: spec,
          ...(values['subject-column'] !== undefined ? { subjectColumn: values['subject-column'] } : {}),
          actor,
          ...(vaultId !== undefined ? { vaultId } : {}),
        };
      };
      const finish = () => db.finishDistributedJob({ ...common, table: plan.table, job, policy, ranges: n });
      let state = await finish();
      const before = state.rows;
      await jobs.add(state.unfinished.map((i) => ({ id: idOf(i), data: dataOf(i) })));
      let down = false;
      for (;;) {
        progress.update({
          done: state.finishedRanges,
          total: n,
          amount: state.rows - before,
          amountTotal: 0,
          unit: 'rows',
        });
        if (state.finished) break;
        const parked: { range: number; reason: string }[] = [];
        try {
          const missing: number[] = [];
          for (const i of state.unfinished) {
            const s = await jobs.state(idOf(i));
            if (s.state === 'failed') parked.push({ range: i, reason: s.reason ?? 'failed' });
            else if (s.state === 'missing') missing.push(i);
          }
          if (down) await write(io.stderr, 'protect: the queue is reachable again\n');
          down = false;
          // A job gone while its range is unfinished was forgotten (Redis restarted without its data): again.
          const again = (await finish()).unfinished.filter((i) => missing.includes(i));
          if (again.length > 0) {
            await jobs.add(again.map((i) => ({ id: idOf(i), data: dataOf(i) })));
            await write(io.stderr, `protect: ${again.length} ranges had no job in the queue: enqueued again\n`);
          }
        } catch {
          if (!down) {
            await write(
              io.stderr,
              'protect: the queue is unreachable; waiting for it (committed batches are safe; stop and run the same command again to resume)\n',
            );
          }
          down = true;
        }
        if (parked.length > 0 && parked.length === state.unfinished.length) {
          progress.done();
          const reasons = [...new Set(parked.map((p) => p.reason))].slice(0, 3).join('; ');
          throw new SourceError(
            'LG_SOURCE_FAILED',
            `Cannot protect table "${plan.table}" in place: ${parked.length} of ${n} ranges failed on every attempt (${reasons}); the other ranges are done and every committed batch is kept: run the same command again to resume them`,
          );
        }
        await new Promise((r) => setTimeout(r, 1000));
        state = await finish();
      }
      tables.push({
        table: plan.table,
        ranges: n,
        rows: state.rows - before,
        alreadyDone: false,
        resumed: plan.resumed,
      });
    }
  } finally {
    progress.done();
    await jobs.close();
  }
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ source: redactUrl(url), job, tables }, null, 2)}\n`);
  } else if (!values.quiet) {
    for (const t of tables) {
      await write(
        io.stderr,
        t.alreadyDone
          ? `"${t.table}": already protected by this job (nothing done; --restart without --queue runs it again)\n`
          : `"${t.table}" (in place, distributed): ${t.rows.toLocaleString('en-US')} rows in ${t.ranges} ranges${t.resumed ? ' (resumed)' : ''}\n`,
      );
    }
  }
  return 0;
}

export async function protectCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runProtectCommand('protect', argv, io, protectHelp);
}
