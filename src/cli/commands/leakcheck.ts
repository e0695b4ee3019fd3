/**
 * `leakguard leakcheck …` — the private "was my data leaked?" lookup.
 *
 *   ingest FILE --breach NAME [--date D]   store VOPRF outputs of a leaked dataset's identifiers
 *   lookup --url URL [--kind K] [-]        look identifiers (one per line on stdin) up against a service
 *   breaches                               list ingested breaches
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../../core/errors.js';
import { maskedPreview } from '../../detect/preview.js';
import { createBulkEvaluator } from '../../leak/leakcheck/bulk-evaluate.js';
import { createLeakcheckClient, LeakcheckClientError } from '../../leak/leakcheck/client.js';
import { ingestFile } from '../../leak/leakcheck/ingest.js';
import { loadLeakcheckKeys } from '../../leak/leakcheck/keys.js';
import { isIdentifierKind } from '../../leak/leakcheck/normalize.js';
import { LeakcheckStore } from '../../leak/leakcheck/store.js';
import { parse } from '../args.js';
import { type CliIO, write } from '../io.js';

export const leakcheckHelp = `Usage: leakguard leakcheck <ingest|lookup|breaches> [options]

The private leak lookup. A service stores, for every phone number, resident ID and e-mail address of an
ingested breach, only F_k(x) — an RFC 9497 VOPRF output (ristretto255-SHA512) under its own key — with the
breach name and the kinds of fields exposed. People check themselves through \`leakguard serve\` without the
service ever seeing what they type.

Commands:
  ingest FILE --breach NAME   Read a leaked dataset (CSV/TSV, NDJSON/JSON, XLSX, text, archives…), normalise
                              identifiers (E.164 phones, upper-case resident IDs, lower-case e-mails) and store
                              only their VOPRF outputs. Re-ingesting is idempotent.
  lookup --url URL            Look up identifiers read from standard input, one per line, against a service
                              (prints found/not found and breaches; identifiers are shown masked)
  breaches                    List ingested breaches with their identifier counts

Options:
  --breach NAME               Breach name (ingest; required)
  --date DATE                 When the breach happened or was published: YYYY, YYYY-MM or YYYY-MM-DD (ingest)
  --db PATH|URL               Lookup store (default .leakguard/leakcheck.db; postgres://… for a shared service)
  --key-file FILE             Service key file (default: environment variable LEAKGUARD_OPRF_KEY, hex or
                              base64, at least 32 random bytes); ingest and serve must use the same key
  --url URL                   Service origin (lookup)
  --kind KIND                 PHONE, CN_RESIDENT_ID or EMAIL (lookup; guessed per line when absent)
  --public-key HEX            Refuse a service whose key differs (lookup)
  --json                      Machine-readable output
  -h, --help                  Show this help

Exit status: 0 done (lookup: nothing found), 1 lookup found an identifier in a breach, 2 usage/config/fatal.

Examples:
  export LEAKGUARD_OPRF_KEY=$(openssl rand -hex 32)
  leakguard leakcheck ingest dump.csv --breach "shop-2024" --date 2024-05
  echo 13812345678 | leakguard leakcheck lookup --url http://127.0.0.1:8080
`;

const OPTIONS = {
  breach: { type: 'string' },
  date: { type: 'string' },
  db: { type: 'string' },
  'key-file': { type: 'string' },
  url: { type: 'string' },
  kind: { type: 'string' },
  'public-key': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Default store location, relative to the working directory. */
export const DEFAULT_LEAKCHECK_DB = '.leakguard/leakcheck.db';

