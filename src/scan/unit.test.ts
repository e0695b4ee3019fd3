import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../detect/analyzer.js';
import { builtinRecognizers } from '../detect/presets.js';
import type { Fragment, Source, Unit } from '../sources/source.js';
import { processUnit } from './unit.js';

const key = new Uint8Array(32).fill(7);
const analyzer = createAnalyzer({ recognizers: builtinRecognizers });

function sourceOf(fragments: Fragment[]): Source {
  return {
    kind: 'test',
    async *units() {},
    async *read() {
      yield* fragments;
    },
    async close() {},
  } as unknown as Source;
}

const unit: Unit = { id: 'file:/x.json', kind: 'file', asset: 'file:///x.json' };

describe('processUnit', () => {
  it('keeps field statistics per field pattern, not per array element', async () => {
    // Before: every element of a JSON array made its own fields, so a 100k-record file made 600k field entries
    // (13 MB per asset in the catalog, gigabytes of memory on a 1 GB scan).
    const fragments: Fragment[] = [];
    for (let i = 0; i < 500; i++) {
      fragments.push({
        text: `1381234${String(i).padStart(4, '0')}`,
        loc: { field: `$[${i}].tel`, line: i + 1 },
        structured: true,
      });
      fragments.push({ text: 'hello', loc: { field: `$[${i}].note`, line: i + 1 }, structured: true });
    }
    const r = await processUnit(sourceOf(fragments), 'file:///', unit, { analyzer, hashKey: key });
    expect(Object.keys(r.fields).sort()).toEqual(['$[*].note', '$[*].tel']);
    expect(r.fields['$[*].tel']).toMatchObject({ values: 500, nonEmpty: 500, hits: { CN_MOBILE: 500 } });
  });

  it('never stores a phone number or e-mail used as an object key, in fields or in sample locations', async () => {
    const fragments: Fragment[] = [
      { text: '13812345678', loc: { field: "$['13812345678'].tel", line: 1 }, structured: true },
      { text: 'li@example.com', loc: { field: "$['li@example.com'].mail", line: 2 }, structured: true },
    ];
    const r = await processUnit(sourceOf(fragments), 'file:///', unit, { analyzer, hashKey: key });
    const stored = JSON.stringify(r);
    expect(stored).not.toContain('13812345678');
    expect(stored).not.toContain('li@example.com');
    expect(Object.keys(r.fields).sort()).toEqual(["$['*'].mail", "$['*'].tel"]);
    expect(r.samples.map((s) => s.loc.field)).toEqual([
      expect.stringMatching(/^\$\['.*'\]\.tel$/),
      expect.stringMatching(/^\$\['.*'\]\.mail$/),
    ]);
  });
});
