import { isAbsolute, join } from 'node:path'
import { CairnError, hashObject, stableStringify } from '../../core/index.js'
import type { HashCache } from '../hashing/hash-cache.js'
import { hashPath, type PathHash } from '../hashing/hash-path.js'
import type { LockedExternal, LockedPath, StageLock } from '../lock/lock-file.js'
import type { DepSpec, ExternalResolvers, OutSpec, ResolvedExternal, StageSpec } from '../model.js'
import { stageId } from '../model.js'
import { flattenParams, type ParamsFiles } from '../params/params-files.js'
import type { StaleReason } from './stale-reasons.js'

/** A dependency as it is now. */
export type EvaluatedDep =
  | { kind: 'path'; path: string; hash: PathHash | undefined }
  | { kind: 'external'; uri: string; resolved: ResolvedExternal | undefined; error?: string }

/** An output as it is now in the workspace. */
export interface EvaluatedOut {
  spec: OutSpec
  hash: PathHash | undefined
}

/** A stage compared with its lock entry. */
export interface StageEvaluation {
  stage: StageSpec
  id: string
  lock: StageLock | undefined
  deps: EvaluatedDep[]
  /** Param values read now, by file then key. */
  params: Record<string, Record<string, unknown>>
  missingParams: { file: string; key: string | undefined }[]
  missingDeps: string[]
  outs: EvaluatedOut[]
  /** The stage key (undefined while deps or params are missing). */
  key: string | undefined
  reasons: StaleReason[]
  upToDate: boolean
}

/** What evaluation reads from. */
export interface EvaluationContext {
  root: string
  hashCache: HashCache
  params: ParamsFiles
  resolvers?: ExternalResolvers
  /** Resolved externals, shared across stages of one run. */
  externals?: Map<string, Promise<ResolvedExternal>>
}

/**
 * Hash a stage's deps and outs (stat-only when unchanged), read its params, compute its key and
 * compare everything with its lock entry, listing why it is stale.
 */
export async function evaluateStage(
  stage: StageSpec,
  lock: StageLock | undefined,
  ctx: EvaluationContext,
): Promise<StageEvaluation> {
  const abs = (p: string) => (isAbsolute(p) ? p : join(ctx.root, p))
  const deps = await Promise.all(stage.deps.map((d) => evaluateDep(d, abs, ctx)))
  const outs = await Promise.all(
    stage.outs.map(async (spec) => ({ spec, hash: await hashPath(abs(spec.path), ctx.hashCache) })),
  )
  const params: Record<string, Record<string, unknown>> = {}
  const missingParams: StageEvaluation['missingParams'] = []
  for (const ref of stage.params) {
    const value = ctx.params.get(ref.file, ref.key)
    if (value === undefined) {
      missingParams.push(ref)
      continue
    }
    const file = (params[ref.file] ??= {})
    if (ref.key === undefined) Object.assign(file, flattenParams(value))
    else file[ref.key] = value
  }
  const missingDeps = deps.flatMap((d) =>
    d.kind === 'path' ? (d.hash ? [] : [d.path]) : d.resolved ? [] : [d.uri],
  )
  const key =
    missingDeps.length === 0 && missingParams.length === 0 ? stageKey(stage, deps, params) : undefined

  const reasons: StaleReason[] = []
  if (stage.alwaysChanged) reasons.push({ kind: 'always-changed' })
  for (const p of missingDeps) reasons.push({ kind: 'dep-missing', path: p })
  for (const p of missingParams) reasons.push({ kind: 'param-missing', file: p.file, key: p.key })
  if (!lock) reasons.push({ kind: 'never-run' })
  else {
    compareCommand(stage, lock, reasons)
    compareDeps(deps, lock, reasons)
    compareParams(params, lock, reasons, missingParams)
    compareOuts(outs, lock, reasons)
    if (reasons.length === 0 && key !== undefined && key !== lock.key)
      reasons.push({ kind: 'definition-changed' })
  }
  return {
    stage,
    id: stageId(stage),
    lock,
    deps,
    params,
    missingParams,
    missingDeps,
    outs,
    key,
    reasons,
    upToDate: reasons.length === 0,
  }
}

async function evaluateDep(
  d: DepSpec,
  abs: (p: string) => string,
  ctx: EvaluationContext,
): Promise<EvaluatedDep> {
  if (d.kind === 'path')
    return { kind: 'path', path: d.path, hash: await hashPath(abs(d.path), ctx.hashCache) }
  try {
    const resolved = await resolveExternal(d, ctx)
    return { kind: 'external', uri: d.uri, resolved }
  } catch (err) {
    return { kind: 'external', uri: d.uri, resolved: undefined, error: (err as Error).message }
  }
}

