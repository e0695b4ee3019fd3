import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvalSet, type EvalCase } from './dataset.js';
import { EVAL_TARGETS, evaluate, formatSummary, runEval } from './run.js';

const all = buildEvalSet();
/** A small slice with every category, so the engine runs quickly. */
const slice: EvalCase[] = [];
{
  const perCategory = new Map<string, number>();
  for (const c of all) {
    const n = perCategory.get(c.category) ?? 0;
    if (n < 25) slice.push(c);
    perCategory.set(c.category, n + 1);
  }
}

describe('evaluate', () => {
  it('`evaluate` prints no labeled or look-alike value in clear when showing errors', () => {
    const summary = evaluate({ cases: slice, showErrors: 1000 });
    const printed = formatSummary(summary) + JSON.stringify(summary);
    const leaked: string[] = [];
    for (const c of slice) {
      // Already-masked values may be printed: their masked preview can equal them (`a***@example.com`).
      for (const s of [...c.spans, ...(c.lookalike ?? [])]) {
        const value = c.text.slice(s.start, s.end);
        if (value.length >= 6 && printed.includes(value)) leaked.push(`${c.id} ${s.type}`);
      }
    }
    expect(leaked).toEqual([]);
    for (const e of summary.errors) {
      expect(e.context).toContain('⟦');
      expect(e.context).toContain('⟧');
    }
  });

  it('`evaluate` reports a row for every target and meets them vacuously when the set is empty', () => {
    const summary = evaluate({ cases: [] });
    for (const t of EVAL_TARGETS) expect(summary.rows.some((r) => r.label === t.label)).toBe(true);
    expect(summary.failed).toEqual([]);
  });

  it('`evaluate` meets every target when the detector returns exactly the labels', () => {
    const byText = new Map(slice.map((c) => [c.text, c]));
    const perfect = {
      analyze: (text: string) => ({
        findings: (byText.get(text)?.spans ?? []).map((s) => ({ ...s, score: 1, recognizer: 'oracle' })),
        masked: [],
      }),
    };
    const summary = evaluate({ cases: slice, analyzer: perfect });
    expect(summary.failed).toEqual([]);
    expect(summary.micro.f1).toBe(1);
    expect(formatSummary(summary)).toContain('All targets met.');
  });

  it('`evaluate` misses the targets when a look-alike or a masked value is reported', () => {
    const lookalike = slice.find((c) => c.category === 'lookalike')!;
    const masked = slice.find((c) => (c.masked?.length ?? 0) > 0 && c.spans.length === 0)!;
    const noisy = {
      analyze: (text: string) => {
        const c = text === lookalike.text ? lookalike : text === masked.text ? masked : undefined;
        const at = c?.lookalike?.[0] ?? c?.masked?.[0];
        return {
          findings:
            at === undefined ? [] : [{ type: at.type, start: at.start, end: at.end, score: 1, recognizer: 'x' }],
          masked: [],
        };
      },
    };
    const summary = evaluate({ cases: [lookalike, masked], analyzer: noisy });
    expect(summary.failed.some((f) => f.startsWith(`look-alikes of ${lookalike.lookalike![0]!.type}`))).toBe(true);
    expect(summary.failed.some((f) => f.startsWith('masked values: 1 clear findings'))).toBe(true);
    expect(summary.masked.clearFindings).toBe(1);
  });
});

describe('runEval', () => {
  it('`runEval` prints usage and exits 0 when asked for help', () => {
    const r = runEval(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--show-errors');
  });

  it('`runEval` exits 2 with LG_USAGE when an option is unknown or malformed', () => {
    for (const argv of [['--bogus'], ['--show-errors', 'many'], ['--seed', '-1'], ['extra']]) {
      const r = runEval(argv);
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain('LG_USAGE');
    }
  });

  it('`runEval` writes the labeled set as JSONL when given --write-set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakguard-eval-'));
    try {
      const file = join(dir, 'set.jsonl');
      const r = runEval(['--write-set', file, '--seed', '7']);
      expect(r.exitCode).toBe(0);
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      const expected = buildEvalSet(7);
      expect(lines).toHaveLength(expected.length);
      expect(JSON.parse(lines[0]!)).toEqual(expected[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`runEval` exits 1 exactly when a target is missed and prints JSON with --json', () => {
    const r = runEval(['--json']);
    const summary = JSON.parse(r.stdout) as { failed: string[]; cases: number };
    expect(summary.cases).toBe(all.length);
    expect(r.exitCode).toBe(summary.failed.length === 0 ? 0 : 1);
  });
});
