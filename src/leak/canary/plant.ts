/**
 * `canary plant`: generate canary records and put them where a leak would carry them — rows of a PostgreSQL,
 * MySQL/MariaDB or SQLite table (columns mapped by name, by the catalog's classification of the table, or by
 * `--map`), lines appended to a CSV/TSV or NDJSON file (columns taken from its header or first object), or printed
 * for manual placement — then register the plant and every field's keyed fingerprint in the catalog.
 *
 * Database inserts and the registration share a transaction boundary: the rows are committed only after the
 * registry has them, so a canary never sits in a table unregistered.
 */
import { appendFile, open, readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Catalog } from '../../catalog/catalog.js';
import { isLeakguardError, UsageError } from '../../core/errors.js';
import { openWriteConnection } from '../../protect/db/connection.js';
import { nameHint } from '../../scan/classify.js';
import { redactUrl } from '../../sources/db-url.js';
import { wrapSqlError } from '../../sources/sql/errors.js';
import type { TableInfo } from '../../sources/sql/types.js';
import type { CanaryKey } from './key.js';
import { CANARY_FIELDS, type CanaryField, type CanaryRecord, canaryFieldOfType } from './record.js';
import { type CanaryRegistry, newPlantId, type PlantInfo } from './registry.js';

/** Options of {@link plantCanaries}. */
export interface PlantOptions {
  readonly key: CanaryKey;
  readonly registry: CanaryRegistry;
  readonly label: string;
  readonly count: number;
  /** `-` (print), a file path (.csv/.tsv/.ndjson/.jsonl), or a database URL (with `table`). */
  readonly into: string;
  readonly table?: string | undefined;
  /** Explicit column → field mapping (wins over names and the catalog). */
  readonly map?: Readonly<Record<string, CanaryField>>;
  /** Catalog to read the table's column classification from (the latest scan). */
  readonly catalog?: string | undefined;
  /** Print format for `-` (default ndjson). */
  readonly format?: 'csv' | 'ndjson';
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where printed records go. */
  readonly print?: (text: string) => Promise<void> | void;
}

/** What a plant did. */
export interface PlantResult {
  readonly plant: PlantInfo;
  /** Column or key → canary field, for table and file targets. */
  readonly columns: Readonly<Record<string, CanaryField>>;
}

const DB_URL = /^(postgres(ql)?|mysql|mariadb):\/\/|^sqlite:/i;

function csvQuote(v: string, delimiter: string): string {
  return /["\r\n]/.test(v) || v.includes(delimiter) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Split one CSV header line (quotes honoured). */
function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function fieldOfName(column: string): CanaryField | undefined {
  const hint = nameHint(column);
  if (hint) return canaryFieldOfType(hint);
  const n = column.toLowerCase();
  if (/birth|生日|出生/.test(n)) return 'birth_date';
  return undefined;
}

/** Column → field for `columns`, from `--map`, then the catalog's decisions, then names. */
function mapColumns(
  columns: readonly string[],
  explicit: Readonly<Record<string, CanaryField>> | undefined,
  classified: ReadonlyMap<string, string>,
): Record<string, CanaryField> {
  const out: Record<string, CanaryField> = {};
  for (const c of columns) {
    const e = explicit?.[c];
    const byCatalog = classified.get(c);
    const f = e ?? (byCatalog ? canaryFieldOfType(byCatalog) : undefined) ?? fieldOfName(c);
    if (f) out[c] = f;
  }
  if (explicit) {
    for (const c of Object.keys(explicit))
      if (!columns.includes(c)) throw new UsageError(`--map names column "${c}", which the target does not have`);
  }
  return out;
}

/** The latest scan's classification of a table's columns, when the catalog has scanned it. */
async function catalogClassification(catalog: string | undefined, table: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!catalog) return out;
  let cat: Catalog;
  try {
    cat = await Catalog.open(catalog);
  } catch {
    return out;
  }
  try {
    const run = await cat.latestRun();
    if (!run) return out;
    const bare = table.split('.').pop() as string;
    const asset = (await cat.assets(run.id)).find((a) => a.asset.endsWith(`.${bare}`) || a.asset.endsWith(`/${bare}`));
    for (const f of asset?.detail.fields ?? []) if (f.type && f.confidence >= 0.5) out.set(f.field, f.type);
  } finally {
    await cat.close();
  }
  return out;
}

function rowOf(
  rec: CanaryRecord,
  columns: readonly string[],
  mapping: Readonly<Record<string, CanaryField>>,
): string[] {
  return columns.map((c) => {
    const f = mapping[c];
    return f ? rec[f] : '';
  });
}

async function fileEndsWithNewline(path: string): Promise<boolean> {
  const h = await open(path, 'r');
  try {
    const { size } = await h.stat();
    if (size === 0) return true;
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, size - 1);
    return b[0] === 10;
  } finally {
    await h.close();
  }
}

