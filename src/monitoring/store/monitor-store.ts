import type { Kysely, Transaction } from 'kysely'
import { CairnError, timeOrderedId } from '../../core/index.js'
import type { Database, MetadataStore, MonitorRunsTable } from '../../store/index.js'
import type { AlertState } from '../alerts/alert-state.js'
import type { NotifyOutcome } from '../alerts/notifiers/notifier.js'
import type { MonitorResult } from '../monitor/monitor-result.js'

/** A registered monitor as stored. */
export interface MonitorRecord {
  name: string
  model: string | null
  config: unknown
  referencePath: string | null
  referenceRows: number | null
  creationTime: number
  lastUpdatedTime: number
}

/** A stored window's summary (the full result is `getResult`). */
export interface MonitorRunSummary {
  runId: string
  monitor: string
  windowStart: number
  windowEnd: number
  kind: 'window' | 'batch'
  status: MonitorResult['status']
  rowCount: number
  labelledRows: number
  datasetDrift: boolean | null
  driftShare: number | null
  driftedColumns: number
  evaluatedColumns: number
  qualityFailures: number
  predictionDrift: boolean | null
  startTime: number
  endTime: number
}

/** One point of a time series. */
export interface SeriesPoint {
  windowStart: number
  windowEnd: number
  name: string
  test: string | null
  value: number | null
  threshold: number | null
  flagged: boolean | null
}

/** A stored alert transition. */
export interface AlertEvent {
  eventId: string
  monitor: string
  rule: string
  status: 'firing' | 'resolved'
  timestamp: number
  windowEnd: number | null
  value: number | null
  message: string
  notifications: NotifyOutcome[]
}

/**
 * One rule's record of one evaluated window: its state before the window and what the
 * condition gave, so the window can be re-applied when it is evaluated again.
 */
export interface AlertWindowRecord {
  monitor: string
  rule: string
  window: { start: number; end: number }
  holds: boolean | null
  value: number | null
  /** null when the rule had no state before this window. */
  stateBefore: AlertState | null
  evaluatedTime: number
}

type Db = Kysely<Database> | Transaction<Database>

const toBool = (v: number | null): boolean | null => (v === null ? null : v !== 0)
const toInt = (v: boolean | null | undefined): number | null =>
  v === null || v === undefined ? null : v ? 1 : 0
const finite = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v

function summary(r: MonitorRunsTable): MonitorRunSummary {
  return {
    runId: r.run_id,
    monitor: r.monitor,
    windowStart: Number(r.window_start),
    windowEnd: Number(r.window_end),
    kind: r.kind as 'window' | 'batch',
    status: r.status as MonitorResult['status'],
    rowCount: Number(r.row_count),
    labelledRows: Number(r.labelled_rows),
    datasetDrift: toBool(r.dataset_drift),
    driftShare: r.drift_share,
    driftedColumns: r.drifted_columns,
    evaluatedColumns: r.evaluated_columns,
    qualityFailures: r.quality_failures,
    predictionDrift: toBool(r.prediction_drift),
    startTime: Number(r.start_time),
    endTime: Number(r.end_time),
  }
}

