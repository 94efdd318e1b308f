import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, getColumn } from '../../data/index.js'
import {
  type Model,
  type ModelFamily,
  type PredictionResult,
  type RowPredictor,
  registerFamily,
  type Signature,
} from '../bundle/index.js'
import { Rng } from '../nn/index.js'
import { encodeLabels, targetLabels } from '../nn/mlp/target.js'
import { MultinomialNb } from './naive-bayes.js'
import { probabilities, SparseLinear, type SparseLinearParams } from './sparse-linear.js'
import { Vectorizer, type VectorizerSpec } from './vectorizer.js'

/** Options for updating a fitted text model with new labelled documents. */
export interface TextPartialFitOptions {
  target?: string
  /** Passes over the new rows (linear models; default 1). */
  epochs?: number
  seed?: number
  signal?: AbortSignal
}

type Classifier = { kind: 'linear'; model: SparseLinear } | { kind: 'naive-bayes'; model: MultinomialNb }

/**
 * A fitted text classifier: a vectorizer over one text column and a sparse linear or naive Bayes
 * classifier (families `text-linear`, `text-naive-bayes`). Missing and empty documents are valid
 * input: they score from the intercept / class prior alone.
 */
export class TextClassifierModel implements Model {
  readonly family: 'text-linear' | 'text-naive-bayes'

  constructor(
    readonly signature: Signature,
    readonly textColumn: string,
    readonly vectorizer: Vectorizer,
    readonly classifier: Classifier,
    readonly classes: string[],
    /** Partial fits applied since the first fit, and rows seen in total. */
    readonly updates: number,
    readonly rowsSeen: number,
  ) {
    this.family = classifier.kind === 'linear' ? 'text-linear' : 'text-naive-bayes'
  }

  predict(frame: Frame): PredictionResult {
    const x = this.vectorizer.transform(documents(frame, this.textColumn))
    const probs = this.classifier.model.predictProba(x)
    const K = this.classes.length
    const values = new Float64Array(frame.rowCount)
    for (let r = 0; r < frame.rowCount; r++) values[r] = argmax(probs, r * K, K)
    return { values, classes: this.classes, probabilities: probs }
  }

  rowPredictor(): RowPredictor {
    const K = this.classes.length
    const probs = new Float64Array(K)
    const z = new Float64Array(K)
    const row = new Map<number, number>()
    const res: { value: number; label?: string; probabilities?: Float64Array } = { value: 0 }
    const l2 =
      this.vectorizer.spec.norm === undefined
        ? this.vectorizer.spec.kind !== 'count'
        : this.vectorizer.spec.norm === 'l2'
    return {
      predict: (input) => {
        const text = input[this.textColumn]
        row.clear()
        if (typeof text === 'string' && text) this.vectorizer.accumulate(text, row)
        const keys = [...row.keys()].sort((a, b) => a - b)
        const indices = Int32Array.from(keys)
        const data = Float32Array.from(keys, (k) => row.get(k)!)
        if (l2) {
          let sq = 0
          for (const v of data) sq += v * v
          if (sq > 0) for (let i = 0; i < data.length; i++) data[i] = data[i]! / Math.sqrt(sq)
        }
        if (this.classifier.kind === 'linear') {
          this.classifier.model.margins(indices, data, 0, data.length, z)
          probabilities(z, K, probs, 0)
        } else {
          this.classifier.model.scores(indices, data, 0, data.length, z)
          let max = -Infinity
          for (let c = 0; c < K; c++) if (z[c]! > max) max = z[c]!
          let sum = 0
          for (let c = 0; c < K; c++) sum += Math.exp(z[c]! - max)
          for (let c = 0; c < K; c++) probs[c] = Math.exp(z[c]! - max) / sum
        }
        res.value = argmax(probs, 0, K)
        res.label = this.classes[res.value]!
        res.probabilities = probs
        return res
      },
    }
  }

