import { CairnError } from '../../core/index.js'
import { type Frame, getColumn } from '../../data/index.js'
import { labelAt, Rng } from '../matrix/index.js'

/** One train/test split: row indices into the frame. */
export interface Fold {
  train: Int32Array
  test: Int32Array
}

/** What a splitter may need besides the row count. */
export interface SplitInput {
  /** Class label of each row (stratified splits). */
  labels?: readonly string[]
  /** Group of each row (group splits: a group never spans train and test). */
  groups?: readonly string[]
}

/** Produces cross-validation folds. */
export interface Splitter {
  readonly name: string
  readonly nSplits: number
  split(rows: number, input?: SplitInput): Fold[]
}

function checkSplits(k: number, rows: number, what: string): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `${what}: k must be an integer ≥ 2, got ${k}`)
  }
  if (rows < k) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `${what}: cannot make ${k} folds from ${rows} rows`, {
      details: { k, rows },
    })
  }
}

function complement(rows: number, test: Int32Array): Int32Array {
  const inTest = new Uint8Array(rows)
  for (const i of test) inTest[i] = 1
  const train = new Int32Array(rows - test.length)
  let t = 0
  for (let i = 0; i < rows; i++) if (!inTest[i]) train[t++] = i
  return train
}

/** Options of k-fold splitters. */
export interface KFoldOptions {
  k?: number
  /** Shuffle rows before splitting (default false for kFold, true for stratified). */
  shuffle?: boolean
  seed?: number
}

/** K consecutive folds of (almost) equal size, optionally after shuffling (scikit-learn's KFold). */
export function kFold(options: KFoldOptions = {}): Splitter {
  const k = options.k ?? 5
  return {
    name: 'k-fold',
    nSplits: k,
    split(rows) {
      checkSplits(k, rows, 'kFold')
      const order = options.shuffle
        ? new Rng(options.seed ?? 0).permutation(rows)
        : Int32Array.from({ length: rows }, (_, i) => i)
      const folds: Fold[] = []
      let start = 0
      for (let f = 0; f < k; f++) {
        const size = Math.floor(rows / k) + (f < rows % k ? 1 : 0)
        const test = order.slice(start, start + size).sort()
        start += size
        folds.push({ train: complement(rows, test), test })
      }
      return folds
    },
  }
}

/**
 * K folds that keep each class's share in every fold (rows of each class dealt round-robin after
 * an optional shuffle).
 */
export function stratifiedKFold(options: KFoldOptions = {}): Splitter {
  const k = options.k ?? 5
  return {
    name: 'stratified-k-fold',
    nSplits: k,
    split(rows, input) {
      checkSplits(k, rows, 'stratifiedKFold')
      const labels = input?.labels
      if (!labels || labels.length !== rows) {
        throw new CairnError('CAIRN_INVALID_ARGUMENT', 'stratifiedKFold needs a class label for every row')
      }
      const rng = new Rng(options.seed ?? 0)
      const byClass = new Map<string, number[]>()
      for (let i = 0; i < rows; i++) {
        const l = labels[i] as string
        const list = byClass.get(l)
        if (list) list.push(i)
        else byClass.set(l, [i])
      }
      const tests: number[][] = Array.from({ length: k }, () => [])
      let offset = 0
      for (const key of [...byClass.keys()].sort()) {
        const members = byClass.get(key) as number[]
        if (options.shuffle !== false) rng.shuffle(members)
        members.forEach((row, j) => {
          ;(tests[(offset + j) % k] as number[]).push(row)
        })
        offset += members.length
      }
      return tests.map((t) => {
        const test = Int32Array.from(t).sort()
        return { train: complement(rows, test), test }
      })
    },
  }
}

/** K folds in which each group lies entirely in one fold; groups are balanced by size (scikit-learn's GroupKFold). */
export function groupKFold(options: { k?: number } = {}): Splitter {
  const k = options.k ?? 5
  return {
    name: 'group-k-fold',
    nSplits: k,
    split(rows, input) {
      const groups = input?.groups
      if (!groups || groups.length !== rows) {
        throw new CairnError('CAIRN_INVALID_ARGUMENT', 'groupKFold needs a group for every row')
      }
      const members = new Map<string, number[]>()
      groups.forEach((g, i) => {
        const list = members.get(g)
        if (list) list.push(i)
        else members.set(g, [i])
      })
      if (members.size < k) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `groupKFold: ${members.size} groups cannot fill ${k} folds`,
          {
            details: { groups: members.size, k },
          },
        )
      }
      const sizes = new Float64Array(k)
      const tests: number[][] = Array.from({ length: k }, () => [])
      const ordered = [...members.entries()].sort(
        (a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1),
      )
      for (const [, rowsOf] of ordered) {
        let smallest = 0
        for (let f = 1; f < k; f++) if ((sizes[f] as number) < (sizes[smallest] as number)) smallest = f
        ;(tests[smallest] as number[]).push(...rowsOf)
        sizes[smallest] = (sizes[smallest] as number) + rowsOf.length
      }
      return tests.map((t) => {
        const test = Int32Array.from(t).sort()
        return { train: complement(rows, test), test }
      })
    },
  }
}

