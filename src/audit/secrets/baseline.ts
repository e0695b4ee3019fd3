/**
 * Baseline files: known findings to ignore until they change. A baseline holds a random salt and, per finding, its
 * salted fingerprint, rule, file, line and masked preview — never the secret — so it can be committed beside the
 * code. Fingerprints depend on rule, file and value (not the line), so moving a secret within a file keeps it
 * baselined and changing it reports it again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import type { SecretFinding } from './types.js';

/** A loaded baseline. */
export interface Baseline {
  salt: Buffer;
  fingerprints: Set<string>;
}

/**
 * Read a baseline; a missing file yields an empty baseline with a new salt (written by {@link writeBaseline}).
 *
 * @throws ConfigError LG_CONFIG_INVALID for a file that is not a leakguard baseline
 */
export function loadBaseline(path: string): Baseline {
  if (!existsSync(path)) return { salt: randomBytes(16), fingerprints: new Set() };
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('LG_CONFIG_INVALID', `Cannot read baseline "${path}": not JSON`, {
      cause: e,
      location: { file: path },
    });
  }
  const d = doc as { version?: unknown; salt?: unknown; findings?: unknown };
  if (
    d.version !== 1 ||
    typeof d.salt !== 'string' ||
    !/^[0-9a-f]{32,128}$/.test(d.salt) ||
    !Array.isArray(d.findings)
  ) {
    throw new ConfigError(
      'LG_CONFIG_INVALID',
      `Cannot read baseline "${path}": expected { version: 1, salt, findings }`,
      {
        location: { file: path },
      },
    );
  }
  const fingerprints = new Set<string>();
  for (const f of d.findings as { fingerprint?: unknown }[])
    if (typeof f?.fingerprint === 'string') fingerprints.add(f.fingerprint);
  return { salt: Buffer.from(d.salt, 'hex'), fingerprints };
}

/** Write a baseline (atomically: temporary file, then rename). */
export function writeBaseline(
  path: string,
  salt: Buffer,
  findings: readonly SecretFinding[],
  previous: ReadonlySet<string> = new Set(),
): void {
  const known = new Map<string, Record<string, unknown>>();
  if (existsSync(path)) {
    try {
      const old = JSON.parse(readFileSync(path, 'utf8')) as { findings?: Record<string, unknown>[] };
      for (const f of old.findings ?? [])
        if (typeof f.fingerprint === 'string' && previous.has(f.fingerprint)) known.set(f.fingerprint, f);
    } catch {
      // replaced below
    }
  }
  for (const f of findings) {
    known.set(f.fingerprint, {
      fingerprint: f.fingerprint,
      rule: f.rule,
      file: f.file,
      line: f.line,
      preview: f.preview,
      ...(f.commit ? { commit: f.commit } : {}),
    });
  }
  const doc = {
    version: 1,
    tool: 'leakguard audit secrets',
    salt: salt.toString('hex'),
    findings: [...known.values()],
  };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(tmp, path);
}
