import type { Worker } from 'node:worker_threads'
import { CairnError, startWorker } from '../../core/index.js'
import { type Frame, type FrameColumn, isNumericColumn } from '../../data/index.js'
import type { Bundle, PredictionResult } from '../../ml/index.js'

interface Pending {
  resolve: (r: PredictionResult) => void
  reject: (e: Error) => void
}

/**
 * Worker threads that each hold the model (rebuilt from its bundle, so nothing but data crosses)
 * and predict slices of a batch in parallel; the slices' results are joined in row order.
 */
export class PredictPool {
  readonly #workers: Worker[]
  readonly #pending = new Map<number, Pending>()
  #next = 1

  private constructor(workers: Worker[]) {
    this.#workers = workers
    for (const w of workers) {
      w.on('message', (m: { id?: number; error?: string } & Partial<PredictionResult>) => {
        if (m.id === undefined) return
        const p = this.#pending.get(m.id)
        this.#pending.delete(m.id)
        if (!p) return
        if (m.error !== undefined) p.reject(new Error(m.error))
        else {
          p.resolve({
            values: m.values as Float64Array,
            ...(m.probabilities ? { probabilities: m.probabilities } : {}),
            ...(m.classes ? { classes: m.classes } : {}),
          })
        }
      })
      w.on('error', (err) => {
        for (const p of this.#pending.values()) p.reject(err)
        this.#pending.clear()
      })
    }
  }

  /** Start `threads` workers holding the bundle's model; resolves when all have loaded it. */
  static async start(bundle: Bundle, threads: number): Promise<PredictPool> {
    const workers = Array.from({ length: threads }, () =>
      startWorker(import.meta.url, './predict-worker', {
        workerData: { manifest: bundle.manifest, weights: bundle.weights },
      }),
    )
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', () => resolve())
              w.once('error', reject)
            }),
        ),
      )
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()))
      throw new CairnError(
        'CAIRN_INTERNAL',
        `The scoring threads could not load the model: ${(err as Error).message}`,
        {
          cause: err,
        },
      )
    }
    return new PredictPool(workers)
  }

  /** Predict a frame: one contiguous slice per worker, results in row order. */
  async predict(frame: Frame): Promise<PredictionResult> {
    const n = frame.rowCount
    const k = Math.min(this.#workers.length, Math.max(1, Math.floor(n / 256)))
    const bounds = Array.from({ length: k + 1 }, (_, i) => Math.round((i * n) / k))
    const parts = await Promise.all(
      this.#workers
        .slice(0, k)
        .map((w, i) => this.#run(w, sliceFrame(frame, bounds[i] as number, bounds[i + 1] as number))),
    )
    const values = new Float64Array(n)
    const first = parts[0] as PredictionResult
    const width = first.probabilities
      ? first.probabilities.length / Math.max(1, (bounds[1] as number) - (bounds[0] as number))
      : 0
    const probabilities = first.probabilities ? new Float64Array(n * width) : undefined
    parts.forEach((p, i) => {
      values.set(p.values, bounds[i] as number)
      if (probabilities && p.probabilities) probabilities.set(p.probabilities, (bounds[i] as number) * width)
    })
    return {
      values,
      ...(probabilities ? { probabilities } : {}),
      ...(first.classes ? { classes: first.classes } : {}),
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()))
  }

  #run(w: Worker, frame: Frame): Promise<PredictionResult> {
    const id = this.#next++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      const transfer: ArrayBuffer[] = []
      for (const c of frame.columns) {
        if (c.type === 'category') transfer.push(c.codes.buffer as ArrayBuffer)
        else if (isNumericColumn(c)) transfer.push(c.values.buffer as ArrayBuffer)
      }
      w.postMessage({ id, frame }, transfer)
    })
  }
}

/** Rows [from, to) of a frame as a frame with its own (copied) arrays. */
function sliceFrame(frame: Frame, from: number, to: number): Frame {
  const columns: FrameColumn[] = frame.columns.map((c): FrameColumn => {
    if (c.type === 'category') return { ...c, codes: c.codes.slice(from, to), categories: [...c.categories] }
    if (isNumericColumn(c)) return { ...c, values: c.values.slice(from, to) }
    return { ...c, values: c.values.slice(from, to) }
  })
  return { rowCount: to - from, columns }
}
