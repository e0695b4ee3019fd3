/**
 * Server-side bulk `F_k(x)` for ingesting breaches, on libsodium (WebAssembly): RFC 9497 Evaluate in VOPRF mode,
 * `Hash(len(x) ‖ x ‖ len(e) ‖ e ‖ "Finalize")` with `e = k · HashToGroup(x)`, where HashToGroup is RFC 9380
 * hash_to_ristretto255 (`expand_message_xmd`-SHA512 to 64 bytes, then the ristretto255 one-way map) under the DST
 * `HashToGroup-OPRFV1-\x01-ristretto255-SHA512`.
 *
 * Why not @noble/curves here as everywhere else: one variable-base scalar multiplication costs about 2.5 ms in
 * pure JavaScript against about 0.2 ms in libsodium (measured on this machine: 360 vs 4,500 evaluations/s), the
 * difference between hours and minutes for a billion-record breach. Tests pin both to the RFC vectors and to
 * each other.
 */
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import sodium from 'libsodium-wrappers-sumo';

const DST = new TextEncoder().encode('HashToGroup-OPRFV1-\x01-ristretto255-SHA512');
const FINALIZE = new TextEncoder().encode('Finalize');

/** Evaluates `F_k(x)` for many inputs under one secret key. */
export type BulkEvaluator = (input: Uint8Array) => Uint8Array;

/**
 * A bulk evaluator for the secret scalar `secretKey` (32 bytes, little-endian, as RFC 9497 encodes it).
 *
 * @throws RangeError when the key is not 32 bytes
 * @example
 * const f = await createBulkEvaluator(keys.secretKey);
 * const out = f(new TextEncoder().encode('PHONE:+8613812345678'));
 */
export async function createBulkEvaluator(secretKey: Uint8Array): Promise<BulkEvaluator> {
  if (secretKey.length !== 32) throw new RangeError('createBulkEvaluator: secret key must be 32 bytes');
  await sodium.ready;
  const sk = Uint8Array.from(secretKey);
  return (input: Uint8Array): Uint8Array => {
    if (input.length > 0xffff) throw new RangeError('evaluate: input longer than 65535 bytes');
    const uniform = expand_message_xmd(input, DST, 64, sha512);
    const point = sodium.crypto_core_ristretto255_from_hash(uniform);
    const element = sodium.crypto_scalarmult_ristretto255(sk, point);
    const msg = new Uint8Array(2 + input.length + 2 + element.length + FINALIZE.length);
    msg[0] = input.length >>> 8;
    msg[1] = input.length & 0xff;
    msg.set(input, 2);
    let o = 2 + input.length;
    msg[o] = 0;
    msg[o + 1] = element.length;
    o += 2;
    msg.set(element, o);
    msg.set(FINALIZE, o + element.length);
    return sha512(msg);
  };
}
