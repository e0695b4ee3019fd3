/**
 * Re-identification risk of a table, and making it k-anonymous (and l-diverse).
 *
 * 1. A sample (first `sampleRows` rows) goes through the detection engine and the column classifier to propose
 *    quasi-identifiers, sensitive attributes and direct identifiers (`quasi.ts`), unless overridden.
 * 2. The frequency table (distinct combinations and their counts) is built: from a database with
 *    `GROUP BY` pushed down (only groups travel; a resident-ID column is grouped by the substrings its parts come
 *    from), from a file in one streaming pass. Memory grows with the distinct combinations, bounded by `maxGroups`.
 * 3. Measurement: the classes at level 0 feed the metrics (`metrics.ts`).
 * 4. Anonymisation: the lattice search (`lattice.ts`) picks the transformation; a second pass over the input
 *    writes each row generalised, leaving out rows of suppressed classes (and, defensively, any row whose class
 *    was not in the frequency table — a table that changed between the passes).
 */
import { UsageError } from '../core/errors.js';
import type { Analyzer } from '../detect/analyzer.js';
import { RiskError } from './errors.js';
import type { Hierarchy } from './hierarchy.js';
import type { RowInput, TableInput } from './input.js';
import { evaluateNode, type LatticeOptions, searchLattice } from './lattice.js';
import type { RiskMetrics } from './metrics.js';
import { type OutputFormat, openRowWriter } from './output.js';
import { type ColumnRoles, proposeRoles, type QuasiIdentifier, quasiValue, residentIdParts } from './quasi.js';
import { classesAt, FrequencyTable, Generalizer, measureClasses } from './table.js';

/** Options shared by measurement and anonymisation. */
export interface RiskRunOptions {
  analyzer: Analyzer;
  quasi?: readonly string[] | undefined;
  sensitive?: readonly string[] | undefined;
  hierarchies?: ReadonlyMap<string, Hierarchy> | undefined;
  /** Population size N for journalist/marketer risk and population uniqueness (default: the data is the population). */
  population?: number | undefined;
  /** Rows classified to propose roles. Default 1000. */
  sampleRows?: number | undefined;
  /** Most distinct combinations held. Default 5,000,000. */
  maxGroups?: number | undefined;
  /** Push GROUP BY down to the database (default true for tables). */
  pushdown?: boolean | undefined;
  /** Called with the number of rows (or groups) read so far. */
  onProgress?: ((rows: number) => void) | undefined;
}

/** A quasi-identifier as reported. */
export interface QuasiReport {
  name: string;
  column: string;
  part?: string;
  role: string;
  hierarchy: string;
  levels: readonly string[];
  reason: string;
}

/** What {@link measureRisk} reports. */
export interface RiskReport {
  input: string;
  kind: RowInput['kind'];
  records: number;
  /** Malformed records left out (ragged CSV rows). */
  skippedRecords: number;
  pushdown: boolean;
  /** Distinct combinations of quasi-identifier and sensitive values held in memory. */
  groups: number;
  quasiIdentifiers: QuasiReport[];
  sensitive: string[];
  directIdentifiers: string[];
  /** Columns that look like quasi-identifiers but were left out by `--quasi` (copied unchanged by anonymize). */
  unlistedQuasiIdentifiers: string[];
  classification: Record<string, string | null>;
  metrics: RiskMetrics;
}

/** What {@link anonymizeInput} reports. */
export interface AnonymizeReport extends RiskReport {
  output: string;
  format: OutputFormat;
  k: number;
  l: number;
  lKind: 'distinct' | 'entropy';
  maxSuppression: number;
  metric: 'entropy' | 'discernibility';
  /** Chosen level per quasi-identifier (its label). */
  transformation: Record<string, string>;
  suppressed: { records: number; share: number; cap: number };
  utility: {
    metric: 'entropy' | 'discernibility';
    before: { entropyLoss: number; discernibility: number };
    after: { entropyLoss: number; discernibility: number };
  };
  lattice: { nodes: number; evaluated: number; pruned: number; algorithm: string };
  after: RiskMetrics;
  rowsWritten: number;
  droppedColumns: string[];
}

interface Prepared {
  roles: ColumnRoles;
  table: FrequencyTable;
  gen: Generalizer;
  pushdown: boolean;
}

