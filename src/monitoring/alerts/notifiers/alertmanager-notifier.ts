import type { AlertNotification, Notifier, NotifyOutcome } from './notifier.js'
import { type PostOptions, postJson } from './post-json.js'

/** One alert in Alertmanager's v2 API (`POST /api/v2/alerts` takes a list of these). */
export interface AlertmanagerAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt?: string
  generatorURL?: string
}

/** The Alertmanager form of an alert: `alertname`, `monitor`, `model`, `severity` and the rule's labels. */
export function toAlertmanagerAlert(
  alert: AlertNotification,
  options: { expireAfterMs: number; generatorUrl?: string; now?: number },
): AlertmanagerAlert {
  const now = options.now ?? Date.now()
  const labels: Record<string, string> = {
    alertname: alert.rule,
    monitor: alert.monitor,
    severity: alert.severity,
    ...(alert.model ? { model: alert.model } : {}),
    ...alert.labels,
  }
  const annotations: Record<string, string> = {
    condition: alert.condition,
    window: alert.window.label,
    ...(alert.value !== null ? { value: String(alert.value) } : {}),
    ...alert.annotations,
  }
  const endsAt =
    alert.status === 'resolved'
      ? (alert.endsAt ?? new Date(now).toISOString())
      : new Date(now + options.expireAfterMs).toISOString()
  return {
    labels,
    annotations,
    startsAt: alert.startsAt,
    endsAt,
    ...(options.generatorUrl ? { generatorURL: options.generatorUrl } : {}),
  }
}

/**
 * Sends alerts to Alertmanager's v2 API. Like Prometheus, it re-posts a firing alert every window
 * (`refresh`) with an `endsAt` in the future so Alertmanager keeps it active; Alertmanager
 * de-duplicates, so receivers are not notified again. A resolved alert is posted with `endsAt`
 * set to the resolution time.
 */
export class AlertmanagerNotifier implements Notifier {
  readonly type = 'alertmanager'
  constructor(
    readonly name: string,
    readonly url: string,
    readonly options: PostOptions & { expireAfterMs?: number; generatorUrl?: string } = {},
  ) {}

  #endpoint(): string {
    return `${this.url.replace(/\/+$/, '')}/api/v2/alerts`
  }

  async notify(alert: AlertNotification): Promise<NotifyOutcome> {
    const expireAfterMs =
      this.options.expireAfterMs ?? Math.max(4 * (alert.window.end - alert.window.start), 3_600_000)
    const body = [
      toAlertmanagerAlert(alert, {
        expireAfterMs,
        ...(this.options.generatorUrl ? { generatorUrl: this.options.generatorUrl } : {}),
      }),
    ]
    return { notifier: this.name, ...(await postJson(this.#endpoint(), body, this.options)) }
  }

  refresh(alert: AlertNotification): Promise<NotifyOutcome> {
    return this.notify(alert)
  }
}
