import { describe, expect, it } from 'vitest'
import { deploymentDecision } from '../src/lib/gate.js'

describe('deploymentDecision', () => {
  const rmse = { metric: 'rmse', greaterIsBetter: false, tolerance: 0 }
  const accuracy = { metric: 'accuracy', greaterIsBetter: true, tolerance: 0 }

  it('promotes the first model', () => {
    expect(deploymentDecision({ ...rmse, challenger: 50_000, champion: undefined })).toMatchObject({
      decision: 'promote',
      delta: null,
    })
  })

  it('blocks a model worse than the champion, in either direction of "better"', () => {
    expect(deploymentDecision({ ...rmse, challenger: 52_000, champion: 50_000 })).toMatchObject({
      decision: 'block',
      delta: 2000,
      reason: 'rmse 52000 vs champion 50000: worse by 2000',
    })
    expect(deploymentDecision({ ...accuracy, challenger: 0.9, champion: 0.95 }).decision).toBe('block')
    expect(deploymentDecision({ ...rmse, challenger: Number.NaN, champion: 50_000 }).decision).toBe('block')
  })

  it('promotes a better model and one within the tolerance; keeps the champion on a tie', () => {
    expect(deploymentDecision({ ...rmse, challenger: 48_000, champion: 50_000 }).decision).toBe('promote')
    expect(deploymentDecision({ ...accuracy, challenger: 0.97, champion: 0.95 }).decision).toBe('promote')
    expect(
      deploymentDecision({ ...rmse, tolerance: 500, challenger: 50_400, champion: 50_000 }),
    ).toMatchObject({
      decision: 'promote',
      reason: 'rmse 50400 vs champion 50000: within the tolerance 500',
    })
    expect(deploymentDecision({ ...accuracy, challenger: 0.95, champion: 0.95 }).decision).toBe('keep')
  })
})
