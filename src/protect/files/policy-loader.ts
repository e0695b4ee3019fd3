/**
 * Loading a policy for files: as `loadPolicy`, plus a default token vault when the policy uses `tokenize` and
 * configures none (the CLI's is `.leakguard/vault.db`, beside the catalog), so tokens stay stable across runs
 * and files and `reveal` finds them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import type { MaybePromise } from '../operator.js';
import { type CompiledPolicy, type PolicyOptions, parsePolicy } from '../policy.js';
import { createMemoryTokenVault } from '../vault/memory-vault.js';
import { openSqliteTokenVault } from '../vault/sqlite-vault.js';
import type { TokenVault } from '../vault/token-vault.js';

/** Options of {@link loadFilePolicy}. */
export interface LoadFilePolicyOptions extends PolicyOptions {
  /**
   * The vault for a policy that uses `tokenize` without a `vault:` section: a SQLite file path (created with
   * its folder), a vault, or a factory. Ignored when the policy configures a vault or `vault` is given.
   */
  defaultVault?: string | TokenVault | (() => TokenVault);
}

/**
 * Whether a policy's YAML uses `tokenize` without a `vault:` section (so a default vault is needed). Invalid
 * YAML answers false: the loader reports it properly.
 *
 * @example
 * policyNeedsDefaultVault('rules:\n  - { type: CN_PASSPORT, action: tokenize }\n'); // true
 */
export function policyNeedsDefaultVault(text: string): boolean {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return false;
  }
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as { vault?: unknown; rules?: unknown; default?: unknown };
  if (d.vault !== undefined) return false;
  const actions: unknown[] = [];
  if (Array.isArray(d.rules)) for (const r of d.rules) actions.push((r as { action?: unknown } | null)?.action);
  actions.push((d.default as { action?: unknown } | null | undefined)?.action);
  return actions.includes('tokenize');
}

/**
 * Reads and compiles a policy file, opening the default vault when the policy needs one. `close()` on the result
 * also closes that vault.
 *
 * @throws ConfigError `LG_CONFIG_NOT_FOUND` when the file cannot be read; as `parsePolicy` otherwise
 * @example
 * const policy = loadFilePolicy('policy.yaml', { defaultVault: '.leakguard/vault.db' });
 */
export function loadFilePolicy(path: string, options: LoadFilePolicyOptions = {}): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      'LG_CONFIG_NOT_FOUND',
      `Cannot read policy "${path}": ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      { cause: e, location: { file: path } },
    );
  }
  const { defaultVault, ...rest } = options;
  const parse = (vault: TokenVault | undefined): CompiledPolicy =>
    parsePolicy(text, path, { baseDir: dirname(resolve(path)), ...rest, ...(vault ? { vault } : {}) });
  if (rest.vault || defaultVault === undefined || !policyNeedsDefaultVault(text)) return parse(undefined);
  if (typeof defaultVault === 'object') return parse(defaultVault);
  // Validate everything (keys included) against a throwaway vault first: a policy that fails must not leave a
  // vault file behind.
  const probe = createMemoryTokenVault();
  parse(probe);
  void probe.close();
  let vault: TokenVault;
  if (typeof defaultVault === 'string') {
    mkdirSync(dirname(resolve(defaultVault)), { recursive: true });
    vault = openSqliteTokenVault(defaultVault);
  } else vault = defaultVault();
  let policy: CompiledPolicy;
  try {
    policy = parse(vault);
  } catch (e) {
    void Promise.resolve(vault.close()).catch(() => undefined);
    throw e;
  }
  return {
    ...policy,
    close(): MaybePromise<void> {
      const a = policy.close();
      const after = (): MaybePromise<void> => vault.close();
      return a instanceof Promise ? a.then(after) : after();
    },
  };
}
