import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CairnError } from '../core/index.js'
import type { DataEngine, DataService } from '../data/index.js'
import type { MonitorResult, RecordedResult, RetrainOutcome } from '../monitoring/index.js'
import type { PipelineDefinition, RunEvent, RunResult } from '../pipelines/index.js'
import type { Cairn } from '../sdk/index.js'
import type { RunningServer } from '../server/index.js'
import { EXPERIMENT, FEATURES, MODEL, MONITOR, prepareDemoProject, TARGET } from './demo-project.js'
import {
  CALM_DAY,
  flightsParquetPath,
  HISTORY_DAYS,
  landDay,
  STORM_DAY,
  STORM_DESCRIPTION,
} from './flights-data.js'
import { flightsPipeline } from './pipeline.js'
import { startServingChild } from './serving-child.js'
import { DemoSteps, fixed, int, type StepHandle } from './steps.js'
import { type DayFacts, type DemoFacts, printStory } from './story.js'
import { sendFeedback, sendTraffic, startBackgroundTraffic, type TrafficResult } from './traffic.js'

/** How to run the demo. */
export interface DemoOptions {
  /** The demo project folder (made fresh; default `.cairn-demo` in the working folder). */
  dir: string
  /** Tracking server host and port (0 = a free port; a busy port falls back to a free one). */
  host: string
  port: number
  /** Where the story goes (default stdout). */
  write?: (text: string) => void
  /** Progress bars on stderr (default: when stderr is a terminal). */
  bars?: boolean
}

/** A finished demo: what it measured, and the servers it left running. */
export interface DemoRun {
  facts: DemoFacts
  /** Stop the serving process and the tracking server, close the stores. */
  close(): Promise<void>
}

const STEPS = 10

