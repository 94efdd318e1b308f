import type { StageGraph } from './build-graph.js'

interface Vertex {
  id: string
  label: string
  dummy: boolean
  width: number
  x: number
  order: number
}

/**
 * Draw a graph for a terminal: stages as boxes in layers (each stage below everything it
 * depends on), edges as lines with arrows. `labels` replaces a stage's text (e.g. with its status).
 */
export function drawDag(graph: StageGraph, labels: ReadonlyMap<string, string> = new Map()): string {
  if (graph.order.length === 0) return '(no stages)\n'
  const rank = new Map<string, number>()
  for (const id of graph.order) {
    const ups = graph.upstream.get(id) ?? []
    rank.set(id, ups.length === 0 ? 0 : Math.max(...ups.map((u) => (rank.get(u) ?? 0) + 1)))
  }
  const depth = Math.max(...rank.values()) + 1
  const layers: Vertex[][] = Array.from({ length: depth }, () => [])
  const vertices = new Map<string, Vertex>()
  const add = (v: Vertex, r: number) => {
    v.order = layers[r]?.length ?? 0
    layers[r]?.push(v)
    vertices.set(v.id, v)
  }
  for (const id of graph.order) {
    const label = labels.get(id) ?? id
    add({ id, label, dummy: false, width: label.length + 4, x: 0, order: 0 }, rank.get(id) ?? 0)
  }
  // edges between adjacent layers, through dummy vertices for long edges
  const down = new Map<string, string[]>()
  const up = new Map<string, string[]>()
  const link = (a: string, b: string) => {
    down.set(a, [...(down.get(a) ?? []), b])
    up.set(b, [...(up.get(b) ?? []), a])
  }
  for (const id of graph.order) {
    for (const d of graph.downstream.get(id) ?? []) {
      let prev = id
      for (let r = (rank.get(id) ?? 0) + 1; r < (rank.get(d) ?? 0); r++) {
        const dummyId = `\0${id}\0${d}\0${r}`
        add({ id: dummyId, label: '', dummy: true, width: 1, x: 0, order: 0 }, r)
        link(prev, dummyId)
        prev = dummyId
      }
      link(prev, d)
    }
  }
  // order each layer by the mean position of its neighbours, sweeping down and up
  const bary = (v: Vertex, nbrs: Map<string, string[]>) => {
    const ns = (nbrs.get(v.id) ?? []).map((n) => vertices.get(n)?.order ?? 0)
    return ns.length === 0 ? v.order : ns.reduce((a, b) => a + b, 0) / ns.length
  }
  for (let pass = 0; pass < 4; pass++) {
    const sweep = pass % 2 === 0 ? layers.slice(1) : layers.slice(0, -1).reverse()
    for (const layer of sweep) {
      const keys = new Map(layer.map((v) => [v, bary(v, pass % 2 === 0 ? up : down)]))
      layer.sort((a, b) => (keys.get(a) ?? 0) - (keys.get(b) ?? 0))
      layer.forEach((v, i) => {
        v.order = i
      })
    }
  }
  // x positions: pack each layer, centre it
  const gap = 2
  const widths = layers.map((l) => l.reduce((a, v) => a + v.width, 0) + gap * Math.max(0, l.length - 1))
  const total = Math.max(...widths)
  layers.forEach((layer, r) => {
    let x = Math.floor((total - (widths[r] ?? 0)) / 2)
    for (const v of layer) {
      v.x = x
      x += v.width + gap
    }
  })
  const cx = (v: Vertex) => v.x + Math.floor(v.width / 2)

  const canvas: string[][] = []
  const put = (row: number, col: number, ch: string) => {
    while (canvas.length <= row) canvas.push([])
    const line = canvas[row] as string[]
    while (line.length <= col) line.push(' ')
    const old = line[col]
    if ((ch === '|' && old === '-') || (ch === '-' && old === '|') || old === '+') line[col] = '+'
    else line[col] = ch
  }
  let y = 0
  layers.forEach((layer, r) => {
    for (const v of layer) {
      if (v.dummy) {
        for (let i = 0; i < 3; i++) put(y + i, v.x, '|')
        continue
      }
      const border = `+${'-'.repeat(v.width - 2)}+`
      const text = (row: number, s: string) => {
        for (let i = 0; i < s.length; i++) put(row, v.x + i, s[i] as string)
      }
      text(y, border)
      text(y + 1, `| ${v.label} |`)
      text(y + 2, border)
    }
    y += 3
    if (r === layers.length - 1) return
    const parents = layer.filter((v) => (down.get(v.id) ?? []).length > 0)
    const kidsOf = (p: Vertex) => (down.get(p.id) ?? []).map((c) => vertices.get(c) as Vertex)
    const straight = (p: Vertex) => kidsOf(p).every((k) => cx(k) === cx(p))
    const bent = parents.filter((p) => !straight(p))
    const gapRows = bent.length + 2
    for (const p of parents.filter(straight)) {
      for (let row = y; row < y + gapRows; row++)
        put(row, cx(p), row === y + gapRows - 1 && !kidsOf(p)[0]?.dummy ? 'v' : '|')
    }
    bent.forEach((p, k) => {
      const hrow = y + 1 + k
      const px = cx(p)
      for (let row = y; row < hrow; row++) put(row, px, '|')
      const kids = kidsOf(p)
      const xs = [px, ...kids.map(cx)]
      const lo = Math.min(...xs)
      const hi = Math.max(...xs)
      for (let col = lo; col <= hi; col++) put(hrow, col, '-')
      put(hrow, px, '+')
      for (const kid of kids) {
        const kx = cx(kid)
        put(hrow, kx, '+')
        for (let row = hrow + 1; row < y + gapRows; row++)
          put(row, kx, row === y + gapRows - 1 && !kid.dummy ? 'v' : '|')
      }
    })
    y += gapRows
  })
  return `${canvas.map((l) => l.join('').trimEnd()).join('\n')}\n`
}

/** The graph as a Mermaid flowchart (paste into Markdown, GitHub renders it). */
export function mermaidDag(graph: StageGraph, labels: ReadonlyMap<string, string> = new Map()): string {
  const ids = new Map(graph.order.map((id, i) => [id, `s${i}`]))
  const lines = ['flowchart TD']
  for (const id of graph.order)
    lines.push(`  ${ids.get(id)}["${(labels.get(id) ?? id).replaceAll('"', '#quot;')}"]`)
  for (const id of graph.order) {
    for (const d of graph.downstream.get(id) ?? []) lines.push(`  ${ids.get(id)} --> ${ids.get(d)}`)
  }
  return `${lines.join('\n')}\n`
}

/** The graph in Graphviz dot. */
export function dotDag(graph: StageGraph): string {
  const lines = ['digraph pipeline {', '  rankdir=TB;', '  node [shape=box];']
  for (const id of graph.order) lines.push(`  "${id}";`)
  for (const id of graph.order)
    for (const d of graph.downstream.get(id) ?? []) lines.push(`  "${id}" -> "${d}";`)
  lines.push('}')
  return `${lines.join('\n')}\n`
}
