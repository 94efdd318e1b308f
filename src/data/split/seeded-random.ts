/**
 * A small, fast, seedable PRNG (xoshiro128**, seeded through splitmix32) so splits are
 * reproducible bit for bit on every platform: the same seed gives the same sequence.
 */
export class SeededRandom {
  #a: number
  #b: number
  #c: number
  #d: number

  constructor(seed: number) {
    let s = seed >>> 0 || 0x9e3779b9
    const next = () => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.#a = next()
    this.#b = next()
    this.#c = next()
    this.#d = next()
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0
    const t = this.#b << 9
    this.#c ^= this.#a
    this.#d ^= this.#b
    this.#b ^= this.#c
    this.#a ^= this.#d
    this.#c ^= t
    this.#d = rotl(this.#d, 11)
    return result
  }

  /** A uniform integer in [0, n) without modulo bias. */
  nextInt(n: number): number {
    if (n <= 1) return 0
    const limit = 0x100000000 - (0x100000000 % n)
    let x = this.nextUint32()
    while (x >= limit) x = this.nextUint32()
    return x % n
  }

  /** Shuffle in place (Fisher–Yates). */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1)
      const t = a[i] as number
      a[i] = a[j] as number
      a[j] = t
    }
    return a
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/**
 * Split `n` items into parts proportional to `fractions` (which sum to 1), exactly: each part
 * gets floor(n·f), and the rows left over go to the parts with the largest remainders (ties to
 * the earlier part). Every part is within one item of n·f.
 */
export function allocate(n: number, fractions: readonly number[]): number[] {
  const exact = fractions.map((f) => n * f)
  const counts = exact.map((x) => Math.floor(x))
  let left = n - counts.reduce((s, c) => s + c, 0)
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i)
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) {
    const i = (order[k] as { i: number }).i
    counts[i] = (counts[i] as number) + 1
  }
  return counts
}

/**
 * Split groups of sizes `sizes` into parts by `fractions` so that every group's share of every
 * part is within one item of exact (floor or ceiling of size·f) and, when possible, the parts'
 * totals equal `allocate(total, fractions)` — what stratified splitting needs (scikit-learn
 * does the same). Returns counts[group][part].
 */
export function allocateStrata(sizes: readonly number[], fractions: readonly number[]): number[][] {
  const total = sizes.reduce((s, n) => s + n, 0)
  const targets = allocate(total, fractions)
  const counts = sizes.map((n) => fractions.map((f) => Math.floor(n * f)))
  const groupLeft = sizes.map((n, g) => n - (counts[g] as number[]).reduce((s, c) => s + c, 0))
  const partLeft = targets.map((t, k) => t - counts.reduce((s, row) => s + (row[k] as number), 0))
  const cells: { g: number; k: number; r: number }[] = []
  sizes.forEach((n, g) => {
    fractions.forEach((f, k) => {
      const r = n * f - Math.floor(n * f)
      if (r > 0) cells.push({ g, k, r })
    })
  })
  cells.sort((a, b) => b.r - a.r || a.g - b.g || a.k - b.k)
  const bumped = new Set<string>()
  for (const c of cells) {
    if ((groupLeft[c.g] as number) > 0 && (partLeft[c.k] as number) > 0) {
      ;(counts[c.g] as number[])[c.k] = ((counts[c.g] as number[])[c.k] as number) + 1
      groupLeft[c.g] = (groupLeft[c.g] as number) - 1
      partLeft[c.k] = (partLeft[c.k] as number) - 1
      bumped.add(`${c.g}:${c.k}`)
    }
  }
  // rare leftovers: keep every cell within one of exact, even if a part total moves by one
  for (const c of cells) {
    if ((groupLeft[c.g] as number) > 0 && !bumped.has(`${c.g}:${c.k}`)) {
      ;(counts[c.g] as number[])[c.k] = ((counts[c.g] as number[])[c.k] as number) + 1
      groupLeft[c.g] = (groupLeft[c.g] as number) - 1
      bumped.add(`${c.g}:${c.k}`)
    }
  }
  return counts
}
