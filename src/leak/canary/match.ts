/**
 * Matching text against the canary registry: detection finds candidate values (phones, resident IDs, e-mails,
 * cards, names, addresses), each is fingerprinted with the canary key and looked up. A structured value (a CSV
 * cell, a JSON string, a column) is also tried whole against every field, so a name or address the recognizers
 * miss still matches. Hits carry masked previews only.
 */
import type { Analyzer } from '../../detect/analyzer.js';
import { maskedPreview } from '../../detect/preview.js';
import type { CanaryKey } from './key.js';
import { type CanaryField, canaryFieldOfType, FIELD_ENTITY, FIELD_STRENGTH } from './record.js';
import type { CanaryIndex, CanaryValueRef } from './registry.js';

/** One registered value found in text. */
export interface ValueHit {
  readonly ref: CanaryValueRef;
  readonly fingerprint: string;
  /** Masked preview of the value as found. */
  readonly preview: string;
}

const WHOLE_FIELDS = (Object.keys(FIELD_STRENGTH) as CanaryField[]).filter((f) => FIELD_STRENGTH[f] !== 'none');

/**
 * Registered values in `text` (optionally a structured value of column/field `fieldName`).
 *
 * @example
 * matchCanaryText(analyzer, index, key, '手机 13812345678')
 */
export function matchCanaryText(
  analyzer: Analyzer,
  index: CanaryIndex,
  key: CanaryKey,
  text: string,
  options: { fieldName?: string | undefined; structured?: boolean } = {},
): ValueHit[] {
  if (index.byFingerprint.size === 0 || text.length === 0) return [];
  const hits: ValueHit[] = [];
  const seen = new Set<string>();
  const add = (field: CanaryField, value: string): void => {
    const fp = key.fingerprint(field, value);
    if (seen.has(fp)) return;
    const refs = index.byFingerprint.get(fp);
    if (!refs) return;
    seen.add(fp);
    const preview = maskedPreview(value, FIELD_ENTITY[field] as never);
    for (const ref of refs) if (ref.field === field) hits.push({ ref, fingerprint: fp, preview });
  };
  const prefix = options.fieldName ? `${options.fieldName}: ` : '';
  const full = prefix + text;
  for (const f of analyzer.detect(full)) {
    if (f.masked || f.end <= prefix.length) continue;
    const field = canaryFieldOfType(f.type);
    if (field && FIELD_STRENGTH[field] !== 'none') add(field, full.slice(Math.max(f.start, prefix.length), f.end));
  }
  if (options.structured && text.length <= 256) for (const field of WHOLE_FIELDS) add(field, text);
  return hits;
}
