/**
 * `redact`: removes the value (empty output). Irreversible; needs no key.
 */
import { z } from 'zod';
import { type Operator, parseWith } from '../operator.js';

const Schema = z.strictObject({});

/** Options of `redact` (none). */
export type RedactParams = z.output<typeof Schema>;

/**
 * The `redact` operator.
 *
 * @example
 * redact.apply('13812345678', ctx) // ''
 */
export const redact = {
  name: 'redact',
  reversible: false,
  keyUse: 'none',
  mayBeAsync: false,
  parse: (params: unknown): RedactParams => parseWith('redact', Schema, params),
  apply: (): string => '',
} satisfies Operator<RedactParams>;
