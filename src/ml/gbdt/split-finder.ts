/** Doubles per split candidate. */
export const CAND_SIZE = 10
export const C_GAIN = 0
export const C_FEATURE = 1
/** Numeric: rows with bin ≤ C_BIN go left. */
export const C_BIN = 2
export const C_DEFAULT_LEFT = 3
export const C_GL = 4
export const C_HL = 5
export const C_GR = 6
export const C_HR = 7
export const C_CATEGORICAL = 8
/** Uint32 words per candidate bit set (256 bins). */
export const CAT_WORDS = 8

export interface SplitSettings {
  l1: number
  l2: number
  minChildWeight: number
  minSplitGain: number
  maxCatToOnehot: number
  maxCatThreshold: number
  catSmooth: number
  catL2: number
}

/** Reset a candidate to "no split". */
export function clearCandidate(cand: Float64Array, co: number, minSplitGain: number): void {
  cand[co + C_GAIN] = minSplitGain
  cand[co + C_FEATURE] = -1
}

/**
 * Finds the best split of one feature's histogram and keeps it in a candidate record when it
 * beats the gain already there. Gains are XGBoost's: score(L) + score(R) − score(parent) with
 * score(G, H) = T(G)² / (H + λ), T the L1 soft threshold.
 */
export class SplitFinder {
  private readonly l1: number
  private readonly l2: number
  private readonly mcw: number
  private readonly maxCatToOnehot: number
  private readonly maxCatThreshold: number
  private readonly catSmooth: number
  private readonly catL2: number
  private readonly minSplitGain: number
  private readonly order = new Int32Array(256)
  private readonly keys = new Float64Array(256)

  constructor(s: SplitSettings) {
    this.l1 = s.l1
    this.l2 = s.l2
    this.mcw = Math.max(s.minChildWeight, 1e-12)
    this.maxCatToOnehot = s.maxCatToOnehot
    this.maxCatThreshold = s.maxCatThreshold
    this.catSmooth = s.catSmooth
    this.catL2 = s.catL2
    this.minSplitGain = s.minSplitGain
  }

  score(g: number, h: number, l2: number): number {
    const l1 = this.l1
    let t = g
    if (l1 > 0) t = g > l1 ? g - l1 : g < -l1 ? g + l1 : 0
    return (t * t) / (h + l2)
  }

  /** The leaf value −T(G)/(H + λ) (before shrinkage). */
  leafValue(g: number, h: number): number {
    const l1 = this.l1
    let t = g
    if (l1 > 0) t = g > l1 ? g - l1 : g < -l1 ? g + l1 : 0
    return -t / (h + this.l2)
  }

  /** Numeric feature `f` with `nb` bins (bin 0 = missing), its (g, h) pairs at `hist[o..]`. */
  numeric(hist: Float64Array, o: number, f: number, nb: number, cand: Float64Array, co: number): void {
    const gm = hist[o] as number
    const hm = hist[o + 1] as number
    let G = gm
    let H = hm
    for (let j = 2; j < 2 * nb; j += 2) {
      G += hist[o + j] as number
      H += hist[o + j + 1] as number
    }
    const l2 = this.l2
    const mcw = this.mcw
    const sp = this.score(G, H, l2)
    let best = cand[co + C_GAIN] as number
    let bestBin = -1
    let bestDl = 0
    let bGL = 0
    let bHL = 0
    let GL = 0
    let HL = 0
    const last = nb - 1
    for (let t = 1; t <= last; t++) {
      const ht = hist[o + 2 * t + 1] as number
      // An empty bin moves no rows: the split after it equals the one before it.
      if (ht === 0 && t < last) continue
      GL += hist[o + 2 * t] as number
      HL += ht
      const HR = H - HL
      if (HL >= mcw && HR >= mcw) {
        const gain = this.score(GL, HL, l2) + this.score(G - GL, HR, l2) - sp
        if (gain > best) {
          best = gain
          bestBin = t
          bestDl = 0
          bGL = GL
          bHL = HL
        }
      }
      if (hm > 0 && t < last) {
        const GL2 = GL + gm
        const HL2 = HL + hm
        const HR2 = H - HL2
        if (HL2 >= mcw && HR2 >= mcw) {
          const gain = this.score(GL2, HL2, l2) + this.score(G - GL2, HR2, l2) - sp
          if (gain > best) {
            best = gain
            bestBin = t
            bestDl = 1
            bGL = GL2
            bHL = HL2
          }
        }
      }
    }
    if (bestBin < 0) return
    // Without missing values here, unseen missing values follow the heavier child.
    if (hm === 0) bestDl = bHL >= H - bHL ? 1 : 0
    cand[co + C_GAIN] = best
    cand[co + C_FEATURE] = f
    cand[co + C_BIN] = bestBin
    cand[co + C_DEFAULT_LEFT] = bestDl
    cand[co + C_GL] = bGL
    cand[co + C_HL] = bHL
    cand[co + C_GR] = G - bGL
    cand[co + C_HR] = H - bHL
    cand[co + C_CATEGORICAL] = 0
  }

