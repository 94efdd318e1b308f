import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, getColumn, selectColumns } from '../../data/index.js'
import {
  getFamily,
  type InputSpec,
  type Model,
  type ModelFamily,
  type PredictionResult,
  prefixTensors,
  type RowPrediction,
  type RowPredictor,
  registerFamily,
  type Signature,
  type Tensor,
  unprefixTensors,
} from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { checkInputsPresent, checkTrainable, featureNames, sampleWeights } from '../matrix/index.js'
import { inputSpecOf, isTextType } from '../transforms/columns.js'
import { loadTransform, transformerFromSpec } from '../transforms/registry.js'
import type { FittedTransform, Transformer, TransformFitContext } from '../transforms/transform.js'
import { throwIfAborted } from './define-estimator.js'
import { type EstimatorSpec, estimatorFromSpec, registerEstimator, specOf } from './estimator-spec.js'
import { compileRawReader, SlotLayout } from './row-plan.js'
import { vectorPredictorOf } from './vector-predictor.js'

/** A named step of a pipeline. */
export interface PipelineStep {
  name: string
  transformer: Transformer
}

/** A pipeline's params as data: its steps' specs and its model's spec. */
export interface PipelineParams {
  steps: { name: string; kind: string; params: Record<string, unknown> }[]
  model: EstimatorSpec
}

interface FittedStep {
  name: string
  transform: FittedTransform
}

/**
 * A fitted pipeline: transforms then a model, as one Model. It takes the raw columns (its
 * signature lists them with their types and categories) and predicts like its final model.
 */
export class PipelineModel implements Model {
  readonly family = 'pipeline'

  constructor(
    readonly signature: Signature,
    readonly hyperparameters: Record<string, unknown>,
    readonly steps: readonly FittedStep[],
    readonly model: Model,
  ) {}

  /** The frame the final model sees: raw columns through every transform. */
  transform(frame: Frame): Frame {
    checkInputsPresent(frame, this.signature.inputs)
    let f = frame
    for (const s of this.steps) f = s.transform.transform(f)
    return f
  }

  predict(frame: Frame): PredictionResult {
    return this.model.predict(this.transform(frame))
  }

  /**
   * The serving path. Values travel through the transforms in preallocated slots; when the final
   * model offers a vector predictor (every Cairn linear, neighbour, naive Bayes and baseline model
   * does) the handoff is a reused Float64Array, so a call allocates nothing beyond reading the row.
   */
  rowPredictor(): RowPredictor {
    const layout = new SlotLayout()
    const read = compileRawReader(this.signature.inputs, layout)
    const stepFns = this.steps.map((s) => s.transform.compileRow(layout))
    const finals = this.model.signature.inputs
    const text = finals.map((s) => isTextType(s.type))
    const slots = Int32Array.from(
      finals.map((s, j) => (text[j] ? layout.stringSlot(s.name) : layout.numberSlot(s.name))),
    )
    const { numbers: num, strings: str } = layout.buffers()
    const run = (row: Readonly<Record<string, unknown>>) => {
      read(row, num, str)
      for (let k = 0; k < stepFns.length; k++) (stepFns[k] as (typeof stepFns)[number])(num, str)
    }
    const p = finals.length
    const vector = vectorPredictorOf(this.model)
    if (vector) {
      const x = new Float64Array(p)
      const codes = finals.map((s) =>
        s.categories ? new Map(s.categories.map((c, i) => [c, i])) : undefined,
      )
      return {
        predict: (row): RowPrediction => {
          run(row)
          for (let j = 0; j < p; j++) {
            if (text[j]) {
              const label = str[slots[j] as number]
              const code = label === null || label === undefined ? undefined : codes[j]?.get(label)
              x[j] = code === undefined ? Number.NaN : code
            } else x[j] = num[slots[j] as number] as number
          }
          return vector.predict(x)
        },
      }
    }
    const inner = this.model.rowPredictor()
    const scratch: Record<string, unknown> = {}
    for (const s of finals) scratch[s.name] = null
    const names = finals.map((s) => s.name)
    return {
      predict: (row): RowPrediction => {
        run(row)
        for (let j = 0; j < p; j++) {
          scratch[names[j] as string] = text[j] ? str[slots[j] as number] : num[slots[j] as number]
        }
        return inner.predict(scratch)
      },
    }
  }

  /** The final model's importances mapped back to raw input columns (derived columns share their sources' credit). */
  featureImportances(): Record<string, number> {
    const inner = this.model.featureImportances?.()
    if (!inner) {
      throw new CairnError(
        'CAIRN_NOT_IMPLEMENTED',
        `The pipeline's ${this.model.family} model has no feature importances`,
        {
          hint: 'Use permutationImportance() for any model',
        },
      )
    }
    let current = new Map(Object.entries(inner))
    for (let k = this.steps.length - 1; k >= 0; k--) {
      const t = (this.steps[k] as FittedStep).transform
      const produced = new Set(t.outputs.map((o) => o.name))
      const next = new Map<string, number>()
      for (const [name, v] of current) {
        if (!produced.has(name)) {
          next.set(name, (next.get(name) ?? 0) + v)
          continue
        }
        const src = t.sources(name)
        for (const s of src) next.set(s, (next.get(s) ?? 0) + v / src.length)
      }
      current = next
    }
    const out: Record<string, number> = {}
    for (const s of this.signature.inputs) out[s.name] = current.get(s.name) ?? 0
    return out
  }
}

