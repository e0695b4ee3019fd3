/**
 * `replace`: substitutes a constant, by default the `<TYPE>` label (`<CN_MOBILE>`), or `<REDACTED>` when the
 * value has no detected type. `{type}` and `{column}` in a custom value are filled in.
 */
import { z } from 'zod';
import { type Operator, parseWith } from '../operator.js';

const Schema = z.strictObject({
  /** The replacement; `{type}` and `{column}` are substituted. Default `<{type}>`. */
  value: z.string().max(1000).optional(),
});

/** Options of `replace`. */
export interface ReplaceParams {
  readonly value: string | undefined;
  /** Whether `value` holds a placeholder (checked once at parse). */
  readonly templated: boolean;
}

/**
 * The `replace` operator.
 *
 * @example
 * replace.apply('13812345678', { ...ctx, type: 'CN_MOBILE' }) // '<CN_MOBILE>'
 */
export const replace = {
  name: 'replace',
  reversible: false,
  keyUse: 'none',
  mayBeAsync: false,
  parse(params: unknown): ReplaceParams {
    const p = parseWith('replace', Schema, params);
    return { value: p.value, templated: p.value !== undefined && /\{(?:type|column)\}/.test(p.value) };
  },
  apply(_value, ctx): string {
    const v = ctx.params.value;
    const label = ctx.type ?? 'REDACTED';
    if (v === undefined) return `<${label}>`;
    if (!ctx.params.templated) return v;
    return v.replaceAll('{type}', label).replaceAll('{column}', ctx.column ?? '');
  },
} satisfies Operator<ReplaceParams>;
