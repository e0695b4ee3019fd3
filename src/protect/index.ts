/**
 * `leakguard/protect`: de-identification operators, keys, policies, token vaults and the text anonymizer. Files
 * and streams are in `leakguard/protect/files` (`protectFile`, `revealFile`, `protectStream`,
 * `createProtectTransform`), database tables in `leakguard/protect/db` (`protectTable`; it loads the database
 * drivers, so it is a subpath of its own).
 *
 * @example
 * import { loadPolicy, anonymizeText } from 'leakguard/protect';
 * const policy = loadPolicy('policy.yaml');
 * anonymizeText(text, findings, policy).text;
 */
export {
  type AnonymizeContext,
  type AnonymizeResult,
  type AppliedSpan,
  anonymizeText,
  anonymizeTextAsync,
  type RevealedSpan,
  type RevealOptions,
  type RevealResult,
  type RevealSpan,
  revealText,
  revealTextAsync,
} from './anonymizer.js';
export { AesSiv } from './crypto/aes-siv.js';
export { Ff1 } from './crypto/ff1.js';
export { Ff3_1 } from './crypto/ff3-1.js';
export { ALPHABETS, Alphabet, type AlphabetName } from './crypto/numeral.js';
export * from './keys/index.js';
export { normalizeValue } from './normalize-value.js';
export {
  isPromiseLike,
  type KeyUse,
  type MaybePromise,
  type Operator,
  type OperatorContext,
  type OperatorName,
  OperatorParamsError,
  operatorFailed,
  type ParseInfo,
  parseWith,
} from './operator.js';
export { BUILTIN_OPERATORS, getOperator, OPERATOR_NAMES } from './operators/index.js';
export { hasPseudonymGenerator, PSEUDONYM_KEEP } from './operators/pseudonym.js';
export {
  type ApplyOptions,
  type CompiledPolicy,
  type CompiledRule,
  loadPolicy,
  type OnError,
  type PolicyOptions,
  parsePolicy,
  policySubject,
} from './policy.js';
export * from './vault/index.js';
