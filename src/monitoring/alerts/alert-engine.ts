import { getLogger } from '../../core/index.js'
import type { MonitorResult } from '../monitor/monitor-result.js'
import type { AlertEvent, MonitorStore } from '../store/index.js'
import { type AlertRule, formatCondition } from './alert-rule.js'
import { type AlertState, stepAlert } from './alert-state.js'
import { evaluateCondition } from './evaluate-condition.js'
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
}

const log = getLogger('monitoring.alerts')

function notificationFor(
  rule: AlertRule,
  state: AlertState,
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
    startsAt: new Date(state.activeSince ?? result.window.start).toISOString(),
    ...(status === 'resolved' ? { endsAt: new Date(now).toISOString() } : {}),
    labels: rule.labels ?? {},
    annotations: {
      summary: rule.summary ?? `${rule.name}: ${condition} on ${result.monitor}`,
      ...(rule.description ? { description: rule.description } : {}),
    },
  }
}

/**
 * Evaluate a monitor's rules on a window's result: advance each rule's state (kept in the
 * store), and on a transition record the event and tell the rule's notifiers — once when it
 * fires, once when it resolves. Firing alerts are refreshed at notifiers that expire them
 * (Alertmanager) but not re-announced. Windows must be fed in time order.
 */
export async function evaluateAlerts(
  store: MonitorStore,
  rules: readonly AlertRule[],
  result: MonitorResult,
  notifiers: ReadonlyMap<string, Notifier>,
  now = Date.now(),
): Promise<AlertOutcome[]> {
  const states = new Map((await store.alertStates(result.monitor)).map((s) => [s.rule, s]))
  const out: AlertOutcome[] = []
  for (const rule of rules) {
    const outcome = evaluateCondition(rule.condition, result)
    const prev = states.get(rule.name)
    const { next, transition } = stepAlert(
      prev,
      { monitor: result.monitor, rule: rule.name },
      rule.condition.forWindows,
      outcome,
      result.window,
      now,
    )
    const targets = (rule.notify ?? [...notifiers.keys()]).map((n) => {
      const notifier = notifiers.get(n)
      if (!notifier) log.warn({ rule: rule.name, notifier: n }, 'alert rule names an unknown notifier')
      return notifier
    })
    const alert = notificationFor(rule, next, result, transition ?? 'firing', now)
    const message = transition
      ? `${transition === 'firing' ? 'Firing' : 'Resolved'}: ${alert.annotations.summary}${outcome.value !== null ? ` (value ${outcome.value})` : ''}`
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
    } else if (next.state === 'firing' && prev?.lastWindowEnd !== next.lastWindowEnd) {
      for (const n of targets) if (n?.refresh) notifications.push(await n.refresh(alert))
    }
    out.push({
      rule: rule.name,
      state: next.state,
      transition,
      value: outcome.value,
      ...(event ? { event } : {}),
      notifications,
    })
  }
  return out
}
