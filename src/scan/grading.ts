/**
 * Grading of assets in the spirit of GB/T 43697-2024 (data classification and grading) and the personal-
 * information annexes of GB/T 35273-2020: an ordered list of rules, first match wins, configurable in YAML.
 *
 * Default levels (a starting point for an organisation's own catalogue, not legal advice):
 * - `L4` 重要 — personal information at a scale that national rules treat as important data
 *   (≥ 1,000,000 people, or ≥ 100,000 people's sensitive personal information);
 * - `L3` 敏感 — any sensitive personal information (PIPL Art. 28: financial accounts, credentials,
 *   virtual property, minors under 14, …);
 * - `L2` 一般个人信息 — personal information that is not sensitive;
 * - `L1` 无 — no personal information found.
 */
import { z } from 'zod';
import { type LocatedDocument, loadConfigFile, parseConfig } from '../core/config.js';
import { ENTITY_TYPES, isEntityType } from '../core/entity-types.js';
import { ConfigError } from '../core/errors.js';

/** SARIF 2.1.0 result levels a grade can map to (`none`: reported without a level of concern). */
export const SARIF_LEVELS = ['error', 'warning', 'note', 'none'] as const;
export type SarifLevel = (typeof SARIF_LEVELS)[number];

const ConditionSchema = z
  .object({
    peopleAtLeast: z.number().int().min(0).optional(),
    sensitivePeopleAtLeast: z.number().int().min(0).optional(),
    anySensitive: z.boolean().optional(),
    anyPersonal: z.boolean().optional(),
    typesAny: z.array(z.string()).optional(),
    countAtLeast: z.record(z.string(), z.number().int().min(0)).optional(),
  })
  .strict();

const GradingSchema = z
  .object({
    grades: z
      .array(
        z
          .object({
            grade: z.string().min(1),
            label: z.string().default(''),
            rank: z.number().int(),
            /** SARIF result level of assets with this grade; default by rank ({@link sarifLevel}). */
            sarif: z.enum(SARIF_LEVELS).optional(),
          })
          .strict(),
      )
      .min(1),
    rules: z
      .array(z.object({ grade: z.string().min(1), when: ConditionSchema, reason: z.string().default('') }))
      .min(1),
  })
  .strict();

export type GradingConfig = z.output<typeof GradingSchema>;

/** The default grading rules. */
export const DEFAULT_GRADING: GradingConfig = {
  grades: [
    { grade: 'L4', label: '重要 important (large-scale personal information)', rank: 4, sarif: 'error' },
    { grade: 'L3', label: '敏感 sensitive personal information', rank: 3, sarif: 'error' },
    { grade: 'L2', label: '一般 personal information', rank: 2, sarif: 'warning' },
    { grade: 'L1', label: '无 no personal information', rank: 1, sarif: 'note' },
  ],
  rules: [
    { grade: 'L4', when: { peopleAtLeast: 1_000_000 }, reason: 'personal information of ≥ 1,000,000 people' },
    {
      grade: 'L4',
      when: { sensitivePeopleAtLeast: 100_000 },
      reason: 'sensitive personal information of ≥ 100,000 people',
    },
    { grade: 'L3', when: { anySensitive: true }, reason: 'holds sensitive personal information (PIPL Art. 28)' },
    { grade: 'L2', when: { anyPersonal: true }, reason: 'holds personal information' },
    { grade: 'L1', when: {}, reason: 'no personal information found' },
  ],
};

/** The facts a grade is decided on. */
export interface GradeInput {
  types: Record<string, number>;
  people: number;
  sensitivePeople: number;
  /** Findings sensitive beyond their type (minors). */
  sensitiveFindings: number;
}

/** Whether the asset holds sensitive personal information. */
export function isSensitive(input: GradeInput): boolean {
  if (input.sensitiveFindings > 0) return true;
  for (const [t, n] of Object.entries(input.types))
    if (n > 0 && isEntityType(t) && ENTITY_TYPES[t].sensitive) return true;
  return false;
}

/**
 * Grade an asset: the first rule whose conditions all hold.
 *
 * @example
 * gradeAsset({ types: { CN_BANK_CARD: 3 }, people: 3, sensitivePeople: 3, sensitiveFindings: 0 }) // { grade: 'L3', … }
 */
export function gradeAsset(
  input: GradeInput,
  config: GradingConfig = DEFAULT_GRADING,
): { grade: string; reasons: string[] } {
  const anyPersonal = Object.values(input.types).some((n) => n > 0);
  const sensitive = isSensitive(input);
  for (const rule of config.rules) {
    const w = rule.when;
    if (w.peopleAtLeast !== undefined && input.people < w.peopleAtLeast) continue;
    if (w.sensitivePeopleAtLeast !== undefined && input.sensitivePeople < w.sensitivePeopleAtLeast) continue;
    if (w.anySensitive !== undefined && w.anySensitive !== sensitive) continue;
    if (w.anyPersonal !== undefined && w.anyPersonal !== anyPersonal) continue;
    if (w.typesAny && !w.typesAny.some((t) => (input.types[t] ?? 0) > 0)) continue;
    if (w.countAtLeast && !Object.entries(w.countAtLeast).every(([t, n]) => (input.types[t] ?? 0) >= n)) continue;
    return { grade: rule.grade, reasons: [rule.reason || `rule for ${rule.grade}`] };
  }
  const lowest = [...config.grades].sort((a, b) => a.rank - b.rank)[0]!;
  return { grade: lowest.grade, reasons: ['no rule matched'] };
}

/** Rank of a grade (higher is more sensitive), or -1 when unknown. */
export function gradeRank(grade: string, config: GradingConfig = DEFAULT_GRADING): number {
  return config.grades.find((g) => g.grade === grade)?.rank ?? -1;
}

/**
 * The SARIF level of `grade`: its `sarif` setting, else by rank — the lowest grade `note`, the one above it
 * `warning` (when there are three or more grades), every higher one `error`. The defaults give L4/L3 `error`,
 * L2 `warning`, L1 `note`. An unknown grade is a `warning`.
 *
 * @example
 * sarifLevel('L2') // 'warning'
 */
export function sarifLevel(grade: string, config: GradingConfig = DEFAULT_GRADING): SarifLevel {
  const g = config.grades.find((x) => x.grade === grade);
  if (!g) return 'warning';
  if (g.sarif !== undefined) return g.sarif;
  const ranks = [...new Set(config.grades.map((x) => x.rank))].sort((a, b) => a - b);
  const position = ranks.indexOf(g.rank);
  if (position === 0) return ranks.length === 1 ? 'warning' : 'note';
  if (position === 1 && ranks.length >= 3) return 'warning';
  return 'error';
}

function check(config: GradingConfig, doc: LocatedDocument): GradingConfig {
  const known = new Set(config.grades.map((g) => g.grade));
  config.rules.forEach((r, i) => {
    if (!known.has(r.grade)) {
      const location = doc.locate(['rules', i, 'grade']);
      throw new ConfigError(
        'LG_CONFIG_INVALID',
        `Invalid "${doc.file}" at rules[${i}].grade: unknown grade "${r.grade}"`,
        {
          location,
        },
      );
    }
  });
  return config;
}

/** Parse grading rules from YAML text. @throws ConfigError with file, line and field */
export function parseGrading(text: string, file: string): GradingConfig {
  const { value, doc } = parseConfig(text, file, GradingSchema);
  return check(value, doc);
}

/** Load grading rules from a YAML file. @throws ConfigError with file, line and field */
export function loadGrading(path: string): GradingConfig {
  const { value, doc } = loadConfigFile(path, GradingSchema);
  return check(value, doc);
}
