import { describe, expect, it } from 'vitest'
import {
  categoryColumn,
  type Frame,
  frameToRows,
  getColumn,
  makeFrame,
  type NumericColumn,
  numericColumn,
} from '../../data/index.js'
import { makeChurnTable } from '../evaluation/synthetic.js'
import { SlotLayout } from '../pipeline/row-plan.js'
import {
  columnTransformer,
  type FittedTransform,
  isTextType,
  kBinsDiscretizer,
  loadTransform,
  minMaxScaler,
  oneHotEncoder,
  ordinalEncoder,
  polynomialFeatures,
  robustScaler,
  selectColumns,
  simpleImputer,
  standardScaler,
  type Transformer,
  targetEncoder,
} from './index.js'

const ctx = { seed: 0 }
const num = (f: Frame, name: string) => [...(getColumn(f, name) as NumericColumn).values]

function close(a: number[], b: number[], tol = 1e-12) {
  expect(a.length).toBe(b.length)
  a.forEach((v, i) => {
    if (Number.isNaN(b[i] as number)) expect(v).toBeNaN()
    else expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(tol)
  })
}

/** Run the single-row path of a fitted transform on every row of a frame. */
function rowOutputs(t: FittedTransform, frame: Frame): Record<string, unknown>[] {
  const layout = new SlotLayout()
  const ins = t.inputs.map((s) => ({
    s,
    slot: isTextType(s.type) ? layout.stringSlot(s.name) : layout.numberSlot(s.name),
  }))
  const step = t.compileRow(layout)
  const outs = t.outputs.map((o) => ({
    o,
    slot: isTextType(o.type) ? layout.stringSlot(o.name) : layout.numberSlot(o.name),
  }))
  const { numbers, strings } = layout.buffers()
  return frameToRows(frame).map((row) => {
    for (const { s, slot } of ins) {
      const v = row[s.name]
      if (isTextType(s.type)) strings[slot] = v === null || v === undefined ? null : String(v)
      else numbers[slot] = v === null || v === undefined ? Number.NaN : Number(v)
    }
    step(numbers, strings)
    return Object.fromEntries(
      outs.map(({ o, slot }) => [o.name, isTextType(o.type) ? strings[slot] : numbers[slot]]),
    )
  })
}

describe('scalers', () => {
  const f = makeFrame([numericColumn('a', [1, 2, 3, 4, Number.NaN]), numericColumn('c', [5, 5, 5, 5, 5])])
  it('standard: mean 0 and unit variance, NaN passes, constant columns scale by 1', () => {
    const out = standardScaler().fitTransform(f, ctx).output
    const sd = Math.sqrt(1.25)
    close(num(out, 'a'), [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd, Number.NaN])
    close(num(out, 'c'), [0, 0, 0, 0, 0])
  })
  it('min-max: to the feature range, with optional clipping', () => {
    const t = minMaxScaler({ featureRange: [-1, 1], clip: true }).fit(f, ctx)
    close(num(t.transform(f), 'a'), [-1, -1 / 3, 1 / 3, 1, Number.NaN])
    close(num(t.transform(makeFrame([numericColumn('a', [10]), numericColumn('c', [5])])), 'a'), [1])
  })
  it('robust: median and interquartile range with numpy interpolation', () => {
    const g = makeFrame([numericColumn('a', [1, 2, 3, 4, 100])])
    close(num(robustScaler().fitTransform(g, ctx).output, 'a'), [-1, -0.5, 0, 0.5, 48.5])
  })
  it('rejects a categorical column and Infinity, naming the column', () => {
    const g = makeFrame([categoryColumn('k', ['x', 'y'])])
    expect(() => standardScaler({ columns: ['k'] }).fit(g, ctx)).toThrow(
      expect.objectContaining({
        code: 'CAIRN_FEATURE_MISMATCH',
        details: expect.objectContaining({ column: 'k' }),
      }),
    )
    const h = makeFrame([numericColumn('a', [1, Number.POSITIVE_INFINITY])])
    expect(() => standardScaler().fit(h, ctx)).toThrow(
      expect.objectContaining({ code: 'CAIRN_NON_FINITE_VALUE' }),
    )
  })
})

