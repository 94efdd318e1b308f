import {
  type Frame,
  getColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
  selectColumns,
  takeRows,
} from 'cairn/data'
import { trainTestSplit } from 'cairn/ml'
import type { ModelTask } from './datasets.js'

/** How the features stage splits and cleans (params.yaml → features). */
export interface SplitParams {
  valid_size: number
  test_size: number
  seed: number
}

/** The housing data set caps the target at 500,001: those rows say "at least", not a price. */
export const HOUSING_TARGET_CAP = 500_001

/**
 * Rows fit for training: without a target, and (when asked) without capped targets, which would
 * teach the model that the most expensive districts all cost exactly 500,001.
 */
export function cleanHousing(frame: Frame, options: { dropCappedTarget: boolean }): Frame {
  const target = getColumn(frame, 'median_house_value')
  if (!isNumericColumn(target)) throw new Error('median_house_value must be numeric')
  const keep: number[] = []
  for (let i = 0; i < frame.rowCount; i++) {
    const y = target.values[i] as number
    if (Number.isNaN(y)) continue
    if (options.dropCappedTarget && y >= HOUSING_TARGET_CAP) continue
    keep.push(i)
  }
  return keep.length === frame.rowCount ? frame : takeRows(frame, keep)
}

/**
 * The median-income bucket (1..5) the housing splits are stratified on, as in Géron's
 * "Hands-On Machine Learning": income is the strongest predictor, so every split gets its share.
 */
export function withIncomeBucket(frame: Frame): Frame {
  const income = getColumn(frame, 'median_income')
  if (!isNumericColumn(income)) throw new Error('median_income must be numeric')
  const bucket = new Float64Array(frame.rowCount)
  for (let i = 0; i < bucket.length; i++)
    bucket[i] = Math.min(5, Math.max(1, Math.ceil((income.values[i] as number) / 1.5)))
  return makeFrame([...frame.columns, numericColumn('income_cat', bucket)])
}

/**
 * Train, validation and test rows, stratified on `task.stratify`: candidates are compared on the
 * validation rows, and the deployment gate compares the winner with the champion on the test rows.
 */
export function splitTask(
  frame: Frame,
  task: ModelTask,
  p: SplitParams,
): { train: Frame; valid: Frame; test: Frame } {
  const keep = [...task.features, task.target]
  const outer = trainTestSplit(frame, { testSize: p.test_size, seed: p.seed, stratify: task.stratify })
  const rest = takeRows(frame, outer.train)
  const inner = trainTestSplit(rest, {
    testSize: p.valid_size / (1 - p.test_size),
    seed: p.seed + 1,
    stratify: task.stratify,
  })
  const pick = (f: Frame) => selectColumns(f, keep)
  return {
    train: pick(takeRows(rest, inner.train)),
    valid: pick(takeRows(rest, inner.test)),
    test: pick(takeRows(frame, outer.test)),
  }
}
