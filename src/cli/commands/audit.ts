/**
 * `leakguard audit endpoints|secrets` — find open data stores and leaked credentials before an attacker does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { auditEndpoints } from '../../audit/endpoints.js';
import { humanCount } from '../../audit/probes/common.js';
import { isExposed, renderAuditHtml, renderAuditSarif, renderEndpointsJson } from '../../audit/render.js';
import { loadBaseline, writeBaseline } from '../../audit/secrets/baseline.js';
import { auditSecrets, type SecretAllowlist } from '../../audit/secrets/scan.js';
import { hostMatcher, verifySecrets } from '../../audit/secrets/verify.js';
import { AuditStore } from '../../audit/store.js';
import { confirmationNeeded, planTargets } from '../../audit/targets.js';
import type { AuditResult } from '../../audit/types.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { assertLinearPattern } from '../../detect/safe-regex.js';
import { resolveScanKey } from '../../scan/key.js';
import { numberOption, parse } from '../args.js';
import { buildAnalyzer } from '../common.js';
import { type CliIO, write } from '../io.js';
import { version } from '../version.js';
import { catalogTarget } from './scan.js';

export const auditHelp = `Usage: leakguard audit <endpoints|secrets> [options]

Find exposures before an attacker does. Only audit addresses and repositories you own or are authorised to test.

  leakguard audit endpoints <host:port | URL | CIDR>… [--json] [--sample]
  leakguard audit secrets <path | git repo> [--history] [--verify] [--baseline FILE] [--json]

Run \`leakguard audit endpoints --help\` or \`leakguard audit secrets --help\` for the options.
`;

export const endpointsHelp = `Usage: leakguard audit endpoints <target…> [options]

Probe data stores for access without credentials. ONLY AUDIT ADDRESSES YOU OWN (or are authorised to test).
Targets outside loopback and private ranges, or spanning more than one /24, need --yes.

Targets:
  HOST:PORT                   Probed by the port's service (9200 elasticsearch, 5601 kibana, 27017 mongodb,
                              6379 redis, 5432 postgresql, 3306 mysql, 9000 s3); other ports: HTTP services
  URL                         redis://, postgres://, mysql://, mongodb://, es+http(s)://, kibana+http(s)://,
                              s3+http(s)://HOST:PORT/BUCKET, http(s)://HOST/PATH (listings and dumps)
  HOST | A.B.C.D/NN           Every default port of the host or block (/16 to /32; closed ports not listed)

Verdicts: open (no authentication), weak-credentials (a default or empty password works), auth-required,
not-service (something else answers: another service, a tarpit, a garbage banner, TLS on a plain port),
unreachable.

Options:
  --sample                    Read a small sample of each open store and count personal data types in it
                              (values are never stored or printed)
  --sample-size N             Records per index/table/collection/key scan (default 50, max 1000)
  --json                      Print { results: [{ target, service, verdict, reason, exposed? }] }; exposed is
                              { TYPE: records }, estimated for the whole store from the sample when its
                              size is known (see exposure.estimate)
  --sarif FILE                Also write SARIF 2.1.0
  --report FILE               Also write an HTML report section
  --yes                       Confirm targets beyond loopback/private or more than one /24
  --no-defaults               Do not try well-known default passwords
  --concurrency N             Parallel probes (default 16)
  --timeout MS                Deadline per probe (default 5000)
  --rate N                    Global cap on new connections per second (default 100)
  --catalog PATH|URL          Catalog for results and the join with scans (default .leakguard/catalog.db)
  --config FILE               Detection config used for --sample
  --quiet                     No progress output
  -h, --help                  Show this help

Exit status: 0 nothing open, 1 an endpoint is open or accepts weak credentials, 2 usage or fatal error.
`;

export const secretsHelp = `Usage: leakguard audit secrets <path | git repo> [options]

Find credentials in a working tree and (with --history) in every commit's added lines: cloud and provider
keys, private keys, tokens, data-store connection strings, .env and compose passwords, redis.conf
requirepass, kibana.yml elasticsearch credentials, curl -u, mongosh/mongo -p, redis-cli -a and Authorization
headers in docs, the Python Elasticsearch client's http_auth. Well-known default passwords (changeme,
foobared) are reported with a note saying so.

Options:
  --history                   Also scan every commit's added lines (finds secrets deleted since)
  --verify                    Try connection strings read-only against hosts named with --verify-host,
                              and say whether each credential is live and what it opens
  --verify-host HOST|CIDR     A host you own (repeatable); no other host is ever contacted
  --baseline FILE             Ignore findings listed in FILE (salted fingerprints, no secrets)
  --update-baseline           Write all current findings to --baseline FILE (then exit 0)
  --allowlist FILE            YAML: { paths: [glob], values: [regex], rules: [id] }
  --json                      Print { findings: [{ rule, type, file, line, preview, fingerprint, … }], summary }
  --sarif FILE                Also write SARIF 2.1.0
  --catalog PATH|URL          Catalog for results (default .leakguard/catalog.db)
  --timeout MS                Deadline per verification (default 5000)
  --quiet                     No progress output
  -h, --help                  Show this help

Suppress a false positive with \`leakguard:allow\` on its line, \`leakguard:allow-next-line\` above it, or
\`leakguard:allow-file\` in a file's first lines. Exit status: 0 none, 1 secrets found, 2 usage or fatal error.
`;

const ENDPOINT_OPTIONS = {
  json: { type: 'boolean' },
  sample: { type: 'boolean' },
  'sample-size': { type: 'string' },
  sarif: { type: 'string' },
  report: { type: 'string' },
  yes: { type: 'boolean' },
  'no-defaults': { type: 'boolean' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  rate: { type: 'string' },
  catalog: { type: 'string' },
  config: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const SECRET_OPTIONS = {
  history: { type: 'boolean' },
  verify: { type: 'boolean' },
  'verify-host': { type: 'string', multiple: true },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  allowlist: { type: 'string' },
  json: { type: 'boolean' },
  sarif: { type: 'string' },
  catalog: { type: 'string' },
  timeout: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** `leakguard audit …` */
