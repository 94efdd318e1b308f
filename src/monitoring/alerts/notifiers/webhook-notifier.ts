import type { AlertNotification, Notifier, NotifyOutcome } from './notifier.js'
import { type PostOptions, postJson } from './post-json.js'

/**
 * POSTs each transition as JSON — `{ version: "1", status, alert, monitor, model, severity,
 * condition, value, window, startsAt, endsAt?, labels, annotations }` — with retries.
 */
export class WebhookNotifier implements Notifier {
  readonly type = 'webhook'
  constructor(
    readonly name: string,
    readonly url: string,
    readonly options: PostOptions = {},
  ) {}

  async notify(alert: AlertNotification): Promise<NotifyOutcome> {
    const body = {
      version: '1',
      status: alert.status,
      alert: alert.rule,
      monitor: alert.monitor,
      model: alert.model,
      severity: alert.severity,
      condition: alert.condition,
      value: alert.value,
      window: {
        start: new Date(alert.window.start).toISOString(),
        end: new Date(alert.window.end).toISOString(),
        label: alert.window.label,
      },
      startsAt: alert.startsAt,
      ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
      labels: alert.labels,
      annotations: alert.annotations,
    }
    const r = await postJson(this.url, body, this.options)
    return { notifier: this.name, ...r }
  }
}
