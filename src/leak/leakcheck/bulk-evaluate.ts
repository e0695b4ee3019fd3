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
import { createHash } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';

const DST = Buffer.from('HashToGroup-OPRFV1-\x01-ristretto255-SHA512', 'latin1');
const FINALIZE = Buffer.from('Finalize', 'latin1');
/** `DST ‖ I2OSP(len(DST), 1)` (RFC 9380 §5.3.1). */
const DST_PRIME = Buffer.concat([DST, Buffer.from([DST.length])]);
/** `Z_pad` (128 zero bytes: SHA-512's block size) — RFC 9380 §5.3.1. */
const Z_PAD = Buffer.alloc(128);
/** `I2OSP(64, 2) ‖ I2OSP(0, 1)`. */
const LEN_AND_ZERO = Buffer.from([0, 64, 0]);
const ONE = Buffer.from([1]);

/**
 * RFC 9380 §5.3.1 expand_message_xmd with SHA-512 for 64 output bytes (one block: `ell = 1`), on node:crypto
 * (native SHA-512; the pure-JavaScript one costs a third of an evaluation).
 */
export function expandMessageXmdSha512(msg: Uint8Array): Buffer {
  const b0 = createHash('sha512').update(Z_PAD).update(msg).update(LEN_AND_ZERO).update(DST_PRIME).digest();
  return createHash('sha512').update(b0).update(ONE).update(DST_PRIME).digest();
}

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
    const point = sodium.crypto_core_ristretto255_from_hash(expandMessageXmdSha512(input));
    const element = sodium.crypto_scalarmult_ristretto255(sk, point);
    const out = createHash('sha512')
      .update(Buffer.from([input.length >>> 8, input.length & 0xff]))
      .update(input)
      .update(Buffer.from([0, element.length]))
      .update(element)
      .update(FINALIZE)
      .digest();
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
}