export async function auditCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    await write(io.stdout, auditHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'endpoints') return endpointsCommand(rest, io);
  if (sub === 'secrets') return secretsCommand(rest, io);
  throw new UsageError(`Invalid arguments for "audit": unknown subcommand "${sub}" (expected endpoints or secrets)`);
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s.padEnd(n);
}

function renderEndpointsText(results: readonly AuditResult[], skipped: number): string {
  const tw = Math.min(48, Math.max(6, ...results.map((r) => r.target.length)) + 1);
  let out = `${pad('TARGET', tw)}${pad('SERVICE', 14)}${pad('VERDICT', 18)}REASON\n`;
  const indent = ' '.repeat(tw + 32);
  for (const r of results) {
    out += `${pad(r.target, tw)}${pad(r.service, 14)}${pad(r.verdict, 18)}${r.reason}\n`;
    if (r.exposed) {
      const types = Object.entries(r.exposed).map(([t, n]) => `${t} ~${humanCount(n)}`);
      const how =
        r.exposure?.total !== undefined
          ? `estimated from ${r.sampled ?? 0} sampled of ~${humanCount(r.exposure.total)}`
          : `in a sample of ${r.sampled ?? 0}`;
      out += `${indent}records exposed (${how}): ${types.join(', ') || 'no personal data found'}\n`;
    }
    if (r.catalog) out += `${indent}${r.catalog.summary}\n`;
  }
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  out += `\n${results.length} endpoint(s): ${
    Object.entries(counts)
      .map(([v, n]) => `${n} ${v}`)
      .join(', ') || 'none'
  }`;
  out += skipped > 0 ? `; ${skipped} closed or unreachable port(s) of expanded targets not listed\n` : '\n';
  return out;
}