/** The values of a result as time-series rows. */
function valueRows(result: MonitorResult) {
  const base = {
    run_id: result.runId,
    monitor: result.monitor,
    window_start: result.window.start,
    window_end: result.window.end,
  }
  const rows: {
    kind: string
    name: string
    test: string | null
    value: number | null
    threshold: number | null
    flagged: number | null
  }[] = []
  rows.push({
    kind: 'dataset',
    name: 'rows',
    test: null,
    value: result.rowCount,
    threshold: null,
    flagged: null,
  })
  rows.push({
    kind: 'dataset',
    name: 'labelled_rows',
    test: null,
    value: result.labelledRows,
    threshold: null,
    flagged: null,
  })
  if (result.drift) {
    rows.push({
      kind: 'dataset',
      name: 'drift_share',
      test: null,
      value: finite(result.drift.driftShare),
      threshold: result.drift.driftShareThreshold,
      flagged: toInt(result.drift.datasetDrift),
    })
    for (const c of result.drift.columns) {
      rows.push({
        kind: 'drift',
        name: c.column,
        test: c.test,
        value: finite(c.score),
        threshold: c.threshold,
        flagged: toInt(c.drifted),
      })
    }
  }
  for (const c of result.predictionDrift?.columns ?? []) {
    rows.push({
      kind: 'prediction',
      name: c.column,
      test: c.test,
      value: finite(c.score),
      threshold: c.threshold,
      flagged: toInt(c.drifted),
    })
  }
  rows.push({
    kind: 'dataset',
    name: 'quality_failures',
    test: null,
    value: result.quality.failures,
    threshold: null,
    flagged: null,
  })
  for (const q of result.quality.checks) {
    rows.push({
      kind: 'quality',
      name: `${q.check}:${q.column ?? '*'}`,
      test: q.check,
      value: typeof q.observed === 'number' ? finite(q.observed) : null,
      threshold: null,
      flagged: q.status === 'fail' ? 1 : q.status === 'pass' ? 0 : null,
    })
  }
  if (result.performance) {
    for (const [m, v] of Object.entries(result.performance.metrics)) {
      rows.push({
        kind: 'performance',
        name: m,
        test: null,
        value: finite(v),
        threshold: null,
        flagged: null,
      })
    }
    if (result.performance.nearBoundaryShare !== null) {
      rows.push({
        kind: 'performance',
        name: 'near_boundary_share',
        test: null,
        value: result.performance.nearBoundaryShare,
        threshold: result.performance.boundaryMargin,
        flagged: null,
      })
    }
  }
  return rows.map((r) => ({ ...base, ...r }))
}

/**
 * Monitoring's view of the metadata store: monitors, one row per evaluated window with its full
 * result, every value as a time series, and alert states and events. Writes of one window happen
 * in one transaction, so a window is stored whole or not at all; evaluating a window again
 * replaces it.
 */
export class MonitorStore {
  constructor(readonly metadata: MetadataStore) {}