function resolveExternal(
  d: Exclude<DepSpec, { kind: 'path' }>,
  ctx: EvaluationContext,
): Promise<ResolvedExternal> {
  const cached = ctx.externals?.get(d.uri)
  if (cached) return cached
  let p: Promise<ResolvedExternal>
  if (d.kind === 'data' && ctx.resolvers?.data) p = ctx.resolvers.data(d.name, d.version, d.uri)
  else if (d.kind === 'model' && ctx.resolvers?.models) p = ctx.resolvers.models(d.uri)
  else {
    p = Promise.reject(
      new CairnError(
        'CAIRN_DEPENDENCY_MISSING',
        `No ${d.kind === 'data' ? 'dataset' : 'model registry'} resolver is configured for ${d.uri}`,
      ),
    )
  }
  ctx.externals?.set(d.uri, p)
  return p
}

/**
 * The stage key: the hash of what determines the outputs — the command (or the function's
 * source), the working folder, every dep's content hash, every param value, the declared outputs
 * and the environment the stage sets. Equal keys mean the outputs can be reused.
 */
export function stageKey(
  stage: StageSpec,
  deps: readonly EvaluatedDep[],
  params: Record<string, Record<string, unknown>>,
): string {
  const c = stage.command
  return hashObject({
    v: 1,
    command:
      c.kind === 'cmd'
        ? { cmd: c.cmd }
        : c.kind === 'module'
          ? { module: c.module, export: c.export }
          : { fn: c.source },
    wdir: stage.wdir,
    deps: deps
      .map((d) =>
        d.kind === 'path'
          ? ['path', d.path, d.hash?.hash ?? null]
          : ['external', d.uri, d.resolved?.hash ?? null],
      )
      .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    params,
    outs: stage.outs.map((o) => [o.path, o.cache]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    env: stage.env,
  })
}

/** The lock file's command fields for a stage. */
export function commandFields(stage: StageSpec): Pick<StageLock, 'cmd' | 'run' | 'code'> {
  const c = stage.command
  if (c.kind === 'cmd') return { cmd: c.cmd }
  if (c.kind === 'module') return { run: `${c.module}#${c.export}` }
  return { run: 'function', code: hashObject(c.source) }
}

function compareCommand(stage: StageSpec, lock: StageLock, reasons: StaleReason[]): void {
  const now = commandFields(stage)
  const was = lock.cmd ?? lock.run
  const is = now.cmd ?? now.run
  if (was !== is) reasons.push({ kind: 'command-changed', old: was ?? '', new: is ?? '' })
  else if (now.code !== lock.code) reasons.push({ kind: 'code-changed' })
  if ((lock.wdir ?? '') !== stage.wdir)
    reasons.push({ kind: 'wdir-changed', old: lock.wdir ?? '', new: stage.wdir })
}

function compareDeps(deps: readonly EvaluatedDep[], lock: StageLock, reasons: StaleReason[]): void {
  const locked = new Map<string, LockedPath | LockedExternal>()
  for (const d of lock.deps) locked.set('path' in d ? d.path : d.uri, d)
  const seen = new Set<string>()
  for (const d of deps) {
    const id = d.kind === 'path' ? d.path : d.uri
    seen.add(id)
    const was = locked.get(id)
    const now = d.kind === 'path' ? d.hash?.hash : d.resolved?.hash
    if (now === undefined) continue
    if (!was) reasons.push({ kind: 'dep-added', path: id })
    else if (was.hash !== now) {
      reasons.push({
        kind: 'dep-changed',
        path: id,
        old: was.hash,
        new: now,
        ...(d.kind === 'external' && d.resolved?.version ? { version: d.resolved.version } : {}),
      })
    }
  }
  for (const id of locked.keys()) if (!seen.has(id)) reasons.push({ kind: 'dep-removed', path: id })
}

function compareParams(
  params: Record<string, Record<string, unknown>>,
  lock: StageLock,
  reasons: StaleReason[],
  missing: StageEvaluation['missingParams'],
): void {
  const files = new Set([...Object.keys(params), ...Object.keys(lock.params)])
  for (const file of files) {
    const now = flattenParams(params[file] ?? {})
    const was = flattenParams(lock.params[file] ?? {})
    for (const key of new Set([...Object.keys(now), ...Object.keys(was)])) {
      if (!(key in now)) {
        if (
          !missing.some(
            (m) => m.file === file && (m.key === undefined || key === m.key || key.startsWith(`${m.key}.`)),
          )
        )
          reasons.push({ kind: 'param-removed', file, key, old: was[key] })
      } else if (!(key in was)) reasons.push({ kind: 'param-added', file, key, new: now[key] })
      else if (stableStringify(now[key]) !== stableStringify(was[key]))
        reasons.push({ kind: 'param-changed', file, key, old: was[key], new: now[key] })
    }
  }
}

function compareOuts(outs: readonly EvaluatedOut[], lock: StageLock, reasons: StaleReason[]): void {
  const locked = new Map(lock.outs.map((o) => [o.path, o]))
  for (const o of outs) {
    const was = locked.get(o.spec.path)
    if (!o.hash) reasons.push({ kind: 'out-missing', path: o.spec.path })
    else if (!was) reasons.push({ kind: 'out-added', path: o.spec.path })
    else if (was.hash !== o.hash.hash) reasons.push({ kind: 'out-modified', path: o.spec.path })
  }
}
