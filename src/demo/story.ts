import pc from 'picocolors'
import { fixed, int } from './steps.js'

/** One day of live traffic as monitoring saw it. */
export interface DayFacts {
  day: string
  storm: boolean
  monitorRunId: string
  requests: number
  rows: number
  failed: number
  versions: Record<string, number>
  labelled: number
  datasetDrift: boolean | null
  driftShare: number | null
  columns: {
    column: string
    test: string | null
    score: number | null
    threshold: number | null
    drifted: boolean | null
  }[]
  predictionDrift: boolean | null
  rmse: number | null
  mae: number | null
  qualityFailures: string[]
  alerts: string[]
}

/** Everything the demo measured (also written to `demo-facts.json` in the demo folder). */
export interface DemoFacts {
  dir: string
  trackingUrl: string
  servingUrl: string
  report: string
  storm: string
  data: { dataset: string; partitions: string[]; historyRows: number; quarantined: number }
  pipelineRuns: {
    trigger: 'initial' | 'retrain'
    pipelineRunId: string
    trackingRunId: string | null
    stages: { stage: string; status: string }[]
    trials: number
    durationMs: number
    evaluation: Record<string, number | string>
    registered: { version: number; candidate: string; alias: string }
  }[]
  runsLogged: number
  days: DayFacts[]
  gate: {
    decision: 'promote' | 'reject'
    metric: string
    champion: { version: number; score: number | null } | null
    challenger: { version: number; score: number | null }
    delta: number | null
    heldOutRows: number
    reasons: string[]
    eventId: string
  } | null
  swap: {
    requests: number
    failed: number
    failures: string[]
    versions: Record<string, number>
    versionsBefore: string[]
    reloadMs: number | null
    latencyMs: { p50: number; p99: number }
  } | null
  registry: {
    versions: { version: number; aliases: string[] }[]
    history: { kind: string; version: number | null; at: number }[]
  }
  servingMetrics: Record<string, number>
  durationMs: number
}

/** Print what happened, every figure from `facts`, with the links to look further. */
export function printStory(f: DemoFacts, write: (text: string) => void): void {
  const first = f.pipelineRuns[0]
  const retrain = f.pipelineRuns.find((r) => r.trigger === 'retrain')
  const [calm, storm] = f.days
  const lines: string[] = ['', pc.bold('What happened'), '']
  lines.push(
    `• ${int(f.data.historyRows)} flights of ${f.data.partitions.length - 2} days were validated and stored as daily partitions of dataset "${f.data.dataset}" (${int(f.data.quarantined)} rows failed the expectations and were quarantined).`,
  )
  if (first) {
    lines.push(
      `• The pipeline tuned ${first.trials} candidate settings and picked ${first.registered.candidate}: hold-out RMSE ${fixed(Number(first.evaluation.best_rmse))} min (mean baseline ${fixed(Number(first.evaluation.baseline_rmse))}, ridge ${fixed(Number(first.evaluation.ridge_rmse))}); it became flights-delay v${first.registered.version} @champion.`,
    )
  }
  if (calm) {
    lines.push(
      `• ${calm.day}: ${int(calm.rows)} predictions, ${calm.failed} failed; drift share ${fixed(calm.driftShare)} → ${calm.datasetDrift ? 'drift' : 'no drift'}; RMSE ${fixed(calm.rmse)} min once the true delays arrived.`,
    )
  }
  if (storm) {
    const drifted = storm.columns.filter((c) => c.drifted)
    lines.push(
      `• ${storm.day} (injected: ${f.storm}): ${int(storm.rows)} predictions; ${drifted.map((c) => `${c.column} ${c.test} ${fixed(c.score, 3)} > ${fixed(c.threshold, 2)}`).join(', ')} → dataset drift; RMSE rose to ${fixed(storm.rmse)} min; alerts fired: ${storm.alerts.join(', ') || 'none'}.`,
    )
  }
  if (retrain && f.gate) {
    lines.push(
      `• The FlightsDrift alert started the pipeline again on the newest ${retrain.evaluation.holdout_day ? `partitions (up to ${retrain.evaluation.holdout_day})` : 'partitions'}: challenger v${f.gate.challenger.version} (${retrain.registered.candidate}).`,
    )
    lines.push(
      `• The gate scored both on ${int(f.gate.heldOutRows)} held-out flights of the storm day: ${f.gate.metric} ${fixed(f.gate.challenger.score)} (v${f.gate.challenger.version}) vs ${fixed(f.gate.champion?.score)} (v${f.gate.champion?.version ?? '—'}) → ${f.gate.decision === 'promote' ? pc.green('promoted') : pc.yellow('rejected')}; the decision is in the registry history (event ${f.gate.eventId}).`,
    )
  }
  if (f.swap) {
    lines.push(
      `• Under live traffic the server hot-reloaded @champion: ${int(f.swap.requests)} requests during retraining and the swap, ${f.swap.failed === 0 ? pc.green('0 failed') : pc.red(`${f.swap.failed} failed`)}; answers by version: ${Object.entries(
        f.swap.versions,
      )
        .map(([v, n]) => `v${v} ×${int(n)}`)
        .join(', ')}.`,
    )
  }
  lines.push(
    `• ${f.runsLogged} tracked runs, ${f.registry.versions.length} model versions, ${f.registry.history.length} registry events; the demo took ${fixed(f.durationMs / 1000, 1)} s.`,
  )
  lines.push(
    '',
    pc.bold('Look around'),
    `  web UI                 ${f.trackingUrl}/`,
    `  API docs (OpenAPI)     ${f.trackingUrl}/docs`,
    `  MLflow tracking URI    ${f.trackingUrl}`,
    `  prediction API         ${f.servingUrl}/docs   (metrics at ${f.servingUrl}/metrics)`,
    `  monitoring report      ${f.report}`,
    `  the project            ${f.dir}   (facts in demo-facts.json)`,
    '',
    `  curl -s ${f.servingUrl}/v1/models/flights-delay/predict -H 'content-type: application/json' \\`,
    `       -d '{"dep_hour": 18, "distance": 740, "origin": "ORD", "destination": "LGA"}'`,
    `  cd ${f.dir} && cairn models history flights-delay && cairn monitor status flights`,
    '',
  )
  write(`${lines.join('\n')}\n`)
}
