import { type Command, InvalidArgumentError } from 'commander'
import type { PipelineWorkspace } from '../../pipelines/index.js'

interface GlobalFlags {
  trackingUri?: string
  artifactsUri?: string
}

/** Parse a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number')
  return n
}

/** Open the project's pipeline workspace with the global store options (pipelines load lazily). */
export async function openWorkspace(cmd: Command): Promise<PipelineWorkspace> {
  const g = cmd.optsWithGlobals<GlobalFlags>()
  const { openPipelineWorkspace } = await import('../../pipelines/index.js')
  const ws = await openPipelineWorkspace({
    ...(g.trackingUri ? { trackingUri: g.trackingUri } : {}),
    ...(g.artifactsUri ? { artifactsUri: g.artifactsUri } : {}),
  })
  if (ws.project.pipelines.size === 0) {
    const { CairnError } = await import('../../core/index.js')
    throw new CairnError('CAIRN_PIPELINE_NOT_FOUND', `No pipeline is defined in ${ws.config.root}`, {
      hint: 'Add stages: to cairn.yaml (each with cmd or run, deps and outs), or pipelines: {name: {stages: …}}',
    })
  }
  return ws
}

/** Split `[pipeline] [stage...]` arguments: the first is a pipeline when one has that name. */
export function splitTargets(
  ws: PipelineWorkspace,
  args: string[],
): { pipeline?: string; targets: string[] } {
  const [first, ...rest] = args
  if (first !== undefined && ws.project.pipelines.has(first)) return { pipeline: first, targets: rest }
  return { targets: args }
}