/**
 * The whole life of a model on the embedded default: land and validate daily partitions of
 * real flight data, train candidates in a tracked pipeline and register the best, serve it,
 * replay a calm day and a day with an injected storm, let monitoring catch the drift, retrain,
 * gate the challenger and watch the server swap models under traffic. Every figure printed is
 * measured in this run.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const write = options.write ?? ((t: string) => void process.stdout.write(t))
  const started = Date.now()
  const source = flightsParquetPath()
  const root = await prepareDemoProject(options.dir)
  const trackingUri = `sqlite:///${join(root, '.cairn', 'cairn.db')}`
  const artifactsUri = pathToFileURL(join(root, '.cairn', 'artifacts')).href
  const steps = new DemoSteps(STEPS, write, options.bars !== undefined ? { bars: options.bars } : {})
  const closers: (() => Promise<void>)[] = []
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch(() => {})
  }
  try {
    write(`Cairn demo: a flight-delay model from raw data to a monitored, self-healing deployment.\n`)
    write(`Project folder: ${root} (SQLite + local files; nothing else to run)\n`)

    // 1. the tracking server (and web UI) on the demo's embedded store; the flights pipeline is
    // defined in code (below), so the server gets it too and draws its DAG
    const codePipelines: Record<string, PipelineDefinition> = {}
    const server = await steps.step(
      'Start the Cairn server (tracking, registry, web UI) on the embedded store',
      async () => {
        const { startServer } = await import('../server/index.js')
        const start = (port: number) =>
          startServer({
            cwd: root,
            backendStoreUri: trackingUri,
            artifactsDestination: artifactsUri,
            pipelines: codePipelines,
            host: options.host,
            port,
          })
        let s: RunningServer
        try {
          s = await start(options.port)
        } catch (err) {
          if ((err as { code?: string }).code !== 'EADDRINUSE') throw err
          s = await start(0)
        }
        closers.push(() => s.close())
        return s
      },
      (s) => `listening on ${s.url}`,
    )

    const { Cairn } = await import('../sdk/index.js')
    const cairn: Cairn = await Cairn.open({ cwd: root, trackingUri, artifactsUri })
    closers.push(() => cairn.close())
    const { createDataService } = await import('../data/index.js')
    const data: DataService = await createDataService({
      metadata: cairn.context.metadata as NonNullable<Cairn['context']['metadata']>,
      artifacts: cairn.context.artifacts as NonNullable<Cairn['context']['artifacts']>,
      base: root,
      cacheDir: join(root, '.cairn', 'cache'),
    })
    closers.push(() => data.close())

    // 2. history: land 14 raw daily files and ingest each as a validated partition
    const ingested = await steps.step(
      `Ingest ${HISTORY_DAYS.length} days of flights (vega-datasets) as validated daily partitions`,
      async (s) => {
        const bar = s.progress('partitions', HISTORY_DAYS.length, 'days')
        const out = { rows: 0, quarantined: 0, partitions: [] as string[], version: '' }
        for (const day of HISTORY_DAYS) {
          const r = await ingestDay(data, data.engine, source, root, day, false)
          out.rows += r.rows
          out.quarantined += r.quarantined
          out.partitions.push(day)
          out.version = r.version
          bar.tick()
        }
        bar.stop()
        s.detail(`expectations in config/expectations.yaml; failing rows go to dataset flights.quarantine`)
        return out
      },
      (r) =>
        `flights@${r.version.slice(0, 8)}: ${r.partitions.length} partitions (${HISTORY_DAYS[0]} … ${HISTORY_DAYS.at(-1)}), ${int(r.rows)} rows kept, ${int(r.quarantined)} quarantined`,
    )

    // 3. the training pipeline
    const pipelineRuns: DemoFacts['pipelineRuns'] = []
    let trialDone = 0
    let trialBar: ReturnType<StepHandle['progress']> | undefined
    const definition = flightsPipeline({
      cairn,
      data,
      onProgress: (e) => {
        if (e.done !== undefined) {
          trialDone = e.done
          if (e.total !== undefined) trialBar?.setTotal(e.total)
          trialBar?.update(e.done)
        }
      },
    })
    codePipelines.flights = definition
    const runFlights = async (s: StepHandle, trigger: 'initial' | 'retrain', reason: string) => {
      const { openPipelineWorkspace, runPipeline } = await import('../pipelines/index.js')
      const ws = await openPipelineWorkspace({
        cwd: root,
        trackingUri,
        artifactsUri,
        definitions: { flights: definition },
      })
      trialDone = 0
      trialBar = s.progress('candidate fits', 10, 'fits')
      try {
        const result: RunResult = await runPipeline({
          project: ws.project,
          stateDir: ws.stateDir,
          artifacts: () => ws.artifacts(),
          metadata: async () => (await ws.metadata()) as NonNullable<Awaited<ReturnType<typeof ws.metadata>>>,
          resolvers: ws.resolvers(),
          pipeline: 'flights',
          force: trigger === 'retrain',
          jobs: 1,
          trigger: trigger === 'retrain' ? 'monitoring' : 'demo',
          tracking: {
            client: cairn.tracking.client,
            experiment: EXPERIMENT,
            runName: trigger === 'retrain' ? 'retrain (monitoring)' : 'train (initial)',
            tags: { trigger, reason },
          },
          onEvent: (e: RunEvent) => {
            if (e.type === 'stage' && e.outcome && e.outcome.status !== 'not-run')
              s.detail(
                `stage ${e.id}: ${e.outcome.status}${e.outcome.durationMs !== undefined ? ` in ${fixed(e.outcome.durationMs / 1000, 1)} s` : ''}`,
              )
          },
        })
        trialBar.stop()
        if (!result.ok) {
          throw new CairnError(
            'CAIRN_STAGE_FAILED',
            `The flights pipeline failed: ${result.error?.message ?? 'see .cairn/logs'}`,
            { ...(result.error ? { cause: result.error } : {}) },
          )
        }
        const evaluation = JSON.parse(
          await import('node:fs/promises').then((f) =>
            f.readFile(join(root, 'metrics', 'evaluate.json'), 'utf8'),
          ),
        ) as Record<string, number | string>
        const registered = JSON.parse(
          await import('node:fs/promises').then((f) =>
            f.readFile(join(root, 'models', 'registered.json'), 'utf8'),
          ),
        ) as { version: number; candidate: string; alias: string }
        const facts = {
          trigger,
          pipelineRunId: result.runId,
          trackingRunId: result.trackingRunId ?? null,
          stages: result.stages.map((x) => ({ stage: x.stage, status: x.status })),
          trials: trialDone,
          durationMs: result.durationMs,
          evaluation,
          registered,
        }
        pipelineRuns.push(facts)
        return facts
      } finally {
        await ws.close()
      }
    }
    const _initial = await steps.step(
      'Run the pipeline: validate → features → train candidates with tuning → evaluate → register',
      (s) => runFlights(s, 'initial', 'first model'),
      (r) =>
        `${r.registered.candidate} won on the hold-out (RMSE ${fixed(Number(r.evaluation.best_rmse))} min vs baseline ${fixed(Number(r.evaluation.baseline_rmse))}, ridge ${fixed(Number(r.evaluation.ridge_rmse))}); registered ${MODEL} v${r.registered.version} as @champion`,
    )

    // 4. serve the champion
    const serving = await steps.step(
      `Serve models:/${MODEL}@champion with \`cairn serve\` (prediction log, feedback, hot reload)`,
      async () => {
        const child = await startServingChild({
          cwd: root,
          modelUri: `models:/${MODEL}@champion`,
          trackingUri,
          artifactsUri,
          pollSeconds: 1,
          host: options.host,
        })
        closers.push(() => child.stop())
        return child
      },
      (c) => `cairn serve (pid ${c.pid}) answers on ${c.url}`,
    )

    // monitoring, built from cairn.yaml
    const { MonitoringService, predictionLogSource, profileReference, RetrainingGate } = await import(
      '../monitoring/index.js'
    )
    const monitoring = await MonitoringService.open({ cwd: root, trackingUri, artifactsUri })
    closers.push(() => monitoring.close())
    const config = monitoring.config(MONITOR)
    const { monitor } = await monitoring.monitor(MONITOR)
    const reference = await monitoring.readTable(config.reference as string)
    const columnTypes = Object.fromEntries(reference.columns.map((c) => [c.name, c.type]))
    const logSource = predictionLogSource(monitoring.metadata, {
      model: MODEL,
      columnTypes,
      columns: monitor.featureColumns,
    })

    const days: DayFacts[] = []
    const replayDay = async (s: StepHandle, day: string, storm: boolean) => {
      const rows = await dayRows(data.engine, root, day, storm, source)
      const bar = s.progress('rows sent', rows.features.length, 'rows')
      const traffic = await sendTraffic(serving.url, MODEL, rows.features, {
        batchSize: 25,
        concurrency: 4,
        onProgress: (n) => bar.update(n),
      })
      bar.stop()
      s.detail(
        `${int(traffic.rows)} flights in ${int(traffic.requests)} requests, ${traffic.failed} failed, p50 ${fixed(traffic.latencyMs.p50, 1)} ms, p99 ${fixed(traffic.latencyMs.p99, 1)} ms`,
      )
      const labelled = await sendFeedback(serving.url, traffic.ids, rows.delays)
      s.detail(`the true delays arrive: ${int(labelled)} labels sent to POST /v1/feedback`)
      const batch = await logSource.read({ start: traffic.startedAt, end: Date.now() + 1 })
      const result = await monitor.evaluate(batch, {
        start: traffic.startedAt,
        end: traffic.endedAt,
        kind: 'window',
        label: `${day}${storm ? ' (storm injected)' : ''}`,
      })
      const recorded = await monitor.record(result)
      const ingest = await ingestDay(data, data.engine, source, root, day, storm)
      s.detail(`landed the day's file and ingested it as partition flights@${day} (${int(ingest.rows)} rows)`)
      const facts = dayFacts(day, storm, traffic, labelled, recorded)
      days.push(facts)
      return { facts, recorded, rows }
    }

    const calm = await steps.step(
      `Day 1 of live traffic (${CALM_DAY}): replay the day's flights against the API`,
      (s) => replayDay(s, CALM_DAY, false),
      (r) => dayVerdict(r.facts),
    )
    write(`  ${'·'} next: ${STORM_DESCRIPTION}\n`)
    const storm = await steps.step(
      `Day 2 of live traffic (${STORM_DAY}) with an injected shift`,
      (s) => replayDay(s, STORM_DAY, true),
      (r) => dayVerdict(r.facts),
    )
    if (!calm.recorded.result.drift || calm.facts.datasetDrift) {
      throw new CairnError('CAIRN_INTERNAL', `Monitoring reported drift on the calm day ${CALM_DAY}`)
    }

    // 7. the retraining gate: the alert triggers retraining, the challenger is judged on held-out data
    const rules = Array.isArray(config.alerts) ? (config.alerts as { name: string }[]).map((r) => r.name) : []
    const retrain = config.retrain
    if (!retrain?.heldOut)
      throw new CairnError('CAIRN_CONFIG_INVALID', 'monitors.flights.retrain.heldOut is missing')
    const background = startBackgroundTraffic(serving.url, MODEL, storm.rows.features, {
      concurrency: 2,
      pauseMs: 10,
    })
    let outcome: RetrainOutcome | null = null
    let swap: DemoFacts['swap'] = null
    try {
      outcome = await steps.step(
        'The alert triggers retraining on the newer partitions; the gate judges the challenger',
        async (s) => {
          const gate = new RetrainingGate({
            model: MODEL,
            config: retrain,
            registry: monitoring.registry,
            train: async ({ reason }) => {
              s.detail(`retraining because ${reason}`)
              const r = await runFlights(s, 'retrain', reason)
              return { ok: true, runId: r.pipelineRunId }
            },
            heldOut: () => monitoring.readTable(retrain.heldOut as string),
            target: TARGET,
            reference: profileReference({
              rowCount: reference.rowCount,
              columns: reference.columns.filter((c) => monitor.featureColumns.includes(c.name)),
            }),
            ruleNames: rules,
            ...(config.quality ? { qualityOptions: config.quality } : {}),
          })
          const o = await gate.onResult(storm.recorded)
          if (!o) throw new CairnError('CAIRN_INTERNAL', 'The storm day did not trigger retraining')
          return o
        },
        (o) => gateVerdict(o),
      )

      // 8. the server notices the alias move and swaps models without failing a request
      swap = await steps.step(
        'Hot reload: the server picks up the new champion under live traffic',
        async (s) => {
          const decision = outcome?.decision
          const promoted = decision?.decision === 'promote'
          const before = Object.keys(background.result.versions)
          let reloadMs: number | null = null
          if (promoted && outcome?.challenger !== undefined) {
            const t0 = Date.now()
            const seenAt = await background.waitForVersion(String(outcome.challenger), 30_000)
            reloadMs = seenAt - t0
            await new Promise((r) => setTimeout(r, 1500))
          } else s.detail('the challenger was not promoted, so the champion stays')
          const result = await background.stop()
          return {
            requests: result.requests,
            failed: result.failed,
            failures: result.failures,
            versions: result.versions,
            versionsBefore: before,
            reloadMs,
            latencyMs: result.latencyMs,
          }
        },
        (w) =>
          `${int(w.requests)} requests during retraining and the swap, ${w.failed} failed; answered by ${Object.entries(
            w.versions,
          )
            .map(([v, n]) => `v${v} ×${int(n)}`)
            .join(
              ', ',
            )}${w.reloadMs !== null ? `; the new version answered ${fixed(w.reloadMs / 1000, 1)} s after the promotion` : ''}`,
      )
    } finally {
      await background.stop()
    }

    // 9. the monitoring report
    const reportPath = await steps.step(
      'Write the monitoring report',
      async () => {
        const { buildReportData, writeReport } = await import('../monitoring/index.js')
        const d = await buildReportData(monitoring.store, MONITOR, { runId: storm.recorded.result.runId })
        return (await writeReport(d, join(root, 'reports', `${MONITOR}-monitoring.html`))).html
      },
      (p) => p,
    )

    // 10. the facts, as recorded in the stores
    const facts = await steps.step(
      'Read back what was recorded',
      async () => {
        const versions = await cairn.registry.searchModelVersions({ filter: `name = '${MODEL}'` })
        const history = await cairn.registry.history(MODEL)
        const experiment = await cairn.tracking.getExperimentByName(EXPERIMENT)
        const runs = await cairn.tracking.searchRuns({
          experimentIds: [experiment.experimentId],
          maxResults: 1000,
        })
        const metricsText = await fetch(`${serving.url}/metrics`).then((r) => r.text())
        const f: DemoFacts = {
          dir: root,
          trackingUrl: server.url,
          servingUrl: serving.url,
          report: reportPath,
          storm: STORM_DESCRIPTION,
          data: {
            dataset: 'flights',
            partitions: [...ingested.partitions, CALM_DAY, STORM_DAY],
            historyRows: ingested.rows,
            quarantined: ingested.quarantined,
          },
          pipelineRuns,
          runsLogged: runs.items.length,
          days,
          gate: outcome?.decision
            ? {
                decision: outcome.decision.decision,
                metric: outcome.decision.metric,
                champion: outcome.decision.champion
                  ? {
                      version: outcome.decision.champion.version,
                      score: outcome.decision.champion.metrics[outcome.decision.metric] ?? null,
                    }
                  : null,
                challenger: {
                  version: outcome.decision.challenger.version,
                  score: outcome.decision.challenger.metrics[outcome.decision.metric] ?? null,
                },
                delta: outcome.decision.delta,
                heldOutRows: outcome.decision.heldOutRows,
                reasons: outcome.decision.reasons,
                eventId: outcome.decision.eventId,
              }
            : null,
          swap,
          registry: {
            versions: versions.items
              .map((v) => ({ version: v.version, aliases: v.aliases ?? [] }))
              .sort((a, b) => a.version - b.version),
            history: history.map((e) => ({ kind: e.kind, version: e.version ?? null, at: e.timestamp })),
          },
          servingMetrics: servingCounters(metricsText),
          durationMs: Date.now() - started,
        }
        await writeFile(join(root, 'demo-facts.json'), `${JSON.stringify(f, null, 2)}\n`)
        return f
      },
      (f) =>
        `demo-facts.json: ${f.runsLogged} runs, ${f.registry.versions.length} model versions, ${f.registry.history.length} registry events`,
    )
    printStory(facts, write)
    return { facts, close }
  } catch (err) {
    await close()
    throw err
  }
}

/** Land a day's raw file and ingest it as a validated partition of `flights`. */
async function ingestDay(
  data: DataService,
  engine: DataEngine,
  source: string,
  root: string,
  day: string,
  storm: boolean,
): Promise<{ rows: number; quarantined: number; version: string }> {
  const landed = await landDay(engine, source, root, day, { storm })
  const r = await data.ingestDataset('flights', landed.path, {
    expectations: join(root, 'config', 'expectations.yaml'),
    write: {
      partition: day,
      description: `flights of ${day}${storm ? ' (with the injected storm)' : ''}`,
      profile: false,
    },
  })
  const rows = r.table.rowCount
  await r.table.drop()
  return { rows, quarantined: r.validation?.quarantinedRowCount ?? 0, version: r.written.version.version }
}

