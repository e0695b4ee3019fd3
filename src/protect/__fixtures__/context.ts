/** Test helpers: operator contexts with synthetic keys. Never used outside tests. */
import type { EntityType } from '../../core/entity-types.js';
import { KeyMaterial, KeyRing } from '../keys/key-ring.js';
import type { Operator, OperatorContext } from '../operator.js';
import type { TokenVault } from '../vault/token-vault.js';

/** A fixed synthetic test key (never a real one). */
export const KEY_A = new KeyMaterial('main', Buffer.alloc(32, 0x11));
/** A second, different test key. */
export const KEY_B = new KeyMaterial('other', Buffer.alloc(32, 0x22), 'k2');

/** Builds a context for `op` with parsed `params`. */
export function ctxFor<P>(
  op: Operator<P>,
  params: unknown,
  extra: {
    type?: EntityType;
    column?: string;
    key?: KeyMaterial | null;
    subject?: string;
    vault?: TokenVault;
    actor?: string;
    keys?: KeyRing;
  } = {},
): OperatorContext<P> {
  const key = extra.key === null ? undefined : (extra.key ?? KEY_A);
  return {
    params: op.parse(params, extra.type ? { types: [extra.type] } : {}),
    type: extra.type,
    column: extra.column,
    key,
    keys: extra.keys ?? new KeyRing([KEY_A, KEY_B]),
    subject: extra.subject,
    vault: extra.vault,
    actor: extra.actor,
  };
}

/** Applies synchronously, failing the test if a promise comes back. */
export function applySync<P>(op: Operator<P>, value: string, ctx: OperatorContext<P>): string {
  const r = op.apply(value, ctx);
  if (typeof r !== 'string') throw new Error(`${op.name}.apply returned a promise`);
  return r;
}

/** Reverts synchronously. */
export function revertSync<P>(op: Operator<P>, value: string, ctx: OperatorContext<P>): string {
  if (!op.revert) throw new Error(`${op.name} has no revert`);
  const r = op.revert(value, ctx);
  if (typeof r !== 'string') throw new Error(`${op.name}.revert returned a promise`);
  return r;
}
