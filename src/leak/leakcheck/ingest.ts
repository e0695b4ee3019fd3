/**
 * Ingest a leaked dataset into the lookup store: read it through the format readers (CSV, NDJSON, JSON, text and
 * the rest), group values into records (a CSV/XLSX row, an NDJSON line, a text line), detect identifiers and the
 * other kinds of fields in each record, normalise phones, resident IDs and e-mails, and store only `F_k(x)` with
 * the mask of field kinds the record exposed. Clear values live only in memory, one batch at a time.
 */
import { type Analyzer, createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { readFileBatches } from '../../sources/formats/index.js';
import type { Fragment, FragmentLocation } from '../../sources/source.js';
import type { BulkEvaluator } from './bulk-evaluate.js';
import { fieldBit, fieldKindOf } from './fields.js';
import { type IdentifierKind, normalizeIdentifier } from './normalize.js';
import type { LeakcheckStore } from './store.js';
import { toHex } from './voprf.js';

/** Options of {@link ingestFile}. */
export interface IngestOptions {
  readonly breach: string;
  /** When the breach happened or was published (ISO date), if known. */
  readonly date?: string | null;
  readonly analyzer?: Analyzer;
  /** Outputs written per transaction (default 5,000). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Called after each written batch with the running totals. */
  readonly onProgress?: (stats: IngestStats) => void;
}

/** What an ingest did. */
export interface IngestStats {
  records: number;
  /** Identifiers evaluated (repeats included). */
  identifiers: number;
  /** Detected values that did not normalise (wrong check character, impossible number); skipped. */
  invalid: number;
  /** Reader problems (corrupt parts, ragged rows): skipped, counted. */
  problems: number;
  byKind: Record<IdentifierKind, number>;
  /** Distinct identifiers stored for the breach after the ingest. */
  distinct: number;
}

const IDENTIFIER_KIND: Record<string, IdentifierKind> = {
  CN_MOBILE: 'PHONE',
  PHONE_NUMBER: 'PHONE',
  CN_RESIDENT_ID: 'CN_RESIDENT_ID',
  EMAIL_ADDRESS: 'EMAIL',
};

/** One record being assembled. */
interface RecordAcc {
  mask: number;
  ids: { kind: IdentifierKind; raw: string }[];
}

function recordKey(loc: FragmentLocation): string | undefined {
  if (loc.row === undefined) return undefined;
  return `${loc.entry ?? ''}\u0000${loc.sheet ?? ''}\u0000${loc.row}`;
}

/**
 * Ingest one file under breach `options.breach`.
 *
 * @throws SourceError `LG_SOURCE_UNREADABLE` when the file cannot be opened
 * @example
 * await ingestFile(store, await createBulkEvaluator(keys.secretKey), 'leak.csv', { breach: 'shop-2024' });
 */
export async function ingestFile(
  store: LeakcheckStore,
  evaluate: BulkEvaluator,
  path: string,
  options: IngestOptions,
): Promise<IngestStats> {
  const analyzer = options.analyzer ?? createAnalyzer({ recognizers: builtinRecognizers });
  const batchSize = options.batchSize ?? 5000;
  const breachId = await store.breachId(options.breach, options.date ?? null);
  const stats: IngestStats = {
    records: 0,
    identifiers: 0,
    invalid: 0,
    problems: 0,
    byKind: { PHONE: 0, CN_RESIDENT_ID: 0, EMAIL: 0 },
    distinct: 0,
  };
  const encoder = new TextEncoder();
  let pending = new Map<string, number>();
  let current: RecordAcc | undefined;
  let currentKey: string | undefined;

  const finish = (rec: RecordAcc): void => {
    stats.records++;
    for (const id of rec.ids) {
      let input: string;
      try {
        input = normalizeIdentifier(id.raw, id.kind).input;
      } catch {
        stats.invalid++;
        continue;
      }
      stats.identifiers++;
      stats.byKind[id.kind]++;
      const out = toHex(evaluate(encoder.encode(input)));
      pending.set(out, (pending.get(out) ?? 0) | rec.mask);
    }
  };
  const flush = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    await store.addOutputs(breachId, batch);
    options.onProgress?.(stats);
  };
  const collect = (rec: RecordAcc, text: string, field: string | undefined): void => {
    // A cell is analysed with its column name as context, as the scanner does (`姓名: 张三`).
    const prefix = field ? `${field}: ` : '';
    const full = prefix + text;
    for (const f of analyzer.detect(full)) {
      if (f.masked || f.end <= prefix.length) continue;
      rec.mask |= fieldBit(fieldKindOf(f.type));
      const kind = IDENTIFIER_KIND[f.type];
      if (kind) rec.ids.push({ kind, raw: full.slice(Math.max(f.start, prefix.length), f.end) });
    }
  };

  for await (const batch of readFileBatches(path, options.signal ? { signal: options.signal } : {})) {
    for (const item of batch) {
      if ('problem' in item) {
        stats.problems++;
        continue;
      }
      const frag = item as Fragment;
      const key = recordKey(frag.loc);
      if (key === undefined) {
        // Text-like content: each line is a record.
        if (current) {
          finish(current);
          current = undefined;
          currentKey = undefined;
        }
        for (const line of frag.text.split(/\r?\n/)) {
          if (line.trim() === '') continue;
          const rec: RecordAcc = { mask: 0, ids: [] };
          collect(rec, line, undefined);
          finish(rec);
        }
      } else {
        if (key !== currentKey) {
          if (current) finish(current);
          current = { mask: 0, ids: [] };
          currentKey = key;
        }
        collect(current as RecordAcc, frag.text, frag.loc.field);
      }
      if (pending.size >= batchSize) await flush();
    }
  }
  if (current) finish(current);
  await flush();
  stats.distinct = await store.refreshCount(breachId);
  return stats;
}
