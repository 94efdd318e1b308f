import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type Frame, getColumn, makeFrame, numericColumn } from '../../data/index.js'
import { LocalArtifactStore } from '../../store/index.js'
import {
  fromBundle,
  manifestText,
  readBundleDir,
  readBundleFromStore,
  toBundle,
  writeBundleDir,
  writeBundleToStore,
} from './bundle.js'
import { type ModelFamily, registerFamily } from './family.js'
import type { Model, PredictionResult, RowPredictor } from './model.js'
import type { Signature } from './signature.js'

/** y = w·x + b over named numeric inputs: the smallest model that exercises tensors and state. */
class TinyLinear implements Model {
  readonly family = 'test-tiny-linear'
  constructor(
    readonly signature: Signature,
    readonly weights: Float64Array,
    readonly bias: number,
  ) {}
  predict(frame: Frame): PredictionResult {
    const values = new Float64Array(frame.rowCount)
    this.signature.inputs.forEach((spec, j) => {
      const col = getColumn(frame, spec.name)
      if (col.type === 'category' || col.type === 'string' || col.type === 'text')
        throw new Error('numeric only')
      for (let i = 0; i < frame.rowCount; i++)
        values[i] = (values[i] as number) + (this.weights[j] as number) * (col.values[i] as number)
    })
    for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) + this.bias
    return { values }
  }
  rowPredictor(): RowPredictor {
    const out = { value: 0 }
    return {
      predict: (row) => {
        let v = this.bias
        this.signature.inputs.forEach((s, j) => {
          v += (this.weights[j] as number) * Number(row[s.name])
        })
        out.value = v
        return out
      },
    }
  }
}

const family: ModelFamily<TinyLinear> = {
  name: 'test-tiny-linear',
  save: (m) => ({
    hyperparameters: {},
    signature: m.signature,
    state: { bias: m.bias },
    tensors: { w: m.weights, pad: new Uint8Array([1, 2, 3]) },
  }),
  load: (p) => new TinyLinear(p.signature, p.tensors.w as Float64Array, (p.state as { bias: number }).bias),
}
registerFamily(family)

const signature: Signature = {
  inputs: [
    { name: 'a', type: 'number', nullable: false },
    { name: 'b', type: 'number', nullable: false },
  ],
  output: { task: 'regression', name: 'y' },
}
const model = new TinyLinear(signature, new Float64Array([2, -1]), 0.5)
const frame = makeFrame([numericColumn('a', [1, 2]), numericColumn('b', [3, 5])])
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cairn-bundle-'))
  dirs.push(d)
  return d
}

describe('model bundle', () => {
  it('round-trips through memory, a folder and an artifact store', async () => {
    const bundle = toBundle(model, { metrics: { rmse: 1.25 }, lineage: { runId: 'abc' } })
    expect(bundle.manifest.metrics).toEqual({ rmse: 1.25 })
    expect([
      ...fromBundle(JSON.parse(manifestText(bundle.manifest)), bundle.weights).predict(frame).values,
    ]).toEqual([-0.5, -0.5])
    const dir = tmp()
    await writeBundleDir(dir, bundle)
    expect([...(await readBundleDir(dir)).model.predict(frame).values]).toEqual([-0.5, -0.5])
    const store = new LocalArtifactStore(tmp())
    await writeBundleToStore(store, 'runs/x/model', bundle)
    const back = await readBundleFromStore(store, 'runs/x/model')
    expect(back.manifest.lineage).toEqual({ runId: 'abc' })
    expect(back.model.rowPredictor().predict({ a: 1, b: 3 }).value).toBe(-0.5)
  })

  it('gives the same bytes for the same model', () => {
    const a = toBundle(model)
    const b = toBundle(new TinyLinear(signature, new Float64Array([2, -1]), 0.5))
    expect(manifestText(a.manifest)).toBe(manifestText(b.manifest))
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true)
  })

  it('refuses tampered weights, unknown families and malformed manifests', async () => {
    const bundle = toBundle(model)
    const tampered = Uint8Array.from(bundle.weights)
    tampered[0] = (tampered[0] as number) ^ 1
    expect(() => fromBundle(bundle.manifest, tampered)).toThrow(
      expect.objectContaining({ code: 'CAIRN_BUNDLE_INVALID' }),
    )
    expect(() => fromBundle({ ...bundle.manifest, family: 'nope' }, bundle.weights)).toThrow(
      expect.objectContaining({ code: 'CAIRN_UNKNOWN_MODEL_FAMILY' }),
    )
    expect(() => fromBundle({ ...bundle.manifest, format: 'pickle' }, bundle.weights)).toThrow(
      expect.objectContaining({ code: 'CAIRN_BUNDLE_INVALID' }),
    )
    const outside = { ...bundle.manifest, tensors: [{ name: 'w', dtype: 'f64', offset: 8, length: 1000 }] }
    expect(() => fromBundle(outside, bundle.weights)).toThrow(/outside the weights/)
    const dir = tmp()
    writeFileSync(join(dir, 'manifest.json'), '{not json')
    writeFileSync(join(dir, 'weights.bin'), '')
    await expect(readBundleDir(dir)).rejects.toMatchObject({ code: 'CAIRN_BUNDLE_INVALID' })
  })
})
