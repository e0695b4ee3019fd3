/**
 * RFC 9497 VOPRF (mode 0x01) over ristretto255-SHA512, on @noble/curves' audited implementation, plus the small
 * things the wire contract needs around it: hex codecs that reject bad input with a reason, element validation
 * (canonical encoding, not the identity), deterministic server keys, and hooks that let the RFC's test vectors fix
 * the "random" scalars.
 *
 * Output `F_k(x)` = `Hash(len(x) ‖ x ‖ len(e) ‖ e ‖ "Finalize")`, 64 bytes (SHA-512), where `e = k·H(x)`.
 * No Node APIs: the browser page bundles this file.
 */
import { ristretto255, ristretto255_oprf } from '@noble/curves/ed25519.js';

/** The ciphersuite identifier of the wire contract. */
export const SUITE = 'ristretto255-SHA512';
/** The mode of the wire contract. */
export const MODE = 'voprf';
/** Bytes of an encoded element or scalar. */
export const ELEMENT_BYTES = 32;
/** Bytes of a proof (challenge and response scalars). */
export const PROOF_BYTES = 64;
/** Bytes of an output. */
export const OUTPUT_BYTES = 64;

const voprf = ristretto255_oprf.voprf;

/** A server key pair (secret scalar, public element), both encoded. */
export interface VoprfKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Bad wire input: a malformed hex string or element. `index` is the position in a batch. */
export class VoprfInputError extends Error {
  readonly index: number | undefined;
  constructor(message: string, index?: number) {
    super(message);
    this.name = 'VoprfInputError';
    this.index = index;
  }
}

/** Proof verification failed: the server did not evaluate with the key it published. */
export class VoprfProofError extends Error {
  constructor() {
    super('The server proof does not verify against its public key');
    this.name = 'VoprfProofError';
  }
}

/**
 * Lower-case hex of bytes.
 *
 * @example
 * toHex(new Uint8Array([1, 255])) // '01ff'
 */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}

/**
 * Bytes of a hex string of exactly `length` bytes.
 *
 * @throws VoprfInputError when it is not a string, not hex, or the wrong length
 * @example
 * fromHex('01ff', 2) // Uint8Array [1, 255]
 */
