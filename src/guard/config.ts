/**
 * The guard's configuration file (YAML, schema-validated; errors name file, line and field).
 *
 * ```yaml
 * listen: { host: 127.0.0.1, port: 9243 }            # tls: { cert: server.crt, key: server.key }
 * upstream: { url: http://127.0.0.1:9200, timeoutMs: 30000 }
 * mode: elasticsearch                                   # or generic (path rules)
 * catalog: .leakguard/catalog.db                        # keys, audit log, alerts (or postgres://…)
 * auth: { apiKeys: true, jwt: { secretEnv: GUARD_JWT_SECRET } }
 * roles:
 *   analyst: { indices: [people*], maxPageSize: 100, policy: analyst-policy.yaml }
 *   admin:   { admin: true, clearWithPurpose: true }
 * ```
 *
 * Everything is denied unless a role allows it (fail closed). See `examples/guard.yaml` for every field.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
export type HttpMethod = (typeof METHODS)[number];

/** A role or principal name. Example match: `analyst`. Not spaces or `:`. */
const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
/** An index pattern: `people*`, `logs-2024.*`. Not `/` or spaces. */
const INDEX_PATTERN = /^[A-Za-z0-9_.*+-]{1,255}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

const Windows = z
  .strictObject({
    minute: z.number().int().positive().optional(),
    hour: z.number().int().positive().optional(),
    day: z.number().int().positive().optional(),
  })
  .optional();

const QuotaSchema = z.strictObject({ records: Windows, bytes: Windows }).optional();

/**
 * Field rules. Elasticsearch mode: dotted paths inside `_source` (`address.city`, `id_*`). Generic mode: the whole
 * response body — a `$` path from the root (`$.items[*].mobile`, array steps optional) or a key name (or dotted
 * run of keys) that matches wherever it appears (`mobile` removes every `mobile` value at any depth).
 */
const FieldsSchema = z
  .strictObject({
    allow: z.array(z.string().min(1).max(256)).max(1000).optional(),
    deny: z.array(z.string().min(1).max(256)).max(1000).optional(),
  })
  .refine((f) => !(f.allow && f.deny), 'give allow or deny, not both')
  .optional();

const RoleSchema = z.strictObject({
  /** Full access to every endpoint (admin-only endpoints included). Masking still applies unless purpose. */
  admin: z.boolean().default(false),
  methods: z.array(z.enum(METHODS)).min(1).default(['GET', 'POST']),
  /** Index patterns (elasticsearch mode). Empty: no index. */
  indices: z.array(z.string().regex(INDEX_PATTERN, 'must be an index pattern such as people*')).default([]),
  /** Path prefixes or globs (generic mode) this role may call. */
  paths: z.array(z.string().min(1).max(1024)).default([]),
  fields: FieldsSchema,
  maxPageSize: z.number().int().positive().max(100_000).default(100),
  /** Largest `from + size`. */
  maxFrom: z.number().int().nonnegative().max(1_000_000).default(1000),
  scroll: z.boolean().default(false),
  /** Pages one scroll may return. */
  maxScrollPages: z.number().int().positive().default(100),
  pit: z.boolean().default(false),
  /** Masking policy (a protect policy file). Absent: every detected value is masked. */
  policy: z.string().min(1).optional(),
  /** Whether the role may see clear values when it states a purpose (header; logged). */
  clearWithPurpose: z.boolean().default(false),
  /** Require a purpose header on every request. */
  requirePurpose: z.boolean().default(false),
  quota: QuotaSchema,
  /** Anomaly action override for this role. */
  anomaly: z.enum(['alert', 'throttle', 'block', 'off']).optional(),
});
export type RoleConfig = z.output<typeof RoleSchema>;

const PathRuleSchema = z.strictObject({
  /** A path glob: `*` one segment, `**` any rest. Example: `/api/users/*`. */
  path: z.string().regex(/^\/[^\s]{0,1023}$/, 'must start with /'),
  methods: z.array(z.enum(METHODS)).min(1).default(['GET']),
  /** Roles allowed; absent: every role whose `paths` matches. */
  roles: z.array(z.string().regex(NAME)).optional(),
  /** JSON path of the record array in responses (`$.items[*]`), for record counts and quotas. */
  records: z
    .string()
    .regex(/^\$[^\s]{0,255}$/)
    .optional(),
  /** Query parameter holding the page size (capped by the role's maxPageSize). */
  sizeParam: z.string().min(1).max(64).optional(),
  /** Query parameter holding the offset of the first record: offset + size is capped by the role's maxFrom. */
  offsetParam: z.string().min(1).max(64).optional(),
  /** Query parameter holding a 1-based page number: page × size is capped by the role's maxFrom. */
  pageParam: z.string().min(1).max(64).optional(),
  /** Page size the API uses when the request names none (default: the role's maxPageSize, the worst case). */
  defaultSize: z.number().int().positive().optional(),
  adminOnly: z.boolean().default(false),
});
export type PathRule = z.output<typeof PathRuleSchema>;