describe('simple imputer', () => {
  const f = makeFrame([
    numericColumn('a', [1, Number.NaN, 3, 10]),
    categoryColumn('k', ['x', null, 'y', 'y']),
  ])
  it('fills numbers by mean/median/mode/constant and text by mode/constant', () => {
    close(num(simpleImputer().fitTransform(f, ctx).output, 'a'), [1, 14 / 3, 3, 10])
    close(num(simpleImputer({ strategy: 'median' }).fitTransform(f, ctx).output, 'a'), [1, 3, 3, 10])
    close(
      num(
        simpleImputer({ strategy: 'constant', columns: ['a'], fillValue: -1 }).fitTransform(f, ctx).output,
        'a',
      ),
      [1, -1, 3, 10],
    )
    const mode = simpleImputer({ strategy: 'most-frequent' }).fitTransform(f, ctx).output
    expect(frameToRows(mode).map((r) => r.k)).toEqual(['x', 'y', 'y', 'y'])
    const cons = simpleImputer({ strategy: 'constant', columns: ['k'] }).fitTransform(f, ctx).output
    expect(frameToRows(cons).map((r) => r.k)).toEqual(['x', 'missing', 'y', 'y'])
  })
  it('adds missing indicators', () => {
    const out = simpleImputer({ strategy: 'most-frequent', addIndicator: true }).fitTransform(f, ctx).output
    expect(num(out, 'a__missing')).toEqual([0, 1, 0, 0])
    expect(num(out, 'k__missing')).toEqual([0, 1, 0, 0])
  })
  it('refuses mean on a category column', () => {
    expect(() => simpleImputer({ columns: ['k'] }).fit(f, ctx)).toThrow(
      expect.objectContaining({ code: 'CAIRN_FEATURE_MISMATCH' }),
    )
  })
})

describe('one-hot encoder', () => {
  const f = makeFrame([categoryColumn('color', ['red', 'blue', 'red', 'green', null, 'red'])])
  it('writes sorted <column>=<category> columns and a missing column', () => {
    const t = oneHotEncoder().fit(f, ctx)
    expect(t.outputs.map((o) => o.name)).toEqual([
      'color=blue',
      'color=green',
      'color=red',
      'color=__missing__',
    ])
    expect(num(t.transform(f), 'color=red')).toEqual([1, 0, 1, 0, 0, 1])
    expect(num(t.transform(f), 'color=__missing__')).toEqual([0, 0, 0, 0, 1, 0])
  })
  it('handles unknown categories as asked', () => {
    const next = makeFrame([categoryColumn('color', ['purple', 'red'])])
    expect(() => oneHotEncoder().fit(f, ctx).transform(next)).toThrow(
      expect.objectContaining({
        code: 'CAIRN_UNKNOWN_CATEGORY',
        details: { column: 'color', value: 'purple' },
      }),
    )
    const ignore = oneHotEncoder({ handleUnknown: 'ignore' }).fit(f, ctx).transform(next)
    expect(frameToRows(ignore)[0]).toEqual({
      'color=blue': 0,
      'color=green': 0,
      'color=red': 0,
      'color=__missing__': 0,
    })
    const unknown = oneHotEncoder({ handleUnknown: 'encode-as-unknown' }).fit(f, ctx).transform(next)
    expect(num(unknown, 'color=__unknown__')).toEqual([1, 0])
  })
  it('drops the first level and groups infrequent ones', () => {
    expect(
      oneHotEncoder({ drop: 'first', handleMissing: 'ignore' })
        .fit(f, ctx)
        .outputs.map((o) => o.name),
    ).toEqual(['color=green', 'color=red'])
    const rare = oneHotEncoder({ minFrequency: 2, handleMissing: 'ignore' }).fit(f, ctx)
    expect(rare.outputs.map((o) => o.name)).toEqual(['color=red', 'color=__infrequent__'])
    expect(num(rare.transform(f), 'color=__infrequent__')).toEqual([0, 1, 0, 1, 0, 0])
  })
})

describe('ordinal encoder', () => {
  const f = makeFrame([categoryColumn('size', ['m', 's', 'l', 'm', null])])
  it('codes lexically, by frequency, or in a given order; missing is NaN', () => {
    close(num(ordinalEncoder().fitTransform(f, ctx).output, 'size'), [1, 2, 0, 1, Number.NaN])
    close(num(ordinalEncoder({ order: 'frequency' }).fitTransform(f, ctx).output, 'size'), [
      0,
      2,
      1,
      0,
      Number.NaN,
    ])
    close(num(ordinalEncoder({ order: { size: ['s', 'm', 'l'] } }).fitTransform(f, ctx).output, 'size'), [
      1,
      0,
      2,
      1,
      Number.NaN,
    ])
  })
  it('maps unknown categories to unknownValue or refuses them', () => {
    const next = makeFrame([categoryColumn('size', ['xl'])])
    expect(() => ordinalEncoder().fit(f, ctx).transform(next)).toThrow(
      expect.objectContaining({ code: 'CAIRN_UNKNOWN_CATEGORY' }),
    )
    expect(
      num(ordinalEncoder({ handleUnknown: 'use-encoded-value' }).fit(f, ctx).transform(next), 'size'),
    ).toEqual([-1])
  })
})

