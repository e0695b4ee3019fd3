import type { EntityType } from '../core/entity-types.js';
import type { Rng } from './rng.js';

/** Options for generating one synthetic value. */
export interface SynthOptions {
  /**
   * An original value whose non-identifying aspects the output should keep, as named in `keep`
   * (e.g. keep a resident ID's `region` and `birthDecade`, a card's `bin`, an e-mail's `domain`).
   */
  like?: string;
  /** Aspects of `like` to keep. Each generator documents the aspects it supports and ignores others. */
  keep?: readonly string[];
}

/** Generates one valid synthetic value of a type (valid checksums, plausible shape). */
export type Generator = (rng: Rng, options?: SynthOptions) => string;

/** Generators by entity type. */
export type GeneratorTable = Partial<Record<EntityType, Generator>>;