const Schema = z.strictObject({
  version: z.literal(1).optional(),
  listen: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(9243),
      tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().optional() }).optional(),
    })
    .default({ host: '127.0.0.1', port: 9243 }),
  upstream: z.strictObject({
    url: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL'),
    timeoutMs: z.number().int().positive().default(30_000),
    connectTimeoutMs: z.number().int().positive().default(5_000),
    /** Credentials sent upstream, from the environment (never in the file). */
    apiKeyEnv: z.string().regex(ENV_NAME).optional(),
    basicAuthEnv: z.string().regex(ENV_NAME).optional(),
    maxSockets: z.number().int().positive().default(128),
    /** Verify the upstream's TLS certificate (default true). */
    tlsVerify: z.boolean().default(true),
  }),
  mode: z.enum(['elasticsearch', 'generic']).default('elasticsearch'),
  catalog: z.string().min(1).default('.leakguard/catalog.db'),
  auth: z
    .strictObject({
      apiKeys: z.boolean().default(true),
      jwt: z
        .strictObject({
          secretEnv: z.string().regex(ENV_NAME).optional(),
          jwksUrl: z
            .string()
            .regex(/^https?:\/\/[^\s]+$/)
            .optional(),
          issuer: z.string().optional(),
          audience: z.string().optional(),
          roleClaim: z.string().default('role'),
          subjectClaim: z.string().default('sub'),
        })
        .refine((j) => (j.secretEnv === undefined) !== (j.jwksUrl === undefined), 'give secretEnv or jwksUrl')
        .optional(),
      /** Anonymous callers get this role. Absent: anonymous requests are refused (401). */
      anonymousRole: z.string().regex(NAME).optional(),
    })
    .default({ apiKeys: true }),
  roles: z.record(z.string().regex(NAME, 'role names use letters, digits, _ . @ -'), RoleSchema),
  paths: z.array(PathRuleSchema).default([]),
  limits: z
    .strictObject({
      maxRequestBytes: z
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024),
      /** Longest JSON string value masked in memory (a longer one fails the response). */
      maxStringChars: z
        .number()
        .int()
        .positive()
        .default(16 * 1024 * 1024),
      /** Purpose header length. */
      maxPurposeChars: z.number().int().positive().default(200),
    })
    .default({ maxRequestBytes: 10 * 1024 * 1024, maxStringChars: 16 * 1024 * 1024, maxPurposeChars: 200 }),
  quotas: z
    .strictObject({
      redis: z
        .string()
        .regex(/^rediss?:\/\//)
        .optional(),
      prefix: z.string().default('lg:guard:'),
    })
    .optional(),
  anomaly: z
    .strictObject({
      enabled: z.boolean().default(true),
      bucketSeconds: z.number().int().positive().default(60),
      alpha: z.number().gt(0).lt(1).default(0.3),
      zThreshold: z.number().positive().default(4),
      /** Buckets seen before the detector judges (warm-up). */
      minBuckets: z.number().int().nonnegative().default(5),
      /** Records in a bucket below which nothing is anomalous. */
      minRecords: z.number().int().nonnegative().default(100),
      action: z.enum(['alert', 'throttle', 'block']).default('alert'),
      blockSeconds: z.number().int().positive().default(900),
    })
    .default({
      enabled: true,
      bucketSeconds: 60,
      alpha: 0.3,
      zThreshold: 4,
      minBuckets: 5,
      minRecords: 100,
      action: 'alert',
      blockSeconds: 900,
    }),
  alerts: z
    .strictObject({
      webhook: z
        .strictObject({
          url: z.string().regex(/^https?:\/\/[^\s]+$/),
          retries: z.number().int().nonnegative().max(10).default(3),
          timeoutMs: z.number().int().positive().default(5000),
          headerEnv: z.string().regex(ENV_NAME).optional(),
        })
        .optional(),
    })
    .default({}),
  purposeHeader: z.string().default('x-leakguard-purpose'),
  keysRefreshSeconds: z.number().int().positive().default(30),
  metrics: z.boolean().default(true),
  /** Trust `X-Forwarded-For` for the client address (only behind a trusted load balancer). */
  trustProxy: z.boolean().default(false),
});

export type GuardConfig = z.output<typeof Schema> & {
  /** Folder of the config file (relative paths resolve from it). */
  readonly baseDir: string;
  readonly file: string;
};

/**
 * Parses and validates a guard configuration.
 *
 * @throws ConfigError `LG_CONFIG_INVALID` naming file, line and field
 * @example
 * const cfg = parseGuardConfig('upstream: { url: http://127.0.0.1:9200 }\nroles: { a: {} }\n', 'guard.yaml');
 */
export function parseGuardConfig(text: string, file: string, baseDir = dirname(resolve(file))): GuardConfig {
  const { value, doc } = parseConfig(text, file, Schema);
  const fail = (path: PropertyKey[], msg: string): never => {
    const loc = doc.locate(path);
    throw new ConfigError('LG_CONFIG_INVALID', `Invalid "${file}" at ${loc.field ?? 'top level'}: ${msg}`, {
      location: loc,
    });
  };
  const roles = Object.keys(value.roles);
  if (roles.length === 0) fail(['roles'], 'at least one role is needed');
  if (value.auth.anonymousRole && !(value.auth.anonymousRole in value.roles)) {
    fail(['auth', 'anonymousRole'], `unknown role "${value.auth.anonymousRole}"`);
  }
  value.paths.forEach((p, i) => {
    for (const [j, r] of (p.roles ?? []).entries())
      if (!(r in value.roles)) fail(['paths', i, 'roles', j], `unknown role "${r}"`);
  });
  if (value.mode === 'generic' && value.paths.length === 0) fail(['paths'], 'generic mode needs path rules');
  return { ...value, baseDir, file };
}

/**
 * Reads a guard configuration file.
 *
 * @throws ConfigError `LG_CONFIG_NOT_FOUND` / `LG_CONFIG_INVALID`
 * @example
 * const cfg = loadGuardConfig('guard.yaml');
 */
export function loadGuardConfig(path: string): GuardConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      'LG_CONFIG_NOT_FOUND',
      `Cannot read configuration "${path}": ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause: e, location: { file: path } },
    );
  }
  return parseGuardConfig(text, path);
}

/** A path from the config resolved against its folder. */
export function resolveFrom(cfg: GuardConfig, p: string): string {
  if (/^postgres(ql)?:\/\//i.test(p) || p === ':memory:') return p;
  return isAbsolute(p) ? p : resolve(cfg.baseDir, p);
}