/** A day's requests (the model's inputs) and the true delays that arrive later. */
async function dayRows(
  engine: DataEngine,
  root: string,
  day: string,
  storm: boolean,
  source: string,
): Promise<{ features: Record<string, unknown>[]; delays: number[] }> {
  const landed = await landDay(engine, source, join(root, '.cairn', 'traffic'), day, { storm })
  const rows = await engine.rows<{
    dep_hour: number
    distance: number
    origin: string
    destination: string
    delay: number
  }>(
    `SELECT hour(date)::DOUBLE AS dep_hour, distance::DOUBLE AS distance, origin, destination, delay::DOUBLE AS delay
     FROM read_parquet('${landed.path.replace(/'/g, "''")}') ORDER BY date`,
  )
  return {
    features: rows.map((r) => Object.fromEntries(FEATURES.map((f) => [f, r[f]]))),
    delays: rows.map((r) => r.delay),
  }
}

function dayFacts(
  day: string,
  storm: boolean,
  traffic: TrafficResult,
  labelled: number,
  recorded: RecordedResult,
): DayFacts {
  const r: MonitorResult = recorded.result
  return {
    day,
    storm,
    monitorRunId: r.runId,
    requests: traffic.requests,
    rows: traffic.rows,
    failed: traffic.failed,
    versions: traffic.versions,
    labelled,
    datasetDrift: r.drift?.datasetDrift ?? null,
    driftShare: r.drift?.driftShare ?? null,
    columns: (r.drift?.columns ?? []).map((c) => ({
      column: c.column,
      test: c.test,
      score: c.score,
      threshold: c.threshold,
      drifted: c.drifted,
    })),
    predictionDrift: r.predictionDrift?.datasetDrift ?? null,
    rmse: r.performance?.metrics.rmse ?? null,
    mae: r.performance?.metrics.mae ?? null,
    qualityFailures: r.quality.checks
      .filter((c) => c.status === 'fail')
      .map((c) => (c.column ? `${c.check}(${c.column})` : c.check)),
    alerts: recorded.alerts.filter((a) => a.transition === 'firing').map((a) => a.rule),
  }
}

