/** The state of one rule of one monitor, as kept between windows. */
export interface AlertState {
  monitor: string
  rule: string
  state: 'inactive' | 'pending' | 'firing'
  /** Consecutive windows the condition has held. */
  streak: number
  /** When the current episode started (first window the condition held). */
  activeSince: number | null
  lastWindowEnd: number | null
  lastValue: number | null
  lastChangeTime: number
}

/** What happened to a rule in one window. */
export type AlertTransition = 'firing' | 'resolved' | null

/**
 * Advance a rule by one window. The condition must hold for `forWindows` consecutive windows to
 * fire; a firing alert stays firing (and is not announced again) until the condition stops
 * holding, when it resolves. A window where the condition is unknown (no data to decide) leaves
 * the state as it was. Windows at or before the last one seen are ignored (the alert engine
 * re-applies a window evaluated again from the state kept before it, with `applyOutcome`).
 */
export function stepAlert(
  prev: AlertState | undefined,
  ids: { monitor: string; rule: string },
  forWindows: number,
  outcome: { holds: boolean | null; value: number | null },
  window: { start: number; end: number },
  now: number,
): { next: AlertState; transition: AlertTransition } {
  const state = prev ?? initialAlertState(ids, now)
  if (state.lastWindowEnd !== null && window.end <= state.lastWindowEnd)
    return { next: state, transition: null }
  return applyOutcome(state, forWindows, outcome, window, now)
}

/** The state before any window. */
export function initialAlertState(ids: { monitor: string; rule: string }, now: number): AlertState {
  return {
    ...ids,
    state: 'inactive',
    streak: 0,
    activeSince: null,
    lastWindowEnd: null,
    lastValue: null,
    lastChangeTime: now,
  }
}

/** Apply one window's outcome to a state, whatever windows it has seen (see `stepAlert`). */
export function applyOutcome(
  state: AlertState,
  forWindows: number,
  outcome: { holds: boolean | null; value: number | null },
  window: { start: number; end: number },
  now: number,
): { next: AlertState; transition: AlertTransition } {
  const next: AlertState = {
    ...state,
    lastWindowEnd: window.end,
    lastValue: outcome.value ?? state.lastValue,
  }
  if (outcome.holds === null) return { next, transition: null }
  if (outcome.holds) {
    next.streak = state.streak + 1
    next.activeSince = state.activeSince ?? window.start
    if (state.state === 'firing') return { next, transition: null }
    if (next.streak >= forWindows) {
      next.state = 'firing'
      next.lastChangeTime = now
      return { next, transition: 'firing' }
    }
    if (state.state !== 'pending') next.lastChangeTime = now
    next.state = 'pending'
    return { next, transition: null }
  }
  next.streak = 0
  next.activeSince = null
  const wasFiring = state.state === 'firing'
  if (state.state !== 'inactive') next.lastChangeTime = now
  next.state = 'inactive'
  return { next, transition: wasFiring ? 'resolved' : null }
}
