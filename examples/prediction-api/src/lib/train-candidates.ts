import { mkdir, rm } from 'node:fs/promises'
import { type Estimator, toBundle, writeBundleDir } from 'cairn/ml'
import type { StageContext } from 'cairn/pipelines'
import { type ModelTask, splitPath } from './datasets.js'
import { readFrame, writeJson } from './io.js'
import type { Project } from './project.js'

/** One trained candidate, as `models/<task>/candidates.json` lists it. */
export interface CandidateRecord {
  name: string
  family: string
  /** The tracking run that holds its params, metrics and (once promoted) its bundle. */
  runId: string
  params: Record<string, string>
  fitSeconds: number
  trainRows: number
}

function flatParams(params: Readonly<Record<string, unknown>>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flatParams(v as Record<string, unknown>, `${prefix}${k}.`))
    else out[`${prefix}${k}`] = typeof v === 'string' ? v : JSON.stringify(v)
  }
  return out
}

/**
 * Fit every candidate on the task's train split, each as a tracked run of the experiment named
 * after the model (params, fit time, train rows), and write its bundle to models/<task>/<name>/.
 */
export async function trainCandidates(
  ctx: StageContext,
  project: Project,
  task: ModelTask,
  candidates: Record<string, Estimator>,
  seed: number,
): Promise<CandidateRecord[]> {
  const frame = await readFrame(project.data, ctx.path(splitPath(task, 'train')))
  const dir = ctx.path(`models/${task.name}`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const records: CandidateRecord[] = []
  for (const [name, estimator] of Object.entries(candidates)) {
    const run = await project.cairn.tracking.startRun({
      experiment: task.name,
      runName: `${task.name}-${name}`,
      ...(ctx.trackingRunId ? { parentRunId: ctx.trackingRunId } : {}),
      tags: { candidate: name, 'cairn.stage': ctx.stage, 'cairn.pipeline_run': ctx.runId },
    })
    try {
      const params = { family: estimator.family, ...flatParams(estimator.params) }
      await run.logParams({ ...params, train_rows: String(frame.rowCount), seed: String(seed) })
      const started = performance.now()
      const model = await estimator.fit(frame, { target: task.target, seed })
      const fitSeconds = (performance.now() - started) / 1000
      run.logMetrics({ fit_seconds: fitSeconds })
      await writeBundleDir(
        ctx.path(`models/${task.name}/${name}`),
        toBundle(model, {
          lineage: { runId: run.id, train: splitPath(task, 'train'), trainRows: frame.rowCount },
        }),
      )
      records.push({
        name,
        family: estimator.family,
        runId: run.id,
        params,
        fitSeconds,
        trainRows: frame.rowCount,
      })
      ctx.log(
        `${task.name}/${name}: ${estimator.family} fitted on ${frame.rowCount} rows in ${fitSeconds.toFixed(2)} s`,
      )
      await run.end('FINISHED')
    } catch (err) {
      await run.end('FAILED').catch(() => {})
      throw err
    }
  }
  await writeJson(ctx.path(`models/${task.name}/candidates.json`), records)
  return records
}
