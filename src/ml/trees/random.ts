/** A small, fast, seedable generator (SplitMix32-seeded xoshiro128**): the same seed gives the same stream. */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = seed >>> 0
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next() | 1
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = a[i] as number
      a[i] = a[j] as number
      a[j] = t
    }
    return a
  }

  /** `k` distinct integers from [0, n), in increasing order. */
  sample(n: number, k: number): Int32Array {
    const all = new Int32Array(n)
    for (let i = 0; i < n; i++) all[i] = i
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i)
      const t = all[i] as number
      all[i] = all[j] as number
      all[j] = t
    }
    return all.slice(0, k).sort()
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** A 32-bit integer hash of (seed, a, b), for random choices that must not depend on thread layout. */
export function hash3(seed: number, a: number, b: number): number {
  let h = Math.imul(seed ^ 0x27d4eb2d, 0x9e3779b1) ^ a
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ b
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** Derive a sub-seed (e.g. per tree) from a seed. */
export function deriveSeed(seed: number, index: number): number {
  return hash3(seed, index, 0x5bd1e995)
}
