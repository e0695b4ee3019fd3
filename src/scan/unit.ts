/**
 * Reading one unit into a {@link UnitResult}: detection over every fragment, per-type counts, per-field
 * statistics, distinct-value sketches over keyed hashes, a few masked samples with locations, and problems.
 * Pure with respect to the catalog, so a local worker thread or a remote queue worker can run it.
 */
import { createHmac } from 'node:crypto';
import type { FieldStats, Sample, UnitResult } from '../catalog/catalog.js';
import { HyperLogLog } from '../catalog/hll.js';
import { isLeakguardError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { Analyzer } from '../detect/analyzer.js';
import { maskedPreview } from '../detect/preview.js';
import { fieldKeyOf } from '../sources/formats/json.js';
import { type Fragment, type FragmentLocation, isProblem, type Source, type Unit } from '../sources/source.js';

/** Types whose distinct values approximate distinct people (one per person, rarely shared). */
export const PERSON_KEYS: ReadonlySet<string> = new Set([
  'CN_RESIDENT_ID',
  'CN_RESIDENCE_PERMIT_HMT',
  'CN_FOREIGN_PR_ID',
  'CN_MOBILE',
  'PHONE_NUMBER',
  'EMAIL_ADDRESS',
  'CN_BANK_CARD',
  'CREDIT_CARD',
  'IBAN_CODE',
  'CN_PASSPORT',
  'CN_HK_MACAU_PERMIT',
  'CN_TAIWAN_PERMIT',
  'HK_ID',
  'TW_NATIONAL_ID',
  'US_SSN',
]);

export interface UnitOptions {
  analyzer: Analyzer;
  /** HMAC key for keyed hashes (32+ bytes). */
  hashKey: Uint8Array;
  /** Masked samples kept per type per unit. Default 5. */
  samplesPerType?: number;
  signal?: AbortSignal;
}

/** Small integer keys (`id=42`) stay; any other key text may itself be personal (a phone as key): masked. */
function safeKey(key: string): string {
  if (/^[\w.]{1,64}=\d{1,9}(?:,[\w.]{1,64}=\d{1,9}){0,3}$/.test(key)) return key;
  return key.replace(/=([^,]*)/g, (_m, v: string) => `=${maskedPreview(v, 'KEY')}`);
}

/** A sample's exact path, with object keys that look like data (phone or e-mail as key) masked. */
function safeField(field: string): string {
  if (!field.startsWith('$') || !/\d{4}|@/.test(field)) return field;
  return field.replace(/\['((?:[^'\\]|\\.)*)'\]/g, (m, key: string) =>
    /\d{4}|@/.test(key) ? `['${maskedPreview(key, 'KEY')}']` : m,
  );
}

function canonical(value: string): string {
  return value.replace(/[\s-]+/g, '').toUpperCase();
}

/** Collects a unit's results while its fragments stream by. */
export class UnitAccumulator {
  readonly result: UnitResult;
  private readonly sketches = new Map<string, HyperLogLog>();
  private readonly sampleCount = new Map<string, number>();

  constructor(
    unit: Unit,
    source: string,
    private readonly hashKey: Uint8Array,
    private readonly samplesPerType = 5,
  ) {
    this.result = {
      unitId: unit.id,
      source,
      asset: unit.asset,
      kind: unit.kind,
      fingerprint: unit.fingerprint ?? null,
      status: 'ok',
      counts: {},
      masked: {},
      sensitiveFindings: 0,
      fields: {},
      sketches: {},
      samples: [],
      problems: [],
      bytes: 0,
      rows: 0,
    };
  }

  /** Keyed hash of a value of `type` (domain-separated from the protect `hash` operator). */
  private keyedHash(type: string, value: string): Buffer {
    return createHmac('sha256', this.hashKey)
      .update(`leakguard/catalog\u0000${type}\u0000${canonical(value)}`)
      .digest();
  }