describe('target encoder', () => {
  const f = makeFrame([
    categoryColumn('k', ['a', 'a', 'a', 'b', 'b', 'c']),
    numericColumn('y', [1, 2, 3, 10, 20, 7]),
  ])
  const target = { name: 'y', column: getColumn(f, 'y') }
  it('smooths with m: (sum + m·mean) / (count + m)', () => {
    const t = targetEncoder({ smooth: 2, columns: ['k'] }).fit(f, { seed: 0, target })
    const mean = 43 / 6
    close(num(t.transform(f), 'k'), [
      (6 + 2 * mean) / 5,
      (6 + 2 * mean) / 5,
      (6 + 2 * mean) / 5,
      (30 + 2 * mean) / 4,
      (30 + 2 * mean) / 4,
      (7 + 2 * mean) / 3,
    ])
    close(num(t.transform(makeFrame([categoryColumn('k', ['zzz'])])), 'k'), [mean])
  })
  it('auto smoothing shrinks by the empirical-Bayes weight', () => {
    const t = targetEncoder({ columns: ['k'] }).fit(f, { seed: 0, target })
    const ys = [1, 2, 3, 10, 20, 7]
    const mean = 43 / 6
    const variance = ys.reduce((s, v) => s + (v - mean) ** 2, 0) / 6
    const ssd = [1, 2, 3].reduce((s, v) => s + (v - mean) ** 2, 0)
    const lambda = (variance * 3) / (variance * 3 + ssd / 3)
    close(num(t.transform(f), 'k').slice(0, 1), [lambda * 2 + (1 - lambda) * mean])
  })
  it('encodes training rows out of fold: a category seen once gets its fold prior, not its own target', () => {
    const g = makeFrame([
      categoryColumn('k', ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'solo']),
      numericColumn('y', [1, 1, 1, 1, 5, 5, 5, 5, 1000]),
    ])
    const { output } = targetEncoder({ columns: ['k'], cv: 3 }).fitTransform(g, {
      seed: 1,
      target: { name: 'y', column: getColumn(g, 'y') },
    })
    const solo = num(output, 'k')[8] as number
    expect(solo).toBeLessThan(5)
  })
  it('one column per class for multiclass targets', () => {
    const g = makeFrame([
      categoryColumn('k', ['a', 'b', 'a', 'b']),
      categoryColumn('y', ['x', 'y', 'z', 'x']),
    ])
    const t = targetEncoder({ columns: ['k'] }).fit(g, {
      seed: 0,
      target: { name: 'y', column: getColumn(g, 'y') },
    })
    expect(t.outputs.map((o) => o.name)).toEqual(['k_x', 'k_y', 'k_z'])
  })
  it('needs a target', () => {
    expect(() => targetEncoder().fit(f, ctx)).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
  })
})

describe('binning, polynomial features, selection', () => {
  const f = makeFrame([
    numericColumn('a', [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]),
    numericColumn('b', [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
  ])
  it('uniform and quantile bins', () => {
    expect(
      num(
        kBinsDiscretizer({ columns: ['a'], bins: 2, strategy: 'uniform' }).fitTransform(f, ctx).output,
        'a',
      ),
    ).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    expect(num(kBinsDiscretizer({ columns: ['a'], bins: 5 }).fitTransform(f, ctx).output, 'a')).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3, 4, 4,
    ])
    const oh = kBinsDiscretizer({ columns: ['b'], bins: 2, strategy: 'uniform', encode: 'one-hot' }).fit(
      f,
      ctx,
    )
    expect(oh.outputs.map((o) => o.name)).toEqual(['b_bin0', 'b_bin1'])
  })
  it('polynomial terms in scikit-learn order', () => {
    const t = polynomialFeatures({ includeBias: true }).fit(f, ctx)
    expect(t.outputs.map((o) => o.name)).toEqual(['1', 'a', 'b', 'a^2', 'a*b', 'b^2'])
    expect(num(t.transform(f), 'a*b')[9]).toBe(50)
    expect(
      polynomialFeatures({ interactionOnly: true })
        .fit(f, ctx)
        .outputs.map((o) => o.name),
    ).toEqual(['a', 'b', 'a*b'])
    expect(
      polynomialFeatures({ degree: 3 })
        .fit(f, ctx)
        .outputs.map((o) => o.name),
    ).toContain('a^2*b')
  })
  it('selects by name, type and pattern', () => {
    const g = makeChurnTable(5)
    const names = (t: Transformer) => t.fitTransform(g, ctx).output.columns.map((c) => c.name)
    expect(names(selectColumns({ types: ['category'] }))).toEqual(['plan', 'city', 'churned'])
    expect(names(selectColumns({ exclude: ['churned'], pattern: '^[a-p]' }))).toEqual(['age', 'plan', 'city'])
  })
})

