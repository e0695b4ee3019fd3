import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { detect } from '../detect/index.js';
import { isMod112Valid } from '../detect/validators/mod11-2.js';
import { anonymizeText, anonymizeTextAsync, revealText, revealTextAsync } from './anonymizer.js';
import { parsePolicy } from './policy.js';
import { createMemoryTokenVault } from './vault/memory-vault.js';
import type { TokenVault } from './vault/token-vault.js';

const env = { LEAKGUARD_KEY: 'd4'.repeat(32), OLD_KEY: 'e5'.repeat(32) };

const POLICY = `keys:
  main: { env: LEAKGUARD_KEY }
vault: { memory: true }
rules:
  - { type: CN_MOBILE, action: mask }
  - { type: CN_RESIDENT_ID, action: fpe, key: main, options: { preserveCheck: true } }
  - { type: EMAIL_ADDRESS, action: encrypt, key: main }
  - { type: CN_PASSPORT, action: tokenize, key: main }
  - { type: PERSON, action: replace }
default: { action: redact }
`;

function find(text: string, value: string, type: Finding['type']): Finding {
  const start = text.indexOf(value);
  if (start < 0) throw new Error('test value missing');
  return { type, start, end: start + value.length, score: 1, recognizer: 'test' };
}

const TEXT = '张三的手机13812345678，身份证11010519491231002X，邮箱zhang.san@example.com，护照E12345678。';
const FINDINGS: Finding[] = [
  find(TEXT, '张三', 'PERSON'),
  find(TEXT, '13812345678', 'CN_MOBILE'),
  find(TEXT, '11010519491231002X', 'CN_RESIDENT_ID'),
  find(TEXT, 'zhang.san@example.com', 'EMAIL_ADDRESS'),
  find(TEXT, 'E12345678', 'CN_PASSPORT'),
];

