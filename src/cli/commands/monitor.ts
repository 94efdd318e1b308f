import { resolve } from 'node:path'
import type { Command } from 'commander'
import pc from 'picocolors'
import { CairnError } from '../../core/index.js'
import {
  buildReportData,
  type MonitoringService,
  type MonitorRunOutcome,
  type MonitorRunSummary,
  writeReport,
} from '../../monitoring/index.js'
import { formatTime, printJson, printRows } from '../output.js'
import type { CommandRegistrar } from '../program.js'

async function withMonitoring<T>(cmd: Command, fn: (m: MonitoringService) => Promise<T>): Promise<T> {
  const { MonitoringService } = await import('../../monitoring/index.js')
  const g = cmd.optsWithGlobals() as { trackingUri?: string; artifactsUri?: string }
  const service = await MonitoringService.open({
    ...(g.trackingUri ? { trackingUri: g.trackingUri } : {}),
    ...(g.artifactsUri ? { artifactsUri: g.artifactsUri } : {}),
  })
  try {
    return await fn(service)
  } finally {
    await service.close()
  }
}

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? undefined : `${(v * 100).toFixed(0)}%`
const verdict = (v: boolean | null | undefined) =>
  v === true ? pc.red('DRIFT') : v === false ? pc.green('no') : v === null ? pc.yellow('n/a') : undefined

function outcomeJson(o: MonitorRunOutcome) {
  const r = o.result
  return {
    runId: r.runId,
    monitor: r.monitor,
    window: r.window,
    status: r.status,
    empty: r.status === 'empty',
    rows: r.rowCount,
    labelledRows: r.labelledRows,
    datasetDrift: r.drift?.datasetDrift ?? null,
    driftShare: r.drift?.driftShare ?? null,
    driftedColumns: r.drift?.columns.filter((c) => c.drifted).map((c) => c.column) ?? [],
    notTested: r.drift?.problems ?? [],
    predictionDrift: r.predictionDrift ? r.predictionDrift.drifted > 0 : null,
    qualityFailures: r.quality.checks.filter((c) => c.status === 'fail').map((c) => c.message),
    metrics: r.performance?.metrics ?? {},
    alerts: o.alerts
      .filter((a) => a.transition)
      .map((a) => ({ rule: a.rule, transition: a.transition, value: a.value })),
    ...(o.retrain
      ? {
          retrain: {
            status: o.retrain.status,
            challenger: o.retrain.challenger,
            decision: o.retrain.decision?.decision,
            reasons: o.retrain.decision?.reasons,
          },
        }
      : {}),
  }
}

function alertNotes(o: MonitorRunOutcome): string[] {
  return o.alerts
    .filter((a) => a.transition)
    .map((a) => (a.transition === 'firing' ? pc.red(`${a.rule} firing`) : pc.green(`${a.rule} resolved`)))
}

