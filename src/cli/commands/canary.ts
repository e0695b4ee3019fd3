/**
 * `leakguard canary plant|check|list` — canary records that say who leaked.
 */
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { checkPaths } from '../../leak/canary/check.js';
import { loadCanaryKey } from '../../leak/canary/key.js';
import { plantCanaries } from '../../leak/canary/plant.js';
import { CANARY_FIELDS, type CanaryField } from '../../leak/canary/record.js';
import { CanaryRegistry } from '../../leak/canary/registry.js';
import { numberOption, parse } from '../args.js';
import { type CliIO, write } from '../io.js';
import { catalogTarget } from './scan.js';

export const canaryHelp = `Usage: leakguard canary <plant|check|list> [options]

Canary records: synthetic people (valid resident ID check characters, real carrier prefixes, Luhn-valid bank
cards, plausible names and addresses, unique combinations) whose every value is derived from your canary key
and registered by keyed fingerprint, so that a leaked sample — even one field of one record — names the
system it came from and the earliest time it can have leaked.

Commands:
  plant --into TARGET --count N --label L
                         Generate N canaries and put them into TARGET, then register the plant in the catalog.
                         TARGET: a database URL (postgres://, mysql://, mariadb://, sqlite:PATH) with --table,
                         a .csv/.tsv or .ndjson/.jsonl file (appended; columns taken from its header or first
                         object), or "-" to print them for manual placement
  check PATH…            Match files and directories (any supported format) against every registered canary:
                         which target(s) leaked, the earliest possible leak time, evidence (masked), confidence
  list                   List registered plants

Options:
  --into TARGET          Where to plant (plant)
  --count N              How many records (plant; 1-100000)
  --label L              A name for the plant, e.g. crm-prod (plant)
  --table NAME           Table to insert into, schema.table allowed (plant into a database)
  --map COL=FIELD        Map a column to a canary field (repeatable); fields: ${CANARY_FIELDS.join(', ')}.
                         Without it columns map by name, or by the catalog's classification of the table
  --format csv|ndjson    Print format for --into - (default ndjson)
  --catalog PATH|URL     Catalog database holding the registry (default .leakguard/catalog.db)
  --key-file FILE        Canary key file (default: LEAKGUARD_CANARY_KEY, else LEAKGUARD_KEY; >= 32 bytes)
  --min-confidence X     Report targets at this confidence or more (check; 0-1, default 0.5)
  --json                 Machine-readable output
  -h, --help             Show this help

Exit status: 0 done (check: no canary found), 1 check found canaries, 2 usage/configuration/fatal error.

Examples:
  leakguard canary plant --into postgres://app@db/crm --table customers --count 20 --label crm-prod
  leakguard canary plant --into exports/customers.csv --count 5 --label nightly-export
  leakguard canary check ./sample-for-sale/
`;

