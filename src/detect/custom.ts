/**
 * Detection configuration from a YAML/JSON file: custom recognizers (regex + optional named validator +
 * context words + score), thresholds, allow and deny lists, type selection.
 *
 * ```yaml
 * recognizers:
 *   - id: employee-id
 *     entity: EMPLOYEE_ID
 *     patterns: [{ regex: 'EMP-\d{6}', score: 0.6 }]
 *     context: [员工, employee]        # positive context adds `contextBoost` (default 0.3)
 *     keywords: [EMP]                  # optional prefilter: the pattern runs only on texts containing one
 *     examples: { match: ['员工 EMP-123456'], noMatch: ['EMP-12'] }
 * thresholds: { PERSON: 0.6 }
 * allow: ['13800138000']
 * deny: [{ value: 'Project Falcon', type: CODENAME }]
 * ```
 */
import { z } from 'zod';
import { type LocatedDocument, loadConfigFile, parseConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import type { EntityName } from '../core/finding.js';
import type { AnalyzerOptions, DenyEntry } from './analyzer.js';
import { type ContextSpec, defineContext } from './context.js';
import { type MatchContext, type Recognizer, Trigger } from './recognizer.js';
import { assertLinearPattern } from './safe-regex.js';
import { getValidator, validatorNames } from './validators/registry.js';

const TypeName = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must be an UPPER_SNAKE entity type name');

const PatternSchema = z.object({
  regex: z.string().min(1).max(2000),
  score: z.number().min(0).max(1).default(0.6),
  flags: z
    .string()
    .regex(/^[imsu]*$/, 'only the flags i, m, s and u are allowed')
    .default(''),
});

const RecognizerSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'must be kebab-case'),
  entity: TypeName,
  patterns: z.array(PatternSchema).min(1).max(32),
  validator: z.string().optional(),
  context: z.array(z.string().min(1)).max(200).default([]),
  negativeContext: z.array(z.string().min(1)).max(200).default([]),
  contextBoost: z.number().min(0).max(1).default(0.3),
  keywords: z.array(z.string().min(1)).max(200).default([]),
  examples: z
    .object({ match: z.array(z.string()).default([]), noMatch: z.array(z.string()).default([]) })
    .default({ match: [], noMatch: [] }),
});

/** Schema of a detection configuration file. */
export const DetectConfigSchema = z
  .object({
    recognizers: z.array(RecognizerSchema).default([]),
    thresholds: z.record(TypeName, z.number().min(0).max(1)).default({}),
    defaultThreshold: z.number().min(0).max(1).optional(),
    allow: z.array(z.string().min(1)).default([]),
    deny: z.array(z.object({ value: z.string().min(1), type: TypeName })).default([]),
    types: z.array(TypeName).optional(),
  })
  .strict();

export type DetectConfig = z.output<typeof DetectConfigSchema>;

/** What a detection config contributes to an analyzer. */
export interface LoadedDetectConfig {
  /** Custom recognizers to add to the built-ins. */
  recognizers: Recognizer[];
  /** Analyzer options other than the recognizer list. */
  options: Omit<AnalyzerOptions, 'recognizers'>;
}

function buildRecognizer(def: DetectConfig['recognizers'][number], doc: LocatedDocument, idx: number): Recognizer {
  const regexes = def.patterns.map((p, pi) => {
    assertLinearPattern(p.regex, doc.locate(['recognizers', idx, 'patterns', pi, 'regex']));
    return { re: new RegExp(p.regex, `g${p.flags.includes('u') ? '' : 'u'}${p.flags}`), score: p.score };
  });
  let validate: ((value: string) => boolean) | undefined;
  if (def.validator !== undefined) {
    const v = getValidator(def.validator);
    if (!v) {
      throw new ConfigError(
        'LG_RECOGNIZER_INVALID',
        `Unknown validator "${def.validator}" for recognizer "${def.id}": expected one of ${validatorNames().join(', ')}`,
        { location: doc.locate(['recognizers', idx, 'validator']) },
      );
    }
    validate = v;
  }
  const ctxSpec: ContextSpec | null =
    def.context.length + def.negativeContext.length > 0
      ? defineContext({ positive: def.context, negative: def.negativeContext })
      : null;
  const keywords = def.keywords.map((k) => k.toLowerCase());
  const entity: EntityName = def.entity;
  const match = (text: string, _pos: number, ctx: MatchContext): void => {
    if (keywords.length > 0) {
      const lower = text.toLowerCase();
      if (!keywords.some((k) => lower.includes(k))) return;
    }
    for (const { re, score } of regexes) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const start = m.index;
        const end = start + m[0].length;
        if (validate && !validate(m[0].replace(/[\s-]/g, ''))) continue;
        let s = score;
        if (ctxSpec) {
          const c = ctx.context(start, end, ctxSpec);
          s = Math.max(0, Math.min(1, s + c * def.contextBoost));
        }
        ctx.emit({ type: entity, start, end, score: s, recognizer: `custom.${def.id}` });
      }
    }
  };
  return {
    id: `custom.${def.id}`,
    entities: [entity],
    triggers: Trigger.TEXT,
    match,
    examples: def.examples,
  } satisfies Recognizer;
}

/**
 * Turn a parsed configuration into recognizers and analyzer options.
 *
 * @throws ConfigError with file, line and field for unsafe patterns or unknown validators
 */
export function compileDetectConfig(config: DetectConfig, doc: LocatedDocument): LoadedDetectConfig {
  const recognizers = config.recognizers.map((r, i) => buildRecognizer(r, doc, i));
  const options: Omit<AnalyzerOptions, 'recognizers'> = {
    thresholds: config.thresholds,
    allow: config.allow,
    deny: config.deny as DenyEntry[],
  };
  if (config.defaultThreshold !== undefined) options.defaultThreshold = config.defaultThreshold;
  if (config.types) options.types = config.types;
  return { recognizers, options };
}

/**
 * Parse detection configuration text.
 *
 * @throws ConfigError LG_CONFIG_INVALID / LG_PATTERN_UNSAFE / LG_RECOGNIZER_INVALID naming file, line and field
 * @example
 * const { recognizers, options } = parseDetectConfig(yamlText, 'leakguard.yaml');
 */
export function parseDetectConfig(text: string, file: string): LoadedDetectConfig {
  const { value, doc } = parseConfig(text, file, DetectConfigSchema);
  return compileDetectConfig(value, doc);
}

/** Read and parse a detection configuration file. */
export function loadDetectConfig(path: string): LoadedDetectConfig {
  const { value, doc } = loadConfigFile(path, DetectConfigSchema);
  return compileDetectConfig(value, doc);
}

/** Recognizer contract check for custom recognizers (examples optional for users, but checked when given). */
export function checkCustomExamples(r: Recognizer, detect: (text: string) => { type: string }[]): string[] {
  const problems: string[] = [];
  for (const m of r.examples.match) {
    if (!detect(m).some((f) => r.entities.includes(f.type))) problems.push(`example not matched: "${m}"`);
  }
  for (const m of r.examples.noMatch) {
    if (detect(m).some((f) => r.entities.includes(f.type))) problems.push(`noMatch example matched: "${m}"`);
  }
  return problems;
}
