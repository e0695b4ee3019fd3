/**
 * Fixtures for the table protectors: a policy of deterministic operators that are not idempotent (protecting a
 * value twice gives another result, so a resumed run that repeated a row would be caught), synthetic rows (the
 * project's generators, valid check digits, never a real person's number) and the expected result of applying
 * the policy once.
 */
import { createAnalyzer } from '../../../detect/analyzer.js';
import { builtinRecognizers } from '../../../detect/presets.js';
import { people } from '../../files/__fixtures__/data.js';
import { columnRef, ValueTransformer } from '../../files/values.js';
import { isPromiseLike } from '../../operator.js';
import type { CompiledPolicy } from '../../policy.js';

export { ENV } from '../../files/__fixtures__/data.js';

/** Hash of whole phone values, fpe of mobiles and hash of e-mail addresses found in notes. */
export const TABLE_POLICY = `keys:
  main: { env: LEAKGUARD_KEY }
rules:
  - { column: phone, action: hash, key: main, options: { length: 16 } }
  - { type: CN_MOBILE, action: fpe, key: main }
  - { type: EMAIL_ADDRESS, action: hash, key: main, options: { length: 16 } }
default: { action: redact }
`;

/** One synthetic row. */
export interface TableRow {
  readonly id: number;
  readonly phone: string;
  readonly note: string;
  readonly age: number;
}

/** `n` rows with ids 1..n. */
export function tableRows(n: number, seed = 11): TableRow[] {
  const ps = people(Math.min(n, 500), seed);
  const out: TableRow[] = [];
  for (let i = 0; i < n; i++) {
    const p = ps[i % ps.length]!;
    out.push({ id: i + 1, phone: p.mobile, note: `请联系 ${p.mobile}，邮箱 ${p.email}`, age: 20 + (i % 50) });
  }
  return out;
}

/** A detector with every built-in recognizer, built once. */
export const ANALYZER = createAnalyzer({ recognizers: builtinRecognizers });

/** Applies `policy` once to `value` from `column`, as the table protector does in place. */
export function protectOnce(policy: CompiledPolicy, column: string, value: string): string {
  const t = new ValueTransformer(policy, ANALYZER, 'protect', { rememberValues: false });
  const r = t.value(value, columnRef(column), undefined, () => ({}));
  if (isPromiseLike(r)) throw new Error('unexpected asynchronous operator');
  return r;
}
