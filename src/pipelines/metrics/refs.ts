import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CairnError, parseYaml, stableStringify } from '../../core/index.js'
import { ExperimentRecords } from '../experiments/exp-records.js'
import { allParams, DEFAULT_PARAMS_FILE, flattenParams } from '../params/params-files.js'
import type { PipelineWorkspace } from '../workspace.js'
import { numericMetrics, parseMetricsText, readStageMetrics } from './read-metrics.js'

/** Params and metrics as they were at some point: the workspace, an experiment or a git revision. */
export interface Snapshot {
  ref: string
  params: Record<string, Record<string, unknown>>
  metrics: Record<string, Record<string, number>>
}

/**
 * Read params and metrics at `ref`: `workspace`, an experiment's name, or a git revision
 * (`HEAD`, a branch, a commit) of the project's repository.
 */
export async function readSnapshot(ws: PipelineWorkspace, ref: string): Promise<Snapshot> {
  const stages = [...ws.project.pipelines.values()].flatMap((p) => [...p.stages.values()])
  if (ref === 'workspace') {
    return {
      ref,
      params: allParams(ws.project.params, stages),
      metrics: await readStageMetrics(ws.root, stages),
    }
  }
  const metadata = await ws.metadata().catch(() => undefined)
  if (metadata) {
    try {
      const e = await new ExperimentRecords(metadata).get(ref)
      return { ref, params: e.params, metrics: e.metrics }
    } catch (err) {
      if (!ExperimentRecords.isMissing(err)) throw err
    }
  }
  const show = async (path: string) => {
    try {
      const { stdout } = await promisify(execFile)('git', ['show', `${ref}:./${path}`], {
        cwd: ws.root,
        maxBuffer: 64 << 20,
      })
      return stdout
    } catch (err) {
      const msg = String((err as { stderr?: string }).stderr ?? '')
      if (/does not exist|exists on disk, but not in/.test(msg)) return undefined
      throw new CairnError(
        'CAIRN_NOT_FOUND',
        `'${ref}' is neither an experiment nor a git revision of this project`,
        {
          hint: 'Use workspace, an experiment name (cairn exp show) or a git revision such as HEAD',
          cause: err,
        },
      )
    }
  }
  const files = new Set<string>([DEFAULT_PARAMS_FILE])
  for (const s of stages) for (const p of s.params) files.add(p.file)
  const params: Snapshot['params'] = {}
  for (const f of files) {
    const text = await show(f)
    if (text === undefined) continue
    const parsed = f.endsWith('.json') ? JSON.parse(text) : parseYaml(text, `${ref}:${f}`)
    params[f] = flattenParams(parsed ?? {})
  }
  const metrics: Snapshot['metrics'] = {}
  for (const s of stages) {
    for (const o of s.outs) {
      if (o.role !== 'metrics') continue
      const text = await show(o.path)
      if (text !== undefined) metrics[o.path] = numericMetrics(parseMetricsText(text, o.path))
    }
  }
  return { ref, params, metrics }
}

/** A changed (or, with `all`, unchanged) param. */
export interface ParamDiff {
  file: string
  key: string
  old: unknown
  new: unknown
}

/** Params that differ between two snapshots. */
export function diffParams(a: Snapshot, b: Snapshot, all = false): ParamDiff[] {
  const out: ParamDiff[] = []
  for (const file of [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort()) {
    const x = a.params[file] ?? {}
    const y = b.params[file] ?? {}
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (all || stableStringify(x[key]) !== stableStringify(y[key]))
        out.push({ file, key, old: x[key], new: y[key] })
    }
  }
  return out
}

/** A metric in two snapshots, with the change. */
export interface MetricDiff {
  file: string
  key: string
  old: number | undefined
  new: number | undefined
  change: number | undefined
  /** Relative change in percent, when the old value is not 0. */
  percent: number | undefined
}

/** Metrics that differ between two snapshots (all metrics with `all`). */
export function diffMetrics(a: Snapshot, b: Snapshot, all = false): MetricDiff[] {
  const out: MetricDiff[] = []
  for (const file of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort()) {
    const x = a.metrics[file] ?? {}
    const y = b.metrics[file] ?? {}
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      const o = x[key]
      const n = y[key]
      if (!all && o === n) continue
      const change = o !== undefined && n !== undefined ? n - o : undefined
      out.push({
        file,
        key,
        old: o,
        new: n,
        change,
        percent:
          change !== undefined && o !== undefined && o !== 0 ? (100 * change) / Math.abs(o) : undefined,
      })
    }
  }
  return out
}