function quasiReport(q: QuasiIdentifier): QuasiReport {
  return {
    name: q.name,
    column: q.column,
    ...(q.part ? { part: q.part } : {}),
    role: q.role,
    hierarchy: q.hierarchy.kind,
    levels: q.hierarchy.labels,
    reason: q.reason,
  };
}

function tooLarge(groups: number, max: number): RiskError {
  return new RiskError(
    'LG_RISK_TOO_LARGE',
    `The data has more than ${max} distinct combinations of the quasi-identifiers (${groups} read so far)`,
  );
}

/** SQL for the substrings a resident ID's parts come from: length, region, birth, sequence-and-sex. */
function idExprs(input: TableInput, column: string): string[] {
  const e = input.expr(column);
  const n = `REPLACE(REPLACE(${e}, ' ', ''), '-', '')`;
  const len = input.dialect === 'sqlite' ? `length(${n})` : `CHAR_LENGTH(${n})`;
  return [len, `SUBSTR(${n}, 1, 6)`, `SUBSTR(${n}, 7, 8)`, `SUBSTR(${n}, 15, 3)`];
}

/** Rebuilds an ID-shaped string from the pushed-down substrings (the check character is irrelevant). */
function pseudoId(len: string, region: string, birth: string, seq: string): string {
  if (len === '18') return `${region}${birth}${seq}*`;
  if (len === '15') return `${region}${birth}${seq.slice(0, 1)}`;
  return '';
}

async function buildFromTable(input: TableInput, roles: ColumnRoles, max: number, progress?: (n: number) => void) {
  const table = new FrequencyTable(
    roles.quasi.map((q) => q.name),
    roles.sensitive,
  );
  const exprs: string[] = [];
  // Per quasi-identifier: how to compute its value from a group row.
  const readers: ((g: readonly string[]) => string)[] = [];
  const idStart = new Map<string, number>();
  for (const q of roles.quasi) {
    if (q.part) {
      let at = idStart.get(q.column);
      if (at === undefined) {
        at = exprs.length;
        idStart.set(q.column, at);
        exprs.push(...idExprs(input, q.column));
      }
      const a = at;
      const part = q.part;
      readers.push((g) => residentIdParts(pseudoId(g[a]!, g[a + 1]!, g[a + 2]!, g[a + 3]!))[part]);
    } else {
      const a = exprs.length;
      exprs.push(input.expr(q.column));
      readers.push((g) => g[a]!.trim());
    }
  }
  for (const s of roles.sensitive) {
    const a = exprs.length;
    exprs.push(input.expr(s));
    readers.push((g) => g[a]!.trim());
  }
  const values: string[] = new Array(readers.length);
  let groups = 0;
  for await (const batch of input.groups(exprs)) {
    for (const g of batch) {
      for (let i = 0; i < readers.length; i++) values[i] = readers[i]!(g.values);
      table.add(values, g.count);
      if (++groups > max) throw tooLarge(groups, max);
    }
    progress?.(table.records);
  }
  return table;
}

async function buildFromRows(input: RowInput, roles: ColumnRoles, max: number, progress?: (n: number) => void) {
  const table = new FrequencyTable(
    roles.quasi.map((q) => q.name),
    roles.sensitive,
  );
  const qIdx = roles.quasi.map((q) => input.columns.indexOf(q.column));
  const sIdx = roles.sensitive.map((s) => input.columns.indexOf(s));
  const values: string[] = new Array(qIdx.length + sIdx.length);
  for await (const batch of input.rows()) {
    for (const row of batch) {
      for (let i = 0; i < qIdx.length; i++) values[i] = quasiValue(roles.quasi[i]!, row[qIdx[i]!]);
      for (let i = 0; i < sIdx.length; i++) values[qIdx.length + i] = (row[sIdx[i]!] ?? '').trim();
      table.add(values);
      if (table.entries > max) throw tooLarge(table.entries, max);
    }
    progress?.(table.records);
  }
  return table;
}

