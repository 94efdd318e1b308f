import { describe, expect, it } from 'vitest'
import type { Signature } from '../../ml/index.js'
import { exampleRow, rowJsonSchema } from './json-schema.js'
import { compileRowNormalizer, rowsToFrame } from './row-codec.js'
import { compileRowValidator } from './row-validator.js'

const signature: Signature = {
  inputs: [
    { name: 'age', type: 'integer', nullable: false, min: 0, max: 120 },
    { name: 'income', type: 'number', nullable: true },
    { name: 'city', type: 'category', nullable: false, categories: ['Paris', 'Lyon'] },
    { name: 'member', type: 'boolean', nullable: false },
    { name: 'since', type: 'datetime', nullable: true },
    { name: 'note', type: 'text', nullable: true },
  ],
  output: { task: 'regression', name: 'y' },
}
const good = { age: 30, income: 1200.5, city: 'Paris', member: true, since: '2024-01-02', note: 'hi' }

describe('signature validation', () => {
  const v = compileRowValidator(signature)

  it('accepts a valid row, extra fields and omitted nullable fields', () => {
    expect(v.check(good)).toBe(true)
    expect(v.check({ ...good, extra: 'ignored' })).toBe(true)
    expect(v.check({ age: 1, city: 'Lyon', member: false })).toBe(true)
    expect(v.check({ ...good, income: null, since: 1700000000000, note: null })).toBe(true)
  })

  it('lists every offending field with a stable code', () => {
    const bad = { age: 200.5, income: 'lots', city: 'Berlin', since: 'not a date' }
    expect(v.check(bad)).toBe(false)
    const issues = v.issues(bad)
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.code]))
    expect(byPath).toEqual({
      age: 'CAIRN_WRONG_TYPE',
      income: 'CAIRN_WRONG_TYPE',
      city: 'CAIRN_UNKNOWN_CATEGORY',
      member: 'CAIRN_MISSING_FIELD',
      since: 'CAIRN_INVALID_VALUE',
    })
    expect(issues.find((i) => i.path === 'city')?.message).toContain('"Paris", "Lyon"')
  })

  it('accepts categories the model never saw when the model takes unknown values (trees, ignoring encoders)', () => {
    const open = compileRowValidator({
      ...signature,
      inputs: signature.inputs.map((i) => (i.name === 'city' ? { ...i, acceptsUnknown: true } : i)),
    })
    expect(open.check({ ...good, city: 'Berlin' })).toBe(true)
    expect(open.check({ ...good, city: 3 })).toBe(false)
    const frame = rowsToFrame([{ ...good, city: 'Berlin' }], signature)
    const city = frame.columns.find((c) => c.name === 'city') as { categories: string[]; codes: Int32Array }
    expect(city.categories.slice(0, 2)).toEqual(['Paris', 'Lyon'])
    expect(city.categories[city.codes[0] as number]).toBe('Berlin')
  })

  it('reports out-of-range values and prefixes paths for batches', () => {
    const issues = v.issues({ ...good, age: 121 }, 'rows[3]')
    expect(issues).toEqual([
      { code: 'CAIRN_OUT_OF_RANGE', path: 'rows[3].age', message: 'must be within [0, 120]' },
    ])
  })

  it('rejects rows that are not objects', () => {
    for (const row of [null, 3, 'x', [1, 2]]) {
      expect(v.check(row)).toBe(false)
      expect(v.issues(row)[0]?.code).toBe('CAIRN_NOT_AN_OBJECT')
    }
  })

  it('builds a JSON Schema with required non-nullable inputs and an example row that validates', () => {
    const schema = rowJsonSchema(signature) as { required: string[] }
    expect(schema.required).toEqual(['age', 'city', 'member'])
    expect(v.check(exampleRow(signature))).toBe(true)
  })
})

describe('normalising rows and building frames', () => {
  it('turns nulls into NaN, booleans into 0/1 and dates into ms', () => {
    const normalize = compileRowNormalizer(signature)
    const row: Record<string, unknown> = { ...good, income: null }
    normalize?.(row)
    expect(row.income).toBeNaN()
    expect(row.member).toBe(1)
    expect(row.since).toBe(Date.parse('2024-01-02'))
    expect(row.city).toBe('Paris')
  })

  it('needs no normaliser when every input is a required number', () => {
    expect(
      compileRowNormalizer({
        inputs: [{ name: 'x', type: 'number', nullable: false }],
        output: { task: 'regression', name: 'y' },
      }),
    ).toBeUndefined()
  })

  it('codes categories with the signature dictionary', () => {
    const frame = rowsToFrame(
      [
        { age: 1, city: 'Lyon', member: 1, income: Number.NaN, note: null },
        { age: 2, city: 'Paris', member: 0, income: 3, note: 'x' },
      ],
      signature,
    )
    const city = frame.columns.find((c) => c.name === 'city')
    expect(city?.type === 'category' && [...city.codes]).toEqual([1, 0])
    expect(city?.type === 'category' && city.categories).toEqual(['Paris', 'Lyon'])
    const note = frame.columns.find((c) => c.name === 'note')
    expect(note?.type === 'text' && note.values).toEqual([null, 'x'])
  })
})
