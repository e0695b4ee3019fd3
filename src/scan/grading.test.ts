import { describe, expect, it } from 'vitest';
import { gradeAsset, parseGrading } from './grading.js';

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
