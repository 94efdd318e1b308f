import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { Model, PredictionResult } from '../bundle/index.js'
import { classificationTarget, regressionTarget, sampleWeights } from '../matrix/index.js'
import {
  accuracy,
  balancedAccuracy,
  cohenKappa,
  f1,
  matthewsCorrcoef,
  precision,
  recall,
} from './classification.js'
import { averagePrecision, prAuc, rocAuc, rocAucOvr } from './curves.js'
import { brierScore, logLoss } from './probabilistic.js'
import { explainedVariance, mae, mape, maxError, medianAbsoluteError, mse, r2, rmse } from './regression.js'

/** What a scorer compares: true class codes against a model's predictions, or true values against predicted ones. */
export interface ClassifierOutputs {
  yTrue: Int32Array
  yPred: Int32Array
  /** Row-major n × k probabilities, when the model gives them. */
  probabilities: Float64Array | undefined
  classes: string[]
  weights: Float64Array | undefined
}

export interface RegressorOutputs {
  yTrue: Float64Array
  yPred: Float64Array
  weights: Float64Array | undefined
}

/** A named metric that scores a fitted model's predictions. */
export interface Scorer {
  readonly name: string
  /** True when larger is better (accuracy, R²); false for losses and errors. */
  readonly greaterIsBetter: boolean
  readonly task: 'classification' | 'regression'
  readonly needsProbabilities?: boolean
  classification?(o: ClassifierOutputs): number
  regression?(o: RegressorOutputs): number
}

const cls = (
  name: string,
  greaterIsBetter: boolean,
  fn: (o: ClassifierOutputs) => number,
  needsProbabilities = false,
): Scorer => ({ name, greaterIsBetter, task: 'classification', needsProbabilities, classification: fn })
const reg = (name: string, greaterIsBetter: boolean, fn: (o: RegressorOutputs) => number): Scorer => ({
  name,
  greaterIsBetter,
  task: 'regression',
  regression: fn,
})

function positiveProbability(o: ClassifierOutputs, what: string): Float64Array {
  if (o.classes.length !== 2) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `${what} needs a binary target, this one has ${o.classes.length} classes`,
      {
        hint: `Use ${what}_ovr or a macro-averaged metric for multiclass targets`,
      },
    )
  }
  const p = o.probabilities as Float64Array
  const n = o.yTrue.length
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = p[i * 2 + 1] as number
  return out
}

function binaryLabelMetric(fn: typeof precision, what: string): (o: ClassifierOutputs) => number {
  return (o) => {
    if (o.classes.length !== 2) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `"${what}" scores the positive class of a binary target; this one has ${o.classes.length} classes`,
        { hint: `Use "${what}_macro", "${what}_weighted" or "${what}_micro"` },
      )
    }
    return fn(o.yTrue, o.yPred, { sampleWeight: o.weights, posLabel: 1, labels: [0, 1] })
  }
}

function averagedLabelMetric(fn: typeof precision, average: 'macro' | 'weighted' | 'micro') {
  return (o: ClassifierOutputs) =>
    fn(o.yTrue, o.yPred, {
      sampleWeight: o.weights,
      average,
      labels: o.classes.map((_, i) => i),
    })
}

const ow = (o: { weights: Float64Array | undefined }) => ({ sampleWeight: o.weights })

