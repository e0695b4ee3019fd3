/**
 * Protect policies: a YAML file saying which operator applies to which entity type or column, with which key.
 *
 * ```yaml
 * version: 1                              # optional; the only version is 1
 * keys:                                   # named keys; none appear in the file itself
 *   main: { env: LEAKGUARD_KEY }          # hex or base64 text in an environment variable (≥ 32 bytes)
 *   old:  { file: ./keys/2024.key, id: k2024 }  # raw bytes or hex/base64 text; `id` is written into tags
 * vault: { sqlite: ./vault.db }           # token vault for `tokenize`: { postgres: URL }, { postgres: { env: NAME } },
 *                                         # { memory: true }; the CLI's default is the catalog database
 * rules:
 *   - { type: CN_MOBILE, action: mask }
 *   - { type: CN_RESIDENT_ID, action: pseudonym, key: main, options: { keep: [region] } }
 *   - { type: [EMAIL_ADDRESS, PHONE_NUMBER], action: hash, key: main }
 *   - { column: birthday, action: generalize, options: { to: year } }
 *   - { type: CN_MOBILE, column: $.user.phone, action: fpe, key: main }
 * default: { action: redact }             # detected types with no rule (absent: redact)
 * onError: fail                           # an operator failing on one value: fail (default) or redact it
 * ```
 *
 * Rule fields: `type` (one entity type or a list), `column` (a CSV header, database column or JSON path such as
 * `$.user.phone`; one or a list; names are matched case-insensitively, JSON paths exactly), at least one of the
 * two; `action` (an operator name); `key` (a name under `keys:`; may be left out when the policy has exactly one
 * key); `options` (the operator's options, validated at load).
 *
 * Which rule applies to a value: a rule matching both its type and its column wins over one matching the column
 * only, which wins over one matching the type only; among equals, the first in the file. Values with a detected
 * type and no rule get `default`.
 *
 * Loading does all the work once: every operator's options are parsed, every key is loaded (a missing key fails
 * before any data is read), the vault is opened. Errors are `PolicyError` `LG_POLICY_INVALID` naming the file,
 * line and field (`rules[2].action`), or `ConfigError` `LG_KEY_MISSING` / `LG_KEY_INVALID` for keys.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { isEntityType } from '../core/entity-types.js';
import { ConfigError, type ErrorLocation, isLeakguardError, PolicyError } from '../core/errors.js';
import type { EntityName } from '../core/finding.js';
import { type KeyMaterial, type KeyRing, type KeySpec, loadKeyRing } from './keys/key-ring.js';
import {
  type MaybePromise,
  type Operator,
  type OperatorContext,
  type OperatorName,
  OperatorParamsError,
} from './operator.js';
import { getOperator, OPERATOR_NAMES } from './operators/index.js';
import { hasPseudonymGenerator } from './operators/pseudonym.js';
import { createMemoryTokenVault } from './vault/memory-vault.js';
import { connectPostgresTokenVault } from './vault/postgres-vault.js';
import { openSqliteTokenVault } from './vault/sqlite-vault.js';
import type { TokenVault } from './vault/token-vault.js';

/** What to do when an operator fails on one value. */
export type OnError = 'fail' | 'redact';

/** Per-value context given when applying a rule. */
export interface ApplyOptions {
  /** The value's detected entity type. */
  readonly type?: EntityName | undefined;
  /** The column / JSON path the value came from. */
  readonly column?: string | undefined;
  /** The data subject (for `dateshift`). */
  readonly subject?: string | undefined;
  /** Who is asking (audited by `tokenize` reverts). */
  readonly actor?: string | undefined;
}

/** One compiled rule: operator options parsed and key resolved. */
export interface CompiledRule {
  /** Position in `rules:` (−1 for `default`). */
  readonly index: number;
  readonly types: readonly EntityName[] | undefined;
  readonly columns: readonly string[] | undefined;
  readonly action: OperatorName;
  readonly operator: Operator;
  readonly params: unknown;
  readonly key: KeyMaterial | undefined;
  /** Where the rule is written. */
  readonly location: ErrorLocation;
  /**
   * Set on a reversible rule with `type:` whose output `reveal` cannot find again in free text (text and logs,
   * values without a column rule): its output is untagged and does not look like its type, so re-detection
   * misses it (`fpe` without `preserveCheck`, `tokenize` with `format: preserve`). Such values are restored only
   * where a column rule or JSON path names them. The loader warns about each such rule.
   */
  readonly unfindableInText?: true;
  /** Applies the rule's operator to one value. */
  apply(value: string, options?: ApplyOptions): MaybePromise<string>;
  /** Reverts one value (reversible operators only). */
  revert?(value: string, options?: ApplyOptions): MaybePromise<string>;
}