async function prepare(input: RowInput, options: RiskRunOptions): Promise<Prepared> {
  const sample = await input.sample(options.sampleRows ?? 1000);
  let roles: ColumnRoles;
  try {
    roles = proposeRoles(options.analyzer, input.columns, sample, {
      quasi: options.quasi,
      sensitive: options.sensitive,
      hierarchies: options.hierarchies,
    });
  } catch (e) {
    if (e instanceof RangeError) {
      throw new UsageError(`Cannot measure "${input.display}": ${e.message}`);
    }
    throw e;
  }
  if (roles.quasi.length === 0) {
    throw new UsageError(
      `No quasi-identifier found in "${input.display}": name them with --quasi (columns: ${input.columns.join(', ')})`,
    );
  }
  const max = options.maxGroups ?? 5_000_000;
  const pushdown = input.kind === 'table' && options.pushdown !== false;
  const table = pushdown
    ? await buildFromTable(input as TableInput, roles, max, options.onProgress)
    : await buildFromRows(input, roles, max, options.onProgress);
  return {
    roles,
    table,
    gen: new Generalizer(
      table,
      roles.quasi.map((q) => q.hierarchy),
    ),
    pushdown,
  };
}

function baseReport(input: RowInput, p: Prepared, metrics: RiskMetrics): RiskReport {
  return {
    input: input.display,
    kind: input.kind,
    records: p.table.records,
    skippedRecords: input.skipped,
    pushdown: p.pushdown,
    groups: p.table.entries,
    quasiIdentifiers: p.roles.quasi.map(quasiReport),
    sensitive: p.roles.sensitive,
    directIdentifiers: p.roles.direct,
    unlistedQuasiIdentifiers: p.roles.unused,
    classification: p.roles.classified,
    metrics,
  };
}

/**
 * Measures the re-identification risk of an input.
 *
 * @throws UsageError when no quasi-identifier is found or named; RiskError `LG_RISK_TOO_LARGE`; source errors
 * @example
 * const report = await measureRisk(await openRowInput('people.csv'), { analyzer });
 */
export async function measureRisk(input: RowInput, options: RiskRunOptions): Promise<RiskReport> {
  const p = await prepare(input, options);
  const zero = p.roles.quasi.map(() => 0);
  const metrics = measureClasses(classesAt(p.gen, zero), p.roles.sensitive, { population: options.population });
  return baseReport(input, p, metrics);
}

/** Options of {@link anonymizeInput}. */
export interface AnonymizeOptions extends RiskRunOptions {
  k: number;
  l?: number | undefined;
  lKind?: 'distinct' | 'entropy' | undefined;
  /** Largest share of records suppressed (0–1). Default 0.05. */
  maxSuppression?: number | undefined;
  metric?: 'entropy' | 'discernibility' | undefined;
  output: string;
  format?: OutputFormat | undefined;
  overwrite?: boolean | undefined;
  /** Keep direct-identifier columns in the output (default: dropped). */
  keepDirect?: boolean | undefined;
  maxNodes?: number | undefined;
}

/**
 * Makes an input k-anonymous (and l-diverse) by optimal full-domain generalisation plus suppression, and
 * writes the result.
 *
 * @throws RiskError `LG_RISK_UNSATISFIABLE` when no transformation satisfies the constraints within the cap
 * @example
 * await anonymizeInput(await openRowInput('people.csv'), { analyzer, k: 5, output: 'people.k5.csv' });
 */
