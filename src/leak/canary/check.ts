/**
 * `canary check`: read a leaked sample (files and directories, any supported format), match every record and
 * every single value against the registry, and say which target(s) leaked, since when at the earliest, with what
 * evidence and how sure.
 *
 * Scoring: each distinct registered value found counts by strength — strong (keyed-random phone, resident ID,
 * e-mail, card: p = 0.99 that it came from the plant), medium (address: 0.6), weak (name: only when a strong or
 * medium value of the same canary record is in the same leaked record). A leaked record holding two or more values
 * of one canary record is a whole-record match (0.9999). Confidence = 1 − Π(1 − p), and a target is reported at
 * `minConfidence` (default 0.5) or more: one address alone (0.6) is reported as weak evidence; one name is not.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Analyzer } from '../../detect/analyzer.js';
import { readFileFragments } from '../../sources/formats/index.js';
import type { Fragment } from '../../sources/source.js';
import type { CanaryKey } from './key.js';
import { matchCanaryText, type ValueHit } from './match.js';
import type { CanaryField } from './record.js';
import type { CanaryIndex, PlantInfo } from './registry.js';

/** One piece of evidence: a registered value found at a location. */
export interface Evidence {
  readonly file: string;
  /** `row 12`, `line 40`, with the archive entry or sheet when there is one. */
  readonly location: string;
  readonly plantId: string;
  readonly record: number;
  readonly field: CanaryField;
  readonly preview: string;
}

/** One leaked target. */
export interface LeakedTarget {
  readonly target: string;
  readonly labels: string[];
  readonly plants: string[];
  /** Earliest possible leak time: the latest plant time among the plants whose canaries were found. */
  readonly leakedAfter: string;
  readonly confidence: number;
  /** Distinct canary records seen, and how many of them as whole records. */
  readonly canaryRecords: number;
  readonly wholeRecords: number;
  readonly fields: Partial<Record<CanaryField, number>>;
  readonly evidence: Evidence[];
}

/** The check's answer. */
export interface CheckReport {
  readonly targets: LeakedTarget[];
  readonly files: number;
  readonly records: number;
  readonly problems: { file: string; message: string }[];
}

/** Options of {@link checkPaths}. */
export interface CheckOptions {
  readonly minConfidence?: number;
  /** Evidence items kept per target (default 20). */
  readonly maxEvidence?: number;
  readonly signal?: AbortSignal;
}

const P: Record<'strong' | 'medium', number> = { strong: 0.99, medium: 0.6 };
const P_WHOLE = 0.9999;

