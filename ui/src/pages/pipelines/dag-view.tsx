import { Graph, layout } from '@dagrejs/dagre'
import { type KeyboardEvent, useMemo } from 'react'
import type { PipelineStage } from '../../api/types.js'
import { formatDuration } from '../../components/format.js'

const NODE_W = 168
const NODE_H = 62

const STATUS_COLOR: Record<string, string> = {
  succeeded: 'var(--ok)',
  ran: 'var(--ok)',
  cached: 'var(--info)',
  restored: 'var(--info)',
  'up-to-date': 'var(--ok)',
  failed: 'var(--bad)',
  running: 'var(--accent)',
  queued: 'var(--accent)',
  checking: 'var(--accent)',
  restoring: 'var(--accent)',
  committing: 'var(--accent)',
  cancelled: 'var(--warn)',
  blocked: 'var(--warn)',
  'not-run': 'var(--fg-faint)',
}

/**
 * The stage graph laid out left to right (dagre), each stage with its last status, whether it
 * came from the cache, and how long it took. Stages are focusable; Enter selects one.
 */
export function DagView({
  stages,
  selected,
  live,
  onSelect,
}: {
  stages: PipelineStage[]
  selected: string | null
  /** Live states of a run in progress, by stage id. */
  live?: Record<string, string> | undefined
  onSelect(id: string): void
}) {
  const g = useMemo(() => {
    const graph = new Graph()
    graph.setGraph({ rankdir: 'LR', nodesep: 26, ranksep: 50, marginx: 20, marginy: 20 })
    graph.setDefaultEdgeLabel(() => ({}))
    for (const s of stages) graph.setNode(s.id, { width: NODE_W, height: NODE_H })
    for (const s of stages) for (const u of s.upstream) if (graph.hasNode(u)) graph.setEdge(u, s.id)
    layout(graph)
    const nodes = stages.map((s) => ({ s, n: graph.node(s.id) }))
    const edges = graph.edges().map((e) => ({
      id: `${e.v}->${e.w}`,
      points: (graph.edge(e).points ?? []) as { x: number; y: number }[],
    }))
    // edges that skip ranks may bend outside the nodes' box: the drawing covers both
    let minX = 0
    let minY = 0
    let maxX = 0
    let maxY = 0
    for (const { n } of nodes) {
      maxX = Math.max(maxX, n.x + NODE_W / 2 + 20)
      maxY = Math.max(maxY, n.y + NODE_H / 2 + 20)
    }
    for (const e of edges)
      for (const p of e.points) {
        minX = Math.min(minX, p.x - 10)
        minY = Math.min(minY, p.y - 10)
        maxX = Math.max(maxX, p.x + 10)
        maxY = Math.max(maxY, p.y + 10)
      }
    return { minX, minY, width: maxX - minX, height: maxY - minY, nodes, edges }
  }, [stages])
  const onKey = (e: KeyboardEvent<SVGGElement>, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      onSelect(id)
    }
  }
  return (
    <div className="dag-wrap">
      <svg
        width={g.width}
        height={g.height}
        viewBox={`${g.minX} ${g.minY} ${g.width} ${g.height}`}
        data-testid="dag"
      >
        <title>Stage graph</title>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill="var(--border-strong)" />
          </marker>
        </defs>
        {g.edges.map((e) => (
          <path
            key={e.id}
            className="dag-edge"
            markerEnd="url(#arrow)"
            d={e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ')}
          />
        ))}
        {g.nodes.map(({ s, n }) => {
          const state = live?.[s.id] ?? s.last?.status ?? 'never run'
          const color = STATUS_COLOR[state] ?? 'var(--fg-faint)'
          const x = n.x - NODE_W / 2
          const y = n.y - NODE_H / 2
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>
            <g
              key={s.id}
              className={`dag-node${selected === s.id ? ' selected' : ''}`}
              transform={`translate(${x},${y})`}
              tabIndex={0}
              role="button"
              aria-label={`Stage ${s.id}: ${state}${s.last?.cacheHit ? ', from cache' : ''}`}
              aria-pressed={selected === s.id}
              onClick={() => onSelect(s.id)}
              onKeyDown={(e) => onKey(e, s.id)}
              data-testid="dag-node"
              data-stage={s.id}
              data-status={state}
            >
              <rect className="box" width={NODE_W} height={NODE_H} rx={8} />
              <rect width={5} height={NODE_H} rx={2} fill={color} />
              <text className="name" x={14} y={22}>
                {s.name.length > 20 ? `${s.name.slice(0, 19)}…` : s.name}
              </text>
              <circle cx={18} cy={42} r={4.5} fill={color} />
              <text className="meta" x={28} y={46}>
                {state}
                {s.last?.durationMs !== null && s.last?.durationMs !== undefined && !live?.[s.id]
                  ? ` · ${formatDuration(s.last.durationMs)}`
                  : ''}
              </text>
              {s.last?.cacheHit && !live?.[s.id] ? (
                <g transform={`translate(${NODE_W - 58},8)`}>
                  <rect width={50} height={17} rx={8} fill="var(--info-soft)" />
                  <text
                    x={25}
                    y={12.5}
                    fontSize={10.5}
                    textAnchor="middle"
                    style={{ fill: 'var(--info)', fontWeight: 600 }}
                  >
                    cache
                  </text>
                </g>
              ) : null}
              {s.frozen ? (
                <text x={NODE_W - 10} y={52} fontSize={10} textAnchor="end">
                  frozen
                </text>
              ) : null}
            </g>
          )
        })}
      </svg>
    </div>
  )
}
