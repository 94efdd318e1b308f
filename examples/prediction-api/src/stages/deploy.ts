import { CairnError, isCairnError } from 'cairn'
import { readBundleDir, toBundle } from 'cairn/ml'
import type { StageContext } from 'cairn/pipelines'
import { HOUSING, IRIS, type ModelTask, splitPath } from '../lib/datasets.js'
import { type DeployDecision, deploymentDecision } from '../lib/gate.js'
import { readFrame, readJson, writeJson } from '../lib/io.js'
import { openProject, type Project, projectHome } from '../lib/project.js'
import { scoreTask } from '../lib/scoring.js'
import type { TaskEvaluation } from './evaluate.js'

/** params.yaml → deploy */
interface DeployParams {
  /** The alias the server follows (serving.yaml serves models:/<name>@<alias>). */
  alias: string
  /** How much worse than the champion a model may be and still ship, per model, in metric units. */
  tolerance: Record<string, number>
}

/** One model's outcome (metrics/deploy.json). */
interface DeployOutcome {
  decision: DeployDecision
  candidate: string
  metric: string
  value: number
  champion_version: number | null
  champion_value: number | null
  version: number | null
  reason: string
}

/** Registry event kinds the gate records in the model's history (`cairn models history <name>`). */
const EVENT = { promote: 'deploy_promote', keep: 'deploy_keep', block: 'deploy_block' } as const

async function currentChampion(project: Project, task: ModelTask, alias: string) {
  try {
    return await project.cairn.registry.loadModel(`models:/${task.name}@${alias}`)
  } catch (err) {
    if (isCairnError(err, 'CAIRN_ALIAS_NOT_FOUND') || isCairnError(err, 'CAIRN_MODEL_NOT_FOUND'))
      return undefined
    throw err
  }
}

/**
 * Deployment validation: score the best candidate of each model and the current champion on the
 * same test rows. A candidate worse than the champion (beyond deploy.tolerance) is blocked: it is
 * not registered, the refusal is recorded in the model's history, and the stage fails so the
 * pipeline run reports it. Otherwise the candidate becomes a new registered version holding the
 * alias the server follows — `cairn serve` hot-reloads it.
 */
export async function deploy(ctx: StageContext): Promise<void> {
  const p = ctx.params.deploy as DeployParams
  const evaluation = await readJson<Record<string, TaskEvaluation>>(ctx.path('metrics/evaluate.json'))
  const project = await openProject(projectHome(ctx.path))
  const outcomes: Record<string, DeployOutcome> = {}
  try {
    const { registry } = project.cairn
    for (const task of [HOUSING, IRIS]) {
      const best = evaluation[task.name]
      if (!best) throw new Error(`metrics/evaluate.json has no ${task.name} entry`)
      const test = await readFrame(project.data, ctx.path(splitPath(task, 'test')))
      const { model } = await readBundleDir(ctx.path(`models/${task.name}/${best.best}`))
      const scores = scoreTask(model, test, task)
      const value = scores[task.metric] as number
      const champion = await currentChampion(project, task, p.alias)
      const sameRun = champion?.modelVersion.runId === best.best_run
      const championScores = champion && !sameRun ? scoreTask(champion.model, test, task) : undefined
      const gate = sameRun
        ? {
            decision: 'keep' as const,
            delta: 0,
            reason: `v${champion?.modelVersion.version} is this very model`,
          }
        : deploymentDecision({
            metric: task.metric,
            greaterIsBetter: task.greaterIsBetter,
            challenger: value,
            champion: championScores?.[task.metric],
            tolerance: p.tolerance?.[task.name] ?? 0,
          })
      let version: number | null = null
      if (gate.decision === 'promote') {
        const registered = await registry.logModel(
          task.name,
          best.best_run,
          toBundle(model, {
            metrics: scores,
            lineage: { runId: best.best_run, test: splitPath(task, 'test') },
          }),
          {
            aliases: [p.alias],
            description: `${best.best === model.family ? best.best : `${best.best} (${model.family})`}: ${gate.reason}`,
            tags: {
              candidate: best.best,
              [`test_${task.metric}`]: String(value),
              'cairn.pipeline_run': ctx.runId,
            },
          },
        )
        version = registered.version
        await project.cairn.tracking.logBatch(best.best_run, {
          metrics: Object.entries(scores).map(([key, v]) => ({
            key: `test_${key}`,
            value: v,
            timestamp: Date.now(),
            step: 0,
          })),
        })
      }
      const championVersion = champion?.modelVersion.version ?? null
      if (gate.decision !== 'keep' || !sameRun) {
        await registry.recordEvent({
          name: task.name,
          // a blocked candidate has no version: the refusal sits on the model, the champion unchanged
          version: version ?? (gate.decision === 'keep' ? championVersion : null),
          kind: EVENT[gate.decision],
          from: championVersion === null ? null : String(championVersion),
          to: version !== null ? String(version) : championVersion === null ? null : String(championVersion),
          comment: `${best.best}: ${gate.reason}`,
          payload: {
            candidate: best.best,
            run: best.best_run,
            metric: task.metric,
            challenger: scores,
            champion: championScores ?? null,
            delta: gate.delta,
            testRows: test.rowCount,
            pipelineRun: ctx.runId,
          },
        })
      }
      outcomes[task.name] = {
        decision: gate.decision,
        candidate: best.best,
        metric: task.metric,
        value,
        champion_version: championVersion,
        champion_value: championScores?.[task.metric] ?? null,
        version,
        reason: gate.reason,
      }
      const verb = {
        promote: `registered as v${version} and promoted to @${p.alias}`,
        keep: `kept v${championVersion} @${p.alias}`,
        block: 'BLOCKED',
      }
      ctx.log(`${task.name}: ${best.best} ${verb[gate.decision]} — ${gate.reason}`)
    }
  } finally {
    await project.close()
  }
  const blocked = Object.entries(outcomes).filter(([, o]) => o.decision === 'block')
  if (blocked.length > 0) {
    throw new CairnError(
      'CAIRN_GATE_REJECTED',
      `Deployment blocked: ${blocked.map(([name, o]) => `${name} ${o.candidate} (${o.reason})`).join('; ')}`,
      {
        details: { outcomes },
        hint: 'The champion keeps serving. Improve the model (params.yaml, src/lib/candidates.ts) and run `cairn run` again, or raise deploy.tolerance.',
      },
    )
  }
  await writeJson(ctx.path('metrics/deploy.json'), outcomes)
}
