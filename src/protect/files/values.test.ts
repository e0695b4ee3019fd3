import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLeakguardError } from '../../core/errors.js';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { isPromiseLike, type MaybePromise } from '../operator.js';
import { parsePolicy } from '../policy.js';
import { ENV, people } from './__fixtures__/data.js';
import { columnRef, describeLocation, hasReversibleRule, ValueTransformer } from './values.js';

const analyzer = createAnalyzer({ recognizers: builtinRecognizers });
const P = people(5);
const here = () => ({ file: 'f.csv', row: 2, line: 3, field: 'phone' });

function sync(r: MaybePromise<string>): string {
  if (isPromiseLike(r)) throw new Error('expected a synchronous result');
  return r;
}

function transformer(policyText: string, mode: 'protect' | 'reveal' = 'protect'): ValueTransformer {
  return new ValueTransformer(parsePolicy(policyText, 'p.yaml', { env: ENV }), analyzer, mode);
}

const mask = (m: string): string => `${m.slice(0, 3)}****${m.slice(7)}`;

describe('ValueTransformer', () => {
  it('ValueTransformer applies a column rule to the whole value whatever detection finds', () => {
    const t = transformer(
      `rules:\n  - { column: notes, action: replace, options: { value: X } }\n  - { type: CN_MOBILE, action: mask }\n`,
    );
    expect(sync(t.value('no personal data here', columnRef('Notes'), undefined, here))).toBe('X');
    const m = P[0]?.mobile as string;
    expect(sync(t.value(`call ${m}`, columnRef('other'), undefined, here))).toBe(`call ${mask(m)}`);
    expect(t.stats.byColumn).toEqual({ Notes: 1 });
  });

  it('ValueTransformer leaves a keep column untouched, personal data included', () => {
    const t = transformer(`rules:\n  - { column: ok, action: keep }\ndefault: { action: redact }\n`);
    const m = P[0]?.mobile as string;
    expect(sync(t.value(m, columnRef('ok'), undefined, here))).toBe(m);
    expect(sync(t.value(m, columnRef('x'), undefined, here))).toBe('');
  });

  it('ValueTransformer prefers a type+column rule when detection finds its type, else the column rule', () => {
    const t = transformer(
      `rules:\n  - { type: CN_MOBILE, column: contact, action: replace, options: { value: MOBILE } }\n  - { column: contact, action: replace, options: { value: OTHER } }\n  - { type: EMAIL_ADDRESS, column: only_typed, action: replace, options: { value: "{type}" } }\n`,
    );
    expect(sync(t.value(P[0]?.mobile as string, columnRef('contact'), undefined, here))).toBe('MOBILE');
    expect(sync(t.value('n/a', columnRef('contact'), undefined, here))).toBe('OTHER');
    // Only a type+column rule, nothing detected: the column is declared to hold that type.
    expect(sync(t.value('n/a', columnRef('only_typed'), undefined, here))).toBe('EMAIL_ADDRESS');
  });

  it('ValueTransformer matches an exact JSON path before its [*] form and its last key', () => {
    const t = transformer(
      `rules:\n  - { column: "$.a[0].phone", action: replace, options: { value: EXACT } }\n  - { column: "$.a[*].phone", action: replace, options: { value: WILD } }\n  - { column: phone, action: replace, options: { value: KEY } }\n`,
    );
    expect(sync(t.value('v', columnRef('$.a[0].phone', ['$.a[*].phone', 'phone']), undefined, here))).toBe('EXACT');
    expect(sync(t.value('v', columnRef('$.a[1].phone', ['$.a[*].phone', 'phone']), undefined, here))).toBe('WILD');
    expect(sync(t.value('v', columnRef('$.b.phone', ['$.b.phone', 'phone']), undefined, here))).toBe('KEY');
  });

  it('ValueTransformer uses the column header as detection context', () => {
    const t = transformer('rules:\n  - { type: PERSON, action: replace }\n');
    expect(sync(t.value('王芳', columnRef('column 3'), undefined, here))).toBe('王芳');
    expect(sync(t.value('王芳', columnRef('姓名'), undefined, here))).toBe('<PERSON>');
  });

  it('ValueTransformer protects a value seen protected earlier in the file wherever it appears alone', () => {
    const t = transformer('rules:\n  - { type: PERSON, action: replace }\n');
    expect(sync(t.value('王芳', columnRef('note'), undefined, here))).toBe('王芳');
    expect(sync(t.value('王芳', columnRef('姓名'), undefined, here))).toBe('<PERSON>');
    expect(sync(t.value('王芳', columnRef('note'), undefined, here))).toBe('<PERSON>');
    const off = new ValueTransformer(
      parsePolicy('rules:\n  - { type: PERSON, action: replace }\n', 'p.yaml', { env: ENV }),
      analyzer,
      'protect',
      {
        rememberValues: false,
      },
    );
    sync(off.value('王芳', columnRef('姓名'), undefined, here));
    expect(sync(off.value('王芳', columnRef('note'), undefined, here))).toBe('王芳');
  });

  it('ValueTransformer locates operator failures without the value, or redacts under onError: redact', () => {
    const policy = `keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { column: phone, action: fpe, key: main }\n`;
    try {
      transformer(policy).value('abc', columnRef('phone'), undefined, here);
      expect.unreachable();
    } catch (e) {
      expect(isLeakguardError(e) && e.code).toBe('LG_OPERATOR_FAILED');
      expect((e as Error).message).toContain('(at "f.csv" row 2 (line 3), column "phone")');
      expect((e as Error).message).not.toContain('abc');
    }
    const t = transformer(`${policy}onError: redact\n`);
    expect(sync(t.value('abc', columnRef('phone'), undefined, here))).toBe('');
    expect(t.stats.failed).toBe(1);
  });

  it('ValueTransformer reveal reverses reversible column rules and leaves the others', () => {
    const policy = `keys:\n  main: { env: LEAKGUARD_KEY }\nvault: { memory: true }\nrules:\n  - { column: a, action: fpe, key: main }\n  - { column: b, action: encrypt, key: main }\n  - { column: c, action: tokenize, key: main }\n  - { column: d, action: hash, key: main }\n`;
    const parsed = parsePolicy(policy, 'p.yaml', { env: ENV });
    const protect = new ValueTransformer(parsed, analyzer, 'protect');
    const reveal = new ValueTransformer(parsed, analyzer, 'reveal', { actor: 'tester' });
    expect(hasReversibleRule(parsed)).toBe(true);
    fc.assert(
      // Tokens look values up by their canonical form (spaces and hyphens ignored): distinct canonical forms here.
      fc.property(
        fc.stringMatching(/^[0-9]{6,20}$/),
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.stringMatching(/^[a-z0-9]{1,20}$/),
        (digits, text, word) => {
          for (const [col, v] of [
            ['a', digits],
            ['b', text],
            ['c', word],
          ] as const) {
            const out = sync(protect.value(v, columnRef(col), undefined, here));
            expect(sync(reveal.value(out, columnRef(col), undefined, here))).toBe(v);
          }
          const hashed = sync(protect.value(text, columnRef('d'), undefined, here));
          expect(sync(reveal.value(hashed, columnRef('d'), undefined, here))).toBe(hashed);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('ValueTransformer fpe on numbers never outputs a leading zero and reverts through it', () => {
    const t = transformer(`keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { column: n, action: fpe, key: main }\n`);
    const r = transformer(
      `keys:\n  main: { env: LEAKGUARD_KEY }\nrules:\n  - { column: n, action: fpe, key: main }\n`,
      'reveal',
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 100_000n, max: 10n ** 18n }), (n) => {
        const out = sync(t.value(String(n), columnRef('n'), undefined, here, true));
        expect(out).toMatch(/^[1-9][0-9]*$/);
        expect(out).toHaveLength(String(n).length);
        expect(sync(r.value(out, columnRef('n'), undefined, here, true))).toBe(String(n));
      }),
      { numRuns: 200 },
    );
  });

  it('ValueTransformer protected text never holds a detected original (any surrounding text)', () => {
    const t = transformer('rules:\n  - { type: [CN_MOBILE, CN_RESIDENT_ID, EMAIL_ADDRESS], action: redact }\n');
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom(...P), fc.string({ maxLength: 20 }), (a, p, b) => {
        for (const v of [p.mobile, p.id, p.email]) {
          const text = `${a} ${v} ${b}`;
          const found = analyzer.detect(text).some((f) => text.slice(f.start, f.end) === v);
          const out = sync(t.value(text, undefined, undefined, here));
          if (found) expect(out.includes(v)).toBe(false);
        }
      }),
    );
  });
});

describe('describeLocation', () => {
  it('describeLocation names file, sheet, row, line and column', () => {
    expect(describeLocation({ file: 'a.xlsx', sheet: 'S', row: 4, field: 'x' })).toBe(
      '"a.xlsx" sheet "S" row 4, column "x"',
    );
    expect(describeLocation({ file: 'a.log', line: 9 })).toBe('"a.log" line 9');
  });
});