/** One window's line of `cairn monitor run`. */
function outcomeLine(name: string, o: MonitorRunOutcome): string {
  const r = o.result
  const alerts = alertNotes(o)
  const drifted = r.drift?.columns.filter((c) => c.drifted).map((c) => c.column) ?? []
  const metrics = Object.entries(r.performance?.metrics ?? {})
  return (
    `${pc.bold(name)} ${r.window.label}: ${r.rowCount} rows, drift ${verdict(r.drift?.datasetDrift) ?? pc.yellow(r.status)}` +
    `${r.drift?.driftShare !== null && r.drift ? ` (${drifted.length}/${r.drift.evaluated}${drifted.length ? `: ${drifted.slice(0, 6).join(', ')}` : ''})` : ''}` +
    `, quality failures ${r.quality.failures}` +
    `${
      metrics.length
        ? `, ${metrics
            .slice(0, 2)
            .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`)
            .join(', ')}`
        : ''
    }` +
    `${alerts.length ? ` — ${alerts.join(', ')}` : ''}` +
    `${o.retrain ? ` — retrain: ${o.retrain.status}${o.retrain.decision ? ` ${o.retrain.decision.decision} v${o.retrain.challenger}` : ''}` : ''}\n`
  )
}

/**
 * Consecutive empty windows, printed as one line when the run ends or a window with rows comes:
 * `m 2026-11-22T01:00Z/1h … 2026-11-22T04:00Z/1h: 4 empty windows (no data)`, with the alert
 * transitions and quality failures they had.
 */
function emptyRun(name: string): { add(o: MonitorRunOutcome): void; flush(): void } {
  let run: MonitorRunOutcome[] = []
  return {
    add(o) {
      run.push(o)
    },
    flush() {
      if (run.length === 0) return
      const first = run[0] as MonitorRunOutcome
      const last = run[run.length - 1] as MonitorRunOutcome
      const span =
        run.length === 1
          ? first.result.window.label
          : `${first.result.window.label} … ${last.result.window.label}`
      const failures = run.reduce((n, o) => n + o.result.quality.failures, 0)
      const alerts = run.flatMap((o) => alertNotes(o).map((a) => `${a} (${o.result.window.label})`))
      process.stdout.write(
        `${pc.bold(name)} ${span}: ${pc.dim(run.length === 1 ? 'empty window (no data)' : `${run.length} empty windows (no data)`)}` +
          `${failures ? `, quality failures ${failures}` : ''}${alerts.length ? ` — ${alerts.join(', ')}` : ''}\n`,
      )
      run = []
    },
  }
}

/** `cairn monitor run|report|status|alerts`. */
export const registerMonitor: CommandRegistrar = (program) => {
  const monitor = program
    .command('monitor')
    .description(
      'Model monitoring: drift, data quality, performance, alerts and reports (monitors in cairn.yaml)',
    )

  monitor
    .command('run [names...]')
    .description(
      'Check due windows of the prediction log, or a batch of current data; store results and alert',
    )
    .option('--current <source>', 'current data: a dataset (name@version) or a file (CSV, Parquet, JSON)')
    .option('--now <time>', 'evaluate windows that ended before this time (ISO; default now)')
    .option('--json', 'print JSON')
    .action(
      async (names: string[], flags: { current?: string; now?: string; json?: boolean }, cmd: Command) =>
        withMonitoring(cmd, async (service) => {
          const targets = names.length > 0 ? names : Object.keys(service.monitors)
          if (targets.length === 0) {
            throw new CairnError('CAIRN_MONITOR_NOT_FOUND', 'No monitors in cairn.yaml', {
              hint: 'Add one: monitors: { housing: { model: housing, reference: data/train.csv, window: 1d } }',
            })
          }
          if (flags.current && targets.length > 1) {
            throw new CairnError('CAIRN_INVALID_ARGUMENT', '--current needs exactly one monitor name')
          }
          const now = flags.now ? Date.parse(flags.now) : undefined
          if (now !== undefined && Number.isNaN(now))
            throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid --now ${flags.now}`)
          const all: MonitorRunOutcome[] = []
          for (const name of targets) {
            const empties = emptyRun(name)
            const outcomes = await service.run(name, {
              ...(flags.current ? { current: flags.current } : {}),
              ...(now !== undefined ? { now } : {}),
              onResult: (o) => {
                if (flags.json) return
                if (o.result.status === 'empty' && o.result.window.kind === 'window' && !o.retrain) {
                  empties.add(o)
                  return
                }
                empties.flush()
                process.stdout.write(outcomeLine(name, o))
              },
            })
            empties.flush()
            if (outcomes.length === 0 && !flags.json)
              process.stdout.write(`${pc.bold(name)}: ${pc.dim('no windows due')}\n`)
            all.push(...outcomes)
          }
          if (flags.json) printJson(all.map(outcomeJson))
        }),
    )

  monitor
    .command('report <name>')
    .description(
      'Write a self-contained HTML report (and its JSON twin) of a window: drift, quality, performance, alerts',
    )
    .option('--run <id>', 'the window (run id) to report; default the latest')
    .option('-o, --out <path>', 'HTML file to write (default reports/<name>.html)')
    .option('--history <n>', 'windows shown in the charts', (v) => Number(v), 60)
    .option('--json', 'print the paths as JSON')
    .action(
      async (
        name: string,
        flags: { run?: string; out?: string; history: number; json?: boolean },
        cmd: Command,
      ) =>
        withMonitoring(cmd, async (service) => {
          const data = await buildReportData(service.store, name, {
            ...(flags.run ? { runId: flags.run } : {}),
            historyWindows: flags.history,
          })
          const out = resolve(flags.out ?? `${service.project.root}/reports/${name}.html`)
          const paths = await writeReport(data, out)
          if (flags.json)
            printJson({ ...paths, monitor: name, window: data.result.window.label, runId: data.result.runId })
          else process.stdout.write(`Wrote ${paths.html}\n  and ${paths.json}\n`)
        }),
    )

  monitor
    .command('status [name]')
    .description('Latest window of every monitor, or the recent windows of one')
    .option('--limit <n>', 'windows to list for one monitor', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, flags: { limit: number; json?: boolean }, cmd: Command) =>
      withMonitoring(cmd, async (service) => {
        if (name) {
          await service.store.getMonitor(name)
          const runs = await service.store.listRuns(name, { limit: flags.limit })
          printRows<MonitorRunSummary>(
            runs.reverse(),
            [
              {
                header: 'window',
                value: (r) =>
                  r.kind === 'batch' ? `batch @ ${formatTime(r.windowEnd)}` : formatTime(r.windowStart),
              },
              { header: 'status', value: (r) => r.status },
              { header: 'rows', value: (r) => r.rowCount, align: 'right' },
              { header: 'labelled', value: (r) => r.labelledRows, align: 'right' },
              { header: 'drift', value: (r) => verdict(r.datasetDrift) },
              {
                header: 'drifted',
                value: (r) => `${r.driftedColumns}/${r.evaluatedColumns}`,
                align: 'right',
              },
              { header: 'share', value: (r) => pct(r.driftShare), align: 'right' },
              { header: 'pred. drift', value: (r) => verdict(r.predictionDrift) },
              { header: 'quality fails', value: (r) => r.qualityFailures, align: 'right' },
              { header: 'run', value: (r) => r.runId },
            ],
            { json: flags.json, empty: `Monitor "${name}" has no windows yet.` },
          )
          return
        }
        const records = await service.store.listMonitors()
        const states = await service.store.alertStates()
        const rows = await Promise.all(
          [...new Set([...Object.keys(service.monitors), ...records.map((r) => r.name)])]
            .sort()
            .map(async (m) => ({
              monitor: m,
              model: service.monitors[m]?.model ?? records.find((r) => r.name === m)?.model ?? null,
              last: (await service.store.lastRun(m)) ?? null,
              firing: states.filter((s) => s.monitor === m && s.state === 'firing').map((s) => s.rule),
            })),
        )
        printRows(
          rows,
          [
            { header: 'monitor', value: (r) => r.monitor },
            { header: 'model', value: (r) => r.model },
            {
              header: 'last window',
              value: (r) =>
                r.last
                  ? formatTime(r.last.kind === 'batch' ? r.last.windowEnd : r.last.windowStart)
                  : undefined,
            },
            { header: 'rows', value: (r) => r.last?.rowCount, align: 'right' },
            { header: 'drift', value: (r) => (r.last ? verdict(r.last.datasetDrift) : pc.dim('never run')) },
            { header: 'share', value: (r) => pct(r.last?.driftShare), align: 'right' },
            { header: 'quality fails', value: (r) => r.last?.qualityFailures, align: 'right' },
            { header: 'firing', value: (r) => (r.firing.length ? pc.red(r.firing.join(', ')) : undefined) },
          ],
          { json: flags.json, empty: 'No monitors. Add them under `monitors:` in cairn.yaml.' },
        )
      }),
    )

  monitor
    .command('alerts [name]')
    .description('Alert rules with their state (firing, pending, inactive) and recent alert events')
    .option('--limit <n>', 'events to show', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, flags: { limit: number; json?: boolean }, cmd: Command) =>
      withMonitoring(cmd, async (service) => {
        const states = await service.store.alertStates(name)
        const events = await service.store.alertEvents({
          ...(name ? { monitor: name } : {}),
          limit: flags.limit,
        })
        if (flags.json) {
          printJson({ states, events })
          return
        }
        printRows(
          states,
          [
            { header: 'monitor', value: (s) => s.monitor },
            { header: 'rule', value: (s) => s.rule },
            {
              header: 'state',
              value: (s) =>
                s.state === 'firing'
                  ? pc.red('firing')
                  : s.state === 'pending'
                    ? pc.yellow('pending')
                    : 'inactive',
            },
            { header: 'streak', value: (s) => s.streak, align: 'right' },
            { header: 'active since', value: (s) => formatTime(s.activeSince) },
            { header: 'last value', value: (s) => s.lastValue },
          ],
          { empty: 'No alert rules have been evaluated yet.' },
        )
        if (events.length > 0) {
          process.stdout.write(`\n${pc.bold('Recent events')}\n`)
          printRows(events, [
            { header: 'time', value: (e) => formatTime(e.timestamp) },
            { header: 'monitor', value: (e) => e.monitor },
            { header: 'rule', value: (e) => e.rule },
            {
              header: 'status',
              value: (e) => (e.status === 'firing' ? pc.red('firing') : pc.green('resolved')),
            },
            {
              header: 'notified',
              value: (e) => e.notifications.map((n) => `${n.notifier}${n.ok ? '' : ' ✗'}`).join(', '),
            },
            { header: 'message', value: (e) => e.message },
          ])
        }
      }),
    )
}
