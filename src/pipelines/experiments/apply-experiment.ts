import { join } from 'node:path'
import { CairnError, stableStringify, writeFileAtomic } from '../../core/index.js'
import { loadPipelines } from '../definition/load-pipelines.js'
import { LOCK_FILE } from '../lock/lock-file.js'
import { readStageMetrics } from '../metrics/read-metrics.js'
import { allParams, trackingParams } from '../params/params-files.js'
import { type CheckoutEntry, checkoutOutputs } from '../run/checkout.js'
import type { PipelineWorkspace } from '../workspace.js'
import { type ExperimentRecord, ExperimentRecords } from './exp-records.js'
import { writeParamsFile } from './exp-workspace.js'

/**
 * Bring an experiment into the workspace: its params into the params files, its cairn.lock,
 * and its outputs from the cache (nothing runs).
 */
export async function applyExperiment(
  ws: PipelineWorkspace,
  nameOrId: string,
): Promise<{ experiment: ExperimentRecord; outputs: CheckoutEntry[] }> {
  const metadata = await ws.metadata()
  if (!metadata)
    throw new CairnError(
      'CAIRN_NOT_IMPLEMENTED',
      'Experiments live in a metadata store; the tracking URI is a server',
    )
  const experiment = await new ExperimentRecords(metadata).get(nameOrId)
  if (experiment.status !== 'succeeded' || !experiment.lock) {
    throw new CairnError(
      'CAIRN_CONFLICT',
      `Experiment '${experiment.name}' is ${experiment.status}; only a finished experiment can be applied`,
    )
  }
  for (const [file, values] of Object.entries(experiment.overrides)) {
    await writeParamsFile(join(ws.root, file), join(ws.root, file), values)
  }
  await writeFileAtomic(join(ws.root, LOCK_FILE), experiment.lock)
  const project = await loadPipelines({ root: ws.root, file: ws.config.file })
  const outputs = await checkoutOutputs({ project, artifacts: await ws.artifacts(), stateDir: ws.stateDir })
  return { experiment, outputs }
}

/** One row of `cairn exp show`. */
export interface ExperimentRow {
  name: string
  status: string
  created: number | null
  isWorkspace: boolean
  params: Record<string, unknown>
  metrics: Record<string, number>
  error: string | null
}

/** Experiments (and the workspace) side by side, with the param and metric columns worth showing. */
export async function compareExperiments(
  ws: PipelineWorkspace,
  options: { allParams?: boolean; sweep?: string } = {},
): Promise<{ rows: ExperimentRow[]; paramColumns: string[]; metricColumns: string[] }> {
  const stages = [...ws.project.pipelines.values()].flatMap((p) => [...p.stages.values()])
  const rows: ExperimentRow[] = [
    {
      name: 'workspace',
      status: '',
      created: null,
      isWorkspace: true,
      params: trackingParams(allParams(ws.project.params, stages)),
      metrics: flatMetrics(await readStageMetrics(ws.root, stages).catch(() => ({}))),
      error: null,
    },
  ]
  const metadata = await ws.metadata()
  if (metadata) {
    const list = await new ExperimentRecords(metadata).list({ project: ws.config.name })
    for (const e of list) {
      if (options.sweep && e.sweepId !== options.sweep && !e.name.startsWith(options.sweep)) continue
      const params = Object.keys(e.params).length > 0 ? e.params : overridesOnly(e)
      rows.push({
        name: e.name,
        status: e.status,
        created: e.creationTime,
        isWorkspace: false,
        params: trackingParams(params),
        metrics: flatMetrics(e.metrics),
        error: e.error,
      })
    }
  }
  const metricColumns = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort()
  const allKeys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort()
  const paramColumns = options.allParams
    ? allKeys
    : allKeys.filter((k) => new Set(rows.map((r) => stableStringify(r.params[k]))).size > 1)
  return { rows, paramColumns, metricColumns }
}

function overridesOnly(e: ExperimentRecord): Record<string, Record<string, unknown>> {
  return e.overrides
}

function flatMetrics(byFile: Record<string, Record<string, number>>): Record<string, number> {
  const keys = new Map<string, number>()
  for (const values of Object.values(byFile))
    for (const k of Object.keys(values)) keys.set(k, (keys.get(k) ?? 0) + 1)
  const out: Record<string, number> = {}
  for (const [file, values] of Object.entries(byFile)) {
    for (const [k, v] of Object.entries(values)) out[(keys.get(k) ?? 0) > 1 ? `${file}:${k}` : k] = v
  }
  return out
}
