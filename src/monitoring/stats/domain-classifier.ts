import { Rng, rocAuc } from '../../ml/index.js'

/** Options of the domain-classifier drift test. */
export interface DomainClassifierOptions {
  /** Rows sampled from each side at most (default 5,000). */
  maxRowsPerSide?: number
  /** log2 of the hashed feature space (default 18). */
  hashBits?: number
  /** Training epochs (default 8). */
  epochs?: number
  /** L2 penalty (default 1e-4). */
  l2?: number
  seed?: number
  /** Random-classifier AUCs drawn for the percentile threshold (default 1,000). */
  permutations?: number
}

/** What the domain classifier found. */
export interface DomainClassifierResult {
  /** ROC AUC of telling current from reference on held-out rows (0.5 = indistinguishable). */
  auc: number
  /** The 1 − α percentile of a random classifier's AUC on the same held-out labels. */
  randomAucPercentile: (alpha: number) => number
  /** Tokens that most mark current rows, then reference rows. */
  currentTokens: string[]
  referenceTokens: string[]
  trainRows: number
  testRows: number
}

const TOKEN = /[\p{L}\p{N}]+/gu

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

interface SparseRows {
  offsets: Int32Array
  indices: Int32Array
  values: Float64Array
}

function vectorize(texts: readonly string[], bits: number, names: Map<number, string>): SparseRows {
  const mask = (1 << bits) - 1
  const offsets = new Int32Array(texts.length + 1)
  const idx: number[] = []
  const val: number[] = []
  const row = new Map<number, number>()
  for (let r = 0; r < texts.length; r++) {
    row.clear()
    const tokens = (texts[r] as string).toLowerCase().match(TOKEN) ?? []
    for (let t = 0; t < tokens.length; t++) {
      const uni = tokens[t] as string
      const terms = t + 1 < tokens.length ? [uni, `${uni} ${tokens[t + 1]}`] : [uni]
      for (const term of terms) {
        const h = fnv1a(term) & mask
        row.set(h, (row.get(h) ?? 0) + 1)
        if (!names.has(h)) names.set(h, term)
      }
    }
    let norm = 0
    for (const c of row.values()) norm += (1 + Math.log(c)) ** 2
    norm = Math.sqrt(norm) || 1
    for (const [h, c] of row) {
      idx.push(h)
      val.push((1 + Math.log(c)) / norm)
    }
    offsets[r + 1] = idx.length
  }
  return { offsets, indices: Int32Array.from(idx), values: Float64Array.from(val) }
}

function sample(texts: readonly string[], max: number, rng: Rng): string[] {
  if (texts.length <= max) return [...texts]
  const idx = Array.from({ length: texts.length }, (_, i) => i)
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(texts.length - i)
    const t = idx[i] as number
    idx[i] = idx[j] as number
    idx[j] = t
  }
  return idx.slice(0, max).map((i) => texts[i] as string)
}

/**
 * Train a classifier to tell current rows from reference rows (hashed unigram+bigram TF with
 * sublinear counts, L2-normalised; logistic regression by AdaGrad SGD) on a stratified half of the
 * rows and measure its ROC AUC on the other half. An AUC well above 0.5 means the two sets of texts
 * differ. Evidently's text-content drift works the same way.
 */
export function domainClassifierTest(
  reference: readonly string[],
  current: readonly string[],
  options: DomainClassifierOptions = {},
): DomainClassifierResult {
  const rng = new Rng(options.seed ?? 42)
  const maxRows = options.maxRowsPerSide ?? 5000
  const bits = options.hashBits ?? 18
  const ref = sample(reference, maxRows, rng)
  const cur = sample(current, maxRows, rng)
  const texts = [...ref, ...cur]
  const y = new Int32Array(texts.length)
  for (let i = ref.length; i < texts.length; i++) y[i] = 1
  const names = new Map<number, string>()
  const X = vectorize(texts, bits, names)
  const train: number[] = []
  const test: number[] = []
  for (const [start, end] of [
    [0, ref.length],
    [ref.length, texts.length],
  ] as const) {
    const rows = Array.from({ length: end - start }, (_, i) => start + i)
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.int(i + 1)
      const t = rows[i] as number
      rows[i] = rows[j] as number
      rows[j] = t
    }
    const half = Math.floor(rows.length / 2)
    train.push(...rows.slice(0, half))
    test.push(...rows.slice(half))
  }
  const w = new Float64Array(1 << bits)
  const g2 = new Float64Array(1 << bits)
  let bias = 0
  let bias2 = 0
  const l2 = options.l2 ?? 1e-4
  const lr = 0.5
  const epochs = options.epochs ?? 8
  const order = train.slice()
  for (let e = 0; e < epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1)
      const t = order[i] as number
      order[i] = order[j] as number
      order[j] = t
    }
    for (const r of order) {
      const a = X.offsets[r] as number
      const b = X.offsets[r + 1] as number
      let z = bias
      for (let k = a; k < b; k++) z += (w[X.indices[k] as number] as number) * (X.values[k] as number)
      const p = 1 / (1 + Math.exp(-z))
      const err = p - (y[r] as number)
      for (let k = a; k < b; k++) {
        const h = X.indices[k] as number
        const g = err * (X.values[k] as number) + l2 * (w[h] as number)
        g2[h] = (g2[h] as number) + g * g
        w[h] = (w[h] as number) - (lr * g) / Math.sqrt((g2[h] as number) + 1e-8)
      }
      bias2 += err * err
      bias -= (lr * err) / Math.sqrt(bias2 + 1e-8)
    }
  }
  const scores = new Float64Array(test.length)
  const yTest = new Int32Array(test.length)
  test.forEach((r, i) => {
    let z = bias
    for (let k = X.offsets[r] as number; k < (X.offsets[r + 1] as number); k++) {
      z += (w[X.indices[k] as number] as number) * (X.values[k] as number)
    }
    scores[i] = z
    yTest[i] = y[r] as number
  })
  const hasBoth = yTest.includes(0) && yTest.includes(1)
  const auc = hasBoth ? rocAuc(yTest, scores) : Number.NaN
  const permutations = options.permutations ?? 1000
  let randomAucs: Float64Array | undefined
  const randomAucPercentile = (alpha: number): number => {
    if (!hasBoth) return Number.NaN
    if (!randomAucs) {
      const prng = new Rng((options.seed ?? 42) + 1)
      randomAucs = new Float64Array(permutations)
      const s = new Float64Array(yTest.length)
      for (let p = 0; p < permutations; p++) {
        for (let i = 0; i < s.length; i++) s[i] = prng.next()
        randomAucs[p] = rocAuc(yTest, s)
      }
      randomAucs.sort()
    }
    const q = (1 - alpha) * (randomAucs.length - 1)
    const lo = Math.floor(q)
    const hi = Math.min(lo + 1, randomAucs.length - 1)
    return (randomAucs[lo] as number) + (q - lo) * ((randomAucs[hi] as number) - (randomAucs[lo] as number))
  }
  const ranked = [...names.keys()]
    .filter((h) => w[h] !== 0)
    .sort((a, b) => (w[b] as number) - (w[a] as number))
  return {
    auc,
    randomAucPercentile,
    currentTokens: ranked
      .filter((h) => (w[h] as number) > 0)
      .slice(0, 10)
      .map((h) => names.get(h) as string),
    referenceTokens: ranked
      .filter((h) => (w[h] as number) < 0)
      .reverse()
      .slice(0, 10)
      .map((h) => names.get(h) as string),
    trainRows: train.length,
    testRows: test.length,
  }
}
