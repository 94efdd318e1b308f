import { CairnError } from '../../core/index.js'
import {
  type ColumnType,
  type Frame,
  type FrameColumn,
  getColumn,
  isNumericColumn,
  type NumericColumn,
} from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import { labelAt } from '../matrix/index.js'

/** Which columns a transform works on: names, or every numeric / categorical column, or all. */
export type ColumnSelector = readonly string[] | 'numeric' | 'categorical' | 'all'

/** True for category, string and text columns (values travel as strings in a row). */
export function isTextType(type: ColumnType): boolean {
  return type === 'category' || type === 'string' || type === 'text'
}

/** Resolve a selector against a frame (explicit names must exist). */
export function resolveColumns(frame: Frame, selector: ColumnSelector, kind: string): string[] {
  if (Array.isArray(selector)) {
    for (const name of selector) getColumn(frame, name)
    return [...selector]
  }
  const names = frame.columns
    .filter((c) =>
      selector === 'all'
        ? true
        : selector === 'numeric'
          ? isNumericColumn(c)
          : c.type === 'category' || c.type === 'string',
    )
    .map((c) => c.name)
  if (names.length === 0) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `${kind}: the table has no ${selector} columns to work on`,
      {
        details: { kind, selector, columns: frame.columns.map((c) => `${c.name}:${c.type}`) },
        hint: 'Name the columns explicitly with `columns: [...]`',
      },
    )
  }
  return names
}

/** A column as dictionary codes over string labels (-1 = missing), whatever its type. */
export function asCategorical(c: FrameColumn): { codes: Int32Array; categories: string[] } {
  if (c.type === 'category') return { codes: c.codes, categories: c.categories }
  const n = c.type === 'string' || c.type === 'text' ? c.values.length : c.values.length
  const codes = new Int32Array(n)
  const categories: string[] = []
  const index = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const l = labelAt(c, i)
    if (l === null) {
      codes[i] = -1
      continue
    }
    let code = index.get(l)
    if (code === undefined) {
      code = categories.length
      categories.push(l)
      index.set(l, code)
    }
    codes[i] = code
  }
  return { codes, categories }
}

/** For each of a frame column's category codes, the index of that label in `known` (-1 when unknown). */
export function remapCodes(categories: readonly string[], known: ReadonlyMap<string, number>): Int32Array {
  const out = new Int32Array(categories.length)
  for (let i = 0; i < categories.length; i++) out[i] = known.get(categories[i] as string) ?? -1
  return out
}

/** Replace `inputs` by `outputs`, the outputs placed where the first input was; other columns keep their order. */
export function replaceColumns(frame: Frame, inputs: readonly string[], outputs: FrameColumn[]): Frame {
  const drop = new Set(inputs)
  const outNames = new Set(outputs.map((c) => c.name))
  const columns: FrameColumn[] = []
  let placed = false
  for (const c of frame.columns) {
    if (drop.has(c.name)) {
      if (!placed) {
        columns.push(...outputs)
        placed = true
      }
      continue
    }
    if (outNames.has(c.name)) {
      throw new CairnError(
        'CAIRN_CONFLICT',
        `A transform writes column "${c.name}", which already exists and is not one of its inputs`,
        { details: { column: c.name }, hint: 'Rename the column or select it as an input of that transform' },
      )
    }
    columns.push(c)
  }
  if (!placed) columns.push(...outputs)
  return { rowCount: frame.rowCount, columns }
}

/** The input spec of a column as seen at fit time. */
export function inputSpecOf(c: FrameColumn, nullable: boolean): InputSpec {
  if (c.type === 'category') return { name: c.name, type: c.type, nullable, categories: [...c.categories] }
  return { name: c.name, type: c.type, nullable }
}

/**
 * The columns a fitted transform reads, checked against a frame: missing columns, or a text column
 * where numbers are expected (or the reverse), are CAIRN_FEATURE_MISMATCH naming them.
 */
export function requireInputs(frame: Frame, inputs: readonly InputSpec[], kind: string): FrameColumn[] {
  const byName = new Map(frame.columns.map((c) => [c.name, c]))
  const missing = inputs.filter((s) => !byName.has(s.name)).map((s) => s.name)
  if (missing.length > 0) {
    throw new CairnError(
      'CAIRN_FEATURE_MISMATCH',
      `${kind} needs column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}, which the input lacks`,
      {
        details: { missing, expected: inputs.map((s) => s.name) },
        hint: 'Predict on data with the training columns',
      },
    )
  }
  return inputs.map((s) => {
    const c = byName.get(s.name) as FrameColumn
    if (isTextType(s.type) !== isTextType(c.type)) {
      throw new CairnError(
        'CAIRN_FEATURE_MISMATCH',
        `Column "${s.name}" was ${s.type} at fit time but is ${c.type} now`,
        { details: { column: s.name, expected: s.type, actual: c.type } },
      )
    }
    return c
  })
}

/** A numeric column's values, or CAIRN_FEATURE_MISMATCH naming it. */
export function numericValuesOf(c: FrameColumn, kind: string): Float64Array {
  if (isNumericColumn(c)) return c.values
  throw new CairnError(
    'CAIRN_FEATURE_MISMATCH',
    `${kind} needs numbers, but column "${c.name}" is ${c.type}`,
    {
      details: { column: c.name, type: c.type },
      hint: 'Encode categorical columns first (oneHotEncoder / ordinalEncoder), or select numeric columns only',
    },
  )
}

/** A numeric output column. */
export function numberColumn(name: string, values: Float64Array): NumericColumn {
  return { name, type: 'number', values }
}