  fragment(frag: Fragment, findings: readonly Finding[], masked: readonly Finding[]): void {
    const r = this.result;
    r.bytes += frag.text.length;
    let field: FieldStats | undefined;
    if (frag.structured && frag.loc.field !== undefined) {
      // Statistics per field pattern (`$.users[*].phone`), not per element: a JSON array of a million records
      // is six fields, not six million.
      const key = fieldKeyOf(frag.loc.field);
      field = r.fields[key] ??= { values: 0, nonEmpty: 0, hits: {}, masked: {} };
      field.values++;
      if (frag.text.trim().length > 0) field.nonEmpty++;
    }
    let seen: Set<string> | null = null;
    let line = frag.loc.line;
    let scanned = 0;
    for (const f of findings) {
      r.counts[f.type] = (r.counts[f.type] ?? 0) + 1;
      if (f.sensitive) r.sensitiveFindings++;
      const value = frag.text.slice(f.start, f.end);
      let digest: Buffer | null = null;
      if (PERSON_KEYS.has(f.type)) {
        digest = this.keyedHash(f.type, value);
        let h = this.sketches.get(f.type);
        if (!h) this.sketches.set(f.type, (h = new HyperLogLog()));
        h.add(digest.readUInt32BE(0), digest.readUInt32BE(4));
      }
      if (field) {
        seen ??= new Set();
        if (!seen.has(f.type)) {
          seen.add(f.type);
          field.hits[f.type] = (field.hits[f.type] ?? 0) + 1;
        }
      }
      const n = this.sampleCount.get(f.type) ?? 0;
      if (n < this.samplesPerType) {
        this.sampleCount.set(f.type, n + 1);
        let loc: FragmentLocation = frag.loc;
        if (line !== undefined) {
          for (let i = frag.text.indexOf('\n', scanned); i >= 0 && i < f.start; i = frag.text.indexOf('\n', i + 1))
            line++;
          scanned = f.start;
          loc = { ...frag.loc, line };
        }
        if (loc.key !== undefined) loc = { ...loc, key: safeKey(loc.key) };
        if (loc.field !== undefined) loc = { ...loc, field: safeField(loc.field) };
        digest ??= this.keyedHash(f.type, value);
        const sample: Sample = {
          type: f.type,
          loc,
          preview: maskedPreview(value, f.type),
          hash: digest.toString('hex', 0, 8),
        };
        r.samples.push(sample);
      }
    }
    for (const f of masked) {
      r.masked[f.type] = (r.masked[f.type] ?? 0) + 1;
      if (field) field.masked[f.type] = (field.masked[f.type] ?? 0) + 1;
    }
  }

  row(): void {
    this.result.rows++;
  }

  problem(code: string, message: string, loc?: FragmentLocation): void {
    // Bounded: a file with a million bad rows keeps the first 100 problems and a count.
    const p = this.result.problems;
    if (p.length < 100) p.push(loc ? { code, message, loc } : { code, message });
    else if (p.length === 100)
      p.push({ code: 'LG_TOO_MANY_PROBLEMS', message: 'further problems in this unit were counted, not listed' });
  }

  fail(e: unknown): void {
    this.result.status = 'failed';
    const code = isLeakguardError(e) ? e.code : 'LG_SOURCE_FAILED';
    const message = isLeakguardError(e) ? e.message : `Cannot read unit: ${(e as Error)?.name ?? 'error'}`;
    this.problem(code, message);
  }

  finish(): UnitResult {
    for (const [t, h] of this.sketches) this.result.sketches[t] = h.toBase64();
    return this.result;
  }
}

/** The label put before a structured value: the last segment of a column name or JSON path, and a colon. */
export function fieldLabel(field: string): string {
  const last =
    field
      .replace(/\[[^\]]*\]/g, '')
      .split(/[.$/]/)
      .filter(Boolean)
      .pop() ?? field;
  return `${last.slice(0, 40)}: `;
}

function unshift(findings: readonly Finding[], shift: number): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.start < shift) continue;
    f.start -= shift;
    f.end -= shift;
    out.push(f);
  }
  return out;
}

/**
 * Read and analyse one unit. Never throws for a source failure: the result says `failed` with the problem.
 *
 * @example
 * const result = await processUnit(source, 'file:/data', unit, { analyzer, hashKey });
 */
export async function processUnit(
  source: Source,
  sourceId: string,
  unit: Unit,
  options: UnitOptions,
): Promise<UnitResult> {
  const acc = new UnitAccumulator(unit, sourceId, options.hashKey, options.samplesPerType);
  let lastRow = -1;
  try {
    for await (const item of source.read(unit, options.signal)) {
      if (isProblem(item)) {
        acc.problem(item.problem, item.message, item.loc);
        continue;
      }
      if (item.loc.row !== undefined && item.loc.row !== lastRow) {
        lastRow = item.loc.row;
        acc.row();
      }
      if (item.structured && item.loc.field !== undefined) {
        // A cell alone has no context: detect on "<field name>: <value>" so labels such as 姓名 or 订单号 count as
        // context, then shift offsets back and drop anything inside the label.
        const label = fieldLabel(item.loc.field);
        const shift = label.length;
        const { findings, masked } = options.analyzer.analyze(label + item.text);
        acc.fragment(item, unshift(findings, shift), unshift(masked, shift));
      } else {
        const { findings, masked } = options.analyzer.analyze(item.text);
        acc.fragment(item, findings, masked);
      }
    }
  } catch (e) {
    if (options.signal?.aborted) throw e;
    acc.fail(e);
  }
  // Fragments count characters; a file unit knows its size in bytes.
  if (unit.size !== undefined && (unit.kind === 'file' || unit.kind === 'file-range')) acc.result.bytes = unit.size;
  return acc.finish();
}
