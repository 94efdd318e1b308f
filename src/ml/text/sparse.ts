/**
 * A compressed sparse row matrix: row i's non-zeros are `indices[indptr[i]..indptr[i+1])` with
 * values in `data` at the same positions. Column indexes within a row are sorted and unique.
 */
export interface CsrMatrix {
  rows: number
  cols: number
  indptr: Int32Array
  indices: Int32Array
  data: Float32Array
}

/** Builds a CSR matrix row by row from (column → value) accumulations. */
export class CsrBuilder {
  private indptr: number[] = [0]
  private indices: number[] = []
  private data: number[] = []

  constructor(readonly cols: number) {}

  /** Append one row from a map of column → value (zeros dropped, columns sorted). */
  addRow(row: Map<number, number>): void {
    const keys = [...row.keys()].sort((a, b) => a - b)
    for (const k of keys) {
      const v = row.get(k)!
      if (v === 0) continue
      this.indices.push(k)
      this.data.push(v)
    }
    this.indptr.push(this.indices.length)
  }

  build(): CsrMatrix {
    return {
      rows: this.indptr.length - 1,
      cols: this.cols,
      indptr: Int32Array.from(this.indptr),
      indices: Int32Array.from(this.indices),
      data: Float32Array.from(this.data),
    }
  }
}

/** Scale every row to unit L2 norm in place (empty rows stay empty). */
export function normalizeRows(m: CsrMatrix): CsrMatrix {
  for (let r = 0; r < m.rows; r++) {
    let sq = 0
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) sq += m.data[p]! * m.data[p]!
    if (sq === 0) continue
    const inv = 1 / Math.sqrt(sq)
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) m.data[p] = m.data[p]! * inv
  }
  return m
}

/** Rows `from..to` of a CSR matrix as a new matrix sharing no buffers. */
export function sliceRows(m: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  let nnz = 0
  for (let i = 0; i < rows.length; i++) nnz += m.indptr[rows[i]! + 1]! - m.indptr[rows[i]!]!
  const indptr = new Int32Array(rows.length + 1)
  const indices = new Int32Array(nnz)
  const data = new Float32Array(nnz)
  let o = 0
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
      indices[o] = m.indices[p]!
      data[o++] = m.data[p]!
    }
    indptr[i + 1] = o
  }
  return { rows: rows.length, cols: m.cols, indptr, indices, data }
}

/** Non-zero count per row (0 marks an empty document). */
export function rowNnz(m: CsrMatrix): Int32Array {
  const out = new Int32Array(m.rows)
  for (let r = 0; r < m.rows; r++) out[r] = m.indptr[r + 1]! - m.indptr[r]!
  return out
}
