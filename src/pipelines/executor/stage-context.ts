import { isAbsolute, join } from 'node:path'
import type { StageContext } from '../model.js'
import type { StageJob } from './executor.js'

/**
 * The context a TypeScript stage receives. Project-relative paths resolve inside `sandboxRoot`,
 * where deps are visible and outputs are written aside until the stage succeeds.
 */
export function stageContext(
  job: Pick<
    StageJob,
    'stage' | 'pipeline' | 'params' | 'item' | 'external' | 'runId' | 'id' | 'trackingRunId'
  >,
  sandboxRoot: string,
  signal: AbortSignal,
  log: (message: string) => void,
): StageContext {
  return {
    stage: job.stage,
    pipeline: job.pipeline,
    params: job.params,
    item: job.item,
    external: job.external,
    path: (relative: string) => (isAbsolute(relative) ? relative : join(sandboxRoot, relative)),
    signal,
    log,
    runId: job.runId,
    stageRunId: job.id,
    trackingRunId: job.trackingRunId,
  }
}
