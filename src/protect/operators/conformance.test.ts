/**
 * The shared operator conformance suite: every built-in operator passes every check here unchanged.
 * A new operator is added to BUILTIN_OPERATORS and given a sample entry in SPECS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityType } from '../../core/entity-types.js';
import { isLeakguardError } from '../../core/errors.js';
import { ctxFor, KEY_A } from '../__fixtures__/context.js';
import { isPromiseLike, type Operator, OperatorParamsError } from '../operator.js';
import { createMemoryTokenVault } from '../vault/memory-vault.js';
import { BUILTIN_OPERATORS, getOperator, OPERATOR_NAMES } from './index.js';

interface Spec {
  /** Valid options. */
  readonly params: unknown;
  /** Values (synthetic) the operator must handle, with their types. */
  readonly cases: ReadonlyArray<readonly [EntityType | undefined, string]>;
}

const IDS: ReadonlyArray<readonly [EntityType, string]> = [
  ['CN_MOBILE', '13812345678'],
  ['CN_RESIDENT_ID', '11010519491231002X'],
  ['CN_BANK_CARD', '6222021234567894'],
  ['EMAIL_ADDRESS', 'zhang.san@example.com'],
];
const MIXED: ReadonlyArray<readonly [EntityType | undefined, string]> = [
  ...IDS,
  ['PERSON', '张三丰'],
  ['ADDRESS', '北京市海淀区中关村大街1号'],
  [undefined, 'free text 123456'],
];

const SPECS: Record<string, Spec> = {
  redact: { params: {}, cases: MIXED },
  replace: { params: {}, cases: MIXED },
  keep: { params: {}, cases: MIXED },
  mask: { params: {}, cases: MIXED },
  hash: { params: { length: 32 }, cases: MIXED },
  pseudonym: { params: {}, cases: MIXED },
  fpe: { params: {}, cases: [...IDS.filter(([t]) => t !== 'EMAIL_ADDRESS'), [undefined, '0571-88886666']] },
  encrypt: { params: {}, cases: MIXED },
  tokenize: { params: {}, cases: MIXED },
  generalize: {
    params: { to: 'year' },
    cases: [
      ['CN_RESIDENT_ID', '11010519491231002X'],
      ['DATE_OF_BIRTH', '1990-05-17'],
      ['DATE_OF_BIRTH', '1990年5月17日'],
    ],
  },
  dateshift: {
    params: {},
    cases: [
      ['DATE_OF_BIRTH', '1990-05-17'],
      ['DATE_OF_BIRTH', '1990年5月17日'],
      [undefined, '2024/03/05 10:30'],
    ],
  },
};

function run(op: Operator, value: string, type: EntityType | undefined, extra: { key?: null } = {}): string {
  const ctx = ctxFor(op, SPECS[op.name]?.params, {
    ...(type ? { type } : {}),
    subject: 'subject-1',
    vault: VAULT,
    ...extra,
  });
  const r = op.apply(value, ctx);
  if (isPromiseLike(r)) throw new Error('unexpected promise from a synchronous vault');
  return r;
}

const VAULT = createMemoryTokenVault();

describe('operator registry', () => {
  it('lists every operator once under a one-word lowercase name', () => {
    expect(new Set(OPERATOR_NAMES).size).toBe(BUILTIN_OPERATORS.length);
    for (const name of OPERATOR_NAMES) {
      expect(name).toMatch(/^[a-z]+$/);
      expect(getOperator(name)?.name).toBe(name);
    }
    expect(Object.keys(SPECS).sort()).toEqual([...OPERATOR_NAMES].sort());
  });
});

describe.each(BUILTIN_OPERATORS.map((op) => [op.name, op] as const))('operator conformance: %s', (_name, op) => {
  const spec = SPECS[op.name] as Spec;

  it('`parse` accepts the sample options and rejects an unknown option naming the field', () => {
    expect(() => op.parse(spec.params)).not.toThrow();
    try {
      op.parse({ ...(spec.params as object), noSuchOption: 1 });
      expect.unreachable('unknown option accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(OperatorParamsError);
      expect((e as OperatorParamsError).code).toBe('LG_POLICY_INVALID');
      expect((e as OperatorParamsError).location?.field).toMatch(/^options/);
    }
  });

  it('`parse` throws nothing but LG_POLICY_INVALID when given arbitrary input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          op.parse(v);
        } catch (e) {
          expect(isLeakguardError(e) && e.code).toBe('LG_POLICY_INVALID');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('`apply` returns a string synchronously and deterministically when the vault is synchronous', () => {
    for (const [type, value] of spec.cases) {
      const a = run(op, value, type);
      expect(typeof a).toBe('string');
      expect(run(op, value, type)).toBe(a);
    }
  });

  it('`apply` does not output an identifier intact unless the operator is keep', () => {
    for (const [type, value] of spec.cases) {
      if (!IDS.some(([, v]) => v === value)) continue;
      const out = run(op, value, type);
      if (op.name === 'keep') expect(out).toBe(value);
      else expect(out).not.toContain(value);
    }
  });

  it('`revert` inverts `apply` when the operator is reversible, and is absent otherwise', () => {
    expect(typeof op.revert === 'function').toBe(op.reversible);
    if (!op.revert) return;
    for (const [type, value] of spec.cases) {
      const ctx = ctxFor(op, spec.params, { ...(type ? { type } : {}), subject: 'subject-1', vault: VAULT });
      const out = op.apply(value, ctx) as string;
      expect(op.revert(out, ctx)).toBe(value);
    }
  });

  it('`apply` needs a key exactly when keyUse is required', () => {
    const [type, value] = spec.cases[0] as readonly [EntityType | undefined, string];
    if (op.keyUse === 'required') {
      try {
        run(op, value, type, { key: null });
        expect.unreachable('applied without a key');
      } catch (e) {
        expect(isLeakguardError(e) && e.code).toBe('LG_OPERATOR_FAILED');
      }
    } else {
      expect(typeof run(op, value, type, { key: null })).toBe('string');
    }
    expect(KEY_A.name).toBe('main');
  });

  it('`apply` throws only LG_OPERATOR_FAILED, without the value, when a value does not fit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<EntityType | undefined>(...spec.cases.map(([t]) => t)),
        fc.stringMatching(/^[0-9A-Za-z@._-]{12,30}$/),
        (type, value) => {
          try {
            run(op, value, type);
          } catch (e) {
            expect(isLeakguardError(e) && e.code).toBe('LG_OPERATOR_FAILED');
            expect((e as Error).message).not.toContain(value);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
