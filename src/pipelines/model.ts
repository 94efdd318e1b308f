/**
 * The resolved pipeline model: what cairn.yaml and `definePipeline` both turn into after
 * validation, templating and fan-out. Every path is project-root-relative and `/`-separated.
 */

/** The name the top-level `stages:` of cairn.yaml get. */
export const DEFAULT_PIPELINE = 'default'

/** A dependency: a file or folder of the workspace, or a dataset / model version. */
export type DepSpec =
  | { kind: 'path'; path: string }
  | { kind: 'data'; uri: string; name: string; version: string | undefined }
  | { kind: 'model'; uri: string }

/** A param a stage reads: a key of a YAML/JSON params file, or the whole file (`key` undefined). */
export interface ParamRef {
  file: string
  key: string | undefined
}

/** How a plot file is drawn. */
export interface PlotSpec {
  x?: string
  y?: string | string[]
  template?: 'linear' | 'scatter' | 'bar' | 'confusion'
  title?: string
  xLabel?: string
  yLabel?: string
}

/** An output of a stage. Metrics and plots are outputs too. */
export interface OutSpec {
  path: string
  /** Stored in the content-addressed cache (default true). */
  cache: boolean
  /** Kept in the sandbox before the stage runs, so the stage can update it (default false). */
  persist: boolean
  role: 'out' | 'metrics' | 'plots'
  plot?: PlotSpec
  desc?: string
}

/** What a TypeScript stage function receives. */
export interface StageContext {
  /** The stage's name (`train`, `train@us`). */
  stage: string
  pipeline: string
  /** The params the stage declared, as a nested object (`params.train.max_depth`). */
  params: Record<string, unknown>
  /** The foreach/matrix item, when the stage was fanned out. */
  item: unknown
  /** Absolute path of a project-relative path as this stage sees it: outputs resolve into the sandbox. */
  path(relative: string): string
  /** The dataset/model versions the `data:`/`models:/` deps resolved to, by URI. */
  external: Record<string, ResolvedExternal>
  /** Aborted on timeout or cancellation. */
  signal: AbortSignal
  /** Write a line to the stage's log. */
  log(message: string): void
  /** The pipeline run and stage run ids, and the tracking run the stage logs to (if any). */
  runId: string
  stageRunId: string
  trackingRunId: string | undefined
}

/** A stage implemented in TypeScript. */
export type StageFunction = (ctx: StageContext) => unknown | Promise<unknown>

/** How a stage is run. */
export type StageCommand =
  | { kind: 'cmd'; cmd: string }
  | { kind: 'module'; module: string; export: string }
  | { kind: 'function'; fn: StageFunction; source: string }

/** One stage after templating and fan-out. */
export interface StageSpec {
  pipeline: string
  /** Unique in its pipeline: `train`, or `train@us` for fanned-out stages. */
  name: string
  command: StageCommand
  /** Working folder, project-relative (`''` = the root). */
  wdir: string
  deps: DepSpec[]
  params: ParamRef[]
  outs: OutSpec[]
  frozen: boolean
  alwaysChanged: boolean
  /** Milliseconds; undefined = no limit. */
  timeoutMs: number | undefined
  retries: number
  retryDelayMs: number
  env: Record<string, string>
  desc: string | undefined
  /** The foreach/matrix item this stage was made from. */
  item: unknown
}

/** A pipeline: named stages. */
export interface PipelineSpec {
  name: string
  stages: Map<string, StageSpec>
  /** Where it was defined (`cairn.yaml` or a module path), for error messages. */
  source: string
}

/** A dataset or model version a `data:`/`models:/` dep resolved to. */
export interface ResolvedExternal {
  uri: string
  /** Content identity: changes when the data/model changes. */
  hash: string
  size?: number
  /** The concrete version (`3`), when the reference was an alias or `latest`. */
  version?: string
  /** Where the content can be read (a file path or store URI), when known. */
  location?: string
}

/**
 * Resolves `data:name@version` and `models:/name@alias` deps. The data and registry layers
 * provide these; the SDK wires them into the pipeline runner.
 */
export interface ExternalResolvers {
  data?(name: string, version: string | undefined, uri: string): Promise<ResolvedExternal>
  models?(uri: string): Promise<ResolvedExternal>
}

/** A stage's display id: `train` in the default pipeline, `nightly:train` elsewhere. */
export function stageId(stage: { pipeline: string; name: string }): string {
  return stage.pipeline === DEFAULT_PIPELINE ? stage.name : `${stage.pipeline}:${stage.name}`
}

/** The project-relative paths a dep list reads from the workspace. */
export function depPaths(deps: readonly DepSpec[]): string[] {
  const out: string[] = []
  for (const d of deps) if (d.kind === 'path') out.push(d.path)
  return out
}
