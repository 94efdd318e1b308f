import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  brierScore,
  classScores,
  cohenKappa,
  confusionMatrix,
  explainedVariance,
  f1,
  fbeta,
  logLoss,
  mae,
  mape,
  matthewsCorrcoef,
  maxError,
  medianAbsoluteError,
  mse,
  prAuc,
  precision,
  r2,
  recall,
  rmse,
  rocAuc,
  rocAucOvr,
} from './index.js'

/**
 * Expected values come from scikit-learn 1.2 (fixtures/make_metrics_fixtures.py). Every value
 * must agree to 1e-10 relative: the formulas are the same, only summation order differs.
 */
const TOL = 1e-10
const fx = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8'))

function close(actual: number, expected: number, tol = TOL): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * (1 + Math.abs(expected)))
}

function closeMatrix(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length)
  actual.forEach((row, i) => {
    row.forEach((v, j) => {
      close(v, (expected[i] as number[])[j] as number)
    })
  })
}

describe.each(['binary', 'binaryWeighted'])('binary classification metrics (%s)', (name) => {
  const c = fx[name]
  const o = c.weight ? { sampleWeight: c.weight as number[] } : {}
  const e = c.expected
  it('agrees with scikit-learn on label metrics', () => {
    close(accuracy(c.yTrue, c.yPred, o), e.accuracy)
    close(balancedAccuracy(c.yTrue, c.yPred, o), e.balanced_accuracy)
    close(precision(c.yTrue, c.yPred, o), e.precision)
    close(recall(c.yTrue, c.yPred, o), e.recall)
    close(f1(c.yTrue, c.yPred, o), e.f1)
    close(f1(c.yTrue, c.yPred, { ...o, average: 'macro' }), e.f1_macro)
    close(f1(c.yTrue, c.yPred, { ...o, average: 'weighted' }), e.f1_weighted)
    close(f1(c.yTrue, c.yPred, { ...o, average: 'micro' }), e.f1_micro)
    close(fbeta(c.yTrue, c.yPred, 2, o), e.fbeta2)
    close(matthewsCorrcoef(c.yTrue, c.yPred, o), e.matthews)
    close(cohenKappa(c.yTrue, c.yPred, o), e.cohen_kappa)
    closeMatrix(confusionMatrix(c.yTrue, c.yPred, o).matrix, e.confusion_matrix)
  })
  it('agrees with scikit-learn on score metrics (ties included)', () => {
    close(rocAuc(c.yTrue, c.score, o), e.roc_auc)
    close(averagePrecision(c.yTrue, c.score, o), e.average_precision)
    close(prAuc(c.yTrue, c.score, o), e.pr_auc)
    close(logLoss(c.yTrue, c.score, o), e.log_loss)
    close(brierScore(c.yTrue, c.score, o), e.brier)
  })
})

describe.each(['multiclass', 'multiclassWeighted'])('multiclass metrics (%s)', (name) => {
  const c = fx[name]
  const o = c.weight ? { sampleWeight: c.weight as number[] } : {}
  const e = c.expected
  const labels = Array.from({ length: c.k }, (_, i) => i)
  it('agrees with scikit-learn, including a class never predicted', () => {
    close(accuracy(c.yTrue, c.yPred, o), e.accuracy)
    close(balancedAccuracy(c.yTrue, c.yPred, o), e.balanced_accuracy)
    closeMatrix(confusionMatrix(c.yTrue, c.yPred, { ...o, labels }).matrix, e.confusion_matrix)
    for (const average of ['macro', 'weighted', 'micro'] as const) {
      close(precision(c.yTrue, c.yPred, { ...o, average }), e[`precision_${average}`])
      close(recall(c.yTrue, c.yPred, { ...o, average }), e[`recall_${average}`])
      close(f1(c.yTrue, c.yPred, { ...o, average }), e[`f1_${average}`])
    }
    const s = classScores(c.yTrue, c.yPred, o)
    s.precision.forEach((v, i) => {
      close(v, e.per_class.precision[i])
    })
    s.recall.forEach((v, i) => {
      close(v, e.per_class.recall[i])
    })
    s.fbeta.forEach((v, i) => {
      close(v, e.per_class.f1[i])
    })
    s.support.forEach((v, i) => {
      close(v, e.per_class.support[i])
    })
    close(matthewsCorrcoef(c.yTrue, c.yPred, o), e.matthews)
    close(cohenKappa(c.yTrue, c.yPred, o), e.cohen_kappa)
  })
  it('agrees on one-vs-rest ROC AUC and multiclass log loss', () => {
    close(rocAucOvr(c.yTrue, c.proba, o), e.roc_auc_ovr_macro)
    close(rocAucOvr(c.yTrue, c.proba, { ...o, average: 'weighted' }), e.roc_auc_ovr_weighted)
    close(logLoss(c.yTrue, c.proba, { ...o, labels }), e.log_loss)
  })
})

