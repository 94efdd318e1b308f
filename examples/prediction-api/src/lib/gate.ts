/** What the deployment gate decided for one model. */
export type DeployDecision = 'promote' | 'keep' | 'block'

export interface GateInput {
  metric: string
  greaterIsBetter: boolean
  /** The challenger's score on the test split. */
  challenger: number
  /** The champion's score on the same rows (undefined when there is no champion yet). */
  champion: number | undefined
  /** How much worse than the champion a model may be and still ship, in the metric's units. */
  tolerance: number
}

export interface GateResult {
  decision: DeployDecision
  /** challenger − champion (null without a champion). */
  delta: number | null
  reason: string
}

const fmt = (v: number) => Number(v.toPrecision(6)).toString()

/**
 * The deployment gate: a model worse than the champion (beyond the tolerance) is blocked; one of
 * the very same quality keeps the champion (nothing new to ship); anything else is promoted.
 */
export function deploymentDecision(g: GateInput): GateResult {
  if (!Number.isFinite(g.challenger))
    return { decision: 'block', delta: null, reason: `${g.metric} could not be computed` }
  if (g.champion === undefined || !Number.isFinite(g.champion))
    return { decision: 'promote', delta: null, reason: `no champion yet; ${g.metric} ${fmt(g.challenger)}` }
  const delta = g.challenger - g.champion
  const worseBy = g.greaterIsBetter ? -delta : delta
  const vs = `${g.metric} ${fmt(g.challenger)} vs champion ${fmt(g.champion)}`
  if (Math.abs(delta) <= 1e-12 * Math.max(1, Math.abs(g.champion)))
    return { decision: 'keep', delta, reason: `${vs}: the same, the champion stays` }
  if (worseBy > g.tolerance)
    return {
      decision: 'block',
      delta,
      reason: `${vs}: worse by ${fmt(worseBy)}${g.tolerance > 0 ? ` (tolerance ${fmt(g.tolerance)})` : ''}`,
    }
  return {
    decision: 'promote',
    delta,
    reason:
      worseBy < 0 ? `${vs}: better by ${fmt(-worseBy)}` : `${vs}: within the tolerance ${fmt(g.tolerance)}`,
  }
}
