import { isAbsolute, posix } from 'node:path'
import type { ValidationIssue } from '../../core/index.js'
import type { DepSpec, OutSpec, ParamRef, PlotSpec, StageFunction, StageSpec } from '../model.js'
import { DEFAULT_PARAMS_FILE } from '../params/params-files.js'
import { parseDuration, type StageBody } from './stage-schema.js'
import type { UsedParam } from './template.js'

/**
 * Turn a validated stage body into a StageSpec: paths made project-relative (they are written
 * relative to `wdir`), outputs gathered from outs/metrics/plots, params files resolved.
 */
export function normalizeStage(
  pipeline: string,
  name: string,
  body: StageBody,
  item: unknown,
  used: UsedParam[],
  where: string,
  issues: ValidationIssue[],
): StageSpec | undefined {
  const before = issues.length
  const wdir = normalizeRelative(body.wdir ?? '.', '', `${where}.wdir`, issues, false)
  const rel = (p: string, field: string, allowOutside: boolean) =>
    normalizeRelative(p, wdir ?? '', field, issues, allowOutside)

  const deps: DepSpec[] = []
  for (const [i, d] of (body.deps ?? []).entries()) {
    if (d.startsWith('data:')) {
      const m = /^data:([A-Za-z0-9][\w.\-/]*)(?:@(\S+))?$/.exec(d)
      if (!m)
        issues.push(issue(`${where}.deps[${i}]`, `'${d}' is not a dataset reference (data:name@version)`))
      else deps.push({ kind: 'data', uri: d, name: m[1] as string, version: m[2] })
    } else if (d.startsWith('models:/')) {
      if (!/^models:\/[A-Za-z0-9_][\w.-]*(?:@[\w.-]+|\/\d+|\/latest)?$/.test(d))
        issues.push(
          issue(
            `${where}.deps[${i}]`,
            `'${d}' is not a model reference (models:/name@alias or models:/name/3)`,
          ),
        )
      else deps.push({ kind: 'model', uri: d })
    } else {
      const p = rel(d, `${where}.deps[${i}]`, true)
      if (p !== undefined) deps.push({ kind: 'path', path: p })
    }
  }

  let command: StageSpec['command'] | undefined
  if (body.cmd !== undefined) {
    command = { kind: 'cmd', cmd: Array.isArray(body.cmd) ? body.cmd.join(' && ') : body.cmd }
  } else if (typeof body.run === 'string') {
    const hash = body.run.lastIndexOf('#')
    const modulePath = rel(body.run.slice(0, hash), `${where}.run`, false)
    if (modulePath !== undefined) {
      command = { kind: 'module', module: modulePath, export: body.run.slice(hash + 1) }
      if (!deps.some((d) => d.kind === 'path' && d.path === modulePath))
        deps.unshift({ kind: 'path', path: modulePath })
    }
  } else if (typeof body.run === 'function') {
    command = { kind: 'function', fn: body.run as StageFunction, source: String(body.run) }
  }

  const params: ParamRef[] = []
  const addParam = (ref: ParamRef) => {
    const covered = params.some(
      (p) =>
        p.file === ref.file && (p.key === undefined || p.key === ref.key || ref.key?.startsWith(`${p.key}.`)),
    )
    if (!covered) params.push(ref)
  }
  for (const [i, entry] of (body.params ?? []).entries()) {
    if (typeof entry === 'string') {
      addParam({ file: rel(DEFAULT_PARAMS_FILE, '', true) ?? DEFAULT_PARAMS_FILE, key: entry })
      continue
    }
    for (const [file, keys] of Object.entries(entry)) {
      const f = rel(file, `${where}.params[${i}]`, false)
      if (f === undefined) continue
      if (keys === null || keys.length === 0) addParam({ file: f, key: undefined })
      else for (const k of keys) addParam({ file: f, key: k })
    }
  }
  for (const u of used) addParam({ file: u.file, key: u.key })

  const outs: OutSpec[] = []
  const addOut = (entry: unknown, role: OutSpec['role'], field: string) => {
    const [raw, opts] =
      typeof entry === 'string'
        ? [entry, {} as Record<string, unknown>]
        : (Object.entries(entry as Record<string, Record<string, unknown> | null>)[0] as [
            string,
            Record<string, unknown> | null,
          ])
    const path = rel(raw, field, false)
    if (path === undefined) return
    if (path === '') {
      issues.push(issue(field, 'the project folder itself cannot be an output'))
      return
    }
    const o = opts ?? {}
    const out: OutSpec = {
      path,
      cache: o.cache !== false,
      persist: o.persist === true,
      role,
    }
    if (typeof o.desc === 'string') out.desc = o.desc
    if (role === 'plots') out.plot = plotSpec(o)
    outs.push(out)
  }
  for (const [i, o] of (body.outs ?? []).entries()) addOut(o, 'out', `${where}.outs[${i}]`)
  for (const [i, o] of (body.metrics ?? []).entries()) addOut(o, 'metrics', `${where}.metrics[${i}]`)
  for (const [i, o] of (body.plots ?? []).entries()) addOut(o, 'plots', `${where}.plots[${i}]`)

  const seen = new Map<string, number>()
  for (const [i, o] of outs.entries()) {
    const prev = seen.get(o.path)
    if (prev !== undefined) issues.push(issue(`${where}.outs`, `'${o.path}' is listed twice as an output`))
    seen.set(o.path, i)
  }

  if (issues.length > before || command === undefined || wdir === undefined) return undefined
  return {
    pipeline,
    name,
    command,
    wdir,
    deps,
    params,
    outs,
    frozen: body.frozen ?? false,
    alwaysChanged: body.always_changed ?? false,
    timeoutMs: body.timeout === undefined ? undefined : parseDuration(body.timeout),
    retries: body.retries ?? 0,
    retryDelayMs: body.retry_delay === undefined ? 1000 : parseDuration(body.retry_delay),
    env: Object.fromEntries(Object.entries(body.env ?? {}).map(([k, v]) => [k, String(v)])),
    desc: body.desc,
    item,
  }
}

/** Plot options from a cairn.yaml plot entry. */
export function plotSpec(o: Record<string, unknown>): PlotSpec {
  const p: PlotSpec = {}
  if (typeof o.x === 'string') p.x = o.x
  if (typeof o.y === 'string' || Array.isArray(o.y)) p.y = o.y as string | string[]
  if (typeof o.template === 'string') p.template = o.template as NonNullable<PlotSpec['template']>
  if (typeof o.title === 'string') p.title = o.title
  if (typeof o.x_label === 'string') p.xLabel = o.x_label
  if (typeof o.y_label === 'string') p.yLabel = o.y_label
  return p
}

function issue(path: string, message: string): ValidationIssue {
  return { code: 'CAIRN_PIPELINE_INVALID', path, message }
}

/**
 * A path written relative to `base` (project-relative), as a normalised project-relative POSIX
 * path. Paths outside the project are refused unless `allowOutside` (then kept absolute).
 */
export function normalizeRelative(
  p: string,
  base: string,
  field: string,
  issues: ValidationIssue[],
  allowOutside: boolean,
): string | undefined {
  if (isAbsolute(p)) {
    if (allowOutside) return posix.normalize(p)
    issues.push(issue(field, `'${p}' is an absolute path; write it relative to the project`))
    return undefined
  }
  const joined = posix.normalize(posix.join(base || '.', p.replaceAll('\\', '/')))
  const clean = joined === '.' ? '' : joined.replace(/\/+$/, '')
  if (clean === '..' || clean.startsWith('../')) {
    issues.push(issue(field, `'${p}' points outside the project`))
    return undefined
  }
  return clean
}