describe('string labels', () => {
  const c = fx.strings
  it('sorts labels like scikit-learn and accepts posLabel', () => {
    close(accuracy(c.yTrue, c.yPred), c.expected.accuracy)
    close(f1(c.yTrue, c.yPred, { average: 'macro' }), c.expected.f1_macro)
    const cm = confusionMatrix(c.yTrue, c.yPred)
    expect(cm.labels).toEqual(['bird', 'cat', 'dog'])
    closeMatrix(cm.matrix, c.expected.confusion_matrix)
    const isDog = (a: string[]) => a.map((v) => (v === 'dog' ? 'dog' : 'other'))
    close(precision(isDog(c.yTrue), isDog(c.yPred), { posLabel: 'dog' }), c.expected.precision_dog)
  })
  it('refuses average "binary" for three classes, with a hint', () => {
    expect(() => f1(c.yTrue, c.yPred)).toThrow(expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }))
  })
})

describe.each(['regression', 'regressionWeighted'])('regression metrics (%s)', (name) => {
  const c = fx[name]
  const o = c.weight ? { sampleWeight: c.weight as number[] } : {}
  const e = c.expected
  it('agrees with scikit-learn', () => {
    close(mse(c.yTrue, c.yPred, o), e.mse)
    close(rmse(c.yTrue, c.yPred, o), e.rmse)
    close(mae(c.yTrue, c.yPred, o), e.mae)
    close(mape(c.yTrue, c.yPred, o), e.mape)
    close(r2(c.yTrue, c.yPred, o), e.r2)
    close(explainedVariance(c.yTrue, c.yPred, o), e.explained_variance)
    close(maxError(c.yTrue, c.yPred), e.max_error)
    if (e.median_absolute_error !== null)
      close(medianAbsoluteError(c.yTrue, c.yPred), e.median_absolute_error)
  })
})

describe('edge cases', () => {
  it('scores a constant target as scikit-learn does', () => {
    const c = fx.regressionConstant
    expect(r2(c.yTrue, c.yPredPerfect)).toBe(c.expected.r2_perfect)
    expect(r2(c.yTrue, c.yPredOff)).toBe(c.expected.r2_off)
    expect(explainedVariance(c.yTrue, c.yPredOff)).toBe(c.expected.explained_variance_off)
  })
  it('rejects empty, mismatched and non-finite input with codes', () => {
    expect(() => accuracy([], [])).toThrow(expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }))
    expect(() => mse([1, 2], [1])).toThrow(expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }))
    expect(() => rmse([1, Number.NaN], [1, 2])).toThrow(
      expect.objectContaining({ code: 'CAIRN_NON_FINITE_VALUE' }),
    )
    expect(() => rocAuc([1, 1, 1], [0.2, 0.4, 0.9])).toThrow(/only one class/)
    expect(() => accuracy([0, 1], [0, 1], { sampleWeight: [1, -1] })).toThrow(
      expect.objectContaining({ code: 'CAIRN_NON_FINITE_VALUE' }),
    )
  })
  it('handles a perfect and a reversed ranking', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1)
    expect(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0)
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5)
  })
})