async function endpointsCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, ENDPOINT_OPTIONS, 'audit endpoints');
  if (help) {
    await write(io.stdout, endpointsHelp);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('Invalid arguments for "audit endpoints": give at least one target (host:port, URL or CIDR)');
  const plan = planTargets(positionals);
  const why = confirmationNeeded(plan);
  if (why && !values.yes) {
    throw new UsageError(
      `Refusing to probe without --yes: ${why}. Only audit addresses you own or are authorised to test`,
    );
  }
  const sampleSize = numberOption(values['sample-size'], 'sample-size', 1, 1000) ?? 50;
  const concurrency = numberOption(values.concurrency, 'concurrency', 1, 256) ?? 16;
  const timeoutMs = numberOption(values.timeout, 'timeout', 100, 600_000) ?? 5000;
  const rate = numberOption(values.rate, 'rate', 1, 100_000) ?? 100;
  const analyzer = values.sample
    ? buildAnalyzer(io, values.config !== undefined ? { config: values.config } : {})
    : undefined;
  const store = await AuditStore.open(catalogTarget(values.catalog, io));
  const progress = !values.quiet && !values.json && io.isTTY;
  try {
    const runId = await store.startRun(
      'endpoints',
      positionals.map((p) => p.replace(/\/\/[^/@\s]*@/, '//***@')),
    );
    const { results, skipped } = await auditEndpoints(plan.endpoints, {
      concurrency,
      timeoutMs,
      ratePerSecond: rate,
      tryDefaults: !values['no-defaults'],
      store,
      ...(analyzer ? { sample: sampleSize, analyzer } : {}),
      ...(progress
        ? {
            onResult: (_r: AuditResult, done: number, total: number) =>
              void write(io.stderr, `\r${done}/${total} endpoints`),
          }
        : {}),
    });
    if (progress) await write(io.stderr, '\n');
    await store.saveEndpoints(runId, results);
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
    await store.finishRun(runId, { verdicts: counts, skipped });
    if (values.sarif)
      writeFileSync(resolve(io.cwd, values.sarif), renderAuditSarif({ endpoints: results, version: version() }));
    if (values.report)
      writeFileSync(resolve(io.cwd, values.report), renderAuditHtml({ endpoints: results, version: version() }));
    await write(io.stdout, values.json ? renderEndpointsJson(results) : renderEndpointsText(results, skipped));
    return results.some(isExposed) ? 1 : 0;
  } finally {
    await store.close();
  }
}

function loadAllowlist(path: string): SecretAllowlist {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('LG_CONFIG_INVALID', `Cannot read allowlist "${path}": ${(e as Error).name}`, {
      cause: e,
      location: { file: path },
    });
  }
  const d = (doc ?? {}) as Record<string, unknown>;
  const list = (k: string): string[] => {
    const v = d[k];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new ConfigError('LG_CONFIG_INVALID', `Invalid allowlist "${path}": "${k}" must be a list of strings`, {
        location: { file: path, field: k },
      });
    return v as string[];
  };
  for (const k of Object.keys(d)) {
    if (!['paths', 'values', 'rules'].includes(k))
      throw new ConfigError(
        'LG_CONFIG_INVALID',
        `Invalid allowlist "${path}": unknown key "${k}" (expected paths, values, rules)`,
        { location: { file: path, field: k } },
      );
  }
  const values = list('values').map((src, i) => {
    assertLinearPattern(src, { file: path, field: `values[${i}]` });
    try {
      return new RegExp(src);
    } catch (e) {
      throw new ConfigError('LG_CONFIG_INVALID', `Invalid allowlist "${path}": values[${i}] is not a valid regex`, {
        cause: e,
        location: { file: path, field: `values[${i}]` },
      });
    }
  });
  return { paths: list('paths'), values, rules: list('rules') };
}