/** A loaded policy. */
export interface CompiledPolicy {
  /** The file name given to the loader (for messages). */
  readonly file: string;
  readonly rules: readonly CompiledRule[];
  readonly defaultRule: CompiledRule;
  readonly keys: KeyRing;
  readonly vault: TokenVault | undefined;
  readonly onError: OnError;
  /** Non-fatal findings of the loader (key file permissions, pseudonym fallbacks). Never hold key material. */
  readonly warnings: readonly string[];
  /**
   * The rule for a value of `type` from `column` (see the module doc for precedence); the default rule when only
   * a type is known and nothing matches; `undefined` when neither a type nor a matching column is given.
   */
  ruleFor(type: EntityName | undefined, column?: string): CompiledRule | undefined;
  /** Closes the vault if the policy opened it. */
  close(): MaybePromise<void>;
}

/** Options for {@link parsePolicy} and {@link loadPolicy}. */
export interface PolicyOptions {
  /** Environment for `env:` keys (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder for relative `file:` keys and vault paths (default: the policy file's folder, or the cwd). */
  baseDir?: string;
  /** A vault to use instead of the policy's `vault:` section (e.g. a PostgreSQL vault). */
  vault?: TokenVault;
  /**
   * Entity types declared by custom recognizers (UPPER_SNAKE), accepted in `type:` besides the built-in ones.
   */
  customTypes?: readonly string[];
  /** Receives each warning as it is found. */
  onWarning?: (message: string) => void;
}

/**
 * A key or vault name / environment variable name. Example match: `LEAKGUARD_KEY`. Source: POSIX portable
 * environment names. Deliberately does not match names starting with a digit or holding `=`.
 */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/**
 * A PostgreSQL URL for `vault: { postgres: … }`. Example match: `postgres://leakguard@db:5432/catalog`. Source:
 * libpq connection URIs. Deliberately does not match other schemes (`mysql://`) or a bare host.
 */
const POSTGRES_URL = /^postgres(?:ql)?:\/\/\S{1,2000}$/i;
/** A key name in `keys:`. Example match: `main`. Does not match spaces or `:`. */
const KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const KeySpecSchema = z
  .strictObject({
    env: z.string().regex(ENV_NAME, 'must be an environment variable name').optional(),
    file: z.string().min(1).max(4096).optional(),
    id: z.string().optional(),
    encoding: z.enum(['auto', 'hex', 'base64', 'raw']).optional(),
  })
  .superRefine((k, ctx) => {
    if ((k.env === undefined) === (k.file === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of env or file' });
    }
    if (k.env !== undefined && k.encoding === 'raw') {
      ctx.addIssue({ code: 'custom', path: ['encoding'], message: 'raw is for key files only' });
    }
  });

const OneOrMany = z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(256)]);

const RuleSchema = z
  .strictObject({
    type: OneOrMany.optional(),
    column: OneOrMany.optional(),
    action: z.string(),
    key: z.string().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.type === undefined && r.column === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs a type, a column or both' });
    }
  });

