import { z } from 'zod'

/** An alert as handed to notifiers when it fires or resolves. */
export interface AlertNotification {
  status: 'firing' | 'resolved'
  /** The rule's name (Alertmanager's `alertname`). */
  rule: string
  monitor: string
  model: string | null
  severity: 'info' | 'warning' | 'critical'
  /** The condition as written, e.g. `dataset_drift for 2 windows`. */
  condition: string
  /** The value that decided it in the last window (1/0 for true/false conditions). */
  value: number | null
  /** The window that caused the transition. */
  window: { start: number; end: number; label: string }
  /** When the condition started holding (ISO). */
  startsAt: string
  /** When it stopped (ISO), for resolved alerts. */
  endsAt?: string
  labels: Record<string, string>
  annotations: Record<string, string>
}

/** What a notifier did with one alert. */
export interface NotifyOutcome {
  notifier: string
  ok: boolean
  attempts: number
  error?: string
  /** HTTP status of the last attempt. */
  status?: number
}

/** Sends alerts somewhere: a log, a webhook, Alertmanager. */
export interface Notifier {
  readonly name: string
  readonly type: string
  /** Announce a firing or resolved alert. */
  notify(alert: AlertNotification): Promise<NotifyOutcome>
  /**
   * Keep a firing alert alive at a receiver that expires alerts (Alertmanager), once per window.
   * Receivers that keep state themselves (log, webhook) do not implement it: they hear once.
   */
  refresh?(alert: AlertNotification): Promise<NotifyOutcome>
}

const retrySettings = {
  /** Attempts in all (default 4). */
  attempts: z.number().int().min(1).max(20).optional(),
  /** First back-off in ms, doubled each retry (default 500). */
  backoffMs: z.number().int().min(0).optional(),
  /** Per-attempt timeout in ms (default 10,000). */
  timeoutMs: z.number().int().positive().optional(),
}

export const notifierConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('log') }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url(),
    headers: z.record(z.string(), z.string()).optional(),
    ...retrySettings,
  }),
  z.strictObject({
    type: z.literal('alertmanager'),
    /** Alertmanager's base URL, e.g. http://alertmanager:9093. */
    url: z.url(),
    /** A firing alert sent to Alertmanager expires after this long unless refreshed (default 4 windows, at least 1h). */
    expireAfterMs: z.number().int().positive().optional(),
    /** Link shown in Alertmanager (default none). */
    generatorUrl: z.url().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    ...retrySettings,
  }),
])
export type NotifierConfig = z.infer<typeof notifierConfigSchema>