/** The raw columns a fitted pipeline needs, and whether each may be missing. */
function requiredInputs(raw: Frame, steps: readonly FittedStep[], model: Model): InputSpec[] {
  const produced = new Set<string>()
  const needed = new Set<string>()
  for (const { transform } of steps) {
    for (const i of transform.inputs) if (!produced.has(i.name)) needed.add(i.name)
    for (const o of transform.outputs) produced.add(o.name)
  }
  for (const i of model.signature.inputs) if (!produced.has(i.name)) needed.add(i.name)
  const modelNullable = new Map(model.signature.inputs.map((s) => [s.name, s.nullable]))
  return raw.columns
    .filter((c) => needed.has(c.name))
    .map((c) => {
      // Follow the column: the first transform that handles or rejects missing values decides;
      // transforms that pass NaN through defer to the next reader, and finally to the model.
      let nullable: boolean | undefined
      for (const { transform } of steps) {
        if (!transform.inputs.some((i) => i.name === c.name)) continue
        const policy = transform.missingPolicy(c.name)
        if (policy === 'handles') nullable = true
        else if (policy === 'rejects') nullable = false
        else if (!transform.outputs.some((o) => o.name === c.name)) nullable = true
        if (nullable !== undefined) break
      }
      // The first reader of the column decides whether it takes categories never seen at fit time.
      const reader =
        steps.map((s) => s.transform.inputs.find((i) => i.name === c.name)).find((i) => i !== undefined) ??
        model.signature.inputs.find((i) => i.name === c.name)
      const spec = inputSpecOf(c, nullable ?? modelNullable.get(c.name) ?? false)
      return reader?.acceptsUnknown && spec.type === 'category' ? { ...spec, acceptsUnknown: true } : spec
    })
}

/** An unfitted pipeline: transforms and a final estimator (any Estimator, including GBDT). */
export class PipelineEstimator implements Estimator<PipelineModel> {
  readonly family = 'pipeline'
  readonly params: Readonly<Record<string, unknown>>

  constructor(
    readonly steps: readonly PipelineStep[],
    readonly model: Estimator,
  ) {
    const names = steps.map((s) => s.name)
    if (new Set(names).size !== names.length || names.includes('model')) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Pipeline step names must be unique and not "model"', {
        details: { names },
      })
    }
    const params: PipelineParams = {
      steps: steps.map((s) => ({
        name: s.name,
        kind: s.transformer.kind,
        params: { ...s.transformer.params },
      })),
      model: specOf(model),
    }
    this.params = Object.freeze(params as unknown as Record<string, unknown>)
  }

  async fit(frame: Frame, options: FitOptions): Promise<PipelineModel> {
    throwIfAborted(options.signal)
    checkTrainable(frame, options)
    const features = featureNames(frame, options)
    const raw = selectColumns(frame, features)
    const targetColumn = getColumn(frame, options.target)
    const seed = options.seed ?? 0
    const ctx: TransformFitContext = {
      target: { name: options.target, column: targetColumn },
      seed,
      ...(options.weight ? { weights: sampleWeights(frame, options.weight) } : {}),
    }
    let current = raw
    const fitted: FittedStep[] = []
    for (const [i, step] of this.steps.entries()) {
      throwIfAborted(options.signal)
      const r = step.transformer.fitTransform(current, { ...ctx, seed: seed + i })
      fitted.push({ name: step.name, transform: r.fitted })
      current = r.output
    }
    const reserved = [options.target, ...(options.weight ? [options.weight] : [])]
    for (const c of current.columns) {
      if (reserved.includes(c.name)) {
        throw new CairnError(
          'CAIRN_CONFLICT',
          `A pipeline step writes "${c.name}", the name of the target or weight column`,
        )
      }
    }
    const attach = (f: Frame, source: Frame): Frame => ({
      rowCount: f.rowCount,
      columns: [
        ...f.columns,
        getColumn(source, options.target),
        ...(options.weight ? [getColumn(source, options.weight) as FrameColumn] : []),
      ],
    })
    const trainFrame = attach(current, frame)
    let validation: Frame | undefined
    if (options.validation) {
      let v = selectColumns(options.validation, features)
      for (const s of fitted) v = s.transform.transform(v)
      validation = attach(v, options.validation)
    }
    const model = await this.model.fit(trainFrame, {
      ...options,
      features: current.columns.map((c) => c.name),
      ...(validation ? { validation } : {}),
    })
    const signature: Signature = {
      inputs: requiredInputs(raw, fitted, model),
      output: model.signature.output,
    }
    return new PipelineModel(signature, { ...this.params }, fitted, model)
  }

  /**
   * A copy with params changed: `'model.C'` sets the final estimator's C, `'<step>.<param>'` a
   * step's param; `steps` / `model` replace them whole (as specs).
   */
  with(params: Record<string, unknown>): PipelineEstimator {
    let steps = [...this.steps]
    let model = this.model
    if (params.steps !== undefined || params.model !== undefined) {
      const spec = { ...(this.params as unknown as PipelineParams), ...params } as PipelineParams
      return pipelineFromSpec(spec).with(
        Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'steps' && k !== 'model')),
      )
    }
    const modelParams: Record<string, unknown> = {}
    const stepParams = new Map<string, Record<string, unknown>>()
    for (const [key, value] of Object.entries(params)) {
      const dot = key.indexOf('.')
      if (dot < 0) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `Pipeline param "${key}" must be "model.<param>" or "<step>.<param>"`,
        )
      }
      const head = key.slice(0, dot)
      const rest = key.slice(dot + 1)
      if (head === 'model') modelParams[rest] = value
      else {
        if (!steps.some((s) => s.name === head)) {
          throw new CairnError('CAIRN_INVALID_ARGUMENT', `No pipeline step named "${head}"`, {
            details: { steps: steps.map((s) => s.name) },
          })
        }
        stepParams.set(head, { ...stepParams.get(head), [rest]: value })
      }
    }
    if (Object.keys(modelParams).length > 0) model = model.with(modelParams)
    steps = steps.map((s) => {
      const p = stepParams.get(s.name)
      return p ? { name: s.name, transformer: s.transformer.with(p) } : s
    })
    return new PipelineEstimator(steps, model)
  }
}

