/**
 * `leakguard policy check FILE` — validate a protection policy the way `protect` loads it: YAML, fields, entity
 * types, actions and their options, key references, and the keys themselves (read from the environment or key
 * files, never printed). Nothing else is read.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isLeakguardError, UsageError } from '../../core/errors.js';
import { loadFilePolicy, policyNeedsDefaultVault } from '../../protect/files/index.js';
import type { CompiledRule } from '../../protect/policy.js';
import { createMemoryTokenVault } from '../../protect/vault/memory-vault.js';
import { redactUrl } from '../../sources/db-url.js';
import { parse } from '../args.js';
import { buildAnalyzer } from '../common.js';
import { type CliIO, write } from '../io.js';
import { defaultVaultTarget } from './protect.js';

export const policyHelp = `Usage: leakguard policy check FILE [options]

Validate a protection policy exactly as protect and reveal load it: the YAML, every field, entity types
(built-in, or declared by --config recognizers), actions and their options, key references, and the keys
themselves (from their environment variables or key files; never printed). A policy that names a missing
or too-short key fails here, before any data is read.

Options:
  --config FILE   Detection config whose custom recognizers declare extra entity types
  --catalog P|URL The catalog database, shown as the default token vault (never opened here)
  --vault F|URL   The token vault protect would use when the policy names none (never opened here)
  --json          Print { valid, file, rules, default, keys, vault, warnings } (or { valid: false, error })
  -h, --help      Show this help

Exit status: 0 valid, 2 invalid (the error names the file, line and field).

Example:
  LEAKGUARD_KEY=… leakguard policy check examples/policy.yaml
`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  vault: { type: 'string' },
  catalog: { type: 'string' },
} as const;

function describeRule(r: CompiledRule): { match: string; action: string; key: string | undefined } {
  const types = r.types?.join(', ');
  const columns = r.columns?.map((c) => `"${c}"`).join(', ');
  const match = types && columns ? `${types} in ${columns}` : (types ?? `column ${columns}`);
  return { match, action: r.action, key: r.key?.id };
}

/** The policy's own `vault:` section in words (never a password, never opened). */
function describeVault(text: string): string {
  let v: unknown;
  try {
    v = (parseYaml(text) as { vault?: unknown } | null)?.vault;
  } catch {
    return 'configured';
  }
  const o = (v ?? {}) as { sqlite?: unknown; postgres?: unknown; memory?: unknown };
  if (typeof o.sqlite === 'string') return `sqlite ${o.sqlite}`;
  if (typeof o.postgres === 'string') return `postgres ${redactUrl(o.postgres)}`;
  if (o.postgres && typeof o.postgres === 'object') return `postgres from $${(o.postgres as { env?: string }).env}`;
  if (o.memory === true) return 'memory (this process only: its tokens cannot be revealed later)';
  return 'configured';
}

export async function policyCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, OPTIONS, 'policy');
  if (help || positionals.length === 0) {
    await write(io.stdout, policyHelp);
    return help ? 0 : 2;
  }
  const [sub, ...rest] = positionals;
  if (sub !== 'check') {
    throw new UsageError(`Unknown subcommand "policy ${sub}": expected "policy check FILE"`);
  }
  if (rest.length !== 1) throw new UsageError('Invalid arguments for "policy check": expected one FILE');
  const file = rest[0] as string;
  const path = resolve(io.cwd, file);
  const analyzer = buildAnalyzer(io, values.config !== undefined ? { config: values.config } : {});
  let policy: ReturnType<typeof loadFilePolicy>;
  try {
    // A check never creates the default vault: a throwaway in-memory one stands in for it.
    policy = loadFilePolicy(path, {
      env: io.env,
      defaultVault: () => createMemoryTokenVault(),
      customTypes: analyzer.recognizers.flatMap((r) => r.entities),
    });
  } catch (e) {
    if (values.json && isLeakguardError(e)) {
      const error = { code: e.code, message: e.message, ...(e.location ? { location: e.location } : {}) };
      await write(io.stdout, `${JSON.stringify({ valid: false, file, error }, null, 2)}\n`);
      return e.spec.exitCode;
    }
    throw e;
  }
  try {
    let vault = 'none';
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // Just loaded; a vanished file only loses the vault description.
    }
    if (policyNeedsDefaultVault(text)) vault = `default (${defaultVaultTarget(values, io).describe})`;
    else if (policy.vault) vault = describeVault(text);
    const rules = policy.rules.map((r) => ({ index: r.index + 1, line: r.location.line, ...describeRule(r) }));
    const keys = policy.keys.names().map((n) => ({ name: n, id: policy.keys.get(n)?.id ?? n }));
    const dflt = { action: policy.defaultRule.action, key: policy.defaultRule.key?.id };
    if (values.json) {
      const doc = {
        valid: true,
        file,
        rules,
        default: dflt,
        keys,
        vault,
        onError: policy.onError,
        warnings: policy.warnings,
      };
      await write(io.stdout, `${JSON.stringify(doc, null, 2)}\n`);
      return 0;
    }
    const width = Math.min(60, Math.max(5, ...rules.map((r) => r.match.length)));
    let out = `Policy "${file}" is valid: ${rules.length} rule${rules.length === 1 ? '' : 's'}, default ${dflt.action}, onError ${policy.onError}\n`;
    out += `keys: ${keys.length ? keys.map((k) => (k.id === k.name ? k.name : `${k.name} (id ${k.id})`)).join(', ') : 'none'}; token vault: ${vault}\n`;
    if (rules.length > 0) {
      out += `\n  #  ${'MATCH'.padEnd(width)}  ACTION      KEY\n`;
      for (const r of rules) {
        const m = r.match.length > width ? `${r.match.slice(0, width - 1)}…` : r.match;
        out += `${String(r.index).padStart(3)}  ${m.padEnd(width)}  ${r.action.padEnd(10)}  ${r.key ?? '-'}\n`;
      }
    }
    for (const w of policy.warnings) out += `warning: ${w}\n`;
    await write(io.stdout, out);
    return 0;
  } finally {
    await policy.close();
  }
}