const table: Scorer[] = [
  cls('accuracy', true, (o) => accuracy(o.yTrue, o.yPred, ow(o))),
  cls('balanced_accuracy', true, (o) => balancedAccuracy(o.yTrue, o.yPred, ow(o))),
  cls('precision', true, binaryLabelMetric(precision, 'precision')),
  cls('recall', true, binaryLabelMetric(recall, 'recall')),
  cls('f1', true, binaryLabelMetric(f1, 'f1')),
  ...(['macro', 'weighted', 'micro'] as const).flatMap((a) => [
    cls(`precision_${a}`, true, averagedLabelMetric(precision, a)),
    cls(`recall_${a}`, true, averagedLabelMetric(recall, a)),
    cls(`f1_${a}`, true, averagedLabelMetric(f1, a)),
  ]),
  cls('matthews', true, (o) => matthewsCorrcoef(o.yTrue, o.yPred, ow(o))),
  cls('cohen_kappa', true, (o) => cohenKappa(o.yTrue, o.yPred, ow(o))),
  cls(
    'roc_auc',
    true,
    (o) =>
      o.classes.length === 2
        ? rocAuc(o.yTrue, positiveProbability(o, 'roc_auc'), { ...ow(o), posLabel: 1 })
        : rocAucOvr(o.yTrue, o.probabilities as Float64Array, {
            ...ow(o),
            labels: o.classes.map((_, i) => i),
          }),
    true,
  ),
  cls(
    'roc_auc_ovr_weighted',
    true,
    (o) =>
      rocAucOvr(o.yTrue, o.probabilities as Float64Array, {
        ...ow(o),
        average: 'weighted',
        labels: o.classes.map((_, i) => i),
      }),
    true,
  ),
  cls(
    'average_precision',
    true,
    (o) => averagePrecision(o.yTrue, positiveProbability(o, 'average_precision'), { ...ow(o), posLabel: 1 }),
    true,
  ),
  cls(
    'pr_auc',
    true,
    (o) => prAuc(o.yTrue, positiveProbability(o, 'pr_auc'), { ...ow(o), posLabel: 1 }),
    true,
  ),
  cls(
    'log_loss',
    false,
    (o) =>
      logLoss(o.yTrue, o.probabilities as Float64Array, { ...ow(o), labels: o.classes.map((_, i) => i) }),
    true,
  ),
  cls(
    'brier',
    false,
    (o) => brierScore(o.yTrue, positiveProbability(o, 'brier'), { ...ow(o), posLabel: 1 }),
    true,
  ),
  reg('rmse', false, (o) => rmse(o.yTrue, o.yPred, ow(o))),
  reg('mse', false, (o) => mse(o.yTrue, o.yPred, ow(o))),
  reg('mae', false, (o) => mae(o.yTrue, o.yPred, ow(o))),
  reg('mape', false, (o) => mape(o.yTrue, o.yPred, ow(o))),
  reg('r2', true, (o) => r2(o.yTrue, o.yPred, ow(o))),
  reg('explained_variance', true, (o) => explainedVariance(o.yTrue, o.yPred, ow(o))),
  reg('median_absolute_error', false, (o) => medianAbsoluteError(o.yTrue, o.yPred)),
  reg('max_error', false, (o) => maxError(o.yTrue, o.yPred)),
]
const scorers = new Map(table.map((s) => [s.name, s]))

/** The scorer named `name` (`accuracy`, `roc_auc`, `f1_macro`, `log_loss`, `rmse`, `r2`, …). */
export function getScorer(name: string): Scorer {
  const s = scorers.get(name)
  if (!s) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `Unknown metric "${name}"`, {
      details: { metric: name, known: listScorers() },
    })
  }
  return s
}

/** Names of every built-in scorer. */
export function listScorers(): string[] {
  return [...scorers.keys()]
}

/** The metric used when none is named: R² for regression, accuracy for classification (as scikit-learn). */
export function defaultMetric(model: Pick<Model, 'signature'>): string {
  return isClassifier(model) ? 'accuracy' : 'r2'
}

/** True when the model predicts classes. */
export function isClassifier(model: Pick<Model, 'signature'>): boolean {
  const t = model.signature.output.task
  return t === 'binary' || t === 'multiclass'
}

/** Options for scoring a model on a frame. */
export interface ScoreOptions {
  target: string
  metrics: readonly string[]
  weight?: string
  /** Predictions already made on `frame` (skips predicting again). */
  predictions?: PredictionResult
}

/**
 * Score a fitted model on labelled data with named metrics. Classifier targets are matched to the
 * model's classes (a class it never saw is CAIRN_UNSEEN_CLASS); for binary metrics the positive
 * class is the second of the model's sorted classes (`1`, `true`, `>50K`).
 */
export function scoreModel(model: Model, frame: Frame, options: ScoreOptions): Record<string, number> {
  const list = options.metrics.map(getScorer)
  const classifier = isClassifier(model)
  for (const s of list) {
    if ((s.task === 'classification') !== classifier) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `Metric "${s.name}" is for ${s.task}, but the model is a ${classifier ? 'classifier' : 'regressor'}`,
      )
    }
  }
  const pred = options.predictions ?? model.predict(frame)
  const weights = options.weight ? sampleWeights(frame, options.weight) : undefined
  const out: Record<string, number> = {}
  if (classifier) {
    const classes = model.signature.output.classes ?? pred.classes ?? []
    const { codes } = classificationTarget(frame, options.target, classes)
    const yPred = Int32Array.from(pred.values)
    const o: ClassifierOutputs = { yTrue: codes, yPred, probabilities: pred.probabilities, classes, weights }
    for (const s of list) {
      if (s.needsProbabilities && !pred.probabilities) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `Metric "${s.name}" needs probabilities, and ${model.family} gives none`,
        )
      }
      out[s.name] = (s.classification as (o: ClassifierOutputs) => number)(o)
    }
  } else {
    const o: RegressorOutputs = {
      yTrue: regressionTarget(frame, options.target),
      yPred: pred.values,
      weights,
    }
    for (const s of list) out[s.name] = (s.regression as (o: RegressorOutputs) => number)(o)
  }
  return out
}
