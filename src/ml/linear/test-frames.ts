import { type Frame, makeFrame, numericColumn } from '../../data/index.js'

/** A frame from fixture columns `x0..x{p-1}` plus an optional target `y` and weight `w`. */
export function fixtureFrame(X: number[][], y?: number[], w?: number[] | null): Frame {
  const cols = X.map((c, j) => numericColumn(`x${j}`, c))
  if (y) cols.push(numericColumn('y', y))
  if (w) cols.push(numericColumn('w', w))
  return makeFrame(cols)
}