/** Options of the time-series splitter. */
export interface TimeSeriesSplitOptions {
  k?: number
  /** Rows left out between the end of train and the start of test (avoids leakage). */
  gap?: number
  /** Cap the training window to the most recent rows. */
  maxTrainSize?: number
  /** Rows per test fold (default rows / (k + 1)). */
  testSize?: number
}

/**
 * Expanding-window splits for time-ordered rows: each test fold follows its training rows, never
 * precedes them (scikit-learn's TimeSeriesSplit). Rows must already be sorted by time.
 */
export function timeSeriesSplit(options: TimeSeriesSplitOptions = {}): Splitter {
  const k = options.k ?? 5
  const gap = options.gap ?? 0
  return {
    name: 'time-series-split',
    nSplits: k,
    split(rows) {
      checkSplits(k, rows, 'timeSeriesSplit')
      const testSize = options.testSize ?? Math.floor(rows / (k + 1))
      if (testSize < 1 || rows - gap - testSize * k < 1) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `timeSeriesSplit: ${rows} rows are too few for ${k} folds of ${testSize} rows with a gap of ${gap}`,
        )
      }
      const folds: Fold[] = []
      for (let f = 0; f < k; f++) {
        const testStart = rows - testSize * (k - f)
        const trainEnd = testStart - gap
        const trainStart = options.maxTrainSize ? Math.max(0, trainEnd - options.maxTrainSize) : 0
        folds.push({
          train: Int32Array.from({ length: trainEnd - trainStart }, (_, i) => trainStart + i),
          test: Int32Array.from({ length: testSize }, (_, i) => testStart + i),
        })
      }
      return folds
    },
  }
}

/** Row labels of a frame column as strings (for stratification and groups); missing is an error naming it. */
export function columnLabels(frame: Frame, name: string): string[] {
  const c = getColumn(frame, name)
  const out = new Array<string>(frame.rowCount)
  for (let i = 0; i < frame.rowCount; i++) {
    const l = labelAt(c, i)
    if (l === null) {
      throw new CairnError('CAIRN_NON_FINITE_VALUE', `Column "${name}" is missing at row ${i}`, {
        details: { column: name, row: i },
      })
    }
    out[i] = l
  }
  return out
}

/** Options of a single train/test split. */
export interface TrainTestSplitOptions {
  /** Fraction (0–1) or number of test rows (default 0.25). */
  testSize?: number
  seed?: number
  /** Keep class shares equal in both parts (give the label column). */
  stratify?: string
  /** Shuffle first (default true). */
  shuffle?: boolean
}

/** Split rows once into train and test indices. */
export function trainTestSplit(frame: Frame, options: TrainTestSplitOptions = {}): Fold {
  const rows = frame.rowCount
  const size = options.testSize ?? 0.25
  const nTest = size < 1 ? Math.ceil(size * rows) : Math.floor(size)
  if (nTest < 1 || nTest >= rows) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `trainTestSplit: a test size of ${size} leaves no train or no test rows`,
    )
  }
  const rng = new Rng(options.seed ?? 0)
  let test: Int32Array
  if (options.stratify) {
    const labels = columnLabels(frame, options.stratify)
    const byClass = new Map<string, number[]>()
    labels.forEach((l, i) => {
      const list = byClass.get(l)
      if (list) list.push(i)
      else byClass.set(l, [i])
    })
    // Largest-remainder quotas, so the classes' test rows add up to exactly nTest.
    const keys = [...byClass.keys()].sort()
    const exact = keys.map((k) => ((byClass.get(k) as number[]).length * nTest) / rows)
    const quota = exact.map(Math.floor)
    let left = nTest - quota.reduce((a, b) => a + b, 0)
    const byRemainder = keys
      .map((_, i) => i)
      .sort(
        (a, b) =>
          (exact[b] as number) - (quota[b] as number) - ((exact[a] as number) - (quota[a] as number)) ||
          a - b,
      )
    for (const i of byRemainder) {
      if (left-- <= 0) break
      quota[i] = (quota[i] as number) + 1
    }
    const picked: number[] = []
    keys.forEach((key, i) => {
      const members = byClass.get(key) as number[]
      rng.shuffle(members)
      picked.push(...members.slice(0, quota[i]))
    })
    test = Int32Array.from(picked).sort()
  } else {
    const order =
      options.shuffle === false ? Int32Array.from({ length: rows }, (_, i) => i) : rng.permutation(rows)
    test = (options.shuffle === false ? order.slice(rows - nTest) : order.slice(0, nTest)).sort()
  }
  return { train: complement(rows, test), test }
}
