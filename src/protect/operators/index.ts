/**
 * The built-in operators, by name. Registration is this explicit list (no discovery by import side effect).
 */
import type { Operator, OperatorName } from '../operator.js';
import { dateshift } from './dateshift.js';
import { encrypt } from './encrypt.js';
import { fpe } from './fpe.js';
import { generalize } from './generalize.js';
import { hash } from './hash.js';
import { keep } from './keep.js';
import { mask } from './mask.js';
import { pseudonym } from './pseudonym.js';
import { redact } from './redact.js';
import { replace } from './replace.js';
import { tokenize } from './tokenize.js';

/** Every built-in operator. */
export const BUILTIN_OPERATORS: readonly Operator[] = [
  redact,
  replace,
  keep,
  mask,
  hash,
  pseudonym,
  fpe,
  encrypt,
  tokenize,
  generalize,
  dateshift,
];

const BY_NAME = new Map<string, Operator>(BUILTIN_OPERATORS.map((o) => [o.name, o]));

/** Names of the built-in operators (the `action:` values a policy accepts). */
export const OPERATOR_NAMES = BUILTIN_OPERATORS.map((o) => o.name) as readonly OperatorName[];

/**
 * The built-in operator called `name`, if any.
 *
 * @example
 * getOperator('mask')?.reversible // false
 */
export function getOperator(name: string): Operator | undefined {
  return BY_NAME.get(name);
}

export { dateshift, encrypt, fpe, generalize, hash, keep, mask, pseudonym, redact, replace, tokenize };