  get #db(): Kysely<Database> {
    return this.metadata.db
  }

  /** Create or update a monitor's registration. */
  async upsertMonitor(input: {
    name: string
    model: string | null
    config: unknown
    referencePath?: string | null
    referenceRows?: number | null
  }): Promise<MonitorRecord> {
    const now = Date.now()
    await this.metadata.transaction(async (trx) => {
      const existing = await trx
        .selectFrom('monitors')
        .select('name')
        .where('name', '=', input.name)
        .executeTakeFirst()
      const values = {
        model: input.model,
        config: JSON.stringify(input.config ?? {}),
        ...(input.referencePath !== undefined ? { reference_path: input.referencePath } : {}),
        ...(input.referenceRows !== undefined ? { reference_rows: input.referenceRows } : {}),
        last_updated_time: now,
      }
      if (existing) await trx.updateTable('monitors').set(values).where('name', '=', input.name).execute()
      else {
        await trx
          .insertInto('monitors')
          .values({
            name: input.name,
            reference_path: null,
            reference_rows: null,
            ...values,
            creation_time: now,
          })
          .execute()
      }
    })
    return this.getMonitor(input.name)
  }

  /** A monitor by name; CAIRN_MONITOR_NOT_FOUND when unknown. */
  async getMonitor(name: string): Promise<MonitorRecord> {
    const r = await this.#db.selectFrom('monitors').selectAll().where('name', '=', name).executeTakeFirst()
    if (!r) {
      throw new CairnError('CAIRN_MONITOR_NOT_FOUND', `Monitor "${name}" not found`, {
        details: { monitor: name },
        hint: 'Define it under `monitors:` in cairn.yaml and run `cairn monitor run <name>`.',
      })
    }
    return {
      name: r.name,
      model: r.model,
      config: JSON.parse(r.config),
      referencePath: r.reference_path,
      referenceRows: r.reference_rows === null ? null : Number(r.reference_rows),
      creationTime: Number(r.creation_time),
      lastUpdatedTime: Number(r.last_updated_time),
    }
  }

  /** Every registered monitor, by name. */
  async listMonitors(): Promise<MonitorRecord[]> {
    const names = await this.#db.selectFrom('monitors').select('name').orderBy('name').execute()
    return Promise.all(names.map((n) => this.getMonitor(n.name)))
  }

  /** Store a window's result and its time-series values (replacing an earlier run of the same window). */
  async saveResult(result: MonitorResult): Promise<void> {
    await this.metadata.transaction(async (trx) => {
      const old = await trx
        .selectFrom('monitor_runs')
        .select('run_id')
        .where('monitor', '=', result.monitor)
        .where('window_start', '=', result.window.start)
        .where('window_end', '=', result.window.end)
        .execute()
      for (const o of old) {
        await trx.deleteFrom('monitor_values').where('run_id', '=', o.run_id).execute()
        await trx.deleteFrom('monitor_runs').where('run_id', '=', o.run_id).execute()
      }
      await trx
        .insertInto('monitor_runs')
        .values({
          run_id: result.runId,
          monitor: result.monitor,
          window_start: result.window.start,
          window_end: result.window.end,
          kind: result.window.kind,
          status: result.status,
          start_time: Math.round(result.evaluatedAt - result.durationMs),
          end_time: result.evaluatedAt,
          row_count: result.rowCount,
          labelled_rows: result.labelledRows,
          dataset_drift: toInt(result.drift?.datasetDrift),
          drift_share: finite(result.drift?.driftShare),
          drifted_columns: result.drift?.drifted ?? 0,
          evaluated_columns: result.drift?.evaluated ?? 0,
          quality_failures: result.quality.failures,
          prediction_drift: result.predictionDrift
            ? result.predictionDrift.evaluated === 0
              ? null
              : toInt(result.predictionDrift.drifted > 0)
            : null,
          result: JSON.stringify(result),
        })
        .execute()
      await insertChunks(trx, valueRows(result))
    })
  }

  /** Stored windows of a monitor, oldest first (or the newest `limit`, still oldest first). */
  async listRuns(
    monitor: string,
    options: { from?: number; to?: number; limit?: number } = {},
  ): Promise<MonitorRunSummary[]> {
    let q = this.#db.selectFrom('monitor_runs').selectAll().where('monitor', '=', monitor)
    if (options.from !== undefined) q = q.where('window_start', '>=', options.from)
    if (options.to !== undefined) q = q.where('window_end', '<=', options.to)
    const rows = await q
      .orderBy('window_end', 'desc')
      .orderBy('window_start', 'desc')
      .limit(options.limit ?? 10_000)
      .execute()
    return rows.reverse().map(summary)
  }

  /** The newest window of a monitor, if any. */
  async lastRun(monitor: string, kind?: 'window' | 'batch'): Promise<MonitorRunSummary | undefined> {
    let q = this.#db.selectFrom('monitor_runs').selectAll().where('monitor', '=', monitor)
    if (kind) q = q.where('kind', '=', kind)
    const r = await q.orderBy('window_end', 'desc').orderBy('end_time', 'desc').limit(1).executeTakeFirst()
    return r ? summary(r) : undefined
  }

  /**
   * The newest window that was complete when it was evaluated: evaluated at or after its end
   * plus `lagMs`. Windows evaluated earlier (with a `now` ahead of the clock) may still get rows,
   * so they are not done: the next run evaluates them again (and replaces them).
   */
  async lastCompleteWindow(monitor: string, lagMs = 0): Promise<MonitorRunSummary | undefined> {
    const r = await this.#db
      .selectFrom('monitor_runs')
      .selectAll()
      .where('monitor', '=', monitor)
      .where('kind', '=', 'window')
      .where((eb) => eb('end_time', '>=', eb('window_end', '+', Math.round(lagMs))))
      .orderBy('window_end', 'desc')
      .orderBy('end_time', 'desc')
      .limit(1)
      .executeTakeFirst()
    return r ? summary(r) : undefined
  }

  /** A stored result in full; CAIRN_NOT_FOUND when unknown. */
  async getResult(runId: string): Promise<MonitorResult> {
    const r = await this.#db
      .selectFrom('monitor_runs')
      .select('result')
      .where('run_id', '=', runId)
      .executeTakeFirst()
    if (!r) throw new CairnError('CAIRN_NOT_FOUND', `Monitor run "${runId}" not found`)
    return JSON.parse(r.result) as MonitorResult
  }

  /** The mean row count of the last `n` non-empty windows (or batches) before `before`, for the volume check. */
  async expectedRows(
    monitor: string,
    before: number,
    n = 7,
    kind: 'window' | 'batch' = 'window',
  ): Promise<number | undefined> {
    const rows = await this.#db
      .selectFrom('monitor_runs')
      .select('row_count')
      .where('monitor', '=', monitor)
      .where('kind', '=', kind)
      .where('window_end', '<=', before)
      .where('row_count', '>', 0)
      .orderBy('window_end', 'desc')
      .limit(n)
      .execute()
    if (rows.length === 0) return undefined
    return rows.reduce((s, r) => s + Number(r.row_count), 0) / rows.length
  }

  /** A time series of one kind (all names, or the given ones), oldest first. */
  async series(
    monitor: string,
    kind: 'drift' | 'prediction' | 'quality' | 'performance' | 'dataset',
    options: { names?: string[]; from?: number; to?: number } = {},
  ): Promise<SeriesPoint[]> {
    let q = this.#db
      .selectFrom('monitor_values')
      .select(['window_start', 'window_end', 'name', 'test', 'value', 'threshold', 'flagged'])
      .where('monitor', '=', monitor)
      .where('kind', '=', kind)
    if (options.names && options.names.length > 0) q = q.where('name', 'in', options.names)
    if (options.from !== undefined) q = q.where('window_start', '>=', options.from)
    if (options.to !== undefined) q = q.where('window_end', '<=', options.to)
    const rows = await q.orderBy('window_start').orderBy('name').execute()
    return rows.map((r) => ({
      windowStart: Number(r.window_start),
      windowEnd: Number(r.window_end),
      name: r.name,
      test: r.test,
      value: r.value,
      threshold: r.threshold,
      flagged: toBool(r.flagged),
    }))
  }

  /** Alert states of a monitor (all rules). */
  async alertStates(monitor?: string): Promise<AlertState[]> {
    let q = this.#db.selectFrom('monitor_alert_states').selectAll()
    if (monitor) q = q.where('monitor', '=', monitor)
    const rows = await q.orderBy('monitor').orderBy('rule').execute()
    return rows.map((r) => ({
      monitor: r.monitor,
      rule: r.rule,
      state: r.state as AlertState['state'],
      streak: r.streak,
      activeSince: r.active_since === null ? null : Number(r.active_since),
      lastWindowEnd: r.last_window_end === null ? null : Number(r.last_window_end),
      lastValue: r.last_value,
      lastChangeTime: Number(r.last_change_time),
    }))
  }

  /** Alert history of a monitor (all rules, or one) from windows ending at or after `fromEnd`, oldest first. */
  async alertWindows(
    monitor: string,
    options: { rule?: string; fromEnd?: number } = {},
  ): Promise<AlertWindowRecord[]> {
    let q = this.#db.selectFrom('monitor_alert_windows').selectAll().where('monitor', '=', monitor)
    if (options.rule !== undefined) q = q.where('rule', '=', options.rule)
    if (options.fromEnd !== undefined) q = q.where('window_end', '>=', options.fromEnd)
    const rows = await q.orderBy('rule').orderBy('window_end').orderBy('window_start').execute()
    return rows.map((r) => ({
      monitor: r.monitor,
      rule: r.rule,
      window: { start: Number(r.window_start), end: Number(r.window_end) },
      holds: toBool(r.holds),
      value: r.value,
      stateBefore: r.state_before === null ? null : (JSON.parse(r.state_before) as AlertState),
      evaluatedTime: Number(r.evaluated_time),
    }))
  }

  /**
   * Save a rule's state, the history records of the windows that made it (replacing those of the
   * same windows) and, when it changed phase, the event — in one transaction.
   */
  async saveAlertState(
    state: AlertState,
    meta: { labels: Record<string, string>; annotations: Record<string, string> },
    event?: Omit<AlertEvent, 'eventId'>,
    windows: readonly AlertWindowRecord[] = [],
  ): Promise<AlertEvent | undefined> {
    let stored: AlertEvent | undefined
    await this.metadata.transaction(async (trx) => {
      for (const w of windows) {
        await trx
          .deleteFrom('monitor_alert_windows')
          .where('monitor', '=', w.monitor)
          .where('rule', '=', w.rule)
          .where('window_end', '=', w.window.end)
          .where('window_start', '=', w.window.start)
          .execute()
        await trx
          .insertInto('monitor_alert_windows')
          .values({
            monitor: w.monitor,
            rule: w.rule,
            window_end: w.window.end,
            window_start: w.window.start,
            holds: toInt(w.holds),
            value: finite(w.value),
            state_before: w.stateBefore === null ? null : JSON.stringify(w.stateBefore),
            evaluated_time: w.evaluatedTime,
          })
          .execute()
      }
      const row = {
        state: state.state,
        streak: state.streak,
        active_since: state.activeSince,
        last_window_end: state.lastWindowEnd,
        last_value: finite(state.lastValue),
        last_change_time: state.lastChangeTime,
        labels: JSON.stringify(meta.labels),
        annotations: JSON.stringify(meta.annotations),
      }
      const updated = await trx
        .updateTable('monitor_alert_states')
        .set(row)
        .where('monitor', '=', state.monitor)
        .where('rule', '=', state.rule)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) {
        await trx
          .insertInto('monitor_alert_states')
          .values({ monitor: state.monitor, rule: state.rule, ...row })
          .execute()
      }
      if (event) {
        stored = { eventId: timeOrderedId(), ...event }
        await trx
          .insertInto('monitor_alert_events')
          .values({
            event_id: stored.eventId,
            monitor: event.monitor,
            rule: event.rule,
            status: event.status,
            timestamp: event.timestamp,
            window_end: event.windowEnd,
            value: finite(event.value),
            message: event.message,
            notifications: JSON.stringify(event.notifications),
          })
          .execute()
      }
    })
    return stored
  }

  /** Record what notifiers did for an event (they run after the state is saved). */
  async setEventNotifications(eventId: string, notifications: NotifyOutcome[]): Promise<void> {
    await this.#db
      .updateTable('monitor_alert_events')
      .set({ notifications: JSON.stringify(notifications) })
      .where('event_id', '=', eventId)
      .execute()
  }

  /** Alert transitions, newest first. */
  async alertEvents(
    options: { monitor?: string; rule?: string; limit?: number } = {},
  ): Promise<AlertEvent[]> {
    let q = this.#db.selectFrom('monitor_alert_events').selectAll()
    if (options.monitor) q = q.where('monitor', '=', options.monitor)
    if (options.rule) q = q.where('rule', '=', options.rule)
    const rows = await q
      .orderBy('timestamp', 'desc')
      .orderBy('event_id', 'desc')
      .limit(options.limit ?? 200)
      .execute()
    return rows.map((r) => ({
      eventId: r.event_id,
      monitor: r.monitor,
      rule: r.rule,
      status: r.status as 'firing' | 'resolved',
      timestamp: Number(r.timestamp),
      windowEnd: r.window_end === null ? null : Number(r.window_end),
      value: r.value,
      message: r.message,
      notifications: JSON.parse(r.notifications) as NotifyOutcome[],
    }))
  }
}

async function insertChunks(trx: Db, rows: ReturnType<typeof valueRows>): Promise<void> {
  const chunk = 200
  for (let i = 0; i < rows.length; i += chunk) {
    await trx
      .insertInto('monitor_values')
      .values(rows.slice(i, i + chunk))
      .execute()
  }
}
