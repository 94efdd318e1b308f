import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  CairnError,
  CairnValidationError,
  type ErrorCode,
  isCairnError,
  type ValidationIssue,
} from '../../core/index.js'
import { DEFAULT_PIPELINE, type OutSpec, type PipelineSpec, type StageSpec } from '../model.js'
import { DEFAULT_PARAMS_FILE, ParamsFiles } from '../params/params-files.js'
import {
  checkStageName,
  collectIssues,
  isPipelineDefinition,
  type PipelineDefinition,
  toSnakeCase,
} from './define-pipeline.js'
import { normalizeRelative, normalizeStage, plotSpec } from './normalize-stage.js'
import { projectPipelinesSchema, type StageBody, stageBodySchema } from './stage-schema.js'
import { interpolate, layeredContext, type TemplateContext, type UsedParam } from './template.js'

/** Every pipeline of a project, resolved against one workspace. */
export interface ProjectPipelines {
  /** The workspace the definitions were resolved against. */
  root: string
  pipelines: Map<string, PipelineSpec>
  /** The params files as this workspace sees them (with any experiment overrides). */
  params: ParamsFiles
  /** Top-level `plots:` of cairn.yaml (files drawn by `cairn plots` besides the stages' plots). */
  plots: OutSpec[]
}

export interface LoadPipelinesOptions {
  /** The workspace root. */
  root: string
  /** cairn.yaml's parsed content (ProjectConfig.file). */
  file: Record<string, unknown>
  /** Params file contents to use instead of the files (experiments). */
  paramsOverrides?: ReadonlyMap<string, Record<string, unknown>>
  /** Pipelines defined in TypeScript, by name, besides those of cairn.yaml. */
  definitions?: Record<string, PipelineDefinition>
}

/**
 * Resolve the project's pipelines: cairn.yaml's top-level `stages:` (pipeline `default`), its
 * `pipelines:` (stages, or a TypeScript module exporting a definePipeline()), and definitions
 * passed in. Templates are filled from `vars:` and params.yaml, `foreach`/`matrix` stages are
 * fanned out, and every problem is reported at once, naming the stage and the field.
 */
export async function loadPipelines(options: LoadPipelinesOptions): Promise<ProjectPipelines> {
  const params = new ParamsFiles(options.root, options.paramsOverrides)
  const issues: ValidationIssue[] = []
  const parsed = projectPipelinesSchema.safeParse(options.file)
  if (!parsed.success) {
    throw new CairnValidationError(
      'cairn.yaml: invalid pipeline sections',
      parsed.error.issues.map((i) => ({
        code: 'CAIRN_PIPELINE_INVALID',
        path: i.path.join('.'),
        message: i.message,
      })),
      { code: 'CAIRN_PIPELINE_INVALID' },
    )
  }
  const file = parsed.data
  const pipelines = new Map<string, PipelineSpec>()
  const projectVars = file.vars ?? []

  if (file.stages) {
    pipelines.set(
      DEFAULT_PIPELINE,
      resolvePipeline(
        DEFAULT_PIPELINE,
        'cairn.yaml',
        file.stages,
        projectVars,
        params,
        issues,
        'stages',
        false,
      ),
    )
  }
  for (const [name, entry] of Object.entries(file.pipelines ?? {})) {
    if (!/^[A-Za-z0-9_][\w.-]*$/.test(name)) {
      issues.push({
        code: 'CAIRN_PIPELINE_INVALID',
        path: `pipelines.${name}`,
        message: `pipeline name '${name}' may only hold letters, digits, '_', '-' and '.'`,
      })
      continue
    }
    if (pipelines.has(name)) {
      issues.push({
        code: 'CAIRN_PIPELINE_INVALID',
        path: `pipelines.${name}`,
        message: `pipeline '${name}' is defined twice`,
      })
      continue
    }
    if (typeof entry === 'string') {
      const def = await importDefinition(options.root, entry, name)
      pipelines.set(
        name,
        resolvePipeline(
          name,
          entry,
          def.stages,
          [...projectVars, ...(def.vars ?? [])],
          params,
          issues,
          `pipelines.${name}`,
          true,
        ),
      )
    } else {
      pipelines.set(
        name,
        resolvePipeline(
          name,
          'cairn.yaml',
          entry.stages,
          [...projectVars, ...(entry.vars ?? [])],
          params,
          issues,
          `pipelines.${name}.stages`,
          false,
        ),
      )
    }
  }
  for (const [name, def] of Object.entries(options.definitions ?? {})) {
    const pname = def.name ?? name
    if (pipelines.has(pname)) {
      issues.push({
        code: 'CAIRN_PIPELINE_INVALID',
        path: pname,
        message: `pipeline '${pname}' is defined twice`,
      })
      continue
    }
    pipelines.set(
      pname,
      resolvePipeline(
        pname,
        'definePipeline',
        def.stages,
        [...projectVars, ...(def.vars ?? [])],
        params,
        issues,
        pname,
        true,
      ),
    )
  }

  const plots: OutSpec[] = []
  for (const [i, entry] of (file.plots ?? []).entries()) {
    const [raw, opts] =
      typeof entry === 'string'
        ? [entry, {}]
        : (Object.entries(entry)[0] as [string, Record<string, unknown> | null])
    const path = normalizeRelative(raw, '', `plots[${i}]`, issues, false)
    if (path !== undefined)
      plots.push({ path, cache: false, persist: false, role: 'plots', plot: plotSpec(opts ?? {}) })
  }

  if (issues.length > 0) {
    const allUndefined = issues.every((i) => i.code === 'CAIRN_PARAM_UNDEFINED')
    const code: ErrorCode = allUndefined ? 'CAIRN_PARAM_UNDEFINED' : 'CAIRN_PIPELINE_INVALID'
    const first = issues[0] as ValidationIssue
    throw new CairnValidationError(
      issues.length === 1
        ? `Invalid pipeline definition: ${first.path}: ${first.message}`
        : `Invalid pipeline definition (${issues.length} problems)`,
      issues,
      { code, hint: 'Fix the fields listed above in cairn.yaml (or the pipeline module) and run again' },
    )
  }
  return { root: options.root, pipelines, params, plots }
}