function dayVerdict(f: DayFacts): string {
  const drifted = f.columns.filter((c) => c.drifted).map((c) => c.column)
  return `${f.datasetDrift ? 'DRIFT' : 'no drift'} (${drifted.length}/${f.columns.length} features drifted${drifted.length ? `: ${drifted.join(', ')}` : ''}); RMSE on the day ${fixed(f.rmse)} min; ${f.alerts.length ? `alerts firing: ${f.alerts.join(', ')}` : 'no alert'}`
}

function gateVerdict(o: RetrainOutcome): string {
  const d = o.decision
  if (!d) return `retraining ended with ${o.status}`
  return `${d.decision === 'promote' ? 'PROMOTED' : 'REJECTED'} v${d.challenger.version}: ${d.metric} ${fixed(d.challenger.metrics[d.metric])} vs champion v${d.champion?.version ?? '—'} ${fixed(d.champion?.metrics[d.metric])} on ${int(d.heldOutRows)} held-out flights of the storm day`
}

/** Request and prediction counters of the serving process, summed by status and version. */
function servingCounters(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const m = /^(cairn_[a-z_]*(?:requests|predictions)[a-z_]*_total)\{([^}]*)\} ([0-9.e+]+)$/.exec(line)
    if (!m) continue
    const labels = Object.fromEntries(
      [...(m[2] as string).matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    )
    const key = `${m[1]}${labels.status ? `{status=${labels.status}}` : ''}${labels.version ? `{version=${labels.version}}` : ''}`
    out[key] = (out[key] ?? 0) + Number(m[3])
  }
  return out
}