describe('anonymizeText', () => {
  it('applies each finding its rule and reports old and new offsets', () => {
    const policy = parsePolicy(POLICY, 'p.yaml', { env });
    const r = anonymizeText(TEXT, FINDINGS, policy);
    expect(r.text.startsWith('<PERSON>的手机138****5678，身份证')).toBe(true);
    expect(r.applied.map((a) => a.action)).toEqual(['replace', 'mask', 'fpe', 'encrypt', 'tokenize']);
    for (const a of r.applied) {
      expect(r.text.slice(a.newStart, a.newEnd)).not.toBe(TEXT.slice(a.start, a.end));
    }
    const id = r.applied[2];
    expect(id && isMod112Valid(r.text.slice(id.newStart, id.newEnd))).toBe(true);
    for (const v of ['13812345678', '11010519491231002X', 'zhang.san@example.com', 'E12345678', '张三']) {
      expect(r.text).not.toContain(v);
    }
  });

  it('reveals tagged outputs by pattern and fpe outputs at the applied spans', () => {
    const policy = parsePolicy(POLICY, 'p.yaml', { env });
    const r = anonymizeText(TEXT, FINDINGS, policy);
    const tagged = revealText(r.text, policy, { actor: 'auditor' });
    expect(tagged.text).toContain('zhang.san@example.com');
    expect(tagged.text).toContain('E12345678');
    expect(tagged.text).not.toContain('11010519491231002X');
    const spans = r.applied.map((a) => ({ type: a.type, start: a.newStart, end: a.newEnd }));
    const full = revealText(r.text, policy, { spans });
    expect(full.text).toBe(TEXT.replace('张三', '<PERSON>').replace('13812345678', '138****5678'));
    expect(full.revealed.map((s) => s.action).sort()).toEqual(['encrypt', 'fpe', 'tokenize']);
    const log = policy.vault?.auditLog() as unknown as Array<{ actor: string; outcome: string }>;
    expect(log.map((e) => [e.actor, e.outcome])).toEqual([
      ['auditor', 'ok'],
      ['', 'ok'],
    ]);
  });

  it('reveals fpe outputs found by detecting the protected text again when preserveCheck keeps them valid', () => {
    const policy = parsePolicy(POLICY, 'p.yaml', { env });
    const text = '身份证号：11010519491231002X';
    const findings = detect(text).filter((f) => f.type === 'CN_RESIDENT_ID');
    expect(findings).toHaveLength(1);
    const protectedText = anonymizeText(text, findings, policy).text;
    const again = detect(protectedText).filter((f) => f.type === 'CN_RESIDENT_ID');
    expect(revealText(protectedText, policy, { spans: again }).text).toBe(text);
  });

  it('leaves masked findings alone and keeps text between findings intact', () => {
    const policy = parsePolicy(POLICY, 'p.yaml', { env });
    const text = 'a 138****5678 b';
    const f: Finding = { type: 'CN_MOBILE', start: 2, end: 13, score: 1, recognizer: 't', masked: true };
    expect(anonymizeText(text, [f], policy)).toEqual({ text, applied: [] });
  });

  it('throws RangeError when findings overlap or are unsorted', () => {
    const policy = parsePolicy(POLICY, 'p.yaml', { env });
    const a: Finding = { type: 'CN_MOBILE', start: 0, end: 5, score: 1, recognizer: 't' };
    const b: Finding = { type: 'CN_MOBILE', start: 3, end: 8, score: 1, recognizer: 't' };
    expect(() => anonymizeText('0123456789', [a, b], policy)).toThrow(RangeError);
  });

  it('fails or redacts a value an operator cannot process, as onError says', () => {
    const text = 'id 123';
    const f: Finding = { type: 'CN_RESIDENT_ID', start: 3, end: 6, score: 1, recognizer: 't' };
    const failing = parsePolicy(POLICY, 'p.yaml', { env });
    expect(() => anonymizeText(text, [f], failing)).toThrow(/Cannot apply operator "fpe"/);
    const redacting = parsePolicy(`${POLICY}onError: redact\n`, 'p.yaml', { env });
    const r = anonymizeText(text, [f], redacting);
    expect(r.text).toBe('id ');
    expect(r.applied[0]?.failed).toBe(true);
  });

  it('reveals values encrypted under a rotated key when the old key stays in the ring', () => {
    const old = parsePolicy(
      'keys: { old: { env: OLD_KEY, id: k2024 } }\nrules:\n  - { type: EMAIL_ADDRESS, action: encrypt }\n',
      'old.yaml',
      { env },
    );
    const text = 'mail a@example.com';
    const enc = anonymizeText(text, [find(text, 'a@example.com', 'EMAIL_ADDRESS')], old).text;
    expect(enc).toMatch(/enc:v1:k2024:/);
    const rotated = parsePolicy(
      'keys:\n  main: { env: LEAKGUARD_KEY }\n  old: { env: OLD_KEY, id: k2024 }\nrules:\n  - { type: EMAIL_ADDRESS, action: encrypt, key: main }\n',
      'new.yaml',
      { env },
    );
    expect(revealText(enc, rotated).text).toBe(text);
    const withoutOld = parsePolicy(POLICY, 'p.yaml', { env });
    expect(revealText(enc, withoutOld)).toMatchObject({ text: enc, failed: 1 });
  });

  it('keeps the text outside findings byte for byte for any input', () => {
    const policy = parsePolicy(POLICY, 'p.yaml', { env });
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (pre, post) => {
        const text = `${pre}13812345678${post}`;
        const r = anonymizeText(text, [find(text, '13812345678', 'CN_MOBILE')], policy);
        expect(r.text).toBe(`${pre}138****5678${post}`);
        expect(r.applied[0]).toMatchObject({ newStart: pre.length, newEnd: pre.length + 11 });
      }),
    );
  });
});

describe('anonymizeTextAsync', () => {
  it('tokenizes and reveals through an asynchronous vault', async () => {
    const inner = createMemoryTokenVault();
    const vault: TokenVault = {
      put: async (r) => inner.put(r),
      lookup: async (i) => inner.lookup(i),
      get: async (t) => inner.get(t),
      audit: async (e) => inner.audit(e),
      auditLog: async () => inner.auditLog(),
      close: async () => inner.close(),
    };
    const policy = parsePolicy(POLICY, 'p.yaml', { env, vault });
    const text = '护照E12345678';
    const f = [find(text, 'E12345678', 'CN_PASSPORT')];
    expect(() => anonymizeText(text, f, policy)).toThrow(/anonymizeTextAsync/);
    const r = await anonymizeTextAsync(text, f, policy);
    expect(r.text).toMatch(/^护照tok:main:[a-z2-7]{26}$/);
    expect(() => revealText(r.text, policy)).toThrow(/revealTextAsync/);
    expect((await revealTextAsync(r.text, policy)).text).toBe(text);
  });
});
