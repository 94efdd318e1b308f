import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { Signature } from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { Rng } from '../nn/index.js'
import { encodeLabels, targetLabels } from '../nn/mlp/target.js'
import { registerEstimator } from '../pipeline/estimator-spec.js'
import { MultinomialNb } from './naive-bayes.js'
import { defaultSparseLinearParams, SparseLinear, type SparseLinearParams } from './sparse-linear.js'
import { documents, TextClassifierModel } from './text-model.js'
import { Vectorizer, type VectorizerSpec } from './vectorizer.js'

/** Hyperparameters shared by the text classifiers. */
export type TextClassifierParams = {
  /** The text column (default: the frame's only text/string column besides the target). */
  text?: string
  vectorizer: VectorizerSpec
  /** Every class label, when a stream may not show them all in the first batch. */
  classes?: string[]
}

function pickTextColumn(frame: Frame, target: string, given?: string): string {
  if (given) return given
  const candidates = frame.columns.filter(
    (c) => c.name !== target && (c.type === 'text' || c.type === 'string'),
  )
  if (candidates.length === 1) return candidates[0]!.name
  throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Cannot tell which column holds the text', {
    details: { candidates: candidates.map((c) => c.name) },
    hint: 'Pass the column name as the `text` parameter',
  })
}

abstract class TextEstimator<P extends TextClassifierParams> implements Estimator<TextClassifierModel> {
  abstract readonly family: string
  constructor(readonly params: P) {}
  abstract with(params: Record<string, unknown>): Estimator<TextClassifierModel>
  protected abstract train(
    x: ReturnType<Vectorizer['transform']>,
    y: Int32Array,
    classes: string[],
    options: FitOptions,
  ): TextClassifierModel['classifier']

  async fit(frame: Frame, options: FitOptions): Promise<TextClassifierModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'No documents to train on')
    const textColumn = pickTextColumn(frame, options.target, this.params.text)
    const docs = documents(frame, textColumn)
    const labels = targetLabels(frame, options.target)
    const classes = this.params.classes
      ? [...this.params.classes]
      : [...new Set(labels.filter((l): l is string => l !== null))].sort()
    if (classes.length < 2) {
      throw new CairnError(
        'CAIRN_CONSTANT_TARGET',
        `The target "${options.target}" has fewer than two classes`,
        {
          hint: 'Pass every class in the `classes` parameter when the first batch shows only one',
        },
      )
    }
    const y = encodeLabels(labels, classes)
    const { vectorizer, matrix } = Vectorizer.fitTransform(this.params.vectorizer, docs)
    const x = matrix!
    const signature: Signature = {
      inputs: [{ name: textColumn, type: 'text', nullable: true }],
      output: { task: classes.length === 2 ? 'binary' : 'multiclass', name: options.target, classes },
    }
    const classifier = this.train(x, y, classes, options)
    return new TextClassifierModel(signature, textColumn, vectorizer, classifier, classes, 0, frame.rowCount)
  }
}

/** Parameters of the sparse linear text classifier. */
export type TextLinearParams = TextClassifierParams & Partial<SparseLinearParams>

class TextLinearEstimator extends TextEstimator<TextLinearParams> {
  readonly family = 'text-linear'
  with(params: Record<string, unknown>) {
    return new TextLinearEstimator({ ...this.params, ...params })
  }
  protected train(
    x: ReturnType<Vectorizer['transform']>,
    y: Int32Array,
    classes: string[],
    options: FitOptions,
  ) {
    const p: SparseLinearParams = {
      loss: this.params.loss ?? defaultSparseLinearParams.loss,
      alpha: this.params.alpha ?? defaultSparseLinearParams.alpha,
      epochs: this.params.epochs ?? defaultSparseLinearParams.epochs,
      seed: options.seed ?? this.params.seed ?? 0,
    }
    let model = SparseLinear.init(p, classes.length, x.cols)
    const rng = new Rng(p.seed)
    const order = Int32Array.from({ length: x.rows }, (_, i) => i)
    for (let e = 0; e < p.epochs; e++) {
      rng.shuffle(order)
      model = model.train(x, y, 1, order, options.signal)
      options.onProgress?.(e + 1, p.epochs)
    }
    return { kind: 'linear' as const, model }
  }
}

/** Parameters of the naive Bayes text classifier. */
export type TextNaiveBayesParams = TextClassifierParams & { alpha?: number }

class TextNaiveBayesEstimator extends TextEstimator<TextNaiveBayesParams> {
  readonly family = 'text-naive-bayes'
  with(params: Record<string, unknown>) {
    return new TextNaiveBayesEstimator({ ...this.params, ...params })
  }
  protected train(x: ReturnType<Vectorizer['transform']>, y: Int32Array, classes: string[]) {
    return {
      kind: 'naive-bayes' as const,
      model: MultinomialNb.init(this.params.alpha ?? 1, classes.length, x.cols).update(x, y),
    }
  }
}

/**
 * A linear text classifier (logistic regression by default, `loss: 'hinge'` for a linear SVM) trained by
 * SGD over a sparse document-term matrix. Family `text-linear`.
 */
export function textLinearClassifier(params: Partial<TextLinearParams> = {}): Estimator<TextClassifierModel> {
  return new TextLinearEstimator({ vectorizer: { kind: 'tfidf' }, ...params })
}

/** Multinomial naive Bayes over counts or tf-idf. Family `text-naive-bayes`. */
export function textNaiveBayesClassifier(
  params: Partial<TextNaiveBayesParams> = {},
): Estimator<TextClassifierModel> {
  const vectorizer = params.vectorizer ?? { kind: 'count' as const }
  if (vectorizer.kind === 'hashing' && vectorizer.alternateSign !== false) {
    return new TextNaiveBayesEstimator({ ...params, vectorizer: { ...vectorizer, alternateSign: false } })
  }
  return new TextNaiveBayesEstimator({ ...params, vectorizer })
}

registerEstimator('text-linear', (p) => textLinearClassifier(p as Partial<TextLinearParams>))
registerEstimator('text-naive-bayes', (p) => textNaiveBayesClassifier(p as Partial<TextNaiveBayesParams>))