/**
 * Plant `count` canaries into `into` and register them.
 *
 * @throws UsageError for an unknown target, a table without mappable columns, or a bad `--map`;
 *   SourceError when the database or file cannot be written
 * @example
 * await plantCanaries({ key, registry, label: 'crm-prod', count: 20, into: 'postgres://app@db/crm', table: 'customers', cwd });
 */
export async function plantCanaries(options: PlantOptions): Promise<PlantResult> {
  const { key, registry, label, count, into } = options;
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw new UsageError('--count must be an integer from 1 to 100000');
  const plantId = newPlantId();
  const records = await registry.generate(key, plantId, count);
  const plantedAt = new Date().toISOString();

  if (into === '-') {
    const format = options.format ?? 'ndjson';
    const lines =
      format === 'csv'
        ? [CANARY_FIELDS.join(','), ...records.map((r) => CANARY_FIELDS.map((f) => csvQuote(r[f], ',')).join(','))]
        : records.map((r) => JSON.stringify(r));
    const plant: PlantInfo = {
      plantId,
      label,
      target: 'stdout',
      targetKind: 'print',
      plantedAt,
      records: count,
      detail: { format },
    };
    await registry.register(key, plant, records);
    await options.print?.(`${lines.join('\n')}\n`);
    return { plant, columns: Object.fromEntries(CANARY_FIELDS.map((f) => [f, f])) };
  }

  if (DB_URL.test(into)) return plantIntoTable(options, plantId, records, plantedAt);

  const path = resolve(options.cwd, into);
  const ext = extname(path).toLowerCase();
  const exists = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (ext === '.csv' || ext === '.tsv') {
    const delimiter = ext === '.tsv' ? '\t' : ',';
    let header: string[] = [...CANARY_FIELDS];
    let prefix = '';
    if (exists) {
      const text = await readFile(path, 'utf8');
      const first = text.split(/\r?\n/, 1)[0] ?? '';
      if (first.trim() !== '') header = splitCsvLine(first.replace(/^\uFEFF/, ''), delimiter);
      else prefix = `${header.join(delimiter)}\n`;
      if (!(await fileEndsWithNewline(path))) prefix = `\n${prefix}`;
    } else prefix = `${header.join(delimiter)}\n`;
    const mapping = mapColumns(header, options.map, new Map());
    if (Object.keys(mapping).length === 0)
      throw new UsageError(`No column of "${into}" maps to a canary field: name them or pass --map COLUMN=FIELD`);
    const body = records.map((r) =>
      rowOf(r, header, mapping)
        .map((v) => csvQuote(v, delimiter))
        .join(delimiter),
    );
    const plant: PlantInfo = {
      plantId,
      label,
      target: path,
      targetKind: 'csv',
      plantedAt,
      records: count,
      detail: { columns: mapping },
    };
    await appendFile(path, `${prefix}${body.join('\n')}\n`);
    await registry.register(key, plant, records);
    return { plant, columns: mapping };
  }
  if (ext === '.ndjson' || ext === '.jsonl') {
    let keys: string[] = [...CANARY_FIELDS];
    let prefix = '';
    if (exists) {
      const text = await readFile(path, 'utf8');
      const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
      if (first) {
        try {
          const obj = JSON.parse(first) as unknown;
          if (obj && typeof obj === 'object' && !Array.isArray(obj)) keys = Object.keys(obj);
        } catch {
          throw new UsageError(`"${into}" does not start with a JSON object: cannot take its field names`);
        }
      }
      if (!(await fileEndsWithNewline(path))) prefix = '\n';
    }
    const mapping = mapColumns(keys, options.map, new Map());
    if (Object.keys(mapping).length === 0)
      throw new UsageError(`No field of "${into}" maps to a canary field: pass --map FIELD=CANARY_FIELD`);
    const body = records.map((r) =>
      JSON.stringify(Object.fromEntries(keys.map((k) => [k, mapping[k] ? r[mapping[k]] : null]))),
    );
    const plant: PlantInfo = {
      plantId,
      label,
      target: path,
      targetKind: 'ndjson',
      plantedAt,
      records: count,
      detail: { columns: mapping },
    };
    await appendFile(path, `${prefix}${body.join('\n')}\n`);
    await registry.register(key, plant, records);
    return { plant, columns: mapping };
  }
  throw new UsageError(
    `Cannot plant into "${into}": expected "-", a .csv/.tsv/.ndjson/.jsonl file, or a postgres://, mysql://, mariadb:// or sqlite: URL with --table`,
  );
}