async function importDefinition(root: string, modulePath: string, name: string): Promise<PipelineDefinition> {
  const hash = modulePath.lastIndexOf('#')
  const file = hash === -1 ? modulePath : modulePath.slice(0, hash)
  const exportName = hash === -1 ? undefined : modulePath.slice(hash + 1)
  const abs = join(root, file)
  if (!existsSync(abs)) {
    throw new CairnError('CAIRN_PIPELINE_NOT_FOUND', `pipelines.${name}: module ${file} does not exist`)
  }
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>
  } catch (err) {
    throw new CairnError(
      'CAIRN_PIPELINE_INVALID',
      `pipelines.${name}: cannot import ${file}: ${(err as Error).message}`,
      {
        cause: err,
        hint: file.endsWith('.ts')
          ? 'TypeScript pipeline modules need a TypeScript loader (run cairn through tsx, or compile the module)'
          : undefined,
      },
    )
  }
  const candidates = exportName ? [mod[exportName]] : [mod.default, mod[name], ...Object.values(mod)]
  const def = candidates.find(isPipelineDefinition)
  if (!def) {
    throw new CairnError(
      'CAIRN_PIPELINE_INVALID',
      `pipelines.${name}: ${file} exports no pipeline${exportName ? ` named ${exportName}` : ''} (use definePipeline)`,
    )
  }
  return def
}

function varsLayers(
  vars: (string | Record<string, unknown>)[],
  params: ParamsFiles,
  issues: ValidationIssue[],
  where: string,
): { values: unknown; file?: string }[] {
  const layers: { values: unknown; file?: string }[] = []
  for (const [i, v] of vars.entries()) {
    if (typeof v === 'string') {
      const [file, section] = v.split(':') as [string, string | undefined]
      const content = params.read(file)
      if (content === undefined) {
        issues.push({
          code: 'CAIRN_PIPELINE_INVALID',
          path: `${where}.vars[${i}]`,
          message: `vars file ${file} does not exist`,
        })
        continue
      }
      // tracked as params of the file; a section is still looked up by its full key
      layers.push({
        values: section ? { [section]: (content as Record<string, unknown>)[section] } : content,
        file,
      })
    } else layers.push({ values: v })
  }
  const defaults = params.read(DEFAULT_PARAMS_FILE)
  if (defaults !== undefined) layers.push({ values: defaults, file: DEFAULT_PARAMS_FILE })
  return layers
}

