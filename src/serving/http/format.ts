import type { LoadedModel } from '../models/loaded-model.js'
import type { BatchAnswer, RowAnswer } from '../predict/answer.js'
import type { PredictionIds } from '../predict/prediction-ids.js'

function num(v: number): string {
  return Number.isFinite(v) ? `${v}` : 'null'
}

function prediction(m: LoadedModel, value: number): string {
  const classJson = m.classJson
  if (classJson === undefined) return num(value)
  return classJson[value] ?? 'null'
}

function probabilities(m: LoadedModel, probs: ArrayLike<number> | undefined, offset: number): string {
  const keys = m.classKeys
  if (keys === undefined || probs === undefined) return ''
  let s = ',"probabilities":{'
  for (let j = 0; j < keys.length; j++)
    s += `${j === 0 ? '' : ','}${keys[j]}${num(probs[offset + j] as number)}`
  return `${s}}`
}

/** The native answer to one row. */
export function nativeRowJson(a: RowAnswer, ids: PredictionIds): string {
  const m = a.model
  return `${m.jsonHead}{"id":"${ids.format(a.seq)}","prediction":${prediction(m, a.value)}${probabilities(m, a.probabilities, 0)}}]}`
}

/** The native answer to a batch: one entry per row, in request order. */
export function nativeBatchJson(a: BatchAnswer, ids: PredictionIds): string {
  const m = a.model
  const k = m.classes?.length ?? 0
  const values = a.result.values
  const probs = a.result.probabilities
  const parts: string[] = new Array(a.rowCount)
  for (let i = 0; i < a.rowCount; i++) {
    parts[i] =
      `{"id":"${ids.format(a.seqStart + i)}","prediction":${prediction(m, values[i] as number)}${probabilities(m, probs, i * k)}}`
  }
  return `${m.jsonHead}${parts.join(',')}]}`
}

/** MLflow's scoring answer: `{"predictions": [...]}` (labels for classifiers), plus Cairn's ids. */
export function mlflowJson(a: BatchAnswer, ids: PredictionIds): string {
  const m = a.model
  const values = a.result.values
  const preds: string[] = new Array(a.rowCount)
  const idList: string[] = new Array(a.rowCount)
  for (let i = 0; i < a.rowCount; i++) {
    preds[i] = prediction(m, values[i] as number)
    idList[i] = `"${ids.format(a.seqStart + i)}"`
  }
  return `{"predictions":[${preds.join(',')}],"model":${JSON.stringify(m.name)},"version":${JSON.stringify(m.version)},"prediction_ids":[${idList.join(',')}]}`
}

/** The Open Inference Protocol answer: `predict` (or `label` + `probabilities`) and `prediction_id` tensors. */
export function v2Json(
  a: BatchAnswer,
  ids: PredictionIds,
  requestId: string | undefined,
): Record<string, unknown> {
  const m = a.model
  const n = a.rowCount
  const values = Array.from(a.result.values, (v) => (Number.isFinite(v) ? v : null))
  const outputs: Record<string, unknown>[] = []
  if (m.classes) {
    const k = m.classes.length
    outputs.push({
      name: 'label',
      datatype: 'BYTES',
      shape: [n],
      data: values.map((v) => (v === null ? null : m.classes?.[v])),
    })
    if (a.result.probabilities) {
      outputs.push({
        name: 'probabilities',
        datatype: 'FP64',
        shape: [n, k],
        data: Array.from(a.result.probabilities),
      })
    }
  } else {
    outputs.push({ name: 'predict', datatype: 'FP64', shape: [n], data: values })
  }
  outputs.push({
    name: 'prediction_id',
    datatype: 'BYTES',
    shape: [n],
    data: Array.from({ length: n }, (_, i) => ids.format(a.seqStart + i)),
  })
  return {
    model_name: m.name,
    model_version: m.version,
    id: requestId ?? ids.format(a.seqStart),
    outputs,
  }
}