describe('column transformer', () => {
  const f = makeFrame([
    numericColumn('a', [1, 2, 3, 4]),
    categoryColumn('k', ['x', 'y', 'x', 'y']),
    numericColumn('z', [9, 9, 8, 8]),
  ])
  it('gives each transform the original columns and joins the outputs', () => {
    const ct = columnTransformer([
      ['scale', standardScaler(), ['a']],
      [kBinsDiscretizer({ bins: 2, strategy: 'uniform' }), ['a']],
      [oneHotEncoder(), 'categorical'],
    ])
    expect(() => ct.fit(f, ctx)).toThrow(expect.objectContaining({ code: 'CAIRN_CONFLICT' }))
    const ok = columnTransformer(
      [
        ['scale', standardScaler(), ['a']],
        ['hot', oneHotEncoder(), 'categorical'],
      ],
      { remainder: 'drop' },
    )
    const out = ok.fitTransform(f, ctx).output
    expect(out.columns.map((c) => c.name)).toEqual(['a', 'k=x', 'k=y'])
    const pass = columnTransformer([['hot', oneHotEncoder(), ['k']]]).fitTransform(f, ctx).output
    expect(pass.columns.map((c) => c.name)).toEqual(['k=x', 'k=y', 'a', 'z'])
  })
})

describe('every transform: bundle round trip and the row path match the batch path', () => {
  const g = makeChurnTable(200, 3)
  const target = { name: 'churned', column: getColumn(g, 'churned') }
  const features: Frame = { rowCount: g.rowCount, columns: g.columns.filter((c) => c.name !== 'churned') }
  const cases: [string, Transformer][] = [
    ['standard-scaler', standardScaler()],
    ['min-max-scaler', minMaxScaler({ clip: true })],
    ['robust-scaler', robustScaler()],
    ['simple-imputer', simpleImputer({ strategy: 'most-frequent', addIndicator: true })],
    ['one-hot-encoder', oneHotEncoder({ handleUnknown: 'ignore', minFrequency: 5 })],
    ['ordinal-encoder', ordinalEncoder()],
    ['target-encoder', targetEncoder()],
    ['k-bins-discretizer', kBinsDiscretizer({ encode: 'one-hot', columns: ['age', 'tenure'] })],
    ['polynomial-features', polynomialFeatures({ columns: ['age', 'tenure'] })],
    ['select-columns', selectColumns({ include: ['age', 'plan'] })],
    [
      'column-transformer',
      columnTransformer([
        ['num', standardScaler(), ['age', 'spend']],
        ['bins', kBinsDiscretizer({ encode: 'one-hot' }), ['age']],
        ['cat', oneHotEncoder(), 'categorical'],
      ]),
    ],
  ]
  it.each(cases)('%s', (_, transformer) => {
    const fitted = transformer.fit(features, { seed: 0, target })
    const batch = fitted.transform(features)
    const parts = fitted.save()
    // The JSON half goes through text, as in a bundle; tensors stay typed arrays.
    const back = loadTransform({
      ...JSON.parse(JSON.stringify({ ...parts, tensors: {} })),
      tensors: parts.tensors,
    })
    expect(frameToRows(back.transform(features))).toEqual(frameToRows(batch))
    const rows = rowOutputs(back, features)
    const expected = frameToRows(batch)
    rows.forEach((r, i) => {
      for (const o of back.outputs) {
        const want = (expected[i] as Record<string, unknown>)[o.name]
        const got = r[o.name]
        if (want === null || (typeof want === 'number' && Number.isNaN(want)))
          expect(got === null || Number.isNaN(got as number)).toBe(true)
        else if (typeof want === 'number') expect(Math.abs((got as number) - want)).toBeLessThan(1e-12)
        else expect(got).toBe(want)
      }
    })
  })
})