function resolvePipeline(
  name: string,
  source: string,
  stages: Record<string, unknown>,
  vars: (string | Record<string, unknown>)[],
  params: ParamsFiles,
  issues: ValidationIssue[],
  prefix: string,
  camelCase: boolean,
): PipelineSpec {
  const layers = varsLayers(vars, params, issues, prefix)
  const spec: PipelineSpec = { name, stages: new Map(), source }
  const add = (stage: StageSpec | undefined, path: string) => {
    if (!stage) return
    if (spec.stages.has(stage.name)) {
      issues.push({ code: 'CAIRN_PIPELINE_INVALID', path, message: `stage '${stage.name}' is defined twice` })
      return
    }
    spec.stages.set(stage.name, stage)
  }
  for (const [stageName, raw] of Object.entries(stages)) {
    const where = `${prefix}.${stageName}`
    checkStageName(stageName, where, issues)
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      issues.push({
        code: 'CAIRN_PIPELINE_INVALID',
        path: where,
        message: 'expected a stage (a mapping with cmd or run)',
      })
      continue
    }
    const body = raw as Record<string, unknown>
    try {
      if ('foreach' in body) {
        for (const { key, item } of foreachItems(body, layers, where)) {
          const itemCtx = layeredContext([{ values: { item, key } }, ...layers])
          add(
            buildStage(name, `${stageName}@${key}`, body.do, item, itemCtx, `${where}.do`, issues, camelCase),
            where,
          )
        }
      } else if ('matrix' in body) {
        const { matrix, ...rest } = body
        for (const { key, item } of matrixItems(matrix, layers, where)) {
          const itemCtx = layeredContext([{ values: { item, key } }, ...layers])
          add(buildStage(name, `${stageName}@${key}`, rest, item, itemCtx, where, issues, camelCase), where)
        }
      } else {
        add(
          buildStage(name, stageName, body, undefined, layeredContext(layers), where, issues, camelCase),
          where,
        )
      }
    } catch (err) {
      if (!isCairnError(err)) throw err
      issues.push({ code: err.code, path: where, message: err.message })
    }
  }
  return spec
}

function buildStage(
  pipeline: string,
  name: string,
  raw: unknown,
  item: unknown,
  ctx: TemplateContext,
  where: string,
  issues: ValidationIssue[],
  camelCase: boolean,
): StageSpec | undefined {
  if (raw === null || typeof raw !== 'object') {
    issues.push({
      code: 'CAIRN_PIPELINE_INVALID',
      path: where,
      message: 'expected a stage (a mapping with cmd or run)',
    })
    return undefined
  }
  const used: UsedParam[] = []
  const label = `stage '${pipeline === DEFAULT_PIPELINE ? name : `${pipeline}:${name}`}'`
  const body = interpolate(camelCase ? toSnakeCase(raw) : raw, ctx, label, used)
  if (!collectIssues(body, where, issues)) return undefined
  const valid = stageBodySchema.parse(body) as StageBody
  return normalizeStage(pipeline, name, valid, item, dedupe(used), where, issues)
}

function dedupe(used: UsedParam[]): UsedParam[] {
  const seen = new Set<string>()
  return used.filter((u) => {
    const k = `${u.file}\0${u.key}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

function foreachItems(
  body: Record<string, unknown>,
  layers: { values: unknown; file?: string }[],
  where: string,
): { key: string; item: unknown }[] {
  if (!('do' in body) || body.do === null || typeof body.do !== 'object') {
    throw new CairnError('CAIRN_PIPELINE_INVALID', `${where}: foreach needs a do: stage`)
  }
  const extra = Object.keys(body).filter((k) => k !== 'foreach' && k !== 'do')
  if (extra.length > 0) {
    throw new CairnError(
      'CAIRN_PIPELINE_INVALID',
      `${where}: a foreach stage holds only foreach and do (found ${extra.join(', ')})`,
    )
  }
  const values = interpolate(body.foreach, layeredContext(layers), `stage '${where}'`, [], 'foreach')
  if (Array.isArray(values)) {
    const scalar = values.every((v) => v === null || typeof v !== 'object')
    return values.map((item, i) => ({ key: scalar ? safeKey(String(item)) : String(i), item }))
  }
  if (values !== null && typeof values === 'object') {
    return Object.entries(values).map(([key, item]) => ({ key: safeKey(key), item }))
  }
  throw new CairnError('CAIRN_PIPELINE_INVALID', `${where}.foreach: expected a list or a mapping`)
}

function matrixItems(
  matrix: unknown,
  layers: { values: unknown; file?: string }[],
  where: string,
): { key: string; item: Record<string, unknown> }[] {
  const values = interpolate(matrix, layeredContext(layers), `stage '${where}'`, [], 'matrix')
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new CairnError('CAIRN_PIPELINE_INVALID', `${where}.matrix: expected a mapping of names to lists`)
  }
  let combos: { keys: string[]; item: Record<string, unknown> }[] = [{ keys: [], item: {} }]
  for (const [dim, list] of Object.entries(values)) {
    if (!Array.isArray(list) || list.length === 0) {
      throw new CairnError('CAIRN_PIPELINE_INVALID', `${where}.matrix.${dim}: expected a non-empty list`)
    }
    const next: typeof combos = []
    for (const c of combos) {
      for (const [i, v] of list.entries()) {
        next.push({
          keys: [...c.keys, v === null || typeof v !== 'object' ? safeKey(String(v)) : `${dim}${i}`],
          item: { ...c.item, [dim]: v },
        })
      }
    }
    combos = next
  }
  return combos.map((c) => ({ key: c.keys.join('-'), item: c.item }))
}

function safeKey(key: string): string {
  return key.replace(/[^\w.-]/g, '_')
}