export function fromHex(hex: unknown, length: number, what = 'value', index?: number): Uint8Array {
  if (typeof hex !== 'string') throw new VoprfInputError(`${what} must be a hex string`, index);
  if (hex.length !== length * 2 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new VoprfInputError(`${what} must be ${length * 2} hex characters`, index);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Decode and check one element: a canonical ristretto255 encoding that is not the identity (RFC 9497 §3.3).
 *
 * @throws VoprfInputError when it is not
 */
export function checkElement(bytes: Uint8Array, what = 'element', index?: number): Uint8Array {
  let point: InstanceType<typeof ristretto255.Point>;
  try {
    point = ristretto255.Point.fromBytes(bytes);
  } catch {
    throw new VoprfInputError(`${what} is not a valid ristretto255 element`, index);
  }
  if (point.equals(ristretto255.Point.ZERO)) throw new VoprfInputError(`${what} is the identity element`, index);
  return bytes;
}

/**
 * Derive the server key pair from a 32-byte seed (RFC 9497 §3.2.1 DeriveKeyPair, VOPRF mode).
 *
 * @throws RangeError when the seed is not 32 bytes
 * @example
 * deriveKeyPair(seed, new TextEncoder().encode('leakguard leakcheck v1'))
 */
export function deriveKeyPair(seed: Uint8Array, info: Uint8Array): VoprfKeyPair {
  if (seed.length !== 32) throw new RangeError('deriveKeyPair: seed must be 32 bytes');
  const k = voprf.deriveKeyPair(seed, info);
  return { secretKey: k.secretKey, publicKey: k.publicKey };
}

/**
 * A scalar source for tests: noble maps 48 random bytes `b` to `1 + (b mod (n − 1))`, so `s − 1` encoded as
 * 48 little-endian bytes yields the scalar `s`. Only test vectors fix scalars; production uses the CSPRNG.
 */
export type ScalarSource = (n?: number) => Uint8Array<ArrayBuffer>;

/**
 * A {@link ScalarSource} that yields the given scalars (little-endian encodings, as in the RFC), in order.
 *
 * @example
 * fixedScalars(['64d37aed…'])
 */
export function fixedScalars(hexScalars: readonly string[]): ScalarSource {
  let i = 0;
  return (n = 48) => {
    const hex = hexScalars[i++];
    if (hex === undefined) throw new RangeError('fixedScalars: no scalar left');
    const bytes = fromHex(hex, ELEMENT_BYTES, 'scalar');
    let s = 0n;
    for (let j = bytes.length - 1; j >= 0; j--) s = (s << 8n) | BigInt(bytes[j] as number);
    s -= 1n;
    const out = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      out[j] = Number(s & 0xffn);
      s >>= 8n;
    }
    return out;
  };
}

/** The client's state for one input: keep `blind` secret, send `blinded`. */
export interface BlindState {
  readonly input: Uint8Array;
  readonly blind: Uint8Array;
  readonly blinded: Uint8Array;
}

/**
 * Client: blind an input (RFC 9497 §3.3.2 Blind).
 *
 * @example
 * const s = blind(new TextEncoder().encode('PHONE:+8613812345678'));
 */
export function blind(input: Uint8Array, rng?: ScalarSource): BlindState {
  const b = rng ? voprf.blind(input, rng) : voprf.blind(input);
  return { input, blind: b.blind, blinded: b.blinded };
}

/**
 * Server: evaluate a batch of blinded elements with one DLEQ proof (RFC 9497 §3.3.2 BlindEvaluate, batched).
 * Elements must have been checked with {@link checkElement}.
 *
 * @example
 * const { evaluated, proof } = blindEvaluateBatch(keys, [state.blinded]);
 */
export function blindEvaluateBatch(
  keys: VoprfKeyPair,
  blinded: readonly Uint8Array[],
  rng?: ScalarSource,
): { evaluated: Uint8Array[]; proof: Uint8Array } {
  const r = rng
    ? voprf.blindEvaluateBatch(keys.secretKey, keys.publicKey, [...blinded], rng)
    : voprf.blindEvaluateBatch(keys.secretKey, keys.publicKey, [...blinded]);
  return { evaluated: r.evaluated, proof: r.proof };
}

/**
 * Client: verify the batch proof against `publicKey` and unblind every output (RFC 9497 §3.3.2 Finalize).
 *
 * @throws VoprfProofError when the proof does not verify; VoprfInputError for malformed evaluated elements
 * @example
 * const [out] = finalizeBatch([state], [evaluated], publicKey, proof);
 */
export function finalizeBatch(
  states: readonly BlindState[],
  evaluated: readonly Uint8Array[],
  publicKey: Uint8Array,
  proof: Uint8Array,
): Uint8Array[] {
  if (evaluated.length !== states.length)
    throw new VoprfInputError(`expected ${states.length} evaluated elements, got ${evaluated.length}`);
  for (let i = 0; i < evaluated.length; i++) checkElement(evaluated[i] as Uint8Array, 'evaluated element', i);
  checkElement(publicKey, 'public key');
  if (proof.length !== PROOF_BYTES) throw new VoprfInputError(`proof must be ${PROOF_BYTES} bytes`);
  try {
    return voprf.finalizeBatch(
      states.map((s, i) => ({
        input: s.input,
        blind: s.blind,
        blinded: s.blinded,
        evaluated: evaluated[i] as Uint8Array,
      })),
      publicKey,
      proof,
    );
  } catch (e) {
    if (e instanceof Error && /proof/i.test(e.message)) throw new VoprfProofError();
    throw new VoprfInputError('evaluation could not be finalised');
  }
}

/**
 * Server, non-interactive: `F_k(input)` for an input it holds (RFC 9497 §3.3.2 Evaluate, VOPRF mode). Used to
 * ingest breaches: equal to what a client obtains by blinding, evaluation and finalisation.
 *
 * @example
 * evaluate(keys.secretKey, new TextEncoder().encode('EMAIL:li.lei@example.cn'))
 */
export function evaluate(secretKey: Uint8Array, input: Uint8Array): Uint8Array {
  return (voprf as unknown as { evaluate(sk: Uint8Array, input: Uint8Array): Uint8Array }).evaluate(secretKey, input);
}
