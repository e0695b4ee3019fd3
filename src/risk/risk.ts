/**
 * Re-identification risk of a table, and making it k-anonymous (and l-diverse).
 *
 * 1. A sample (first `sampleRows` rows) goes through the detection engine and the column classifier to propose
 *    quasi-identifiers, sensitive attributes and direct identifiers (`quasi.ts`), unless overridden.
 * 2. Measurement: a file is read in one streaming pass into the frequency table (distinct combinations and their
 *    counts, bounded by `maxGroups`); a database table is measured in the database (`pushdown.ts`: classes streamed
 *    in order, memory bounded by one run of equal values), so its size does not matter.
 * 3. Anonymisation: the frequency table comes from a file pass, or from the database's `GROUP BY` — of the exact
 *    values when they fit in `maxGroups`, else of generalised expressions (the base levels), with the lattice
 *    searched above them. The lattice search (`lattice.ts`) picks the transformation; a second pass over the
 *    input writes each row generalised, leaving out rows of suppressed classes (and, defensively, any row whose
 *    class was not in the frequency table — a table that changed between the passes).
 */
import { UsageError } from '../core/errors.js';
import type { Analyzer } from '../detect/analyzer.js';
import { RiskError } from './errors.js';
import type { Hierarchy } from './hierarchy.js';
import type { RowInput, TableInput } from './input.js';
import { KeyIndex } from './key-index.js';
import { type LatticeOptions, searchLattice } from './lattice.js';
import type { RiskMetrics } from './metrics.js';
import { formatOf, type OutputFormat, openRowWriter } from './output.js';
import { buildAtBase, chooseBase, measureInDatabase } from './pushdown.js';
import { type ColumnRoles, proposeRoles, type QuasiIdentifier, quasiValue } from './quasi.js';
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
  /**
   * Most distinct combinations held in memory. Default 5,000,000. A file with more is refused; a table is measured
   * in the database regardless, and anonymised from generalised groups when its exact combinations exceed it.
   */
  maxGroups?: number | undefined;
  /** Aggregate in the database (default true for tables); false reads every row. */
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
  /**
   * The levels the database grouped at when the exact combinations exceeded `maxGroups` (generalised-expression
   * pushdown): the search covered the lattice above them. `null`: the exact values were grouped.
   */
  groupedInDatabaseAt: Record<string, string> | null;
  after: RiskMetrics;
  rowsWritten: number;
  droppedColumns: string[];
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

/**
 * Reads quasi-identifier values from cells, remembering resident-ID parts per cell (a bounded memo: parsing an ID
 * per row and part was 2 % of a 200,000-row run, and the same masked IDs recur).
 */
function createQuasiReader(quasi: readonly QuasiIdentifier[]): (q: number, cell: string | undefined) => string {
  const memo = quasi.map(() => new Map<string, string>());
  return (q, cell) => {
    const qi = quasi[q]!;
    if (qi.part === undefined) return (cell ?? '').trim();
    const m = memo[q]!;
    const key = cell ?? '';
    let v = m.get(key);
    if (v === undefined) {
      v = quasiValue(qi, cell);
      if (m.size >= 1 << 16) m.clear();
      m.set(key, v);
    }
    return v;
  };
}

async function buildFromRows(input: RowInput, roles: ColumnRoles, max: number, progress?: (n: number) => void) {
  const table = new FrequencyTable(
    roles.quasi.map((q) => q.name),
    roles.sensitive,
  );
  const qIdx = roles.quasi.map((q) => input.columns.indexOf(q.column));
  const sIdx = roles.sensitive.map((s) => input.columns.indexOf(s));
  const values: string[] = new Array(qIdx.length + sIdx.length);
  const read = createQuasiReader(roles.quasi);
  for await (const batch of input.rows()) {
    for (const row of batch) {
      for (let i = 0; i < qIdx.length; i++) values[i] = read(i, row[qIdx[i]!]);
      for (let i = 0; i < sIdx.length; i++) values[qIdx.length + i] = (row[sIdx[i]!] ?? '').trim();
      table.add(values);
      if (table.entries > max) throw tooLarge(table.entries, max);
    }
    progress?.(table.records);
  }
  return table;
}

async function proposeFor(
  input: RowInput,
  options: RiskRunOptions,
): Promise<{ roles: ColumnRoles; sample: string[][] }> {
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
  return { roles, sample };
}

function inDatabase(input: RowInput, options: RiskRunOptions): input is TableInput {
  return input.kind === 'table' && options.pushdown !== false;
}

