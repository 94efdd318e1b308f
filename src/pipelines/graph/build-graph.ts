import { CairnError } from '../../core/index.js'
import { depPaths, type PipelineSpec, type StageSpec, stageId } from '../model.js'

/**
 * Stages as a DAG keyed by stage id (`train`, `nightly:train`): an edge runs from the stage
 * writing a path to each stage reading it.
 */
export interface StageGraph {
  /** What the graph holds, for messages (`pipeline 'default'`). */
  label: string
  stages: Map<string, StageSpec>
  /** Stage ids in an order where every stage comes after its upstream stages. */
  order: string[]
  upstream: Map<string, string[]>
  downstream: Map<string, string[]>
}

/** Finds which stages write a path, or a folder holding it, or a path inside it. */
export class OutputIndex {
  readonly #exact = new Map<string, StageSpec>()
  readonly #under = new Map<string, StageSpec[]>()

  constructor(stages: Iterable<StageSpec>) {
    const owned: { path: string; stage: StageSpec }[] = []
    for (const stage of stages) {
      for (const out of stage.outs) {
        const other = this.producersOf(out.path)[0]
        if (other) {
          const theirs = owned.find((o) => o.stage === other && overlaps(o.path, out.path))?.path ?? out.path
          throw new CairnError(
            'CAIRN_OUTPUT_CONFLICT',
            other === stage
              ? `Stage '${stageId(stage)}' lists overlapping outputs '${theirs}' and '${out.path}'`
              : `Output '${out.path}' of stage '${stageId(stage)}' is also claimed by stage '${stageId(other)}'${theirs !== out.path ? ` (as '${theirs}')` : ''}`,
            {
              details: { path: out.path, stages: [stageId(other), stageId(stage)] },
              hint: 'Each file or folder may be written by one stage only; rename one of the outputs',
            },
          )
        }
        owned.push({ path: out.path, stage })
        this.#exact.set(out.path, stage)
        for (const parent of ancestors(out.path)) {
          const list = this.#under.get(parent) ?? []
          list.push(stage)
          this.#under.set(parent, list)
        }
      }
    }
  }

  /** Stages whose outputs are `path`, hold it, or lie under it. */
  producersOf(path: string): StageSpec[] {
    const found = new Set<StageSpec>()
    const exact = this.#exact.get(path)
    if (exact) found.add(exact)
    for (const parent of ancestors(path)) {
      const s = this.#exact.get(parent)
      if (s) found.add(s)
    }
    for (const s of this.#under.get(path) ?? []) found.add(s)
    if (path === '') for (const s of this.#exact.values()) found.add(s)
    return [...found]
  }
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)
}

function ancestors(path: string): string[] {
  const out: string[] = []
  let i = path.lastIndexOf('/')
  while (i > 0) {
    out.push(path.slice(0, i))
    i = path.lastIndexOf('/', i - 1)
  }
  return out
}

/**
 * Build the graph of some stages (one pipeline's, or several). Throws CAIRN_OUTPUT_CONFLICT when
 * two stages claim one output and CAIRN_PIPELINE_CYCLE (naming the loop) when stages depend on
 * each other in a circle.
 */
export function buildGraph(stageList: Iterable<StageSpec>, label: string): StageGraph {
  const stages = new Map<string, StageSpec>()
  for (const s of stageList) stages.set(stageId(s), s)
  const index = new OutputIndex(stages.values())
  const upstream = new Map<string, string[]>()
  const downstream = new Map<string, string[]>()
  for (const id of stages.keys()) {
    upstream.set(id, [])
    downstream.set(id, [])
  }
  for (const [id, stage] of stages) {
    const ups = new Set<string>()
    for (const dep of depPaths(stage.deps)) {
      for (const producer of index.producersOf(dep)) {
        if (producer === stage) {
          throw new CairnError('CAIRN_PIPELINE_CYCLE', `Stage '${id}' depends on its own output ('${dep}')`, {
            details: { cycle: [id, id] },
            hint: 'Remove the output from deps (use persist: true on the output if the stage updates it)',
          })
        }
        ups.add(stageId(producer))
      }
    }
    for (const u of ups) {
      upstream.get(id)?.push(u)
      downstream.get(u)?.push(id)
    }
  }
  const ids = [...stages.keys()]
  const order = topologicalOrder(ids, upstream, downstream)
  if (order.length < ids.length) {
    const cycle = findCycle(ids, downstream)
    throw new CairnError('CAIRN_PIPELINE_CYCLE', `${label} has a cycle: ${cycle.join(' → ')}`, {
      details: { cycle },
      hint: 'A stage cannot (even indirectly) depend on the outputs of a stage that reads its own outputs',
    })
  }
  return { label, stages, order, upstream, downstream }
}

/** The graph of one pipeline. */
export function pipelineGraph(pipeline: PipelineSpec): StageGraph {
  return buildGraph(pipeline.stages.values(), `Pipeline '${pipeline.name}'`)
}

function topologicalOrder(
  names: string[],
  upstream: Map<string, string[]>,
  downstream: Map<string, string[]>,
): string[] {
  const indegree = new Map(names.map((n) => [n, upstream.get(n)?.length ?? 0]))
  const queue = names.filter((n) => indegree.get(n) === 0)
  const order: string[] = []
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i] as string
    order.push(n)
    for (const d of downstream.get(n) ?? []) {
      const left = (indegree.get(d) ?? 0) - 1
      indegree.set(d, left)
      if (left === 0) queue.push(d)
    }
  }
  return order
}

function findCycle(names: string[], downstream: Map<string, string[]>): string[] {
  const state = new Map<string, 1 | 2>()
  const stack: string[] = []
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1)
    stack.push(n)
    for (const d of downstream.get(n) ?? []) {
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d]
      if (state.get(d) === undefined) {
        const found = visit(d)
        if (found) return found
      }
    }
    stack.pop()
    state.set(n, 2)
    return undefined
  }
  for (const n of names) {
    if (state.get(n) === undefined) {
      const found = visit(n)
      if (found) return found
    }
  }
  return []
}

/** Check outputs across every pipeline of a project: a path may be written by one stage only. */
export function checkOutputs(pipelines: Iterable<PipelineSpec>): OutputIndex {
  const all: StageSpec[] = []
  for (const p of pipelines) all.push(...p.stages.values())
  return new OutputIndex(all)
}

/**
 * The stages to consider for `targets`: each target with everything upstream of it (or only
 * the targets with `single`, or the targets and everything downstream with `downstream`).
 */
export function selectStages(
  graph: StageGraph,
  targets: readonly string[],
  options: { single?: boolean; downstream?: boolean } = {},
): string[] {
  if (targets.length === 0) return graph.order
  const expanded: string[] = []
  for (const t of targets) {
    const matches = graph.stages.has(t) ? [t] : graph.order.filter((id) => id.startsWith(`${t}@`))
    if (matches.length === 0) {
      throw new CairnError('CAIRN_STAGE_NOT_FOUND', `${graph.label} has no stage '${t}'`, {
        details: { stage: t },
        hint: `Stages: ${graph.order.join(', ') || '(none)'}`,
      })
    }
    expanded.push(...matches)
  }
  const picked = new Set<string>(expanded)
  if (!options.single) {
    const edges = options.downstream ? graph.downstream : graph.upstream
    const todo = [...expanded]
    while (todo.length > 0) {
      const n = todo.pop() as string
      for (const m of edges.get(n) ?? []) {
        if (!picked.has(m)) {
          picked.add(m)
          todo.push(m)
        }
      }
    }
  }
  return graph.order.filter((n) => picked.has(n))
}