export async function anonymizeInput(input: RowInput, options: AnonymizeOptions): Promise<AnonymizeReport> {
  const p = await prepare(input, options);
  const { roles, table, gen } = p;
  const Q = roles.quasi.length;
  const l = options.l ?? 1;
  if (l > 1 && roles.sensitive.length === 0) {
    throw new UsageError('--l needs a sensitive attribute: name it with --sensitive');
  }
  const lattice: LatticeOptions = {
    k: options.k,
    l,
    lKind: options.lKind ?? 'distinct',
    maxSuppression: options.maxSuppression ?? 0.05,
    metric: options.metric ?? 'entropy',
    maxNodes: options.maxNodes,
  };
  let search: ReturnType<typeof searchLattice>;
  try {
    search = searchLattice(gen, lattice);
  } catch (e) {
    if (e instanceof RangeError)
      throw new RiskError('LG_RISK_TOO_LARGE', `Cannot anonymise "${input.display}": ${e.message}`);
    throw e;
  }
  const best = search.best;
  if (!best) {
    throw new RiskError(
      'LG_RISK_UNSATISFIABLE',
      `Cannot make "${input.display}" ${options.k}-anonymous${l > 1 ? ` and ${l}-diverse` : ''} by suppressing at most ${Math.round(lattice.maxSuppression * 1000) / 10}% of ${table.records} records`,
    );
  }
  const zero = roles.quasi.map(() => 0);
  const before = measureClasses(classesAt(gen, zero), roles.sensitive, { population: options.population });
  const beforeNode = evaluateNode(gen, zero, { ...lattice, k: 1, l: 1 });
  // Classes at the chosen node, and which of them are kept.
  const classes = classesAt(gen, best.levels);
  const keep = new Set<string>();
  const kept: typeof classes = [];
  for (const c of classes) {
    let ok = c.size >= options.k;
    if (ok && l > 1) {
      for (const h of c.sensitive) {
        if (lattice.lKind === 'entropy') {
          let H = 0;
          for (const n of h.values()) H -= (n / c.size) * Math.log(n / c.size);
          if (Math.exp(H) < l - 1e-9) ok = false;
        } else if (h.size < l) ok = false;
      }
    }
    if (ok) {
      keep.add(c.values.join('\u0001'));
      kept.push(c);
    }
  }
  const after = measureClasses(kept, roles.sensitive, { population: options.population });

  // Output columns: direct identifiers dropped (unless asked), resident-ID columns replaced by their bundle.
  const qiColumns = new Set(roles.quasi.map((q) => q.column));
  const dropped = options.keepDirect ? [] : roles.direct.filter((c) => !qiColumns.has(c));
  const outColumns = input.columns.filter((c) => !dropped.includes(c));
  const outIdx = outColumns.map((c) => input.columns.indexOf(c));
  const qIdx = roles.quasi.map((q) => input.columns.indexOf(q.column));
  const levelCodes = roles.quasi.map((_, q) => gen.level(q, best.levels[q]!));
  // Per output column: the quasi-identifiers that write it.
  const writers = outColumns.map((c) => roles.quasi.map((q, i) => (q.column === c ? i : -1)).filter((i) => i >= 0));
  const writer = await openRowWriter(options.output, outColumns, {
    format: options.format,
    overwrite: options.overwrite,
  });
  let written = 0;
  let suppressedRows = 0;
  const g: string[] = new Array(Q);
  try {
    for await (const batch of input.rows()) {
      const out: string[][] = [];
      for (const row of batch) {
        for (let q = 0; q < Q; q++) {
          const v = quasiValue(roles.quasi[q]!, row[qIdx[q]!]);
          const code = table.dicts[q]!.codes.get(v);
          const lv = levelCodes[q]!;
          g[q] =
            code === undefined ? roles.quasi[q]!.hierarchy.generalize(v, best.levels[q]!) : lv.values[lv.map[code]!]!;
        }
        if (!keep.has(g.join('\u0001'))) {
          suppressedRows++;
          continue;
        }
        const r: string[] = new Array(outColumns.length);
        for (let c = 0; c < outColumns.length; c++) {
          const w = writers[c]!;
          if (w.length === 0) r[c] = row[outIdx[c]!] ?? '';
          else if (w.length === 1 && roles.quasi[w[0]!]!.part === undefined) r[c] = g[w[0]!]!;
          else r[c] = w.map((i) => g[i]!).join('|');
        }
        out.push(r);
      }
      await writer.write(out);
      written += out.length;
    }
    await writer.commit();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  const cap = Math.floor(lattice.maxSuppression * table.records + 1e-9);
  return {
    ...baseReport(input, p, before),
    output: options.output,
    format: options.format ?? (/\.(parquet|pq)$/i.test(options.output) ? 'parquet' : 'csv'),
    k: options.k,
    l,
    lKind: lattice.lKind ?? 'distinct',
    maxSuppression: lattice.maxSuppression,
    metric: lattice.metric,
    transformation: Object.fromEntries(
      roles.quasi.map((q, i) => [q.name, q.hierarchy.labels[best.levels[i]!]!] as const),
    ),
    suppressed: { records: suppressedRows, share: table.records > 0 ? suppressedRows / table.records : 0, cap },
    utility: {
      metric: lattice.metric,
      before: { entropyLoss: 0, discernibility: beforeNode.discernibility },
      after: { entropyLoss: best.entropyLoss, discernibility: best.discernibility },
    },
    lattice: {
      nodes: search.nodes,
      evaluated: search.evaluated,
      pruned: search.pruned,
      algorithm: 'optimal full-domain generalisation lattice search with record suppression (OLA/Flash-style)',
    },
    after,
    rowsWritten: written,
    droppedColumns: dropped,
  };
}