function baseReport(
  input: RowInput,
  roles: ColumnRoles,
  pushdown: boolean,
  groups: number,
  metrics: RiskMetrics,
): RiskReport {
  return {
    input: input.display,
    kind: input.kind,
    records: metrics.records,
    skippedRecords: input.skipped,
    pushdown,
    groups,
    quasiIdentifiers: roles.quasi.map(quasiReport),
    sensitive: roles.sensitive,
    directIdentifiers: roles.direct,
    unlistedQuasiIdentifiers: roles.unused,
    classification: roles.classified,
    metrics,
  };
}

/**
 * Measures the re-identification risk of an input. A table is measured in the database (classes streamed in
 * order, memory bounded by the largest run of equal plain quasi-identifiers); a file in one streaming pass.
 *
 * @throws UsageError when no quasi-identifier is found or named; RiskError `LG_RISK_TOO_LARGE`; source errors
 * @example
 * const report = await measureRisk(await openRowInput('people.csv'), { analyzer });
 */
export async function measureRisk(input: RowInput, options: RiskRunOptions): Promise<RiskReport> {
  const { roles } = await proposeFor(input, options);
  const max = options.maxGroups ?? 5_000_000;
  if (inDatabase(input, options)) {
    const m = await measureInDatabase(input, roles, {
      population: options.population,
      maxGroups: max,
      onProgress: options.onProgress,
    });
    return baseReport(input, roles, true, m.groups, m.metrics);
  }
  const table = await buildFromRows(input, roles, max, options.onProgress);
  const gen = new Generalizer(
    table,
    roles.quasi.map((q) => q.hierarchy),
  );
  const zero = roles.quasi.map(() => 0);
  const metrics = measureClasses(classesAt(gen, zero), roles.sensitive, { population: options.population });
  return baseReport(input, roles, false, table.entries, metrics);
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
  /** Lowest level per quasi-identifier the search considers (in `quasi` order); default 0. */
  minLevels?: readonly number[] | undefined;
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
  const { roles, sample } = await proposeFor(input, options);
  const max = options.maxGroups ?? 5_000_000;
  const Q = roles.quasi.length;
  const l = options.l ?? 1;
  if (l > 1 && roles.sensitive.length === 0) {
    throw new UsageError('--l needs a sensitive attribute: name it with --sensitive');
  }
  const hierarchies = roles.quasi.map((q) => q.hierarchy);
  const zero = roles.quasi.map(() => 0);
  const pushdown = inDatabase(input, options);
  let gen: Generalizer;
  let base = zero;
  if (pushdown) {
    base = await chooseBase(input, roles, sample, max);
    const built = await buildAtBase(input, roles, base, max, options.onProgress);
    gen = new Generalizer(built.table, hierarchies, {
      baseLevels: base,
      above: built.above,
      originalFrequencies: built.originalFrequencies,
    });
  } else {
    gen = new Generalizer(await buildFromRows(input, roles, max, options.onProgress), hierarchies);
  }
  const table = gen.table;
  const raised = base.some((b) => b > 0);
  const lattice: LatticeOptions = {
    k: options.k,
    l,
    lKind: options.lKind ?? 'distinct',
    maxSuppression: options.maxSuppression ?? 0.05,
    metric: options.metric ?? 'entropy',
    maxNodes: options.maxNodes,
    minLevels: options.minLevels,
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
      `Cannot make "${input.display}" ${options.k}-anonymous${l > 1 ? ` and ${l}-diverse` : ''} by suppressing at most ${Math.round(lattice.maxSuppression * 1000) / 10}% of ${table.records} records${raised ? ' (at or above the levels grouped in the database)' : ''}`,
    );
  }
  // Risk before: the original classes (from the database when the table was generalised there).
  const before = raised
    ? (await measureInDatabase(input as TableInput, roles, { population: options.population, maxGroups: max })).metrics
    : measureClasses(classesAt(gen, zero), roles.sensitive, { population: options.population });
  let dmBefore = 0;
  for (const [size, count] of before.classSizes) dmBefore += size * size * count;
  // Classes at the chosen node, and which of them are kept.
  const classes = classesAt(gen, best.levels);
  const levelCodes = roles.quasi.map((_, q) => gen.level(q, best.levels[q]!));
  const valueCode = levelCodes.map((lv) => new Map(lv.values.map((v, i) => [v, i] as const)));
  let radix = 1;
  for (const lv of levelCodes) radix *= Math.max(1, lv.values.length);
  // Kept classes by mixed-radix key of their level codes (a string key only beyond a double's integers).
  const numericKeys = radix < 2 ** 52;
  const keepNumeric = new KeyIndex(16);
  const keepString = new Set<string>();
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
    if (!ok) continue;
    kept.push(c);
    if (numericKeys) {
      let key = 0;
      for (let q = 0; q < Q; q++)
        key = key * Math.max(1, levelCodes[q]!.values.length) + valueCode[q]!.get(c.values[q]!)!;
      keepNumeric.id(key);
    } else keepString.add(c.values.join('\u0001'));
  }
  const after = measureClasses(kept, roles.sensitive, { population: options.population });

  // Output columns: direct identifiers dropped (unless asked), resident-ID columns replaced by their bundle.
  const qiColumns = new Set(roles.quasi.map((q) => q.column));
  const dropped = options.keepDirect ? [] : roles.direct.filter((c) => !qiColumns.has(c));
  const outColumns = input.columns.filter((c) => !dropped.includes(c));
  const outIdx = outColumns.map((c) => input.columns.indexOf(c));
  const qIdx = roles.quasi.map((q) => input.columns.indexOf(q.column));
  // Per output column: the quasi-identifiers that write it.
  const writers = outColumns.map((c) => roles.quasi.map((q, i) => (q.column === c ? i : -1)).filter((i) => i >= 0));
  const read = createQuasiReader(roles.quasi);
  // Per quasi-identifier: cell → code at the chosen level (-1: a value the table did not hold), bounded.
  const memo = roles.quasi.map(() => new Map<string, number>());
  const codeOf = (q: number, cell: string | undefined): number => {
    const m = memo[q]!;
    const key = cell ?? '';
    let code = m.get(key);
    if (code !== undefined) return code;
    const v = read(q, cell);
    const lv = levelCodes[q]!;
    const baseCode = base[q] === 0 ? table.dicts[q]!.codes.get(v) : undefined;
    if (baseCode !== undefined) code = lv.map[baseCode]!;
    else code = valueCode[q]!.get(roles.quasi[q]!.hierarchy.generalize(v, best.levels[q]!)) ?? -1;
    if (m.size >= 1 << 16) m.clear();
    m.set(key, code);
    return code;
  };
  const writer = await openRowWriter(options.output, outColumns, {
    format: options.format,
    overwrite: options.overwrite,
  });
  let written = 0;
  let suppressedRows = 0;
  const codes = new Int32Array(Math.max(1, Q));
  try {
    for await (const batch of input.rows()) {
      const out: string[][] = [];
      for (const row of batch) {
        let known = true;
        let key = 0;
        for (let q = 0; q < Q; q++) {
          const c = codeOf(q, row[qIdx[q]!]);
          codes[q] = c;
          if (c < 0) known = false;
          else key = key * Math.max(1, levelCodes[q]!.values.length) + c;
        }
        // A row whose class was not in the table measured (the table changed between the reads) is left out.
        let keep = known;
        if (keep) {
          if (numericKeys) keep = keepNumeric.get(key) >= 0;
          else {
            let k = '';
            for (let q = 0; q < Q; q++) k += (q > 0 ? '\u0001' : '') + levelCodes[q]!.values[codes[q]!]!;
            keep = keepString.has(k);
          }
        }
        if (!keep) {
          suppressedRows++;
          continue;
        }
        const r: string[] = new Array(outColumns.length);
        for (let c = 0; c < outColumns.length; c++) {
          const w = writers[c]!;
          if (w.length === 0) r[c] = row[outIdx[c]!] ?? '';
          else if (w.length === 1 && roles.quasi[w[0]!]!.part === undefined)
            r[c] = levelCodes[w[0]!]!.values[codes[w[0]!]!]!;
          else r[c] = w.map((i) => levelCodes[i]!.values[codes[i]!]!).join('|');
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
  const n = table.records;
  const cap = Math.floor(lattice.maxSuppression * n + 1e-9);
  return {
    ...baseReport(input, roles, pushdown, table.entries, before),
    output: options.output,
    format: options.format ?? formatOf(options.output),
    k: options.k,
    l,
    lKind: lattice.lKind ?? 'distinct',
    maxSuppression: lattice.maxSuppression,
    metric: lattice.metric,
    transformation: Object.fromEntries(
      roles.quasi.map((q, i) => [q.name, q.hierarchy.labels[best.levels[i]!]!] as const),
    ),
    groupedInDatabaseAt: raised
      ? Object.fromEntries(roles.quasi.map((q, i) => [q.name, q.hierarchy.labels[base[i]!]!] as const))
      : null,
    suppressed: { records: suppressedRows, share: n > 0 ? suppressedRows / n : 0, cap },
    utility: {
      metric: lattice.metric,
      before: { entropyLoss: 0, discernibility: n > 0 ? dmBefore / (n * n) : 0 },
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
