/**
 * `leakguard risk <file | db-url --table T>` — measure how identifiable a dataset is; `leakguard risk anonymize
 * <input> --k 5 [--l 2] -o <output>` — make it k-anonymous (and l-diverse) with the least information loss.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { loadHierarchies } from '../../risk/config.js';
import { renderRiskPage, riskJson } from '../../risk/html.js';
import { openRowInput, type RowInput } from '../../risk/input.js';
import type { RiskMetrics } from '../../risk/metrics.js';
import { type AnonymizeReport, anonymizeInput, measureRisk, type RiskReport } from '../../risk/risk.js';
import { isDbUrl } from '../../sources/db-url.js';
import { numberOption, parse } from '../args.js';
import { buildAnalyzer, splitList } from '../common.js';
import { type CliIO, write } from '../io.js';

export const riskHelp = `Usage: leakguard risk <file | db-url --table T> [options]
       leakguard risk anonymize <file | db-url --table T> --k K [--l L] -o OUTPUT [options]

Measure how identifiable the people in a table are from their quasi-identifiers (birth date, age, sex,
region, postcode, occupation, ethnicity …), or make the table k-anonymous. Quasi-identifiers are proposed
from the column classification of a sample (detection engine plus column names); a resident-ID column counts
as region, birth date and sex — whatever its mask leaves (110***********1234 still gives a region prefix and
the sex). Inputs: CSV/TSV and Parquet files; PostgreSQL, MySQL/MariaDB and SQLite tables (GROUP BY runs in
the database; memory grows with the distinct combinations, not the rows). Values are never printed.

Measure options:
  --quasi a,b,c          Quasi-identifiers (overrides the proposal); "col:region", "col:birth", "col:sex" name
                         one part of a resident-ID column
  --sensitive d,e        Sensitive attributes for l-diversity and t-closeness (default: proposed by name)
  --hierarchies FILE     Custom generalisation hierarchies (YAML; see README)
  --population N         Size of the population the data was sampled from (journalist and marketer risk,
                         Pitman/Zayatz population uniqueness); default: the data is the population
  --table T              Database table (schema.table allowed)
  --sample N             Rows classified to propose roles (default 1000)
  --max-groups N         Most distinct combinations held in memory (default 5000000). Tables: measuring
                         streams the classes from the database in order (memory: one run of equal values);
                         anonymising groups by generalised expressions in the database (dates to months,
                         ages to bands, postcodes to prefixes, region codes and resident IDs shortened) until
                         the groups fit, and searches the lattice above those levels
  --no-pushdown          Read every row instead of GROUP BY in the database
  --header yes|no        CSV: whether the first row is a header (default: sniffed)
  --delimiter C          CSV: the delimiter (default: sniffed; "tab" for a tab)
  --config FILE          Detection config (custom recognizers) for the classification
  --html FILE            Also write the report as a standalone HTML page (class-size histogram, risk
                         before and after, utility lost; no script, values never shown)
  --report FILE          Also write the report to FILE: JSON when FILE ends in .json, else HTML (as --html)
  --fail-below-k K       Exit 1 when the smallest class is below K (a CI gate)
  --json                 Print the report as JSON
  -h, --help             Show this help

Anonymise options (plus the above):
  --k K                  Every class at least K records (required)
  --l L                  Every class at least L distinct values of each sensitive attribute (default 1)
  --l-kind KIND          distinct (default) or entropy (exp of the class entropy at least L)
  --max-suppression F    Largest share of records left out, 0-1 (default 0.05)
  --metric M             Utility metric to minimise: entropy (non-uniform entropy, default) or discernibility
  -o, --output FILE      Output file: .parquet writes Parquet, anything else CSV
  --format F             csv or parquet (default: by the output's extension)
  --keep-direct          Keep direct-identifier columns (names, phones …); default: dropped
  --force                Replace an existing output file

Exit status: 0 done; 1 k below --fail-below-k, or no transformation satisfies k/l within the cap;
2 usage, input or configuration error.

Examples:
  leakguard risk examples/risk/people.csv
  leakguard risk examples/risk/people.csv --quasi birth_date,sex,postcode --sensitive diagnosis --json
  leakguard risk postgres://app@db/clinic --table patients --population 21000000
  leakguard risk anonymize examples/risk/people.csv --k 5 --l 2 --sensitive diagnosis -o people.k5.csv \\
    --report risk.html
  leakguard risk anonymize postgres://app@db/clinic --table patients --k 10 -o patients.k10.parquet \\
    --max-groups 1000000 --report risk.json
`;

const OPTIONS = {
  quasi: { type: 'string' },
  sensitive: { type: 'string' },
  hierarchies: { type: 'string' },
  population: { type: 'string' },
  table: { type: 'string' },
  sample: { type: 'string' },
  'max-groups': { type: 'string' },
  'no-pushdown': { type: 'boolean' },
  header: { type: 'string' },
  delimiter: { type: 'string' },
  config: { type: 'string' },
  html: { type: 'string' },
  report: { type: 'string' },
  'fail-below-k': { type: 'string' },
  json: { type: 'boolean' },
  k: { type: 'string' },
  l: { type: 'string' },
  'l-kind': { type: 'string' },
  'max-suppression': { type: 'string' },
  metric: { type: 'string' },
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  'keep-direct': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

function pct(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

function describeMetrics(m: RiskMetrics): string {
  let s = '';
  s += `  records ${m.records}, equivalence classes ${m.classes}, k = ${m.k}, largest class ${m.largestClass}\n`;
  s += `  records in classes < 2: ${pct(m.below['2'])}, < 5: ${pct(m.below['5'])}, < 10: ${pct(m.below['10'])}\n`;
  s += `  sample uniqueness ${pct(m.sampleUniqueness)}; population uniqueness ${pct(m.population.uniqueness)} (${m.population.estimator}${m.population.samplingFraction < 1 ? `, sampling fraction ${m.population.samplingFraction.toPrecision(3)}` : ''})\n`;
  s += `  prosecutor risk highest ${pct(m.prosecutor.highest)}, average ${pct(m.prosecutor.average)}; journalist highest ${pct(m.journalist.highest)}; marketer ${pct(m.marketer)}\n`;
  for (const x of m.sensitive) {
    s += `  sensitive "${x.attribute}": distinct l = ${x.distinctL}, entropy l = ${x.entropyL}, t = ${x.t} (${x.distance} distance)\n`;
  }
  return s;
}

function describe(r: RiskReport): string {
  let s = `risk of ${r.input}${r.pushdown ? ' (aggregated in the database)' : ''}\n`;
  s += `  quasi-identifiers: ${r.quasiIdentifiers.map((q) => `${q.name} [${q.role}; ${q.reason}]`).join(', ')}\n`;
  if (r.sensitive.length > 0) s += `  sensitive: ${r.sensitive.join(', ')}\n`;
  if (r.directIdentifiers.length > 0) s += `  direct identifiers present: ${r.directIdentifiers.join(', ')}\n`;
  if (r.unlistedQuasiIdentifiers.length > 0) {
    s += `  warning: columns that look like quasi-identifiers are not in --quasi: ${r.unlistedQuasiIdentifiers.join(', ')}\n`;
  }
  if (r.skippedRecords > 0) s += `  ${r.skippedRecords} malformed records skipped\n`;
  return s + describeMetrics(r.metrics);
}

function describeAnonymize(r: AnonymizeReport): string {
  let s = describe(r);
  s += `anonymised to ${r.output} (${r.format}): k = ${r.k}${r.l > 1 ? `, l = ${r.l} (${r.lKind})` : ''}\n`;
  s += `  transformation: ${Object.entries(r.transformation)
    .map(([q, l]) => `${q} → ${l}`)
    .join(', ')}\n`;
  s += `  suppressed ${r.suppressed.records} records (${pct(r.suppressed.share)}, cap ${r.suppressed.cap}); ${r.rowsWritten} written\n`;
  if (r.droppedColumns.length > 0) s += `  dropped direct identifiers: ${r.droppedColumns.join(', ')}\n`;
  s += `  utility lost: non-uniform entropy ${pct(r.utility.after.entropyLoss)}, discernibility ${r.utility.before.discernibility.toPrecision(3)} → ${r.utility.after.discernibility.toPrecision(3)} (minimised: ${r.metric})\n`;
  s += `  lattice: ${r.lattice.evaluated} of ${r.lattice.nodes} nodes evaluated, ${r.lattice.pruned} pruned\n`;
  if (r.groupedInDatabaseAt) {
    s += `  grouped in the database at: ${Object.entries(r.groupedInDatabaseAt)
      .map(([q, l]) => `${q} → ${l}`)
      .join(', ')} (more than --max-groups exact combinations; searched above these levels)\n`;
  }
  s += 'after:\n';
  return s + describeMetrics(r.after);
}

function choice<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`Invalid value for --${name}: "${value}" (expected ${allowed.join(' or ')})`);
  }
  return value as T;
}

/**
 * The `risk` command.
 *
 * @example
 * await riskCommand(['examples/risk/people.csv', '--json'], io);
 */
