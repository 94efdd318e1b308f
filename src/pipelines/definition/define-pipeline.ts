import { CairnValidationError, type ValidationIssue } from '../../core/index.js'
import type { PlotSpec, StageFunction } from '../model.js'
import { stageBodySchema } from './stage-schema.js'

/** An output, or an output with options. */
export type OutDefinition =
  | string
  | Record<string, { cache?: boolean; persist?: boolean; desc?: string } | null>

/** A plot file, or a plot file with drawing options. */
export type PlotDefinition =
  | string
  | Record<
      string,
      (Omit<PlotSpec, 'xLabel' | 'yLabel'> & { x_label?: string; y_label?: string; cache?: boolean }) | null
    >

/** A stage written in TypeScript: the same fields as cairn.yaml, camelCase. */
export interface StageDefinition {
  /** A shell command (or several, run in order). */
  cmd?: string | string[]
  /** `path/to/module.ts#exportName`, or a function run in this process. */
  run?: string | StageFunction
  deps?: string[]
  /** Keys of params.yaml (`train.lr`, or a whole section `train`), or `{ 'other.yaml': ['key'] }`. */
  params?: (string | Record<string, string[] | null>)[]
  outs?: OutDefinition[]
  metrics?: OutDefinition[]
  plots?: PlotDefinition[]
  frozen?: boolean
  alwaysChanged?: boolean
  wdir?: string
  /** `30s`, `10m`, or seconds. */
  timeout?: string | number
  retries?: number
  retryDelay?: string | number
  env?: Record<string, string | number | boolean>
  desc?: string
}

/** A stage fanned out over a list or mapping: `${item}` and `${key}` are set in `do`. */
export interface ForeachStageDefinition {
  foreach: unknown[] | Record<string, unknown> | string
  do: StageDefinition
}

/** A stage fanned out over every combination of the matrix's lists: `${item.<name>}`. */
export interface MatrixStageDefinition extends StageDefinition {
  matrix: Record<string, unknown[] | string>
}

export type AnyStageDefinition = StageDefinition | ForeachStageDefinition | MatrixStageDefinition

/** A pipeline defined in TypeScript. */
export interface PipelineDefinition {
  /** The pipeline's name (default: the name it is registered under, or `default`). */
  name?: string
  /** Template variables: inline values or params files (`params.yaml`, `config.yaml`). */
  vars?: (string | Record<string, unknown>)[]
  stages: Record<string, AnyStageDefinition>
  desc?: string
}

const DEFINITION = Symbol.for('cairn.pipeline-definition')

/**
 * Define a pipeline in TypeScript. The object has the same shape as cairn.yaml's stages (with
 * camelCase keys), and `run` may also be a function. Fields are checked now; templates
 * (`${...}`) and fan-out are resolved when the pipeline is loaded against a workspace.
 *
 * @example
 * export const housing = definePipeline({
 *   stages: {
 *     prepare: { cmd: 'python prepare.py', deps: ['prepare.py', 'data/raw.csv'], outs: ['data/clean.csv'] },
 *     train: { run: 'src/train.ts#train', deps: ['data/clean.csv'], params: ['train'], outs: ['model.bin'] },
 *   },
 * })
 */
export function definePipeline<T extends PipelineDefinition>(definition: T): T {
  const issues: ValidationIssue[] = []
  for (const [name, stage] of Object.entries(definition.stages ?? {})) {
    checkStageName(name, `stages.${name}`, issues)
    if (stage === null || typeof stage !== 'object') {
      issues.push({
        code: 'CAIRN_PIPELINE_INVALID',
        path: `stages.${name}`,
        message: 'expected a stage object',
      })
      continue
    }
    if ('foreach' in stage) {
      if (!('do' in stage) || typeof stage.do !== 'object') {
        issues.push({
          code: 'CAIRN_PIPELINE_INVALID',
          path: `stages.${name}.do`,
          message: 'foreach needs a do: stage',
        })
        continue
      }
      if (!hasTemplates(stage.do)) collectIssues(toSnakeCase(stage.do), `stages.${name}.do`, issues)
      continue
    }
    const { matrix: _m, ...body } = stage as MatrixStageDefinition
    if (!hasTemplates(body)) collectIssues(toSnakeCase(body), `stages.${name}`, issues)
  }
  if (issues.length > 0) {
    const what = `Invalid pipeline definition${definition.name ? ` '${definition.name}'` : ''}`
    const first = issues[0] as ValidationIssue
    throw new CairnValidationError(
      issues.length === 1
        ? `${what}: ${first.path}: ${first.message}`
        : `${what} (${issues.length} problems)`,
      issues,
      { code: 'CAIRN_PIPELINE_INVALID' },
    )
  }
  Object.defineProperty(definition, DEFINITION, { value: true, enumerable: false })
  return definition
}

/** True for objects made by definePipeline (or shaped like one). */
export function isPipelineDefinition(value: unknown): value is PipelineDefinition {
  if (value === null || typeof value !== 'object') return false
  if ((value as Record<symbol, unknown>)[DEFINITION] === true) return true
  const stages = (value as { stages?: unknown }).stages
  return stages !== null && typeof stages === 'object' && !Array.isArray(stages)
}

/** Stage names: letters, digits, `_`, `-`, `.`; `@` and `:` are reserved for fan-out and pipelines. */
export function checkStageName(name: string, path: string, issues: ValidationIssue[]): void {
  if (!/^[A-Za-z0-9_][\w.-]*$/.test(name)) {
    issues.push({
      code: 'CAIRN_PIPELINE_INVALID',
      path,
      message: `stage name '${name}' may only hold letters, digits, '_', '-' and '.'`,
    })
  }
}

/** cairn.yaml's snake_case keys from TypeScript's camelCase ones. */
export function toSnakeCase(stage: object): Record<string, unknown> {
  const map: Record<string, string> = { alwaysChanged: 'always_changed', retryDelay: 'retry_delay' }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(stage)) out[map[k] ?? k] = v
  if (Array.isArray(out.plots)) {
    out.plots = out.plots.map((p) => {
      if (p === null || typeof p !== 'object') return p
      const [[path, opts]] = Object.entries(p as Record<string, unknown>) as [
        [string, Record<string, unknown> | null],
      ]
      if (!opts) return p
      const { xLabel, yLabel, ...rest } = opts
      return {
        [path]: {
          ...rest,
          ...(xLabel !== undefined ? { x_label: xLabel } : {}),
          ...(yLabel !== undefined ? { y_label: yLabel } : {}),
        },
      }
    })
  }
  return out
}

/** Validate one stage body, adding issues under `prefix`. */
export function collectIssues(body: unknown, prefix: string, issues: ValidationIssue[]): boolean {
  const parsed = stageBodySchema.safeParse(body)
  if (parsed.success) return true
  for (const issue of parsed.error.issues) {
    issues.push({
      code: 'CAIRN_PIPELINE_INVALID',
      path: [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
        .join('.')
        .replace(/\.\[/g, '['),
      message:
        issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })
  }
  return false
}

function hasTemplates(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${')
  if (Array.isArray(value)) return value.some(hasTemplates)
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasTemplates)
  return false
}
