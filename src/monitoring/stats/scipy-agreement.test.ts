import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { andersonKSample } from './anderson-ksamp.js'
import { binSortedNumeric, hellingerSortedNumeric, sharesFromCounts } from './binned.js'
import { chiSquareDrift } from './chi-square.js'
import {
  fillZeroShares,
  hellingerFromDensities,
  jensenShannonDistance,
  klDivergence,
  populationStabilityIndex,
} from './divergences.js'
import { kolmogorovSf, smirnovSf } from './kolmogorov.js'
import { ksTwoSample } from './ks-two-sample.js'
import { sortFinite } from './sort.js'
import { chiSquareSf, logGamma, normalSf } from './special.js'
import { fixtureNumber, type SampleSpec, sampleFromSpec } from './test-samples.js'
import { meanStd, normalizedWasserstein, wassersteinSorted } from './wasserstein.js'
import { twoProportionZTest } from './z-test.js'

type Num = number | string
interface PairCase {
  name: string
  reference: SampleSpec
  current: SampleSpec
  ks: { statistic: Num; pValue: Num }
  wasserstein: { distance: Num; referenceStd: Num; normed: Num }
  anderson: { statistic: Num; pValue: Num }
  jensenShannon: Num
  psi: Num
  kl: Num
  hellinger: Num
}
interface CategoricalCase {
  name: string
  referenceCounts: number[]
  currentCounts: number[]
  chiSquare: { statistic: Num; pValue: Num }
  jensenShannon: Num
  psi: Num
  kl: Num
  hellinger: Num
}
interface Fixtures {
  scipy: string
  pairs: PairCase[]
  categorical: CategoricalCase[]
  zTest: { x1: number; n1: number; x2: number; n2: number; statistic: Num; pValue: Num }[]
  special: {
    kstwo: { n: number; x: number; sf: Num }[]
    chi2: { dof: number; x: number; sf: Num }[]
    normal: { z: number; sf: Num }[]
    lgamma: { x: number; value: Num }[]
    smirnov: { n: number; x: number; sf: Num }[]
  }
}

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/scipy-fixtures.json', import.meta.url), 'utf8'),
) as Fixtures

const STAT_RTOL = 1e-9
const P_RTOL = 1e-6

/** |a − b| ≤ rtol·|b| (both infinite or both NaN count as equal). */
function close(actual: number, expectedRaw: Num, rtol: number, what: string): void {
  const expected = fixtureNumber(expectedRaw)
  if (Number.isNaN(expected)) {
    expect(actual, what).toBeNaN()
    return
  }
  if (!Number.isFinite(expected)) {
    expect(actual, what).toBe(expected)
    return
  }
  const err = Math.abs(actual - expected)
  const tol = rtol * Math.abs(expected) + (expected === 0 ? 1e-300 : 0)
  expect(err, `${what}: got ${actual}, SciPy ${expected}`).toBeLessThanOrEqual(tol)
}

describe(`drift statistics agree with SciPy ${fixtures.scipy}`, () => {
  for (const c of fixtures.pairs) {
    describe(c.name, () => {
      const ref = sortFinite(sampleFromSpec(c.reference)).values
      const cur = sortFinite(sampleFromSpec(c.current)).values
      it('Kolmogorov-Smirnov', () => {
        const r = ksTwoSample(ref, cur)
        close(r.statistic, c.ks.statistic, STAT_RTOL, 'ks statistic')
        close(r.pValue, c.ks.pValue, P_RTOL, `ks p-value (${r.method})`)
      })
      it('Wasserstein (normed)', () => {
        const std = meanStd(ref).std
        close(wassersteinSorted(ref, cur), c.wasserstein.distance, STAT_RTOL, 'distance')
        close(std, c.wasserstein.referenceStd, STAT_RTOL, 'reference std')
        close(normalizedWasserstein(ref, cur, std), c.wasserstein.normed, STAT_RTOL, 'normed')
      })
      it('Anderson-Darling k-sample', () => {
        const r = andersonKSample([ref, cur])
        close(r.statistic, c.anderson.statistic, STAT_RTOL, 'statistic')
        close(r.pValue, c.anderson.pValue, P_RTOL, 'p-value')
      })
      it('Jensen-Shannon, PSI, KL, Hellinger on Evidently bins', () => {
        const b = binSortedNumeric(ref, cur)
        close(jensenShannonDistance(b.reference, b.current), c.jensenShannon, STAT_RTOL, 'js')
        const r = fillZeroShares(b.reference)
        const q = fillZeroShares(b.current)
        close(populationStabilityIndex(r, q), c.psi, STAT_RTOL, 'psi')
        close(klDivergence(r, q), c.kl, STAT_RTOL, 'kl')
        close(hellingerSortedNumeric(ref, cur), c.hellinger, STAT_RTOL, 'hellinger')
      })
    })
  }

  for (const c of fixtures.categorical) {
    it(`categorical: ${c.name}`, () => {
      const chi = chiSquareDrift(c.referenceCounts, c.currentCounts)
      close(chi.statistic, c.chiSquare.statistic, STAT_RTOL, 'chi2 statistic')
      close(chi.pValue, c.chiSquare.pValue, P_RTOL, 'chi2 p-value')
      const r = sharesFromCounts(c.referenceCounts)
      const q = sharesFromCounts(c.currentCounts)
      close(jensenShannonDistance(r, q), c.jensenShannon, STAT_RTOL, 'js')
      close(populationStabilityIndex(fillZeroShares(r), fillZeroShares(q)), c.psi, STAT_RTOL, 'psi')
      close(klDivergence(fillZeroShares(r), fillZeroShares(q)), c.kl, STAT_RTOL, 'kl')
      close(hellingerFromDensities(r, q), c.hellinger, STAT_RTOL, 'hellinger')
    })
  }

  it('two-proportion z-test', () => {
    for (const c of fixtures.zTest) {
      const r = twoProportionZTest(c.x1, c.n1, c.x2, c.n2)
      close(r.statistic, c.statistic, STAT_RTOL, `z ${c.x1}/${c.n1} vs ${c.x2}/${c.n2}`)
      close(r.pValue, c.pValue, P_RTOL, `p ${c.x1}/${c.n1} vs ${c.x2}/${c.n2}`)
    }
  })

  it('special functions: kstwo.sf, smirnov, chi2.sf, norm.sf, gammaln', () => {
    for (const c of fixtures.special.kstwo)
      close(kolmogorovSf(c.n, c.x), c.sf, P_RTOL, `kstwo n=${c.n} x=${c.x}`)
    for (const c of fixtures.special.smirnov)
      close(smirnovSf(c.n, c.x), c.sf, P_RTOL, `smirnov n=${c.n} x=${c.x}`)
    for (const c of fixtures.special.chi2)
      close(chiSquareSf(c.x, c.dof), c.sf, P_RTOL, `chi2 dof=${c.dof} x=${c.x}`)
    for (const c of fixtures.special.normal) close(normalSf(c.z), c.sf, P_RTOL, `norm z=${c.z}`)
    for (const c of fixtures.special.lgamma) close(logGamma(c.x), c.value, 1e-12, `gammaln ${c.x}`)
  })
})
