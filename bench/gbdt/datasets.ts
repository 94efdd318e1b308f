/**
 * Loaders for the benchmark data sets in ../shared/datasets (benchmarks only; tests never read them).
 */
import { readFileSync } from 'node:fs'
import {
  categoryColumn,
  type Frame,
  type FrameColumn,
  makeFrame,
  numericColumn,
  takeRows,
} from '../../src/data/index.js'
import { Random } from '../../src/ml/trees/random.js'

export const DATASETS =
  process.env.CAIRN_DATASETS ?? new URL('../../../shared/datasets/', import.meta.url).pathname

/** Parse a simple CSV (no quoted commas) into a frame: numeric columns where every value parses. */
export function readCsv(path: string, options: { separator?: string; missing?: string[] } = {}): Frame {
  const sep = options.separator ?? ','
  const missing = new Set(['', ...(options.missing ?? [])])
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
  const header = (lines[0] as string).split(sep).map((h) => h.trim())
  const cells = header.map(() => [] as string[])
  for (const line of lines.slice(1)) {
    const parts = line.split(sep)
    if (parts.length !== header.length) continue
    parts.forEach((p, j) => {
      ;(cells[j] as string[]).push(p.trim())
    })
  }
  const columns: FrameColumn[] = header.map((name, j) => {
    const raw = cells[j] as string[]
    const numeric = raw.every((v) => missing.has(v) || !Number.isNaN(Number(v)))
    if (numeric)
      return numericColumn(
        name,
        raw.map((v) => (missing.has(v) ? Number.NaN : Number(v))),
      )
    const values = raw.map((v) => (missing.has(v) ? null : v))
    return categoryColumn(name, values, [...new Set(values.filter((v): v is string => v !== null))].sort())
  })
  return makeFrame(columns)
}

/** A seeded 80/20 split (the Python side uses the same row order via the printed index files). */
export function split(
  frame: Frame,
  seed: number,
  testFraction = 0.2,
): { train: Frame; test: Frame; testIdx: Int32Array; trainIdx: Int32Array } {
  const n = frame.rowCount
  const perm = new Int32Array(n)
  for (let i = 0; i < n; i++) perm[i] = i
  new Random(seed).shuffle(perm)
  const nTest = Math.round(n * testFraction)
  const testIdx = perm.slice(0, nTest).sort()
  const trainIdx = perm.slice(nTest).sort()
  return { train: takeRows(frame, trainIdx), test: takeRows(frame, testIdx), trainIdx, testIdx }
}

export function adult(): Frame {
  return readCsv(`${DATASETS}/adult.data`, { separator: ',', missing: ['?'] })
}

export function california(): Frame {
  return readCsv(`${DATASETS}/california-housing.csv`)
}
