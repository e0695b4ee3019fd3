/**
 * An open-addressing hash index from non-negative integer keys below 2^52 (mixed-radix class keys) to dense ids
 * 0, 1, 2 … in insertion order. A `Map<number, number>` boxes keys above 2^31 as heap numbers; this keeps keys in
 * a `Float64Array` and was the difference between 19.7 and a few CPU-seconds for a 400-node lattice over 100,000
 * combinations (bench/risk.mjs).
 */
export class KeyIndex {
  #keys: Float64Array;
  #ids: Int32Array;
  #mask: number;
  #size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.#keys = new Float64Array(cap);
    this.#ids = new Int32Array(cap).fill(-1);
    this.#mask = cap - 1;
  }

  /** Number of keys. */
  get size(): number {
    return this.#size;
  }

  #slot(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & this.#mask;
  }

  /** The id of `key`, or -1 when absent. */
  get(key: number): number {
    let s = this.#slot(key);
    for (;;) {
      const id = this.#ids[s]!;
      if (id === -1 || this.#keys[s] === key) return id;
      s = (s + 1) & this.#mask;
    }
  }

  /** The id of `key`, adding it (with the next id) when absent. */
  id(key: number): number {
    let s = this.#slot(key);
    for (;;) {
      const id = this.#ids[s]!;
      if (id === -1) {
        if ((this.#size + 1) * 2 > this.#ids.length) {
          this.#grow();
          return this.id(key);
        }
        this.#keys[s] = key;
        this.#ids[s] = this.#size;
        return this.#size++;
      }
      if (this.#keys[s] === key) return id;
      s = (s + 1) & this.#mask;
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const ids = this.#ids;
    this.#keys = new Float64Array(keys.length * 2);
    this.#ids = new Int32Array(ids.length * 2).fill(-1);
    this.#mask = this.#ids.length - 1;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === -1) continue;
      let s = this.#slot(keys[i]!);
      while (this.#ids[s] !== -1) s = (s + 1) & this.#mask;
      this.#keys[s] = keys[i]!;
      this.#ids[s] = id;
    }
  }
}

/** A key index for string keys (mixed-radix keys too large for a double), same interface. */
export class StringKeyIndex {
  readonly #map = new Map<string, number>();

  get size(): number {
    return this.#map.size;
  }

  id(key: string): number {
    let id = this.#map.get(key);
    if (id === undefined) {
      id = this.#map.size;
      this.#map.set(key, id);
    }
    return id;
  }
}

/**
 * Dense ids for keys below a small bound, by direct addressing (no hashing): node classes once dates are cut to
 * months fit in a few hundred thousand slots. Same interface as {@link KeyIndex}.
 */
export class DirectKeyIndex {
  readonly #ids: Int32Array;
  #size = 0;

  constructor(bound: number) {
    this.#ids = new Int32Array(Math.max(1, bound)).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  get(key: number): number {
    return this.#ids[key]!;
  }

  id(key: number): number {
    const id = this.#ids[key]!;
    if (id !== -1) return id;
    this.#ids[key] = this.#size;
    return this.#size++;
  }
}

/** The cheaper index for keys below `bound` when about `expected` keys arrive. */
export function createKeyIndex(bound: number, expected: number): KeyIndex | DirectKeyIndex {
  return bound <= 1 << 24 && bound <= 8 * Math.max(expected, 1 << 16)
    ? new DirectKeyIndex(bound)
    : new KeyIndex(expected);
}