const OPTIONS = {
  into: { type: 'string' },
  count: { type: 'string' },
  label: { type: 'string' },
  table: { type: 'string' },
  map: { type: 'string', multiple: true },
  format: { type: 'string' },
  catalog: { type: 'string' },
  'key-file': { type: 'string' },
  'min-confidence': { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseMap(items: readonly string[] | undefined): Record<string, CanaryField> | undefined {
  if (!items || items.length === 0) return undefined;
  const out: Record<string, CanaryField> = {};
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    const col = item.slice(0, eq).trim();
    const field = item.slice(eq + 1).trim();
    if (eq <= 0 || !col || !(CANARY_FIELDS as readonly string[]).includes(field))
      throw new UsageError(
        `Invalid --map "${item}": expected COLUMN=FIELD with FIELD one of ${CANARY_FIELDS.join(', ')}`,
      );
    out[col] = field as CanaryField;
  }
  return out;
}

export async function canaryCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, OPTIONS, 'canary');
  const [sub, ...rest] = positionals;
  if (help || sub === undefined) {
    await write(io.stdout, canaryHelp);
    return help ? 0 : 2;
  }
  const json = Boolean(values.json);
  const catalog = catalogTarget(values.catalog, io);
  const keyOptions = {
    env: io.env,
    keyFile: values['key-file'],
    cwd: io.cwd,
    onWarning: (m: string) => void write(io.stderr, `warning: ${m}\n`),
  };

  if (sub === 'plant') {
    if (rest.length > 0) throw new UsageError('"canary plant" takes no positional arguments: use --into');
    if (!values.into) throw new UsageError('"canary plant" needs --into TARGET');
    const label = values.label?.trim();
    if (!label || label.length > 100) throw new UsageError('"canary plant" needs --label (1-100 characters)');
    const count = numberOption(values.count, 'count', 1, 100_000);
    if (count === undefined || !Number.isInteger(count))
      throw new UsageError('"canary plant" needs --count N (an integer)');
    const format = values.format;
    if (format !== undefined && format !== 'csv' && format !== 'ndjson')
      throw new UsageError(`Invalid value for --format: expected csv or ndjson, got "${format}"`);
    const map = parseMap(values.map);
    const key = loadCanaryKey(keyOptions);
    const registry = await CanaryRegistry.open(catalog);
    try {
      const r = await plantCanaries({
        key,
        registry,
        label,
        count,
        into: values.into,
        table: values.table,
        ...(map ? { map } : {}),
        catalog,
        ...(format ? { format } : {}),
        env: io.env,
        cwd: io.cwd,
        print: (text) => write(io.stdout, text),
      });
      const summary = {
        plantId: r.plant.plantId,
        label: r.plant.label,
        target: r.plant.target,
        plantedAt: r.plant.plantedAt,
        records: r.plant.records,
        columns: r.columns,
      };
      if (json && values.into !== '-') await write(io.stdout, `${JSON.stringify(summary, null, 2)}\n`);
      const cols = Object.entries(r.columns)
        .map(([c, f]) => (c === f ? c : `${c}→${f}`))
        .join(', ');
      await write(
        values.into === '-' ? io.stderr : json ? io.stderr : io.stdout,
        `Planted ${r.plant.records} canaries "${label}" (${r.plant.plantId}) into ${r.plant.target} at ${r.plant.plantedAt}; fields: ${cols}\n`,
      );
    } finally {
      await registry.close();
    }
    return 0;
  }

  if (sub === 'list') {
    const registry = await CanaryRegistry.open(catalog);
    try {
      const plants = await registry.plants();
      if (json) await write(io.stdout, `${JSON.stringify(plants, null, 2)}\n`);
      else if (plants.length === 0) await write(io.stdout, 'No canaries planted\n');
      else
        for (const p of plants)
          await write(io.stdout, `${p.plantedAt}\t${p.plantId}\t${p.label}\t${p.records} records\t${p.target}\n`);
    } finally {
      await registry.close();
    }
    return 0;
  }

  if (sub === 'check') {
    if (rest.length === 0) throw new UsageError('"canary check" needs one or more files or directories');
    const minConfidence = numberOption(values['min-confidence'], 'min-confidence', 0, 1);
    const key = loadCanaryKey(keyOptions);
    const registry = await CanaryRegistry.open(catalog);
    let index: Awaited<ReturnType<CanaryRegistry['load']>>;
    try {
      index = await registry.load();
    } finally {
      await registry.close();
    }
    if (index.plants.size === 0) await write(io.stderr, 'warning: no canaries are registered in this catalog\n');
    const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
    const report = await checkPaths(
      rest.map((p) => resolve(io.cwd, p)),
      index,
      key,
      analyzer,
      minConfidence === undefined ? {} : { minConfidence },
    );
    if (json) {
      await write(io.stdout, `${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const p of report.problems) await write(io.stderr, `warning: ${p.file}: ${p.message}\n`);
      if (report.targets.length === 0) {
        await write(io.stdout, `No canary found in ${report.files} file(s), ${report.records} record(s)\n`);
      }
      for (const t of report.targets) {
        await write(
          io.stdout,
          `LEAKED  ${t.target}  [${t.labels.join(', ')}]\n  confidence ${(t.confidence * 100).toFixed(2)}%  ${t.canaryRecords} canary record(s), ${t.wholeRecords} whole\n  leaked after ${t.leakedAfter} (plant time)\n  fields: ${Object.entries(
            t.fields,
          )
            .map(([f, n]) => `${f} ${n}`)
            .join(', ')}\n`,
        );
        for (const e of t.evidence)
          await write(
            io.stdout,
            `    ${e.file}:${e.location}\t${e.field}\t${e.preview}\t(${e.plantId} #${e.record})\n`,
          );
      }
    }
    return report.targets.length > 0 ? 1 : 0;
  }
  throw new UsageError(`Unknown canary command "${sub}": expected plant, check or list`);
}
