import { categoryColumn, type Frame, makeFrame, numericColumn } from '../../../data/index.js'
import { Rng } from '../rng.js'

/**
 * Two interleaved half-moons with noise, plus a categorical nuisance column: a small nonlinear
 * binary problem no linear model solves. `shift` translates both moons diagonally (a drifted stream).
 */
export function moons(n: number, seed: number, shift = 0): Frame {
  const rng = new Rng(seed)
  const x1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const label: string[] = []
  const colour: string[] = []
  for (let i = 0; i < n; i++) {
    const cls = i % 2
    const t = Math.PI * rng.next()
    if (cls === 0) {
      x1[i] = Math.cos(t)
      x2[i] = Math.sin(t)
    } else {
      x1[i] = 1 - Math.cos(t)
      x2[i] = 0.5 - Math.sin(t)
    }
    x1[i] = x1[i]! + rng.normal() * 0.1 + shift
    x2[i] = x2[i]! + rng.normal() * 0.1 + shift
    label.push(cls === 0 ? 'a' : 'b')
    colour.push(['red', 'green', 'blue'][rng.int(3)]!)
  }
  return makeFrame([
    numericColumn('x1', x1),
    numericColumn('x2', x2),
    categoryColumn('colour', colour),
    categoryColumn('label', label),
  ])
}

/** y = sin(2·x1) + x2² + 0.5·[g = "hi"] + noise. */
export function wave(n: number, seed: number): Frame {
  const rng = new Rng(seed)
  const x1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const y = new Float64Array(n)
  const g: string[] = []
  for (let i = 0; i < n; i++) {
    x1[i] = rng.next() * 4 - 2
    x2[i] = rng.next() * 2 - 1
    const hi = rng.next() < 0.5
    g.push(hi ? 'hi' : 'lo')
    y[i] = 10 + Math.sin(2 * x1[i]!) + x2[i]! * x2[i]! + (hi ? 0.5 : 0) + rng.normal() * 0.05
  }
  return makeFrame([
    numericColumn('x1', x1),
    numericColumn('x2', x2),
    categoryColumn('g', g),
    numericColumn('y', y),
  ])
}
