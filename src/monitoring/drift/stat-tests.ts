import {
  andersonKSample,
  binSortedNumeric,
  chiSquareDrift,
  domainClassifierTest,
  fillZeroShares,
  hellingerFromDensities,
  hellingerSortedNumeric,
  jensenShannonDistance,
  klDivergence,
  ksTwoSample,
  normalizedWasserstein,
  populationStabilityIndex,
  sharesFromCounts,
  twoProportionZTest,
} from '../stats/index.js'
import {
  alignCounts,
  type CategoricalSample,
  type ColumnSample,
  type NumericSample,
  numericAsCategorical,
  type TextSample,
} from './column-sample.js'
import type { ColumnKind, ScoreKind, StatTestName } from './types.js'

/** What one test found on one column. */
export interface StatTestOutcome {
  score: number
  statistic: number | null
  drifted: boolean
  notes?: string[]
}

/** A drift test: which column kinds it takes, what its score means and its default threshold. */
export interface StatTest {
  name: StatTestName
  label: string
  kinds: readonly ColumnKind[]
  scoreKind: ScoreKind
  defaultThreshold: number
  run(reference: ColumnSample, current: ColumnSample, threshold: number, seed: number): StatTestOutcome
}

const asCat = (s: ColumnSample): CategoricalSample =>
  s.kind === 'num' ? numericAsCategorical(s) : (s as CategoricalSample)
const num = (s: ColumnSample): NumericSample => s as NumericSample

/** Aligned shares: Evidently's bins for numbers, the category union for categories. */
function shares(
  reference: ColumnSample,
  current: ColumnSample,
): { reference: Float64Array; current: Float64Array } {
  if (reference.kind === 'num' && current.kind === 'num') {
    const b = binSortedNumeric(reference.sorted, current.sorted)
    return { reference: b.reference, current: b.current }
  }
  const a = alignCounts(asCat(reference), asCat(current))
  return { reference: sharesFromCounts(a.reference), current: sharesFromCounts(a.current) }
}

const pValueTest = (
  name: StatTestName,
  label: string,
  kinds: readonly ColumnKind[],
  defaultThreshold: number,
  inclusive: boolean,
  compute: (r: ColumnSample, c: ColumnSample) => { p: number; statistic: number; notes?: string[] },
): StatTest => ({
  name,
  label,
  kinds,
  scoreKind: 'p_value',
  defaultThreshold,
  run(r, c, threshold) {
    const { p, statistic, notes } = compute(r, c)
    return {
      score: p,
      statistic,
      drifted: inclusive ? p <= threshold : p < threshold,
      ...(notes ? { notes } : {}),
    }
  },
})

const distanceTest = (
  name: StatTestName,
  label: string,
  kinds: readonly ColumnKind[],
  compute: (r: ColumnSample, c: ColumnSample) => number,
): StatTest => ({
  name,
  label,
  kinds,
  scoreKind: 'distance',
  defaultThreshold: 0.1,
  run(r, c, threshold) {
    const d = compute(r, c)
    return { score: d, statistic: null, drifted: d >= threshold }
  },
})

/** Every built-in test, by name. Thresholds and drift rules follow Evidently's. */
export const statTests: Readonly<Record<StatTestName, StatTest>> = {
  ks: pValueTest('ks', 'K-S p-value', ['num'], 0.05, true, (r, c) => {
    const k = ksTwoSample(num(r).sorted, num(c).sorted)
    return { p: k.pValue, statistic: k.statistic, notes: [`p-value: ${k.method}`] }
  }),
  chisquare: pValueTest('chisquare', 'chi-square p-value', ['cat', 'num'], 0.05, false, (r, c) => {
    const a = alignCounts(asCat(r), asCat(c))
    const t = chiSquareDrift(a.reference, a.current)
    return { p: t.pValue, statistic: t.statistic }
  }),
  z: pValueTest('z', 'Z-test p-value', ['cat', 'num'], 0.05, false, (r, c) => {
    const rc = asCat(r)
    const cc = asCat(c)
    const keys = [...new Set([...rc.counts.keys(), ...cc.counts.keys()])]
    if (r.kind === 'num') keys.sort((x, y) => Number(x) - Number(y))
    else keys.sort()
    const first = keys[0] as string
    const n1 = rc.total - rc.missing
    const n2 = cc.total - cc.missing
    const t = twoProportionZTest(n1 - (rc.counts.get(first) ?? 0), n1, n2 - (cc.counts.get(first) ?? 0), n2)
    return {
      p: t.pValue,
      statistic: t.statistic,
      ...(keys.length > 2 ? { notes: [`"${first}" vs the rest`] } : {}),
    }
  }),
  anderson: pValueTest('anderson', 'Anderson-Darling p-value', ['num'], 0.1, false, (r, c) => {
    const t = andersonKSample([num(r).sorted, num(c).sorted])
    const notes =
      t.capped === 'cap'
        ? ['p-value capped at 0.25']
        : t.capped === 'floor'
          ? ['p-value floored at 0.001']
          : undefined
    return { p: t.pValue, statistic: t.statistic, ...(notes ? { notes } : {}) }
  }),
  wasserstein: distanceTest('wasserstein', 'Wasserstein distance (normed)', ['num'], (r, c) =>
    normalizedWasserstein(num(r).sorted, num(c).sorted, num(r).std),
  ),
  jensenshannon: distanceTest('jensenshannon', 'Jensen-Shannon distance', ['cat', 'num'], (r, c) => {
    const s = shares(r, c)
    return jensenShannonDistance(s.reference, s.current)
  }),
  psi: distanceTest('psi', 'PSI', ['cat', 'num'], (r, c) => {
    const s = shares(r, c)
    return populationStabilityIndex(fillZeroShares(s.reference), fillZeroShares(s.current))
  }),
  kl_div: distanceTest('kl_div', 'Kullback-Leibler divergence', ['cat', 'num'], (r, c) => {
    const s = shares(r, c)
    return klDivergence(fillZeroShares(s.reference), fillZeroShares(s.current))
  }),
  hellinger: distanceTest('hellinger', 'Hellinger distance', ['cat', 'num'], (r, c) => {
    if (r.kind === 'num' && c.kind === 'num') return hellingerSortedNumeric(r.sorted, c.sorted)
    const s = shares(r, c)
    return hellingerFromDensities(s.reference, s.current)
  }),
  domain_classifier: {
    name: 'domain_classifier',
    label: 'Domain classifier ROC AUC',
    kinds: ['text'],
    scoreKind: 'auc',
    defaultThreshold: 0.55,
    run(r, c, threshold, seed) {
      const res = domainClassifierTest((r as TextSample).values, (c as TextSample).values, { seed })
      const notes = [`held-out rows: ${res.testRows}`]
      if (res.currentTokens.length) notes.push(`current-typical: ${res.currentTokens.slice(0, 5).join(', ')}`)
      if (res.referenceTokens.length)
        notes.push(`reference-typical: ${res.referenceTokens.slice(0, 5).join(', ')}`)
      if (threshold < 0.5) {
        const bound = res.randomAucPercentile(threshold)
        notes.push(
          `drift when AUC > ${bound.toFixed(4)} (random classifier's ${(1 - threshold) * 100}th percentile)`,
        )
        return { score: res.auc, statistic: bound, drifted: res.auc > bound, notes }
      }
      return { score: res.auc, statistic: null, drifted: res.auc > threshold, notes }
    },
  },
}

/** The names of the built-in tests. */
export const statTestNames = Object.keys(statTests) as StatTestName[]