  /**
   * Numeric feature `f` straight from a packed histogram (see histogram.ts). Each bin is decoded
   * once into integer (g_q, h_q) prefix sums, exact in doubles, and gains are compared in those
   * quantised units: score(g·gs, h·hs; λ, α) = (gs²/hs) · score(g, h; λ/hs, α/gs), so the scale
   * factor is applied once to the winner. Empty bins are skipped.
   */
  numericPacked(
    hist: Float64Array,
    o: number,
    f: number,
    nb: number,
    twoS: number,
    gScale: number,
    hScale: number,
    cand: Float64Array,
    co: number,
  ): void {
    const inv = 1 / twoS
    const pm = hist[o] as number
    // Four running sums (exact integers, so the order does not matter) to break the add chain.
    let p0 = pm
    let p1 = 0
    let p2 = 0
    let p3 = 0
    let j = 1
    for (; j + 3 < nb; j += 4) {
      p0 += hist[o + j] as number
      p1 += hist[o + j + 1] as number
      p2 += hist[o + j + 2] as number
      p3 += hist[o + j + 3] as number
    }
    for (; j < nb; j++) p0 += hist[o + j] as number
    const P = p0 + p1 + (p2 + p3)
    const G = Math.floor(P * inv)
    const H = P - G * twoS
    const gm = Math.floor(pm * inv)
    const hm = pm - gm * twoS
    const factor = (gScale * gScale) / hScale
    const l2 = this.l2 / hScale
    const l1 = this.l1 / gScale
    const mcw = this.mcw / hScale
    const sp = scoreL1(G, H, l2, l1)
    // This feature's best starts from the node's threshold, not from the candidate so far, so the
    // choice does not depend on which features a thread scanned before (thread-count independent).
    let best = this.minSplitGain / factor
    let bestBin = -1
    let bestDl = 0
    let bGL = 0
    let bHL = 0
    let GL = 0
    let HL = 0
    const last = nb - 1
    const hasMissing = pm !== 0
    if (l1 === 0) {
      // Without L1, gain > best ⇔ GL²·b + GR²·a > (best + sp)·a·b with a, b the child hessians + λ.
      let thr = best + sp
      for (let t = 1; t <= last; t++) {
        const v = hist[o + t] as number
        // An empty bin moves no rows: the split after it equals the one before it.
        if (v === 0 && t < last) continue
        const gv = Math.floor(v * inv)
        GL += gv
        HL += v - gv * twoS
        const HR = H - HL
        if (HL >= mcw && HR >= mcw) {
          const a = HL + l2
          const b = HR + l2
          const GR = G - GL
          const num = GL * GL * b + GR * GR * a
          if (num > thr * a * b) {
            thr = num / (a * b)
            bestBin = t
            bestDl = 0
            bGL = GL
            bHL = HL
          }
        }
        if (hasMissing && t < last) {
          const GL2 = GL + gm
          const HL2 = HL + hm
          const HR2 = H - HL2
          if (HL2 >= mcw && HR2 >= mcw) {
            const a = HL2 + l2
            const b = HR2 + l2
            const GR = G - GL2
            const num = GL2 * GL2 * b + GR * GR * a
            if (num > thr * a * b) {
              thr = num / (a * b)
              bestBin = t
              bestDl = 1
              bGL = GL2
              bHL = HL2
            }
          }
        }
      }
      best = thr - sp
    } else {
      for (let t = 1; t <= last; t++) {
        const v = hist[o + t] as number
        // An empty bin moves no rows: the split after it equals the one before it.
        if (v === 0 && t < last) continue
        const gv = Math.floor(v * inv)
        GL += gv
        HL += v - gv * twoS
        const HR = H - HL
        if (HL >= mcw && HR >= mcw) {
          const gain = scoreL1(GL, HL, l2, l1) + scoreL1(G - GL, HR, l2, l1) - sp
          if (gain > best) {
            best = gain
            bestBin = t
            bestDl = 0
            bGL = GL
            bHL = HL
          }
        }
        if (hasMissing && t < last) {
          const GL2 = GL + gm
          const HL2 = HL + hm
          const HR2 = H - HL2
          if (HL2 >= mcw && HR2 >= mcw) {
            const gain = scoreL1(GL2, HL2, l2, l1) + scoreL1(G - GL2, HR2, l2, l1) - sp
            if (gain > best) {
              best = gain
              bestBin = t
              bestDl = 1
              bGL = GL2
              bHL = HL2
            }
          }
        }
      }
    }
    if (bestBin < 0) return
    const gain = best * factor
    if (!(gain > (cand[co + C_GAIN] as number))) return
    const HLr = bHL * hScale
    const HRr = (H - bHL) * hScale
    // Without missing values here, unseen missing values follow the heavier child.
    if (!hasMissing) bestDl = HLr >= HRr ? 1 : 0
    cand[co + C_GAIN] = gain
    cand[co + C_FEATURE] = f
    cand[co + C_BIN] = bestBin
    cand[co + C_DEFAULT_LEFT] = bestDl
    cand[co + C_GL] = bGL * gScale
    cand[co + C_HL] = HLr
    cand[co + C_GR] = (G - bGL) * gScale
    cand[co + C_HR] = HRr
    cand[co + C_CATEGORICAL] = 0
  }

