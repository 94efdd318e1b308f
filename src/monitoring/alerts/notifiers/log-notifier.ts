import { getLogger } from '../../../core/index.js'
import type { AlertNotification, Notifier, NotifyOutcome } from './notifier.js'

/** Writes alerts to Cairn's structured log (warn when firing, info when resolved). */
export class LogNotifier implements Notifier {
  readonly type = 'log'
  readonly #log = getLogger('monitoring.alerts')
  constructor(readonly name = 'log') {}

  async notify(alert: AlertNotification): Promise<NotifyOutcome> {
    const fields = {
      alert: alert.rule,
      monitor: alert.monitor,
      model: alert.model,
      severity: alert.severity,
      value: alert.value,
      window: alert.window.label,
      startsAt: alert.startsAt,
      ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
    }
    const text = `${alert.status === 'firing' ? 'FIRING' : 'RESOLVED'} ${alert.rule} (${alert.condition}) on ${alert.monitor}`
    if (alert.status === 'firing') this.#log.warn(fields, text)
    else this.#log.info(fields, text)
    return { notifier: this.name, ok: true, attempts: 1 }
  }
}
