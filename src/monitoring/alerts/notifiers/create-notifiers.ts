import { AlertmanagerNotifier } from './alertmanager-notifier.js'
import { LogNotifier } from './log-notifier.js'
import type { Notifier, NotifierConfig } from './notifier.js'
import { WebhookNotifier } from './webhook-notifier.js'

/** Build notifiers from configuration; a `log` notifier is always there. */
export function createNotifiers(configs: Record<string, NotifierConfig> = {}): Map<string, Notifier> {
  const out = new Map<string, Notifier>([['log', new LogNotifier('log')]])
  for (const [name, c] of Object.entries(configs)) {
    const retry = {
      ...(c.type !== 'log' && c.attempts !== undefined ? { attempts: c.attempts } : {}),
      ...(c.type !== 'log' && c.backoffMs !== undefined ? { backoffMs: c.backoffMs } : {}),
      ...(c.type !== 'log' && c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
      ...(c.type !== 'log' && c.headers ? { headers: c.headers } : {}),
    }
    if (c.type === 'log') out.set(name, new LogNotifier(name))
    else if (c.type === 'webhook') out.set(name, new WebhookNotifier(name, c.url, retry))
    else {
      out.set(
        name,
        new AlertmanagerNotifier(name, c.url, {
          ...retry,
          ...(c.expireAfterMs ? { expireAfterMs: c.expireAfterMs } : {}),
          ...(c.generatorUrl ? { generatorUrl: c.generatorUrl } : {}),
        }),
      )
    }
  }
  return out
}
