/**
 * An in-memory Source: texts and records held by the caller (library use, tests, canary checks).
 */
import { createHash } from 'node:crypto';
import { SourceError } from '../core/errors.js';
import type { Fragment, Problem, Source, Unit } from './source.js';

/** One in-memory asset: free text, structured records, or both. */
export interface MemoryAsset {
  text?: string;
  records?: readonly Record<string, string | number | null>[];
}

/**
 * Create a source over named in-memory assets. Unit ids are `mem:<name>`; fingerprints hash the content, so
 * incremental scans skip unchanged assets.
 *
 * @example
 * const source = createMemorySource({ 'crm.csv': { records: [{ phone: '13812345678' }] } });
 */
export function createMemorySource(assets: Readonly<Record<string, MemoryAsset>>): Source {
  return {
    kind: 'memory',
    async *units() {
      for (const [name, a] of Object.entries(assets)) {
        const content = JSON.stringify(a);
        const u: Unit = {
          id: `mem:${name}`,
          kind: 'file',
          asset: `mem:/${name}`,
          size: Buffer.byteLength(content),
          fingerprint: { sha256: createHash('sha256').update(content).digest('hex').slice(0, 32) },
        };
        yield u;
      }
    },
    async *read(unit: Unit, signal?: AbortSignal): AsyncGenerator<Fragment | Problem> {
      const name = unit.id.slice(4);
      const a = assets[name];
      if (!a) throw new SourceError('LG_SOURCE_UNREADABLE', `Cannot read "${unit.asset}": no such in-memory asset`);
      if (a.text !== undefined) yield { text: a.text, loc: { line: 1 } };
      let row = 0;
      for (const rec of a.records ?? []) {
        signal?.throwIfAborted();
        row++;
        for (const [field, v] of Object.entries(rec)) {
          yield { text: v === null ? '' : String(v), loc: { row, field }, structured: true };
        }
      }
    },
    async close() {},
  };
}
