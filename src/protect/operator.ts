/**
 * The operator contract (STYLE.md "Extension contracts"): `{ name, reversible, parse(params), apply(value, ctx),
 * revert?(value, ctx) }`.
 *
 * Work happens once: `parse` validates and normalises an operator's options when a policy is loaded (zod, errors
 * naming the field) and the result rides along in `ctx.params`, with the rule's key already resolved; `apply`
 * then does only the per-value work. `apply` is synchronous for every built-in operator except `tokenize` with
 * an asynchronous vault; callers test `typeof result === 'string'` on the fast path and await otherwise.
 */
import type { z } from 'zod';
import { type ErrorLocation, PolicyError } from '../core/errors.js';
import type { EntityName } from '../core/finding.js';
import type { KeyMaterial, KeyRing } from './keys/key-ring.js';
import type { TokenVault } from './vault/token-vault.js';

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** The built-in operator names (one lowercase word each). */
export type OperatorName =
  | 'redact'
  | 'replace'
  | 'keep'
  | 'mask'
  | 'hash'
  | 'pseudonym'
  | 'fpe'
  | 'encrypt'
  | 'tokenize'
  | 'generalize'
  | 'dateshift';

/** Whether an operator needs a key from the policy's key ring. */
export type KeyUse = 'required' | 'none';

/** What an operator sees for one value. */
export interface OperatorContext<P> {
  /** The operator's parsed options (from {@link Operator.parse}). */
  readonly params: P;
  /** The entity type of the value, when it was detected (or the rule names exactly one type). */
  readonly type: EntityName | undefined;
  /** The column name / CSV header / JSON path the value came from, when structured. */
  readonly column: string | undefined;
  /** The rule's resolved key (operators derive their own per-purpose subkeys from it). */
  readonly key: KeyMaterial | undefined;
  /** Every key of the policy, for reverting tagged outputs by key id after rotation. */
  readonly keys: KeyRing | undefined;
  /** The data subject (e.g. a patient id) for `dateshift`: every date of one subject moves by the same offset. */
  readonly subject: string | undefined;
  /** The token vault for `tokenize`. */
  readonly vault: TokenVault | undefined;
  /** Who is asking (recorded in the vault's audit log when detokenizing). */
  readonly actor: string | undefined;
}

/** What {@link Operator.parse} knows about the rule it parses options for. */
export interface ParseInfo {
  /** The entity types the rule matches (undefined for a column-only or default rule). */
  readonly types?: readonly EntityName[] | undefined;
}

/** A de-identification operator. Built-ins assert conformance with `satisfies Operator<…>`. */
export interface Operator<P = unknown> {
  readonly name: OperatorName;
  /** Whether {@link Operator.revert} can recover the original (with the key, and the vault for tokens). */
  readonly reversible: boolean;
  /** Whether a rule using this operator must name a key. */
  readonly keyUse: KeyUse;
  /** Whether `apply`/`revert` may return a promise (only with an asynchronous vault). */
  readonly mayBeAsync: boolean;
  /**
   * Validates and normalises options once, at policy load.
   *
   * @throws OperatorParamsError (`LG_POLICY_INVALID`) naming the offending field
   */
  parse(params: unknown, info?: ParseInfo): P;
  /**
   * Protects one value.
   *
   * @throws PolicyError `LG_OPERATOR_FAILED` when the value cannot be processed (the message never holds it)
   */
  apply(value: string, ctx: OperatorContext<P>): MaybePromise<string>;
  /** Recovers the original of a protected value (reversible operators only). */
  revert?(value: string, ctx: OperatorContext<P>): MaybePromise<string>;
}

/** A {@link PolicyError} for invalid operator options; `path` is relative to the rule's `options`. */
export class OperatorParamsError extends PolicyError {
  readonly path: readonly (string | number)[];

  constructor(operator: string, path: readonly (string | number)[], detail: string, location?: ErrorLocation) {
    const field = path.length ? `options.${path.join('.')}` : 'options';
    super('LG_POLICY_INVALID', `Invalid options for operator "${operator}": ${field}: ${detail}`, {
      location: { ...location, field },
    });
    this.path = path;
  }
}

/**
 * Parses `params` with a zod schema, turning the first issue into an {@link OperatorParamsError}.
 *
 * @throws OperatorParamsError naming the field of the first issue
 * @example
 * parseWith('mask', MaskSchema, { keepFirst: 3 })
 */
export function parseWith<S extends z.ZodType>(operator: string, schema: S, params: unknown): z.output<S> {
  const r = schema.safeParse(params ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new OperatorParamsError(
    operator,
    (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol'),
    issue?.message ?? 'invalid value',
  );
}

/**
 * The error an operator throws when one value cannot be processed. Names the operator and the type or column,
 * never the value.
 *
 * @example
 * throw operatorFailed('fpe', ctx, 'the value has fewer than 6 digits')
 */
export function operatorFailed(
  operator: string,
  ctx: { type: EntityName | undefined; column: string | undefined },
  detail: string,
  cause?: unknown,
): PolicyError {
  const what = ctx.type ? ` on ${ctx.type}` : ctx.column ? ` on column "${ctx.column}"` : '';
  return new PolicyError('LG_OPERATOR_FAILED', `Cannot apply operator "${operator}"${what}: ${detail}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Whether `v` is a promise-like (the slow path of {@link Operator.apply}). */
export function isPromiseLike<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
