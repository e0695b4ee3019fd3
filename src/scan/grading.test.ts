import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRADING, gradeAsset, loadGrading, parseGrading, sarifLevel } from './grading.js';

describe('gradeAsset', () => {
  const base = { types: {}, people: 0, sensitivePeople: 0, sensitiveFindings: 0 };
  it('follows the default levels', () => {
    expect(gradeAsset(base).grade).toBe('L1');
    expect(gradeAsset({ ...base, types: { CN_MOBILE: 4 }, people: 4 }).grade).toBe('L2');
    expect(gradeAsset({ ...base, types: { CN_BANK_CARD: 1 }, people: 1 }).grade).toBe('L3');
    expect(gradeAsset({ ...base, types: { CN_RESIDENT_ID: 1 }, people: 1, sensitiveFindings: 1 }).grade).toBe('L3');
    expect(gradeAsset({ ...base, types: { CN_MOBILE: 2e6 }, people: 2e6 }).grade).toBe('L4');
  });

  it('uses custom YAML rules and reports bad ones with file, line and field', () => {
    const cfg = parseGrading(
      'grades: [{ grade: HIGH, rank: 2 }, { grade: LOW, rank: 1 }]\nrules:\n  - { grade: HIGH, when: { typesAny: [CN_RESIDENT_ID] } }\n  - { grade: LOW, when: {} }\n',
      'g.yaml',
    );
    expect(gradeAsset({ ...base, types: { CN_RESIDENT_ID: 1 } }, cfg).grade).toBe('HIGH');
    expect(gradeAsset({ ...base, types: { CN_MOBILE: 1 } }, cfg).grade).toBe('LOW');
    expect(() =>
      parseGrading('grades: [{ grade: A, rank: 1 }]\nrules:\n  - { grade: B, when: {} }\n', 'g.yaml'),
    ).toThrow(/g\.yaml.*rules\[0\]\.grade: unknown grade "B"/);
    expect(() => parseGrading('grades: []\nrules: []\n', 'g.yaml')).toThrow(/grades/);
  });
});

describe('examples/grading.yaml', () => {
  it('loads with the grading loader and equals the built-in defaults', () => {
    const file = fileURLToPath(new URL('../../examples/grading.yaml', import.meta.url));
    expect(loadGrading(file)).toEqual(DEFAULT_GRADING);
  });
});

describe('sarifLevel', () => {
  it('maps the default grades to error, error, warning, note', () => {
    expect(['L4', 'L3', 'L2', 'L1'].map((g) => sarifLevel(g))).toEqual(['error', 'error', 'warning', 'note']);
  });

  it('takes a grade’s `sarif` setting, else its rank: lowest note, next warning, higher error', () => {
    const cfg = parseGrading(
      [
        'grades:',
        '  - { grade: CRIT, rank: 30 }',
        '  - { grade: HIGH, rank: 20 }',
        '  - { grade: MID, rank: 10 }',
        '  - { grade: LOW, rank: 0 }',
        '  - { grade: AUDIT, rank: 5, sarif: none }',
        'rules:',
        '  - { grade: LOW, when: {} }',
      ].join('\n'),
      'g.yaml',
    );
    expect(['CRIT', 'HIGH', 'MID', 'AUDIT', 'LOW', 'NOPE'].map((g) => sarifLevel(g, cfg))).toEqual([
      'error',
      'error',
      'error',
      'none',
      'note',
      'warning',
    ]);
    const two = parseGrading(
      'grades: [{ grade: HIGH, rank: 2 }, { grade: LOW, rank: 1 }]\nrules: [{ grade: LOW, when: {} }]\n',
      'g.yaml',
    );
    expect([sarifLevel('HIGH', two), sarifLevel('LOW', two)]).toEqual(['error', 'note']);
    expect(() =>
      parseGrading('grades: [{ grade: A, rank: 1, sarif: fatal }]\nrules: [{ grade: A, when: {} }]\n', 'g.yaml'),
    ).toThrow(/sarif/);
  });
});