async function* walk(path: string, problems: CheckReport['problems']): AsyncGenerator<string> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch (e) {
    problems.push({ file: path, message: `Cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
    return;
  }
  if (st.isSymbolicLink()) return;
  if (st.isFile()) {
    yield path;
    return;
  }
  if (!st.isDirectory()) return;
  let names: string[];
  try {
    names = (await readdir(path)).sort();
  } catch (e) {
    problems.push({ file: path, message: `Cannot list: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
    return;
  }
  for (const n of names) yield* walk(join(path, n), problems);
}

interface RecordHits {
  file: string;
  location: string;
  hits: ValueHit[];
}

/**
 * Check files and directories for canaries.
 *
 * @example
 * const report = await checkPaths(['./sample'], index, key, analyzer);
 */
export async function checkPaths(
  paths: readonly string[],
  index: CanaryIndex,
  key: CanaryKey,
  analyzer: Analyzer,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const problems: CheckReport['problems'] = [];
  const recordsWithHits: RecordHits[] = [];
  let files = 0;
  let records = 0;
  for (const root of paths) {
    for await (const file of walk(root, problems)) {
      files++;
      let current: RecordHits | undefined;
      let currentKey: string | undefined;
      const close = () => {
        if (current && current.hits.length > 0) recordsWithHits.push(current);
        current = undefined;
        currentKey = undefined;
      };
      try {
        for await (const item of readFileFragments(file, options.signal ? { signal: options.signal } : {})) {
          if ('problem' in item) {
            if (!item.problem.startsWith('skipped-') && item.problem !== 'invalid-utf8')
              problems.push({ file, message: item.message });
            continue;
          }
          const frag = item as Fragment;
          const where = [frag.loc.entry, frag.loc.sheet].filter(Boolean).join(' ');
          if (frag.loc.row !== undefined) {
            const k = `${where}|${frag.loc.row}`;
            if (k !== currentKey) {
              close();
              records++;
              current = { file, location: `${where ? `${where} ` : ''}row ${frag.loc.row}`, hits: [] };
              currentKey = k;
            }
            (current as RecordHits).hits.push(
              ...matchCanaryText(analyzer, index, key, frag.text, {
                fieldName: frag.loc.field,
                structured: frag.structured === true,
              }),
            );
          } else {
            close();
            const lines = frag.text.split('\n');
            for (let i = 0; i < lines.length; i++) {
              const line = lines[i] as string;
              if (line.trim() === '') continue;
              records++;
              const hits = matchCanaryText(analyzer, index, key, line);
              if (hits.length > 0) {
                const n = frag.loc.line === undefined ? undefined : frag.loc.line + i;
                recordsWithHits.push({
                  file,
                  location: `${where ? `${where} ` : ''}${n === undefined ? 'text' : `line ${n}`}`,
                  hits,
                });
              }
            }
          }
        }
        close();
      } catch (e) {
        close();
        problems.push({ file, message: (e as Error).message });
      }
    }
  }
  return { targets: score(recordsWithHits, index, options), files, records, problems };
}

function score(found: readonly RecordHits[], index: CanaryIndex, options: CheckOptions): LeakedTarget[] {
  const minConfidence = options.minConfidence ?? 0.5;
  const maxEvidence = options.maxEvidence ?? 20;
  interface Acc {
    plants: Set<string>;
    values: Map<string, number>;
    canaryRecords: Set<string>;
    whole: Set<string>;
    fields: Partial<Record<CanaryField, number>>;
    evidence: Evidence[];
  }
  const byTarget = new Map<string, Acc>();
  const accOf = (plant: PlantInfo): Acc => {
    let a = byTarget.get(plant.target);
    if (!a) {
      a = {
        plants: new Set(),
        values: new Map(),
        canaryRecords: new Set(),
        whole: new Set(),
        fields: {},
        evidence: [],
      };
      byTarget.set(plant.target, a);
    }
    return a;
  };
  for (const rec of found) {
    // Group this leaked record's hits by canary record.
    const byCanary = new Map<string, ValueHit[]>();
    for (const h of rec.hits) {
      const k = `${h.ref.plantId}#${h.ref.record}`;
      const list = byCanary.get(k);
      if (list) list.push(h);
      else byCanary.set(k, [h]);
    }
    for (const [canaryId, hits] of byCanary) {
      const plant = index.plants.get((hits[0] as ValueHit).ref.plantId);
      if (!plant) continue;
      const hasAnchor = hits.some((h) => h.ref.strength !== 'weak');
      if (!hasAnchor) continue;
      const acc = accOf(plant);
      const distinctFields = new Set(hits.map((h) => h.ref.field));
      acc.plants.add(plant.plantId);
      acc.canaryRecords.add(canaryId);
      if (distinctFields.size >= 2) {
        acc.whole.add(canaryId);
        acc.values.set(`whole:${canaryId}`, P_WHOLE);
      }
      for (const h of hits) {
        if (h.ref.strength !== 'weak') acc.values.set(h.fingerprint, P[h.ref.strength]);
        acc.fields[h.ref.field] = (acc.fields[h.ref.field] ?? 0) + 1;
        if (acc.evidence.length < maxEvidence) {
          acc.evidence.push({
            file: rec.file,
            location: rec.location,
            plantId: h.ref.plantId,
            record: h.ref.record,
            field: h.ref.field,
            preview: h.preview,
          });
        }
      }
    }
  }
  const out: LeakedTarget[] = [];
  for (const [target, acc] of byTarget) {
    let miss = 1;
    for (const p of acc.values.values()) miss *= 1 - p;
    const confidence = Math.min(0.9999, 1 - miss);
    if (confidence < minConfidence) continue;
    const plants = [...acc.plants].map((id) => index.plants.get(id) as PlantInfo);
    out.push({
      target,
      labels: [...new Set(plants.map((p) => p.label))].sort(),
      plants: plants.map((p) => p.plantId).sort(),
      leakedAfter: plants
        .map((p) => p.plantedAt)
        .sort()
        .at(-1) as string,
      confidence: Math.round(confidence * 10_000) / 10_000,
      canaryRecords: acc.canaryRecords.size,
      wholeRecords: acc.whole.size,
      fields: acc.fields,
      evidence: acc.evidence,
    });
  }
  return out.sort((a, b) => b.confidence - a.confidence || b.canaryRecords - a.canaryRecords);
}
