import { type PipelineWorkspace, runPipeline } from '../../pipelines/index.js'
import type { Trainer } from './retraining-gate.js'

/**
 * A Trainer that runs a Cairn pipeline of the project (all its stages, or the given ones and what
 * they depend on), forced so the model is trained again even when inputs are unchanged.
 */
export function pipelineTrainer(
  workspace: PipelineWorkspace,
  options: { pipeline?: string; stages?: string[]; force?: boolean } = {},
): Trainer {
  return async () => {
    const result = await runPipeline({
      project: workspace.project,
      stateDir: workspace.stateDir,
      artifacts: () => workspace.artifacts(),
      metadata: async () => (await workspace.metadata()) as never,
      resolvers: workspace.resolvers(),
      ...(options.pipeline ? { pipeline: options.pipeline } : {}),
      ...(options.stages ? { targets: options.stages } : {}),
      force: options.force ?? true,
      trigger: 'monitoring',
    })
    return { ok: result.ok, runId: result.runId, ...(result.error ? { error: result.error.message } : {}) }
  }
}