  /**
   * Categorical feature `f` (bin 0 = missing and rare categories). Few categories: one versus
   * the rest; many: categories sorted by G/(H + catSmooth) and split into a prefix and the rest,
   * scanned from both ends (LightGBM's method). Left bins go in the candidate's bit set.
   */
  categorical(
    hist: Float64Array,
    o: number,
    f: number,
    nb: number,
    cand: Float64Array,
    co: number,
    bits: Uint32Array,
    bo: number,
  ): void {
    const order = this.order
    const keys = this.keys
    let used = 0
    let G = 0
    let H = 0
    for (let j = 0; j < nb; j++) {
      const h = hist[o + 2 * j + 1] as number
      G += hist[o + 2 * j] as number
      H += h
      if (h > 0) order[used++] = j
    }
    if (used < 2) return
    const mcw = this.mcw
    let best = cand[co + C_GAIN] as number
    if (used <= this.maxCatToOnehot) {
      const l2 = this.l2
      const sp = this.score(G, H, l2)
      let bestJ = -1
      let bGL = 0
      let bHL = 0
      for (let u = 0; u < used; u++) {
        const j = order[u] as number
        const GL = hist[o + 2 * j] as number
        const HL = hist[o + 2 * j + 1] as number
        const HR = H - HL
        if (HL < mcw || HR < mcw) continue
        const gain = this.score(GL, HL, l2) + this.score(G - GL, HR, l2) - sp
        if (gain > best) {
          best = gain
          bestJ = j
          bGL = GL
          bHL = HL
        }
      }
      if (bestJ < 0) return
      for (let w = 0; w < CAT_WORDS; w++) bits[bo + w] = 0
      bits[bo + (bestJ >> 5)] = (1 << (bestJ & 31)) >>> 0
      this.record(cand, co, best, f, bGL, bHL, G, H)
      return
    }
    const smooth = this.catSmooth
    for (let u = 0; u < used; u++) {
      const j = order[u] as number
      keys[u] = (hist[o + 2 * j] as number) / ((hist[o + 2 * j + 1] as number) + smooth)
    }
    // Insertion sort by key (stable, ≤ 256 items, no allocation).
    for (let u = 1; u < used; u++) {
      const k = keys[u] as number
      const j = order[u] as number
      let v = u - 1
      while (v >= 0 && (keys[v] as number) > k) {
        keys[v + 1] = keys[v] as number
        order[v + 1] = order[v] as number
        v--
      }
      keys[v + 1] = k
      order[v + 1] = j
    }
    const l2c = this.l2 + this.catL2
    const sp = this.score(G, H, l2c)
    const maxSide = Math.min(this.maxCatThreshold, (used + 1) >> 1)
    let bestSize = 0
    let bestFromEnd = false
    let bGL = 0
    let bHL = 0
    for (let dir = 0; dir < 2; dir++) {
      let GL = 0
      let HL = 0
      for (let s = 1; s <= maxSide && s < used; s++) {
        const j = order[dir === 0 ? s - 1 : used - s] as number
        GL += hist[o + 2 * j] as number
        HL += hist[o + 2 * j + 1] as number
        const HR = H - HL
        if (HL < mcw || HR < mcw) continue
        const gain = this.score(GL, HL, l2c) + this.score(G - GL, HR, l2c) - sp
        if (gain > best) {
          best = gain
          bestSize = s
          bestFromEnd = dir === 1
          bGL = GL
          bHL = HL
        }
      }
    }
    if (bestSize === 0) return
    for (let w = 0; w < CAT_WORDS; w++) bits[bo + w] = 0
    for (let s = 1; s <= bestSize; s++) {
      const j = order[bestFromEnd ? used - s : s - 1] as number
      bits[bo + (j >> 5)] = ((bits[bo + (j >> 5)] as number) | (1 << (j & 31))) >>> 0
    }
    this.record(cand, co, best, f, bGL, bHL, G, H)
  }

  private record(
    cand: Float64Array,
    co: number,
    gain: number,
    f: number,
    GL: number,
    HL: number,
    G: number,
    H: number,
  ): void {
    cand[co + C_GAIN] = gain
    cand[co + C_FEATURE] = f
    cand[co + C_BIN] = 0
    cand[co + C_DEFAULT_LEFT] = 0
    cand[co + C_GL] = GL
    cand[co + C_HL] = HL
    cand[co + C_GR] = G - GL
    cand[co + C_HR] = H - HL
    cand[co + C_CATEGORICAL] = 1
  }
}

/** T(g)² / (h + λ) with T the L1 soft threshold at α. */
function scoreL1(g: number, h: number, l2: number, l1: number): number {
  const t = l1 > 0 ? (g > l1 ? g - l1 : g < -l1 ? g + l1 : 0) : g
  return (t * t) / (h + l2)
}
