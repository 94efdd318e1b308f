import type { FeatureMatrix } from '../matrix/index.js'

/**
 * A feature matrix with its mostly-zero columns (one-hot, indicators, counts) also stored as
 * (row, value) lists, so products with it skip the zeros: a one-hot block costs its rows, not its
 * width. Dense columns stay column-major in the original matrix.
 */
export interface ColumnAccess {
  readonly rows: number
  readonly cols: number
  readonly data: Float64Array
  /** Per column: 1 when stored sparsely. */
  readonly sparse: Uint8Array
  /** Column j's entries are rowIndex/value[start[j] .. start[j + 1]). */
  readonly start: Int32Array
  readonly rowIndex: Int32Array
  readonly value: Float64Array
}

/** Index a matrix's columns, storing those with fewer than `threshold` × rows non-zeros sparsely. */
export function columnAccess(X: FeatureMatrix, threshold = 0.25): ColumnAccess {
  const { rows: n, cols: p, data } = X
  const sparse = new Uint8Array(p)
  const start = new Int32Array(p + 1)
  let total = 0
  for (let j = 0; j < p; j++) {
    let nnz = 0
    for (let i = 0; i < n; i++) if ((data[j * n + i] as number) !== 0) nnz++
    start[j] = total
    if (nnz < threshold * n) {
      sparse[j] = 1
      total += nnz
    }
  }
  start[p] = total
  const rowIndex = new Int32Array(total)
  const value = new Float64Array(total)
  for (let j = 0; j < p; j++) {
    if (!sparse[j]) continue
    let t = start[j] as number
    for (let i = 0; i < n; i++) {
      const v = data[j * n + i] as number
      if (v !== 0) {
        rowIndex[t] = i
        value[t++] = v
      }
    }
  }
  return { rows: n, cols: p, data, sparse, start, rowIndex, value }
}
