import { CairnError, getLogger } from '../../core/index.js'
import type {
  BundleManifest,
  Model,
  PredictionResult,
  RowPredictor,
  Signature,
  Task,
} from '../../ml/index.js'
import type { LogWriter, PredictionLog } from '../log/prediction-log.js'
import { exampleRow } from '../signature/json-schema.js'
import { compileRowNormalizer, type RowNormalizer, rowsToFrame } from '../signature/row-codec.js'
import { compileRowValidator, type RowValidator } from '../signature/row-validator.js'
import type { ResolvedModel } from './model-source.js'

/**
 * One model version ready to answer: the model, its compiled validator and normaliser, its
 * single-row predictor, its prediction-log writer and the precomputed JSON pieces of its answers.
 */
export interface LoadedModel {
  /** The name it is served under. */
  readonly name: string
  readonly version: string
  readonly resolved: ResolvedModel
  readonly model: Model
  readonly manifest: BundleManifest
  readonly signature: Signature
  readonly task: Task
  /** Classifiers: the labels, in probability order. */
  readonly classes: readonly string[] | undefined
  readonly predictor: RowPredictor
  readonly validator: RowValidator
  readonly normalize: RowNormalizer | undefined
  readonly log: LogWriter | undefined
  readonly loadedAt: number
  /** `{"model":…,"version":…,"predictions":[` */
  readonly jsonHead: string
  /** Each class label as a JSON string. */
  readonly classJson: readonly string[] | undefined
  /** `"<label>":` for each class, for probability objects. */
  readonly classKeys: readonly string[] | undefined
}

const log = getLogger('serving')

/** Rows up to this many go through the single-row predictor; larger batches through `predict(frame)`. */
const ROW_PATH_MAX = 16

/** Load a resolved model, compile what serving needs from its signature, and warm it up. */
export async function loadServedModel(
  resolved: ResolvedModel,
  name: string,
  predictionLog: PredictionLog | undefined,
): Promise<LoadedModel> {
  const { model, manifest } = await resolved.load()
  const signature = model.signature
  const classes =
    signature.output.classes && signature.output.classes.length > 0 ? signature.output.classes : undefined
  const loaded: LoadedModel = {
    name,
    version: resolved.version,
    resolved,
    model,
    manifest,
    signature,
    task: signature.output.task,
    classes,
    predictor: model.rowPredictor(),
    validator: compileRowValidator(signature),
    normalize: compileRowNormalizer(signature),
    log: undefined,
    loadedAt: Date.now(),
    jsonHead: `{"model":${JSON.stringify(name)},"version":${JSON.stringify(resolved.version)},"predictions":[`,
    classJson: classes?.map((c) => JSON.stringify(c)),
    classKeys: classes?.map((c) => `${JSON.stringify(c)}:`),
  }
  await warmUp(loaded)
  const writer = predictionLog?.writer(name, resolved.version, signature)
  return writer ? { ...loaded, log: writer } : loaded
}

/**
 * Run the model on example rows (single-row and batch paths) so the first real requests meet
 * compiled code; a model that throws here is not put into service. The work is cut into slices
 * that yield to the event loop, so requests served meanwhile by the current version do not wait.
 */
export async function warmUp(m: LoadedModel, iterations = 2000): Promise<void> {
  const row = exampleRow(m.signature)
  if (!m.validator.check(row)) return
  m.normalize?.(row)
  const yieldNow = () => new Promise<void>((r) => setImmediate(r))
  try {
    for (let i = 0; i < iterations; i++) {
      m.predictor.predict(row)
      if (i % 200 === 199) await yieldNow()
    }
    const rows = Array.from({ length: 64 }, () => ({ ...row }))
    for (let i = 0; i < 20; i++) {
      m.model.predict(rowsToFrame(rows, m.signature))
      if (i % 5 === 4) await yieldNow()
    }
  } catch (err) {
    throw new CairnError(
      'CAIRN_BUNDLE_INVALID',
      `Model ${m.name} version ${m.version} fails on an example row`,
      {
        cause: err,
        details: { reason: (err as Error).message },
      },
    )
  }
  log.debug({ model: m.name, version: m.version }, 'model warmed up')
}

/** Predict validated, normalised rows (small batches row by row, larger ones as a frame). */
export function predictRows(m: LoadedModel, rows: readonly Record<string, unknown>[]): PredictionResult {
  const n = rows.length
  if (n > ROW_PATH_MAX) {
    const result = m.model.predict(rowsToFrame(rows, m.signature))
    return m.classes && !result.classes ? { ...result, classes: [...m.classes] } : result
  }
  const values = new Float64Array(n)
  const k = m.classes?.length ?? 0
  const probabilities = k > 0 ? new Float64Array(n * k) : undefined
  for (let i = 0; i < n; i++) {
    const p = m.predictor.predict(rows[i] as Record<string, unknown>)
    values[i] = k > 0 && p.label !== undefined ? labelIndex(m, p.label, p.value) : p.value
    if (probabilities && p.probabilities) probabilities.set(p.probabilities.subarray(0, k), i * k)
  }
  return probabilities ? { values, classes: [...(m.classes as string[])], probabilities } : { values }
}

/** The class index of a row answer (its label's position, else its value). */
export function labelIndex(m: LoadedModel, label: string, value: number): number {
  const classes = m.classes
  if (!classes) return value
  if (classes[value] === label) return value
  const i = classes.indexOf(label)
  return i >= 0 ? i : value
}