/** Resolve a `--db` value (URL stays, path made absolute). */
export function leakcheckDbTarget(value: string | undefined, io: CliIO): string {
  const v = value ?? io.env.LEAKGUARD_LEAKCHECK_DB ?? DEFAULT_LEAKCHECK_DB;
  return /^postgres(ql)?:\/\//i.test(v) ? v : resolve(io.cwd, v.replace(/^sqlite:/, ''));
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a real month and day. */
function checkDate(s: string): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
  const month = m?.[2] === undefined ? 1 : Number(m[2]);
  const day = m?.[3] === undefined ? 1 : Number(m[3]);
  const d = new Date(Date.UTC(Number(m?.[1]), month - 1, day));
  if (!m || month < 1 || month > 12 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    throw new UsageError(`Invalid value for --date: expected YYYY, YYYY-MM or YYYY-MM-DD, got "${s}"`);
  return s;
}

export async function leakcheckCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, OPTIONS, 'leakcheck');
  const [sub, ...rest] = positionals;
  if (help || sub === undefined) {
    await write(io.stdout, leakcheckHelp);
    return help ? 0 : 2;
  }
  const json = Boolean(values.json);
  if (sub === 'ingest') {
    if (rest.length !== 1) throw new UsageError('Invalid arguments for "leakcheck ingest": expected one FILE');
    const breach = values.breach?.trim();
    if (!breach) throw new UsageError('"leakcheck ingest" needs --breach NAME');
    if (breach.length > 200) throw new UsageError('--breach is longer than 200 characters');
    const date = values.date === undefined ? null : checkDate(values.date);
    const keys = loadLeakcheckKeys({
      env: io.env,
      keyFile: values['key-file'],
      cwd: io.cwd,
      onWarning: (m) => void write(io.stderr, `warning: ${m}\n`),
    });
    const evaluate = await createBulkEvaluator(keys.secretKey);
    const store = await LeakcheckStore.open(leakcheckDbTarget(values.db, io));
    try {
      const started = Date.now();
      const stats = await ingestFile(store, evaluate, resolve(io.cwd, rest[0] as string), {
        breach,
        date,
        onProgress: (s) => {
          if (io.isTTY) void write(io.stderr, `\r${s.records} records, ${s.identifiers} identifiers`);
        },
      });
      const seconds = (Date.now() - started) / 1000;
      if (json) {
        await write(io.stdout, `${JSON.stringify({ breach, date, ...stats, seconds }, null, 2)}\n`);
      } else {
        await write(
          io.stdout,
          `Ingested "${breach}": ${stats.records} records, ${stats.identifiers} identifiers (${stats.byKind.PHONE} phones, ${stats.byKind.CN_RESIDENT_ID} resident IDs, ${stats.byKind.EMAIL} e-mails), ${stats.distinct} distinct stored for the breach in ${seconds.toFixed(1)} s\n`,
        );
        if (stats.invalid > 0)
          await write(io.stdout, `${stats.invalid} detected values did not validate and were skipped\n`);
        if (stats.problems > 0)
          await write(io.stdout, `${stats.problems} unreadable parts or malformed records skipped\n`);
      }
    } finally {
      await store.close();
    }
    return 0;
  }
  if (sub === 'breaches') {
    const store = await LeakcheckStore.open(leakcheckDbTarget(values.db, io));
    try {
      const list = await store.breaches();
      if (json) await write(io.stdout, `${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) await write(io.stdout, 'No breaches ingested\n');
      else
        for (const b of list)
          await write(
            io.stdout,
            `${b.name}\t${b.date ?? '-'}\t${b.identifiers} identifiers\tingested ${b.ingestedAt}\n`,
          );
    } finally {
      await store.close();
    }
    return 0;
  }
  if (sub === 'lookup') {
    if (!values.url) throw new UsageError('"leakcheck lookup" needs --url URL');
    if (rest.length > 1 || (rest.length === 1 && rest[0] !== '-'))
      throw new UsageError('"leakcheck lookup" reads identifiers from standard input (one per line), not arguments');
    const kind = values.kind;
    if (kind !== undefined && !isIdentifierKind(kind))
      throw new UsageError(`Invalid value for --kind: expected PHONE, CN_RESIDENT_ID or EMAIL, got "${kind}"`);
    const client = createLeakcheckClient({
      baseUrl: values.url,
      ...(values['public-key'] ? { publicKey: values['public-key'] } : {}),
    });
    let found = 0;
    let line = 0;
    const rl = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const raw of rl) {
      line++;
      if (raw.trim() === '') continue;
      try {
        const r = await client.check(raw, kind);
        const shown = maskedPreview(
          raw.trim(),
          r.kind === 'PHONE' ? 'CN_MOBILE' : r.kind === 'EMAIL' ? 'EMAIL_ADDRESS' : 'CN_RESIDENT_ID',
        );
        if (r.found) found++;
        if (json) await write(io.stdout, `${JSON.stringify({ line, identifier: shown, ...r })}\n`);
        else
          await write(
            io.stdout,
            r.found
              ? `${shown}\tFOUND\t${r.breaches.map((b) => `${b.name}${b.date ? ` (${b.date})` : ''}: ${b.fields.join(', ')}`).join('; ')}\n`
              : `${shown}\tnot found\n`,
          );
      } catch (e) {
        if (e instanceof LeakcheckClientError && e.code === 'LG_LEAK_CLIENT_INPUT') {
          await write(io.stderr, `line ${line}: ${e.message}\n`);
          continue;
        }
        if (e instanceof LeakcheckClientError)
          throw new UsageError(`Lookup failed at line ${line}: ${e.code}: ${e.message}`, { cause: e });
        throw e;
      }
    }
    return found > 0 ? 1 : 0;
  }
  throw new UsageError(`Unknown leakcheck command "${sub}": expected ingest, lookup or breaches`);
}