async function secretsCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, SECRET_OPTIONS, 'audit secrets');
  if (help) {
    await write(io.stdout, secretsHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError('Invalid arguments for "audit secrets": give exactly one path or git repository');
  const owned = values['verify-host'] ?? [];
  if (values.verify && owned.length === 0)
    throw new UsageError(
      'Invalid arguments for "audit secrets": --verify needs --verify-host HOST for each host you own (no other host is contacted)',
    );
  if (!values.verify && owned.length > 0)
    throw new UsageError('Invalid arguments for "audit secrets": --verify-host only applies with --verify');
  if (values['update-baseline'] && !values.baseline)
    throw new UsageError('Invalid arguments for "audit secrets": --update-baseline needs --baseline FILE');
  const timeoutMs = numberOption(values.timeout, 'timeout', 100, 600_000) ?? 5000;
  const root = resolve(io.cwd, positionals[0]!);
  const target = catalogTarget(values.catalog, io);
  const baselinePath = values.baseline ? resolve(io.cwd, values.baseline) : undefined;
  const baseline = baselinePath ? loadBaseline(baselinePath) : undefined;
  const key = baseline ? baseline.salt : resolveScanKey(target, io.env);
  const allow = values.allowlist ? loadAllowlist(resolve(io.cwd, values.allowlist)) : undefined;
  const analyzer = buildAnalyzer(io, { types: ['SECRET'] });
  const progress = !values.quiet && !values.json && io.isTTY;
  const result = await auditSecrets(root, {
    analyzer,
    fingerprintKey: key,
    history: Boolean(values.history),
    ...(allow ? { allow } : {}),
    ...(baseline && !values['update-baseline'] ? { baseline: baseline.fingerprints } : {}),
    keepVerifiable: Boolean(values.verify),
    ...(progress
      ? {
          onProgress: (p: { files: number; commits: number }) =>
            void write(io.stderr, `\r${p.files} files, ${p.commits} commits`),
        }
      : {}),
  });
  if (progress) await write(io.stderr, '\n');
  if (values['update-baseline'] && baselinePath && baseline) {
    writeBaseline(baselinePath, baseline.salt, result.findings, baseline.fingerprints);
    await write(io.stderr, `baseline written to ${values.baseline}: ${result.findings.length} finding(s)\n`);
    return 0;
  }
  const store = await AuditStore.open(target);
  try {
    if (values.verify) await verifySecrets(result, { owned: hostMatcher(owned), timeoutMs, store });
    const runId = await store.startRun('secrets', [positionals[0]!]);
    await store.saveSecrets(runId, result.findings);
    const summary = {
      findings: result.findings.length,
      inWorkingTree: result.findings.filter((f) => f.inWorkingTree).length,
      historyOnly: result.findings.filter((f) => !f.inWorkingTree).length,
      suppressed: result.suppressed,
      files: result.files,
      commits: result.commits,
      bytes: result.bytes,
      git: result.git,
    };
    await store.finishRun(runId, summary);
    if (values.sarif)
      writeFileSync(resolve(io.cwd, values.sarif), renderAuditSarif({ secrets: result.findings, version: version() }));
    if (values.json) await write(io.stdout, `${JSON.stringify({ findings: result.findings, summary }, null, 2)}\n`);
    else {
      let out = '';
      for (const f of result.findings) {
        const where = f.inWorkingTree
          ? ''
          : f.stillInTree
            ? `  [in history at ${f.commit?.slice(0, 12)}; the value is still in the working tree at ${f.stillInTree}]`
            : `  [deleted; in history at ${f.commit?.slice(0, 12)}]`;
        const ver = f.verified
          ? `  verify: ${f.verified.status}${f.verified.detail ? ` (${f.verified.detail})` : ''}`
          : '';
        out += `${f.file}:${f.line}  ${f.rule}  ${f.preview}${f.note ? `  (${f.note})` : ''}${f.target ? `  → ${f.target}` : ''}${where}${ver}\n`;
      }
      const s = result.suppressed;
      out += `\n${result.findings.length} secret(s) (${summary.historyOnly} only in history); ${result.files} files, ${result.commits} commits, ${humanCount(result.bytes)} bytes scanned; suppressed: ${s.inline} inline, ${s.allowlist} allowlisted, ${s.baseline} baseline\n`;
      await write(io.stdout, out);
    }
    return result.findings.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