async function plantIntoTable(
  options: PlantOptions,
  plantId: string,
  records: readonly CanaryRecord[],
  plantedAt: string,
): Promise<PlantResult> {
  const table = options.table;
  if (!table) throw new UsageError('Planting into a database needs --table NAME');
  const conn = await openWriteConnection(options.into, {
    ...(options.env ? { env: options.env } : {}),
    cwd: options.cwd,
  });
  try {
    const dot = table.lastIndexOf('.');
    const schema = dot > 0 && conn.dialect.name !== 'sqlite' ? table.slice(0, dot) : conn.defaultSchema;
    const bare = dot > 0 && conn.dialect.name !== 'sqlite' ? table.slice(dot + 1) : table;
    let tables: TableInfo[];
    try {
      tables = await conn.driver.introspect(conn, conn.dialect.name === 'sqlite' || !schema ? undefined : [schema]);
    } catch (e) {
      throw wrapSqlError(conn.driver, e, { source: conn.display, action: 'list' });
    }
    const info =
      tables.find((t) => t.name === bare) ?? tables.filter((t) => t.name.toLowerCase() === bare.toLowerCase())[0];
    if (!info) throw new UsageError(`Table "${table}" not found in ${conn.display}`);
    const classified = await catalogClassification(options.catalog, `${info.schema}.${info.name}`);
    const columns = info.columns.map((c) => c.name);
    const mapping = mapColumns(columns, options.map, classified);
    const mapped = Object.keys(mapping);
    if (mapped.length === 0)
      throw new UsageError(
        `No column of "${table}" maps to a canary field (by name or the catalog's classification): pass --map COLUMN=FIELD`,
      );
    const q = conn.dialect.quote;
    const target = conn.dialect.name === 'sqlite' ? q(info.name) : `${q(info.schema)}.${q(info.name)}`;
    const colList = mapped.map((c) => q(c)).join(', ');
    const place = mapped.map((_, i) => conn.dialect.param(i + 1)).join(', ');
    const plant: PlantInfo = {
      plantId,
      label: options.label,
      target: `${redactUrl(options.into)}#${info.schema}.${info.name}`,
      targetKind: conn.dialect.name,
      plantedAt,
      records: records.length,
      detail: { columns: mapping },
    };
    await conn.begin();
    try {
      for (const rec of records) {
        await conn.query(
          `INSERT INTO ${target} (${colList}) VALUES (${place})`,
          mapped.map((c) => rec[mapping[c] as CanaryField]),
        );
      }
      await options.registry.register(options.key, plant, records);
      await conn.commit();
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      if (isLeakguardError(e)) throw e;
      throw wrapSqlError(conn.driver, e, {
        source: conn.display,
        action: 'query',
        table: `${info.schema}.${info.name}`,
      });
    }
    return { plant, columns: mapping };
  } finally {
    await conn.close();
  }
}
