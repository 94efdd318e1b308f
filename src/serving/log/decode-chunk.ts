import type { PredictionLogTable } from '../../store/index.js'
import { formatPredictionId, KIND, type LogChunk, type LogLayout, META, VARIANTS } from './log-layout.js'

/** Precomputed JSON fragments for decoding one layout's chunks. */
export interface LayoutCodec {
  layout: LogLayout
  keys: string[]
  categoryJson: (string[] | null)[]
  classJson: string[] | null
}

export function layoutCodec(layout: LogLayout): LayoutCodec {
  return {
    layout,
    keys: layout.names.map((n, i) => `${i === 0 ? '' : ','}${JSON.stringify(n)}:`),
    categoryJson: layout.categories.map((c) => (c ? c.map((v) => JSON.stringify(v)) : null)),
    classJson: layout.classes ? layout.classes.map((c) => JSON.stringify(c)) : null,
  }
}

/** Turn a chunk into table rows (inputs and probabilities as JSON text). */
export function decodeChunk(codec: LayoutCodec, chunk: LogChunk, out: PredictionLogTable[]): void {
  const L = codec.layout
  const k = L.outWidth - 1
  for (let r = 0; r < chunk.count; r++) {
    let json = '{'
    const nb = r * L.numWidth
    for (let i = 0; i < L.names.length; i++) {
      const kind = L.kinds[i] as number
      const slot = L.slots[i] as number
      json += codec.keys[i]
      if (kind === KIND.string) {
        const s = (chunk.strs as (string | null)[])[r * L.strWidth + slot]
        json += s === null || s === undefined ? 'null' : JSON.stringify(s)
        continue
      }
      const v = chunk.nums[nb + slot] as number
      if (kind === KIND.category) json += v >= 0 ? ((codec.categoryJson[i] as string[])[v] ?? 'null') : 'null'
      else if (Number.isNaN(v)) json += 'null'
      else if (kind === KIND.boolean) json += v === 1 ? 'true' : 'false'
      else if (kind === KIND.datetime) json += JSON.stringify(new Date(v).toISOString())
      else json += Number.isFinite(v) ? String(v) : 'null'
    }
    json += '}'
    const mb = r * META.width
    const seq = chunk.meta[mb] as number
    const variant = chunk.meta[mb + 4] as number
    const ob = r * L.outWidth
    const value = chunk.outs[ob] as number
    let label: string | null = null
    let outputs: string | null = null
    if (L.classes && k > 0) {
      label = L.classes[value] ?? null
      let o = '{'
      for (let j = 0; j < k; j++) {
        const p = chunk.outs[ob + 1 + j] as number
        o += `${j === 0 ? '' : ','}${(codec.classJson as string[])[j]}:${Number.isFinite(p) ? p : 'null'}`
      }
      outputs = `${o}}`
    }
    out.push({
      prediction_id: formatPredictionId(L.idPrefix, seq, variant),
      request_id: formatPredictionId(L.idPrefix, chunk.meta[mb + 1] as number),
      model: L.model,
      version: L.version,
      variant: VARIANTS[variant] ?? 'champion',
      timestamp: chunk.meta[mb + 2] as number,
      latency_ms: chunk.meta[mb + 3] as number,
      inputs: json,
      prediction: Number.isFinite(value) ? value : null,
      label,
      outputs,
    })
  }
}
