import { getLogger } from '../../core/index.js'
import type { MonitorResult } from '../monitor/monitor-result.js'
import type { AlertEvent, AlertWindowRecord, MonitorStore } from '../store/index.js'
import { type AlertRule, formatCondition } from './alert-rule.js'
import {
  type AlertState,
  type AlertTransition,
  applyOutcome,
  initialAlertState,
  stepAlert,
} from './alert-state.js'
import { type ConditionOutcome, evaluateCondition } from './evaluate-condition.js'
import type { AlertNotification, Notifier, NotifyOutcome } from './notifiers/notifier.js'

/** What the alert engine did for one rule in one window. */
export interface AlertOutcome {
  rule: string
  state: AlertState['state']
  transition: 'firing' | 'resolved' | null
  value: number | null
  /** The stored event when the rule changed phase. */
  event?: AlertEvent
  notifications: NotifyOutcome[]
  /** Present when the window had been evaluated before and its new result replaced the old one. */
  reevaluated?: true
}

const log = getLogger('monitoring.alerts')

function notificationFor(
  rule: AlertRule,
  state: AlertState,
  activeSince: number | null,
  result: MonitorResult,
  status: 'firing' | 'resolved',
  now: number,
): AlertNotification {
  const condition = formatCondition(rule.condition)
  return {
    status,
    rule: rule.name,
    monitor: result.monitor,
    model: result.model,
    severity: rule.severity,
    condition,
    value: state.lastValue,
    window: { start: result.window.start, end: result.window.end, label: result.window.label },
    startsAt: new Date(activeSince ?? result.window.start).toISOString(),
    ...(status === 'resolved' ? { endsAt: new Date(now).toISOString() } : {}),
    labels: rule.labels ?? {},
    annotations: {
      summary: rule.summary ?? `${rule.name}: ${condition} on ${result.monitor}`,
      ...(rule.description ? { description: rule.description } : {}),
    },
  }
}

interface Step {
  next: AlertState
  transition: AlertTransition
  /** History records to store (this window's, and any later ones re-applied after it). */
  records: AlertWindowRecord[]
  reevaluated: boolean
}

/**
 * Advance a rule by one window. A window not seen before is applied to the current state. A
 * window seen before (evaluated again with more rows) is applied to the state kept from before
 * it, then any later windows are re-applied from their kept outcomes; the transition compares the
 * new state with the current one, so an alert that fired on the first result and does not hold on
 * the new one resolves, and one that still holds stays firing without a second announcement.
 */
function stepRule(
  rule: AlertRule,
  prev: AlertState | undefined,
  history: readonly AlertWindowRecord[],
  result: MonitorResult,
  outcome: ConditionOutcome,
  now: number,
): Step {
  const ids = { monitor: result.monitor, rule: rule.name }
  const window = { start: result.window.start, end: result.window.end }
  const forWindows = rule.condition.forWindows
  const record = (stateBefore: AlertState | null): AlertWindowRecord => ({
    ...ids,
    window,
    holds: outcome.holds,
    value: outcome.value,
    stateBefore,
    evaluatedTime: now,
  })
  if (!prev || prev.lastWindowEnd === null || window.end > prev.lastWindowEnd) {
    const { next, transition } = stepAlert(prev, ids, forWindows, outcome, window, now)
    return { next, transition, records: [record(prev ?? null)], reevaluated: false }
  }
  const own = history.findIndex((h) => h.window.start === window.start && h.window.end === window.end)
  // a window seen before its history was kept, or an older one out of order: ignored as before
  if (own < 0) return { next: prev, transition: null, records: [], reevaluated: false }
  const kept = history.slice(own)
  const stateBefore = kept[0]?.stateBefore ?? null
  let state = stateBefore ?? initialAlertState(ids, now)
  const records: AlertWindowRecord[] = []
  for (const [i, h] of kept.entries()) {
    const o = i === 0 ? outcome : { holds: h.holds, value: h.value }
    records.push(i === 0 ? record(stateBefore) : { ...h, stateBefore: state })
    state = applyOutcome(state, forWindows, o, h.window, now).next
  }
  const next = state
  if (next.state === prev.state) next.lastChangeTime = prev.lastChangeTime
  const was = prev.state === 'firing'
  const is = next.state === 'firing'
  const transition: AlertTransition = was && !is ? 'resolved' : !was && is ? 'firing' : null
  return { next, transition, records, reevaluated: true }
}