  /** Update from new labelled documents; returns a new model. The vocabulary and idf stay as first fitted. */
  async partialFit(frame: Frame, options: TextPartialFitOptions = {}): Promise<TextClassifierModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'partialFit got no rows')
    const y = encodeLabels(targetLabels(frame, options.target ?? this.signature.output.name), this.classes)
    const x = this.vectorizer.transform(documents(frame, this.textColumn))
    let classifier: Classifier
    if (this.classifier.kind === 'linear') {
      const order = new Rng(options.seed ?? this.updates + 1).shuffle(
        Int32Array.from({ length: x.rows }, (_, i) => i),
      )
      classifier = {
        kind: 'linear',
        model: this.classifier.model.train(x, y, options.epochs ?? 1, order, options.signal),
      }
    } else {
      classifier = { kind: 'naive-bayes', model: this.classifier.model.update(x, y) }
    }
    return new TextClassifierModel(
      this.signature,
      this.textColumn,
      this.vectorizer,
      classifier,
      this.classes,
      this.updates + 1,
      this.rowsSeen + frame.rowCount,
    )
  }
}

function argmax(p: Float64Array, at: number, k: number): number {
  let best = 0
  for (let c = 1; c < k; c++) if (p[at + c]! > p[at + best]!) best = c
  return best
}

/** The documents of a text column (string, text or category); null for missing. */
export function documents(frame: Frame, column: string): (string | null)[] {
  const col: FrameColumn = getColumn(frame, column)
  if (col.type === 'string' || col.type === 'text') return col.values
  if (col.type === 'category')
    return Array.from(col.codes, (c) => (c < 0 ? null : (col.categories[c] ?? null)))
  throw new CairnError('CAIRN_FEATURE_MISMATCH', `Column "${column}" must hold text, got ${col.type}`)
}

interface TextState {
  textColumn: string
  classes: string[]
  vectorizer: VectorizerSpec
  vocabulary?: string[]
  updates: number
  rowsSeen: number
  linear?: { params: SparseLinearParams; steps: number }
  naiveBayes?: { alpha: number }
}

function save(m: TextClassifierModel) {
  const v = m.vectorizer
  const state: TextState = {
    textColumn: m.textColumn,
    classes: m.classes,
    vectorizer: v.spec,
    ...(v.vocabulary ? { vocabulary: v.vocabulary } : {}),
    updates: m.updates,
    rowsSeen: m.rowsSeen,
  }
  const tensors: Record<string, Float32Array | Float64Array> = {}
  if (v.idf) tensors.idf = v.idf
  if (m.classifier.kind === 'linear') {
    const c = m.classifier.model
    state.linear = { params: c.params, steps: c.steps }
    tensors.weights = c.weights
    tensors.bias = c.bias
  } else {
    const c = m.classifier.model
    state.naiveBayes = { alpha: c.alpha }
    tensors.featureCounts = c.featureCounts
    tensors.classCounts = c.classCounts
  }
  return {
    hyperparameters: { vectorizer: v.spec, ...(state.linear?.params ?? state.naiveBayes) },
    signature: m.signature,
    state,
    tensors,
  }
}

function load(parts: Parameters<ModelFamily['load']>[0]): TextClassifierModel {
  const s = parts.state as TextState
  const t = parts.tensors
  const vectorizer = new Vectorizer(s.vectorizer, s.vocabulary, t.idf ? Float32Array.from(t.idf) : undefined)
  const K = s.classes.length
  let classifier: Classifier
  if (s.linear) {
    const w = Float32Array.from(t.weights ?? [])
    const features = vectorizer.width
    if (w.length !== (K === 2 ? 1 : K) * features) throw new Error('weights do not match the vocabulary size')
    classifier = {
      kind: 'linear',
      model: new SparseLinear(
        s.linear.params,
        K,
        features,
        w,
        Float32Array.from(t.bias ?? []),
        s.linear.steps,
      ),
    }
  } else {
    const fc = Float64Array.from(t.featureCounts ?? [])
    if (fc.length !== K * vectorizer.width) throw new Error('feature counts do not match the vocabulary size')
    classifier = {
      kind: 'naive-bayes',
      model: new MultinomialNb(
        s.naiveBayes?.alpha ?? 1,
        K,
        vectorizer.width,
        fc,
        Float64Array.from(t.classCounts ?? []),
      ),
    }
  }
  return new TextClassifierModel(
    parts.signature,
    s.textColumn,
    vectorizer,
    classifier,
    s.classes,
    s.updates,
    s.rowsSeen,
  )
}

/** Bundle format of sparse linear text classifiers. */
export const textLinearFamily: ModelFamily<TextClassifierModel> = { name: 'text-linear', save, load }
/** Bundle format of multinomial naive Bayes text classifiers. */
export const textNaiveBayesFamily: ModelFamily<TextClassifierModel> = { name: 'text-naive-bayes', save, load }

registerFamily(textLinearFamily)
registerFamily(textNaiveBayesFamily)
