import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV, tempDir } from '../../protect/files/__fixtures__/data.js';
import { runCli } from '../testing.js';

function write(text: string, name = 'p.yaml'): string {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  return dir;
}

describe('leakguard policy check', () => {
  it('policy check lists the rules of a valid policy and exits 0', async () => {
    const r = await runCli(['policy', 'check', 'examples/policy.yaml'], '', { env: ENV });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Policy "examples/policy.yaml" is valid: 11 rules, default replace, onError fail');
    expect(r.stdout).toContain('  1  CN_MOBILE, CN_LANDLINE, PERSON, ADDRESS');
    expect(r.stdout).not.toContain(ENV.LEAKGUARD_KEY);
  });

  it('policy check --json describes rules, keys and the vault', async () => {
    const dir = write(
      'keys:\n  main: { env: LEAKGUARD_KEY, id: k1 }\nrules:\n  - { type: CN_PASSPORT, action: tokenize }\n',
    );
    const r = await runCli(['policy', 'check', 'p.yaml', '--json'], '', { cwd: dir, env: ENV });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      file: 'p.yaml',
      rules: [{ index: 1, line: 4, match: 'CN_PASSPORT', action: 'tokenize', key: 'k1' }],
      default: { action: 'redact' },
      keys: [{ name: 'main', id: 'k1' }],
      vault: `default (the catalog database ${join(dir, '.leakguard', 'catalog.db')})`,
      onError: 'fail',
      warnings: [],
    });
    expect(existsSync(join(dir, '.leakguard'))).toBe(false);
  });

  it('policy check --json names a PostgreSQL vault without its password and never connects', async () => {
    const dir = write(
      'keys:\n  main: { env: LEAKGUARD_KEY }\nvault: { postgres: "postgres://lg:s3cret@127.0.0.1:1/none" }\nrules:\n  - { type: CN_PASSPORT, action: tokenize }\n',
    );
    const r = await runCli(['policy', 'check', 'p.yaml', '--json'], '', { cwd: dir, env: ENV });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { vault: string; warnings: string[] };
    expect(doc.vault).toMatch(/^postgres postgres:\/\/lg(:\*+)?@127\.0\.0\.1:1\/none$/);
    expect(r.stdout).not.toContain('s3cret');
    expect(doc.warnings.join('\n')).toContain('the URL holds a password');
  });

  it('policy check names the line and field of an unknown type or action', async () => {
    const dir = write('rules:\n  - { type: CN_MOBILE, action: mask }\n  - { type: CN_MOBLE, action: mask }\n');
    const r = await runCli(['policy', 'check', 'p.yaml'], '', { cwd: dir, env: ENV });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error LG_POLICY_INVALID: Cannot load policy');
    expect(r.stderr).toContain('line 3, rules[1].type: unknown entity type "CN_MOBLE"');
    const dir2 = write('rules:\n  - { type: CN_MOBILE, action: scramble }\n');
    const r2 = await runCli(['policy', 'check', 'p.yaml', '--json'], '', { cwd: dir2, env: ENV });
    expect(r2.exitCode).toBe(2);
    const doc = JSON.parse(r2.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.error).toMatchObject({ code: 'LG_POLICY_INVALID', location: { line: 2, field: 'rules[0].action' } });
    expect(doc.error.message).toContain('unknown action "scramble"');
  });

  it('policy check fails on a missing key file and on a key that is too short', async () => {
    const missing = write('keys:\n  main: { file: ./main.key }\nrules:\n  - { type: CN_MOBILE, action: hash }\n');
    const r = await runCli(['policy', 'check', 'p.yaml'], '', { cwd: missing, env: {} });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^error LG_KEY_MISSING: Cannot load key "main" from file ".\/main.key": the file does not exist/,
    );
    const short = write('keys:\n  main: { file: ./main.key }\nrules:\n  - { type: CN_MOBILE, action: hash }\n');
    writeFileSync(join(short, 'main.key'), 'ab'.repeat(16), { mode: 0o600 });
    const r2 = await runCli(['policy', 'check', 'p.yaml'], '', { cwd: short, env: {} });
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toContain(
      'error LG_KEY_INVALID: Cannot load key "main" from file "./main.key": the key has 16 bytes after decoding, expected at least 32',
    );
    expect(r2.stderr).not.toContain('ab'.repeat(16));
  });

  it('policy without a subcommand prints its help; an unknown subcommand is a usage error', async () => {
    const none = await runCli(['policy']);
    expect(none.exitCode).toBe(2);
    expect(none.stdout).toContain('Usage: leakguard policy check FILE');
    const other = await runCli(['policy', 'lint', 'x.yaml']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain('Unknown subcommand "policy lint"');
  });
});
