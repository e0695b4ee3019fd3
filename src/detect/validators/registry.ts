/**
 * Validators by name, for custom recognizers in user configuration (`validator: luhn`). Each takes the
 * candidate with spaces and hyphens removed and returns whether its check passes.
 */
import { isLuhnValid } from './luhn.js';

type Validator = (value: string) => boolean;

const VALIDATORS = new Map<string, Validator>([['luhn', isLuhnValid]]);

/** The validator registered under `name`, if any. */
export function getValidator(name: string): Validator | undefined {
  return VALIDATORS.get(name);
}

/** Names of every registered validator. */
export function validatorNames(): string[] {
  return [...VALIDATORS.keys()].sort();
}