/**
 * Chain transforms and a final estimator into one estimator whose fitted model is one `pipeline`
 * bundle (scikit-learn's Pipeline). Steps are named by their kind unless given as `[name, step]`.
 */
export function pipeline(
  steps: (Transformer | [string, Transformer])[],
  model: Estimator,
): PipelineEstimator {
  const counts = new Map<string, number>()
  const named = steps.map((s): PipelineStep => {
    if (Array.isArray(s)) return { name: s[0], transformer: s[1] }
    const k = (counts.get(s.kind) ?? 0) + 1
    counts.set(s.kind, k)
    return { name: k === 1 ? s.kind : `${s.kind}-${k}`, transformer: s }
  })
  return new PipelineEstimator(named, model)
}

/** Rebuild a pipeline estimator from its params (tuning workers, tracked runs). */
export function pipelineFromSpec(params: PipelineParams): PipelineEstimator {
  if (!Array.isArray(params.steps) || typeof params.model?.family !== 'string') {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      'A pipeline spec needs `steps` and `model: { family, params }`',
    )
  }
  return new PipelineEstimator(
    params.steps.map((s) => ({ name: s.name, transformer: transformerFromSpec(s) })),
    estimatorFromSpec(params.model),
  )
}

registerEstimator('pipeline', (p) => pipelineFromSpec(p as unknown as PipelineParams))

interface PipelineState {
  steps: { name: string; kind: string; params: Record<string, unknown>; state: unknown }[]
  model: { family: string; hyperparameters: Record<string, unknown>; signature: Signature; state: unknown }
}

/** The `pipeline` family: steps and model stored side by side, tensors prefixed `step<i>.` and `model.`. */
export const pipelineFamily: ModelFamily<PipelineModel> = {
  name: 'pipeline',
  save(m) {
    let tensors: Record<string, Tensor> = {}
    const steps = m.steps.map((s, i) => {
      const parts = s.transform.save()
      tensors = { ...tensors, ...prefixTensors(`step${i}.`, parts.tensors) }
      return { name: s.name, kind: parts.kind, params: parts.params, state: parts.state }
    })
    const inner = getFamily(m.model.family).save(m.model)
    tensors = { ...tensors, ...prefixTensors('model.', inner.tensors) }
    const state: PipelineState = {
      steps,
      model: {
        family: m.model.family,
        hyperparameters: inner.hyperparameters,
        signature: inner.signature,
        state: inner.state,
      },
    }
    return { hyperparameters: m.hyperparameters, signature: m.signature, state, tensors }
  },
  load(parts) {
    const state = parts.state as PipelineState
    if (!state || !Array.isArray(state.steps) || typeof state.model?.family !== 'string') {
      throw new Error('pipeline state needs steps and a model')
    }
    const steps = state.steps.map((s, i) => ({
      name: s.name,
      transform: loadTransform({
        kind: s.kind,
        params: s.params,
        state: s.state,
        tensors: unprefixTensors(`step${i}.`, parts.tensors),
      }),
    }))
    const model = getFamily(state.model.family).load({
      hyperparameters: state.model.hyperparameters,
      signature: state.model.signature,
      state: state.model.state,
      tensors: unprefixTensors('model.', parts.tensors),
    })
    return new PipelineModel(parts.signature, parts.hyperparameters, steps, model)
  },
}
registerFamily(pipelineFamily)