export async function riskCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const anonymize = argv[0] === 'anonymize';
  const { values, positionals, help } = parse(
    anonymize ? argv.slice(1) : argv,
    OPTIONS,
    anonymize ? 'risk anonymize' : 'risk',
  );
  if (help) {
    await write(io.stdout, riskHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      `Invalid arguments for "risk${anonymize ? ' anonymize' : ''}": give one input file or database URL`,
    );
  }
  const target = positionals[0]!;
  const header = choice(values.header, 'header', ['yes', 'no'] as const);
  let delimiter = values.delimiter;
  if (delimiter === 'tab' || delimiter === '\\t') delimiter = '\t';
  if (delimiter !== undefined && (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f || delimiter === '"')) {
    throw new UsageError('Invalid value for --delimiter: expected one ASCII character (or "tab")');
  }
  const population = numberOption(values.population, 'population', 1, Number.MAX_SAFE_INTEGER);
  const sampleRows = numberOption(values.sample, 'sample', 1, 1_000_000);
  const maxGroups = numberOption(values['max-groups'], 'max-groups', 1, 1e9);
  const failBelow = numberOption(values['fail-below-k'], 'fail-below-k', 1, 1e9);
  const k = numberOption(values.k, 'k', 1, 1e9);
  const l = numberOption(values.l, 'l', 1, 1000);
  const maxSuppression = numberOption(values['max-suppression'], 'max-suppression', 0, 1);
  const lKind = choice(values['l-kind'], 'l-kind', ['distinct', 'entropy'] as const);
  const metric = choice(values.metric, 'metric', ['entropy', 'discernibility'] as const);
  const format = choice(values.format, 'format', ['csv', 'parquet'] as const);
  for (const [name, v] of [
    ['k', k],
    ['l', l],
    ['sample', sampleRows],
    ['max-groups', maxGroups],
    ['fail-below-k', failBelow],
    ['population', population],
  ] as const) {
    if (v !== undefined && !Number.isInteger(v))
      throw new UsageError(`Invalid value for --${name}: expected a whole number`);
  }
  if (!anonymize) {
    for (const f of [
      'k',
      'l',
      'l-kind',
      'max-suppression',
      'metric',
      'output',
      'format',
      'keep-direct',
      'force',
    ] as const) {
      if (values[f] !== undefined) throw new UsageError(`--${f} applies to "risk anonymize" only`);
    }
  } else {
    if (k === undefined) throw new UsageError('Invalid arguments for "risk anonymize": give --k');
    if (!values.output) throw new UsageError('Invalid arguments for "risk anonymize": give the output with -o FILE');
  }
  if (values.table !== undefined && !isDbUrl(target)) throw new UsageError('--table applies to database URLs only');
  const analyzer = buildAnalyzer(io, values.config !== undefined ? { config: values.config } : {});
  const hierarchies = values.hierarchies ? loadHierarchies(resolve(io.cwd, values.hierarchies)) : undefined;
  const input: RowInput = await openRowInput(isDbUrl(target) ? target : resolve(io.cwd, target), {
    table: values.table,
    ...(header !== undefined ? { header: header === 'yes' } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    env: io.env,
    cwd: io.cwd,
  });
  try {
    const common = {
      analyzer,
      quasi: values.quasi !== undefined ? splitList(values.quasi) : undefined,
      sensitive: values.sensitive !== undefined ? splitList(values.sensitive) : undefined,
      hierarchies,
      population,
      sampleRows,
      maxGroups,
      pushdown: !values['no-pushdown'],
    };
    const report: RiskReport | AnonymizeReport = anonymize
      ? await anonymizeInput(input, {
          ...common,
          k: k!,
          l,
          lKind,
          maxSuppression,
          metric,
          output: resolve(io.cwd, values.output!),
          format,
          overwrite: Boolean(values.force),
          keepDirect: Boolean(values['keep-direct']),
        })
      : await measureRisk(input, common);
    for (const file of [values.html, values.report]) {
      if (!file) continue;
      const body =
        file === values.report && /\.json$/i.test(file)
          ? `${JSON.stringify(riskJson(report), null, 2)}\n`
          : renderRiskPage(report);
      await writeFile(resolve(io.cwd, file), body, { mode: 0o600 });
    }
    if (values.json) await write(io.stdout, `${JSON.stringify(riskJson(report), null, 2)}\n`);
    else await write(io.stdout, anonymize ? describeAnonymize(report as AnonymizeReport) : describe(report));
    if (failBelow !== undefined && report.metrics.k < failBelow && !anonymize) return 1;
    return 0;
  } finally {
    await input.close();
  }
}
