import { readBundleDir } from 'cairn/ml'
import type { StageContext } from 'cairn/pipelines'
import { HOUSING, IRIS, splitPath } from '../lib/datasets.js'
import { readFrame, readJson, writeJson } from '../lib/io.js'
import { openProject, projectHome } from '../lib/project.js'
import { better, scoreTask } from '../lib/scoring.js'
import type { CandidateRecord } from '../lib/train-candidates.js'

/** What evaluate decided for one model (metrics/evaluate.json → housing, iris). */
export interface TaskEvaluation {
  best: string
  best_run: string
  metric: string
  best_value: number
  candidates: Record<string, Record<string, number>>
}

/**
 * Compare the candidates of each model on the validation split (the test split is kept for the
 * deployment gate), log the scores to each candidate's run, and name the best per model.
 */
export async function evaluate(ctx: StageContext): Promise<void> {
  const project = await openProject(projectHome(ctx.path))
  try {
    const out: Record<string, TaskEvaluation> = {}
    for (const task of [HOUSING, IRIS]) {
      const valid = await readFrame(project.data, ctx.path(splitPath(task, 'valid')))
      const records = await readJson<CandidateRecord[]>(ctx.path(`models/${task.name}/candidates.json`))
      const scores: Record<string, Record<string, number>> = {}
      let best: CandidateRecord | undefined
      for (const r of records) {
        const { model } = await readBundleDir(ctx.path(`models/${task.name}/${r.name}`))
        const s = scoreTask(model, valid, task)
        scores[r.name] = s
        await project.cairn.tracking.logBatch(r.runId, {
          metrics: Object.entries(s).map(([key, value]) => ({
            key: `valid_${key}`,
            value,
            timestamp: Date.now(),
            step: 0,
          })),
        })
        const value = s[task.metric] as number
        if (!best || better(task, value, scores[best.name]?.[task.metric] as number)) best = r
      }
      if (!best) throw new Error(`models/${task.name}/candidates.json lists no candidates`)
      const bestValue = scores[best.name]?.[task.metric] as number
      out[task.name] = {
        best: best.name,
        best_run: best.runId,
        metric: task.metric,
        best_value: bestValue,
        candidates: scores,
      }
      const table = Object.entries(scores)
        .map(
          ([n, s]) =>
            `  ${n === best?.name ? '*' : ' '} ${n.padEnd(9)} ${Object.entries(s)
              .map(([k, v]) => `${k} ${v.toFixed(4)}`)
              .join('  ')}`,
        )
        .join('\n')
      ctx.log(
        `${task.name} candidates on ${valid.rowCount} validation rows (* = best by ${task.metric}):\n${table}`,
      )
    }
    await writeJson(ctx.path('metrics/evaluate.json'), out)
  } finally {
    await project.close()
  }
}
