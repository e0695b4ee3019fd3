/**
 * `keep`: leaves the value as it is (an explicit "this type is allowed" rule, e.g. organisation USCCs).
 */
import { z } from 'zod';
import { type Operator, parseWith } from '../operator.js';

const Schema = z.strictObject({});

/** Options of `keep` (none). */
export type KeepParams = z.output<typeof Schema>;

/**
 * The `keep` operator.
 *
 * @example
 * keep.apply('91110000600037341L', ctx) // '91110000600037341L'
 */
export const keep = {
  name: 'keep',
  reversible: true,
  keyUse: 'none',
  mayBeAsync: false,
  parse: (params: unknown): KeepParams => parseWith('keep', Schema, params),
  apply: (value: string): string => value,
  revert: (value: string): string => value,
} satisfies Operator<KeepParams>;