const DefaultSchema = z.strictObject({
  action: z.string(),
  key: z.string().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

const PolicySchema = z.strictObject({
  version: z.literal(1).optional(),
  keys: z.record(z.string().regex(KEY_NAME, 'key names use A-Z, a-z, 0-9, "_" and "-"'), KeySpecSchema).default({}),
  vault: z
    .union([
      z.strictObject({ sqlite: z.string().min(1) }),
      z.strictObject({ memory: z.literal(true) }),
      z.strictObject({
        postgres: z.union([
          z.string().regex(POSTGRES_URL, 'must be a postgres:// or postgresql:// URL'),
          z.strictObject({ env: z.string().regex(ENV_NAME, 'must be an environment variable name') }),
        ]),
      }),
    ])
    .optional(),
  rules: z.array(RuleSchema).max(10_000).default([]),
  default: DefaultSchema.optional(),
  onError: z.enum(['fail', 'redact']).default('fail'),
});

type RawPolicy = z.output<typeof PolicySchema>;
type Path = readonly (string | number)[];

function fieldOf(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

class Locator {
  readonly #doc: Document;
  readonly #lines: LineCounter;
  readonly #file: string;

  constructor(doc: Document, lines: LineCounter, file: string) {
    this.#doc = doc;
    this.#lines = lines;
    this.#file = file;
  }

  at(path: Path): ErrorLocation {
    for (let n = path.length; n >= 0; n--) {
      const node = this.#doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const pos = this.#lines.linePos(node.range[0]);
        return { file: this.#file, line: pos.line, column: pos.col, field: fieldOf(path) };
      }
    }
    return { file: this.#file, field: fieldOf(path) };
  }

  error(path: Path, detail: string, cause?: unknown): PolicyError {
    const location = this.at(path);
    const where = location.line !== undefined ? `line ${location.line}, ` : '';
    const field = location.field ? `${location.field}: ` : '';
    return new PolicyError('LG_POLICY_INVALID', `Cannot load policy "${this.#file}": ${where}${field}${detail}`, {
      location,
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

function list(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

/** Column names match case-insensitively; JSON paths (`$.a.b`) exactly. */
function columnKey(column: string): string {
  return column.startsWith('$') ? column : column.toLowerCase();
}

interface RuleSource {
  action: string;
  key?: string | undefined;
  options?: Record<string, unknown> | undefined;
  types?: EntityName[] | undefined;
  columns?: string[] | undefined;
}

/**
 * Compiles a policy from YAML text. `fileName` is used in messages and, unless `options.baseDir` is given, to
 * resolve relative key and vault paths.
 *
 * @throws PolicyError `LG_POLICY_INVALID` with file, line and field; ConfigError `LG_KEY_MISSING` /
 *   `LG_KEY_INVALID` when a key cannot be loaded (naming the key and where it was looked for)
 * @example
 * const policy = parsePolicy('keys: { main: { env: LEAKGUARD_KEY } }\nrules:\n  - { type: CN_MOBILE, action: mask }\n', 'inline.yaml');
 */
export function parsePolicy(text: string, fileName: string, options: PolicyOptions = {}): CompiledPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc = new Locator(doc, lines, fileName);
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0] ?? lines.linePos(yamlError.pos[0]);
    throw new PolicyError(
      'LG_POLICY_INVALID',
      `Cannot load policy "${fileName}": ${pos ? `line ${pos.line}, ` : ''}invalid YAML: ${yamlError.code}`,
      { location: { file: fileName, ...(pos ? { line: pos.line, column: pos.col } : {}) } },
    );
  }
  const parsed = PolicySchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
    if (issue?.code === 'unrecognized_keys') {
      throw loc.error([...path, issue.keys[0] ?? ''], `unknown field "${issue.keys[0]}"`);
    }
    throw loc.error(path, issue?.message ?? 'invalid value');
  }
  const raw: RawPolicy = parsed.data;
  const warnings: string[] = [];
  const warn = (w: string): void => {
    warnings.push(w);
    options.onWarning?.(w);
  };
  const baseDir = options.baseDir ?? dirname(resolve(fileName));
  const custom = new Set(options.customTypes ?? []);

  // Rules first (pure validation), then keys and vault (I/O): a typo is reported before the environment is read.
  const sources: Array<{ path: Path; src: RuleSource; index: number }> = [];
  raw.rules.forEach((r, i) => {
    const types = list(r.type);
    if (types) {
      types.forEach((t, j) => {
        if (!isEntityType(t) && !custom.has(t)) {
          const p: Path = Array.isArray(r.type) ? ['rules', i, 'type', j] : ['rules', i, 'type'];
          throw loc.error(p, `unknown entity type "${t}"`);
        }
      });
    }
    sources.push({
      path: ['rules', i],
      index: i,
      src: {
        action: r.action,
        key: r.key,
        options: r.options,
        types,
        columns: list(r.column),
      },
    });
  });
  const defaultSource: RuleSource = raw.default ?? { action: 'redact' };

  const prepared = [...sources, { path: ['default'] as Path, index: -1, src: defaultSource }].map(
    ({ path, src, index }) => {
      const op = getOperator(src.action);
      if (!op)
        throw loc.error(
          [...path, 'action'],
          `unknown action "${src.action}" (expected one of ${OPERATOR_NAMES.join(', ')})`,
        );
      let params: unknown;
      try {
        params = op.parse(src.options ?? {}, { types: src.types });
      } catch (e) {
        if (e instanceof OperatorParamsError) {
          throw loc.error([...path, 'options', ...e.path], e.message.replace(/^.*?: options[^:]*: /, ''), e);
        }
        throw e;
      }
      if (src.key !== undefined && !(src.key in raw.keys)) {
        throw loc.error([...path, 'key'], `unknown key "${src.key}" (not under keys:)`);
      }
      let keyName = src.key;
      if (op.keyUse === 'required' && keyName === undefined) {
        const names = Object.keys(raw.keys);
        if (names.length !== 1) {
          throw loc.error(
            [...path, 'action'],
            `action "${op.name}" needs a key: ${names.length ? 'add key: <name>' : 'declare one under keys: and name it with key:'}`,
          );
        }
        keyName = names[0];
      }
      if (op.name === 'tokenize' && !raw.vault && !options.vault) {
        throw loc.error(
          [...path, 'action'],
          'action "tokenize" needs a token vault: add vault: { sqlite: ./vault.db } or vault: { postgres: URL }',
        );
      }
      if (op.name === 'pseudonym') {
        const p = params as { as?: EntityName };
        const targets = src.types ?? (p.as ? [p.as] : []);
        for (const t of targets) {
          if (!hasPseudonymGenerator(t)) {
            warn(
              `Policy "${fileName}" ${fieldOf(path)}: pseudonym has no generator for ${t}; it writes keyed hash-shaped values`,
            );
          }
        }
      }
      if (src.types && unfindableInText(op.name, params)) {
        const what = `${op.name}${op.name === 'tokenize' ? ' (format: preserve)' : ''} of ${src.types.join(', ')}`;
        warn(
          `Policy "${fileName}" ${lineOf(loc.at(path))}${fieldOf(path)}: ${what} writes values that do not look like their type, so reveal cannot find them again in free text (text, logs, values without a column rule) and they stay protected there; reveal restores them only where a column rule or JSON path names them. For free text use encrypt or tokenize (tagged outputs are found by pattern), or fpe with preserveCheck (resident IDs, bank cards, USCC)`,
        );
      }
      return { path, index, src, op, params, keyName };
    },
  );

  // One subject per record: every dateshift rule that names one must name the same.
  let subjectRule: (typeof prepared)[number] | undefined;
  for (const r of prepared) {
    const subject = r.op.name === 'dateshift' ? (r.params as { subject?: string }).subject : undefined;
    if (subject === undefined) continue;
    const first = subjectRule && (subjectRule.params as { subject?: string }).subject;
    if (first !== undefined && first !== subject) {
      throw loc.error(
        [...r.path, 'options', 'subject'],
        `every dateshift rule must name the same subject ("${first}" in ${fieldOf(subjectRule?.path ?? [])}): a record has one subject`,
      );
    }
    subjectRule ??= r;
  }

  const keyLocations: Record<string, ErrorLocation> = {};
  for (const name of Object.keys(raw.keys)) keyLocations[name] = loc.at(['keys', name]);
  const keys = loadKeyRing(raw.keys as Record<string, KeySpec>, {
    ...(options.env ? { env: options.env } : {}),
    baseDir,
    onWarning: warn,
    locations: keyLocations,
  });

  let vault = options.vault;
  let ownsVault = false;
  if (!vault && raw.vault) {
    if ('memory' in raw.vault) vault = createMemoryTokenVault();
    else if ('postgres' in raw.vault) {
      const spec = raw.vault.postgres;
      let url: string | undefined;
      if (typeof spec === 'string') {
        url = spec;
        if (/^[a-z]+:\/\/[^/@\s]*:[^/@\s]*@/i.test(url)) {
          warn(
            `Policy "${fileName}" vault.postgres: the URL holds a password; name an environment variable instead: { postgres: { env: NAME } }`,
          );
        }
      } else {
        url = (options.env ?? process.env)[spec.env];
        if (!url || !POSTGRES_URL.test(url)) {
          throw loc.error(
            ['vault', 'postgres', 'env'],
            `environment variable "${spec.env}" ${url ? 'does not hold a postgres:// URL' : 'is not set'}`,
          );
        }
      }
      // Connects on first use (or when the caller awaits `vault.ready()`): loading stays synchronous.
      vault = connectPostgresTokenVault(url);
    } else {
      const file = isAbsolute(raw.vault.sqlite) ? raw.vault.sqlite : resolve(baseDir, raw.vault.sqlite);
      try {
        vault = openSqliteTokenVault(file);
      } catch (e) {
        throw loc.error(['vault', 'sqlite'], isLeakguardError(e) ? e.message : 'cannot open the vault', e);
      }
    }
    ownsVault = true;
  }

  const compiled = prepared.map(({ path, index, src, op, params, keyName }) =>
    compileRule(index, src, op, params, keyName ? keys.get(keyName) : undefined, keys, vault, loc.at(path)),
  );
  const defaultRule = compiled.pop() as CompiledRule;
  return buildPolicy(fileName, compiled, defaultRule, keys, vault, ownsVault, raw.onError, warnings);
}

/** `line N, ` for a location with a line. */
function lineOf(l: ErrorLocation): string {
  return l.line !== undefined ? `line ${l.line}, ` : '';
}

/**
 * Whether a type rule's reversible output escapes re-detection (see {@link CompiledRule.unfindableInText}):
 * `fpe` keeps a checksum-valid, detectable shape only with `preserveCheck` on a type that has a check scheme;
 * `tokenize` in `preserve` format draws random characters. Tagged outputs (`encrypt`, tagged tokens) are found
 * by pattern; `dateshift` writes a date.
 */
function unfindableInText(action: string, params: unknown): boolean {
  if (action === 'fpe') return !(params as { preserveCheck?: boolean }).preserveCheck;
  if (action === 'tokenize') return (params as { format?: string }).format === 'preserve';
  return false;
}

function compileRule(
  index: number,
  src: RuleSource,
  op: Operator,
  params: unknown,
  key: KeyMaterial | undefined,
  keys: KeyRing,
  vault: TokenVault | undefined,
  location: ErrorLocation,
): CompiledRule {
  const onlyType = src.types?.length === 1 ? src.types[0] : undefined;
  const ctxOf = (o: ApplyOptions | undefined): OperatorContext<unknown> => ({
    params,
    type: o?.type ?? onlyType,
    column: o?.column,
    key,
    keys,
    subject: o?.subject,
    vault,
    actor: o?.actor,
  });
  const rule: CompiledRule = {
    index,
    types: src.types,
    columns: src.columns,
    action: op.name,
    operator: op,
    params,
    key,
    location,
    ...(src.types && unfindableInText(op.name, params) ? { unfindableInText: true as const } : {}),
    apply: (value, o) => op.apply(value, ctxOf(o)),
  };
  if (op.revert) {
    const revert = op.revert.bind(op);
    return { ...rule, revert: (value, o) => revert(value, ctxOf(o)) };
  }
  return rule;
}

function buildPolicy(
  file: string,
  rules: CompiledRule[],
  defaultRule: CompiledRule,
  keys: KeyRing,
  vault: TokenVault | undefined,
  ownsVault: boolean,
  onError: OnError,
  warnings: string[],
): CompiledPolicy {
  const byType = new Map<EntityName, CompiledRule>();
  const byColumn = new Map<string, CompiledRule>();
  const byBoth = new Map<string, CompiledRule>();
  for (const r of rules) {
    if (r.types && r.columns) {
      for (const t of r.types)
        for (const c of r.columns)
          if (!byBoth.has(`${t}\u0000${columnKey(c)}`)) byBoth.set(`${t}\u0000${columnKey(c)}`, r);
    } else if (r.columns) {
      for (const c of r.columns) if (!byColumn.has(columnKey(c))) byColumn.set(columnKey(c), r);
    } else if (r.types) {
      for (const t of r.types) if (!byType.has(t)) byType.set(t, r);
    }
  }
  return {
    file,
    rules,
    defaultRule,
    keys,
    vault,
    onError,
    warnings,
    ruleFor(type, column) {
      // Most policies have no column rules: no key normalisation per finding then.
      if (column !== undefined && (byColumn.size > 0 || byBoth.size > 0)) {
        const c = columnKey(column);
        if (type !== undefined && byBoth.size > 0) {
          const both = byBoth.get(`${type}\u0000${c}`);
          if (both) return both;
        }
        const col = byColumn.get(c);
        if (col) return col;
      }
      if (type === undefined) return undefined;
      return byType.get(type) ?? defaultRule;
    },
    close() {
      if (ownsVault && vault) return vault.close();
    },
  };
}

/**
 * The subject (column name or JSON path) the policy's `dateshift` rules name in `options.subject`, if any.
 *
 * @example
 * policySubject(parsePolicy('keys: { k: { env: K } }\nrules:\n  - { column: visit, action: dateshift, options: { subject: patient_id } }\n', 'p.yaml')); // 'patient_id'
 */
export function policySubject(policy: CompiledPolicy): string | undefined {
  for (const r of [...policy.rules, policy.defaultRule]) {
    if (r.action !== 'dateshift') continue;
    const s = (r.params as { subject?: string }).subject;
    if (s !== undefined) return s;
  }
  return undefined;
}

/**
 * Reads and compiles a policy file.
 *
 * @throws ConfigError `LG_CONFIG_NOT_FOUND` when the file cannot be read; otherwise as {@link parsePolicy}
 * @example
 * const policy = loadPolicy('examples/policy.yaml');
 */
export function loadPolicy(path: string, options: PolicyOptions = {}): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      'LG_CONFIG_NOT_FOUND',
      `Cannot read policy "${path}": ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      {
        cause: e,
        location: { file: path },
      },
    );
  }
  return parsePolicy(text, path, { baseDir: dirname(resolve(path)), ...options });
}