/**
 * Evaluate a monitor's rules on a window's result: advance each rule's state (kept in the
 * store, with the state before each window), and on a transition record the event and tell the
 * rule's notifiers — once when it fires, once when it resolves. Firing alerts are refreshed at
 * notifiers that expire them (Alertmanager) but not re-announced. Windows are fed in time order;
 * a window fed again (evaluated before its end, then complete) replaces its earlier result in the
 * alert state: an alert that fired on the partial result and does not hold on the complete one
 * resolves (a resolved notification follows the firing one that was sent).
 */
export async function evaluateAlerts(
  store: MonitorStore,
  rules: readonly AlertRule[],
  result: MonitorResult,
  notifiers: ReadonlyMap<string, Notifier>,
  now = Date.now(),
): Promise<AlertOutcome[]> {
  const states = new Map((await store.alertStates(result.monitor)).map((s) => [s.rule, s]))
  const seenBefore = [...states.values()].some(
    (s) => s.lastWindowEnd !== null && result.window.end <= s.lastWindowEnd,
  )
  const history = new Map<string, AlertWindowRecord[]>()
  if (seenBefore) {
    for (const h of await store.alertWindows(result.monitor, { fromEnd: result.window.end })) {
      const list = history.get(h.rule)
      if (list) list.push(h)
      else history.set(h.rule, [h])
    }
  }
  const out: AlertOutcome[] = []
  for (const rule of rules) {
    const outcome = evaluateCondition(rule.condition, result)
    const prev = states.get(rule.name)
    const { next, transition, records, reevaluated } = stepRule(
      rule,
      prev,
      history.get(rule.name) ?? [],
      result,
      outcome,
      now,
    )
    const targets = (rule.notify ?? [...notifiers.keys()]).map((n) => {
      const notifier = notifiers.get(n)
      if (!notifier) log.warn({ rule: rule.name, notifier: n }, 'alert rule names an unknown notifier')
      return notifier
    })
    const activeSince = transition === 'resolved' ? (prev?.activeSince ?? null) : next.activeSince
    const alert = notificationFor(rule, next, activeSince, result, transition ?? 'firing', now)
    const message = transition
      ? `${transition === 'firing' ? 'Firing' : 'Resolved'}: ${alert.annotations.summary}${outcome.value !== null ? ` (value ${outcome.value})` : ''}${reevaluated ? ` when window ${result.window.label} was evaluated again` : ''}`
      : ''
    const event = await store.saveAlertState(
      next,
      { labels: alert.labels, annotations: alert.annotations },
      transition
        ? {
            monitor: result.monitor,
            rule: rule.name,
            status: transition,
            timestamp: now,
            windowEnd: result.window.end,
            value: outcome.value,
            message,
            notifications: [],
          }
        : undefined,
      records,
    )
    const notifications: NotifyOutcome[] = []
    if (transition) {
      for (const n of targets) if (n) notifications.push(await n.notify(alert))
      if (event) {
        event.notifications = notifications
        await store.setEventNotifications(event.eventId, notifications)
      }
      for (const n of notifications) {
        if (!n.ok)
          log.error({ rule: rule.name, notifier: n.notifier, error: n.error }, 'alert notification failed')
      }
    } else if (next.state === 'firing' && (reevaluated || prev?.lastWindowEnd !== next.lastWindowEnd)) {
      for (const n of targets) if (n?.refresh) notifications.push(await n.refresh(alert))
    }
    out.push({
      rule: rule.name,
      state: next.state,
      transition,
      value: outcome.value,
      ...(event ? { event } : {}),
      notifications,
      ...(reevaluated ? { reevaluated: true as const } : {}),
    })
  }
  return out
}
