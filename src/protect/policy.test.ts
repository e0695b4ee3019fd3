import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLeakguardError, type LeakguardError } from '../core/errors.js';
import { loadPolicy, parsePolicy } from './policy.js';
import { createMemoryTokenVault } from './vault/memory-vault.js';

const KEY = 'c3'.repeat(32);
const env = { LEAKGUARD_KEY: KEY };

function errorOf(fn: () => unknown): LeakguardError {
  try {
    fn();
  } catch (e) {
    if (isLeakguardError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const BASE = `keys:
  main: { env: LEAKGUARD_KEY }
rules:
  - { type: CN_MOBILE, action: mask }
  - { type: CN_RESIDENT_ID, action: pseudonym, key: main }
  - { type: EMAIL_ADDRESS, action: hash, key: main }
  - { column: birthday, action: generalize, options: { to: year } }
default: { action: redact }
`;

describe('parsePolicy', () => {
  it('compiles the documented minimum shape when every key is present', () => {
    const p = parsePolicy(BASE, 'p.yaml', { env });
    expect(p.rules.map((r) => r.action)).toEqual(['mask', 'pseudonym', 'hash', 'generalize']);
    expect(p.ruleFor('CN_MOBILE')?.apply('13812345678')).toBe('138****5678');
    expect(p.ruleFor(undefined, 'birthday')?.apply('1990-05-17')).toBe('1990');
    expect(p.ruleFor('US_SSN')?.action).toBe('redact');
    expect(p.ruleFor(undefined, 'unknown_column')).toBeUndefined();
  });

  it('prefers type+column over column over type when several rules match', () => {
    const p = parsePolicy(
      `keys: { main: { env: LEAKGUARD_KEY } }
rules:
  - { type: CN_MOBILE, action: mask }
  - { column: Phone, action: redact }
  - { type: CN_MOBILE, column: phone, action: hash }
  - { column: $.user.Phone, action: keep }
`,
      'p.yaml',
      { env },
    );
    expect(p.ruleFor('CN_MOBILE', 'PHONE')?.action).toBe('hash');
    expect(p.ruleFor('EMAIL_ADDRESS', 'phone')?.action).toBe('redact');
    expect(p.ruleFor('CN_MOBILE', 'other')?.action).toBe('mask');
    expect(p.ruleFor(undefined, '$.user.Phone')?.action).toBe('keep');
    expect(p.ruleFor(undefined, '$.user.phone')).toBeUndefined();
  });

  it('uses the only key when a keyed rule names none', () => {
    const p = parsePolicy(
      'keys: { k: { env: LEAKGUARD_KEY } }\nrules:\n  - { type: CN_MOBILE, action: hash }\n',
      'p.yaml',
      {
        env,
      },
    );
    expect(p.rules[0]?.key?.name).toBe('k');
  });

  it('reports file, line and field when the action is unknown', () => {
    const e = errorOf(() => parsePolicy(BASE.replace('action: hash', 'action: hsah'), 'p.yaml', { env }));
    expect(e.code).toBe('LG_POLICY_INVALID');
    expect(e.location).toMatchObject({ file: 'p.yaml', line: 6, field: 'rules[2].action' });
    expect(e.message).toContain('"hsah"');
  });

  it('reports the line of an unknown entity type when it sits in a list', () => {
    const e = errorOf(() =>
      parsePolicy('rules:\n  - type:\n      - CN_MOBILE\n      - CN_MOBLIE\n    action: mask\n', 'p.yaml', { env }),
    );
    expect(e.location).toMatchObject({ line: 4, field: 'rules[0].type[1]' });
  });

  it('accepts custom entity types when they are declared', () => {
    const text = 'rules:\n  - { type: EMPLOYEE_ID, action: mask }\n';
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(/unknown entity type "EMPLOYEE_ID"/);
    expect(parsePolicy(text, 'p.yaml', { customTypes: ['EMPLOYEE_ID'] }).ruleFor('EMPLOYEE_ID')?.action).toBe('mask');
  });

  it('reports the option path when operator options are invalid', () => {
    const e = errorOf(() =>
      parsePolicy('rules:\n  - type: CN_MOBILE\n    action: mask\n    options:\n      keepFirst: -1\n', 'p.yaml'),
    );
    expect(e.location).toMatchObject({ line: 5, field: 'rules[0].options.keepFirst' });
  });

  it("reports file, line and field when a pseudonym keep aspect does not fit the rule's type", () => {
    const e = errorOf(() =>
      parsePolicy(
        'keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { type: CN_MOBILE, action: mask }\n  - type: CN_RESIDENT_ID\n    action: pseudonym\n    options: { keep: [region, domain] }\n',
        'p.yaml',
        { env },
      ),
    );
    expect(e.code).toBe('LG_POLICY_INVALID');
    expect(e.message).toMatch(
      /^Cannot load policy "p\.yaml": line 7, rules\[1\]\.options\.keep\[1\]: "domain" is not an aspect pseudonym can keep for CN_RESIDENT_ID/,
    );
    expect(e.location).toMatchObject({ file: 'p.yaml', line: 7, field: 'rules[1].options.keep[1]' });
  });

  it('reports file, line and field when dateshift rules name different subjects', () => {
    const e = errorOf(() =>
      parsePolicy(
        'keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { column: visit, action: dateshift, options: { subject: patient } }\n  - column: discharge\n    action: dateshift\n    options:\n      subject: person\n',
        'p.yaml',
        { env },
      ),
    );
    expect(e.code).toBe('LG_POLICY_INVALID');
    expect(e.message).toContain(
      'line 8, rules[1].options.subject: every dateshift rule must name the same subject ("patient" in rules[0])',
    );
  });

  it('reports unknown fields, missing keys and rules without a target with their lines', () => {
    expect(
      errorOf(() => parsePolicy('rules:\n  - { type: CN_MOBILE, acton: mask }\n', 'p.yaml')).location,
    ).toMatchObject({
      line: 2,
    });
    const k = errorOf(() => parsePolicy(BASE.replace('key: main }', 'key: nope }'), 'p.yaml', { env }));
    expect(k.location).toMatchObject({ line: 5, field: 'rules[1].key' });
    const t = errorOf(() => parsePolicy('rules:\n  - { action: mask }\n', 'p.yaml'));
    expect(t.location).toMatchObject({ line: 2, field: 'rules[0]' });
  });

  it('fails with LG_KEY_MISSING naming the variable before any data is read when the key is unset', () => {
    const e = errorOf(() => parsePolicy(BASE, 'p.yaml', { env: {} }));
    expect(e.code).toBe('LG_KEY_MISSING');
    expect(e.message).toContain('"LEAKGUARD_KEY"');
    expect(e.location).toMatchObject({ file: 'p.yaml', line: 2 });
  });

  it('fails with LG_KEY_INVALID without the material when the key is too short', () => {
    const e = errorOf(() => parsePolicy(BASE, 'p.yaml', { env: { LEAKGUARD_KEY: 'ab'.repeat(8) } }));
    expect(e.code).toBe('LG_KEY_INVALID');
    expect(e.message).not.toContain('abab');
  });

  it('fails when a keyed action has no key or tokenize has no vault', () => {
    expect(errorOf(() => parsePolicy('rules:\n  - { type: CN_MOBILE, action: hash }\n', 'p.yaml')).message).toMatch(
      /needs a key/,
    );
    expect(
      errorOf(() =>
        parsePolicy(
          `keys: { m: { env: LEAKGUARD_KEY } }\nrules:\n  - { type: CN_MOBILE, action: tokenize }\n`,
          'p.yaml',
          { env },
        ),
      ).message,
    ).toMatch(/needs a token vault/);
  });

  it('reports YAML syntax errors with their line', () => {
    const e = errorOf(() => parsePolicy('rules:\n  - { type: CN_MOBILE, action: mask\n', 'p.yaml'));
    expect(e.code).toBe('LG_POLICY_INVALID');
    expect(e.location?.line).toBeGreaterThanOrEqual(2);
  });

  it('defaults to redact when the policy has no default rule', () => {
    expect(parsePolicy('rules: []\n', 'p.yaml').ruleFor('CN_MOBILE')?.action).toBe('redact');
  });

  it('warns when a key file is group-readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-pol-'));
    writeFileSync(join(dir, 'k.key'), KEY);
    chmodSync(join(dir, 'k.key'), 0o644);
    writeFileSync(
      join(dir, 'p.yaml'),
      'keys: { k: { file: ./k.key } }\nrules:\n  - { type: CN_MOBILE, action: hash }\n',
    );
    const p = loadPolicy(join(dir, 'p.yaml'));
    expect(p.warnings.some((w) => w.includes('k.key'))).toBe(true);
    expect(p.warnings.join('\n')).not.toContain(KEY);
  });
});

describe('loadPolicy', () => {
  it('loads examples/policy.yaml when LEAKGUARD_KEY is set and a vault is given for its tokenize rule', () => {
    const file = resolve(import.meta.dirname, '../../examples/policy.yaml');
    // The example leaves the vault to the CLI (the catalog database): a program passes one.
    expect(errorOf(() => loadPolicy(file, { env })).message).toContain('needs a token vault');
    const p = loadPolicy(file, { env, vault: createMemoryTokenVault() });
    expect(p.rules.length).toBeGreaterThan(5);
    expect(p.ruleFor('CN_RESIDENT_ID')?.action).toBe('pseudonym');
    expect(p.ruleFor('US_SSN')?.apply('123-45-6789', { type: 'US_SSN' })).toBe('<US_SSN>');
  });

  it('throws LG_CONFIG_NOT_FOUND when the file does not exist', () => {
    expect(errorOf(() => loadPolicy('/nonexistent/policy.yaml')).code).toBe('LG_CONFIG_NOT_FOUND');
  });
});
