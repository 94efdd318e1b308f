// Simulated clients: send held-out rows (validation and test splits, shuffled; iris flowers with a
// little measurement noise, as there are only 46) to both models of a running `cairn serve`, one
// request per row, then send the true labels for a share of them to POST /v1/feedback.
//   npx tsx scripts/traffic.ts [--url http://127.0.0.1:8080] [--rows 200] [--feedback 0.8] [--shift]
// --shift makes the inputs drift (richer districts, longer petals) to see the monitors react.
import { parseArgs } from 'node:util'
import { DataEngine, ingestSource } from 'cairn/data'
import { HOUSING, IRIS, type ModelTask, splitPath } from '../src/lib/datasets.js'

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    rows: { type: 'string', default: '200' },
    feedback: { type: 'string', default: '0.8' },
    concurrency: { type: 'string', default: '8' },
    shift: { type: 'boolean', default: false },
  },
})
const base = (args.url as string).replace(/\/$/, '')
const wanted = Number(args.rows)
const feedbackShare = Number(args.feedback)

function shifted(task: ModelTask, row: Record<string, unknown>): Record<string, unknown> {
  if (!args.shift) return row
  if (task.name === 'housing')
    return {
      ...row,
      median_income: (row.median_income as number) * 1.8,
      housing_median_age: Math.min(52, (row.housing_median_age as number) + 15),
    }
  return {
    ...row,
    petal_length: (row.petal_length as number) + 1.5,
    petal_width: (row.petal_width as number) + 0.6,
  }
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const answer = (await res.json()) as Record<string, unknown>
  if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${JSON.stringify(answer)}`)
  return answer
}

/** A seeded generator (mulberry32), so every run sends the same rows. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = random(20261122)

async function heldOutRows(engine: DataEngine, task: ModelTask): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = []
  for (const split of ['valid', 'test'] as const) {
    const table = await ingestSource(engine, splitPath(task, split), { cacheDir: '.cairn/downloads' })
    try {
      rows.push(...((await table.toRows()) as Record<string, unknown>[]))
    } finally {
      await table.drop()
    }
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[rows[i], rows[j]] = [rows[j] as Record<string, unknown>, rows[i] as Record<string, unknown>]
  }
  return rows
}

/** Iris rows get ±0.1 cm of noise: 46 flowers sent over and over would look like drift. */
function jittered(task: ModelTask, row: Record<string, unknown>): Record<string, unknown> {
  if (task.name !== 'iris') return row
  const out = { ...row }
  for (const f of task.features) {
    const v = (row[f] as number) + (rand() - 0.5) * 0.2
    out[f] = Math.max(0.1, Math.round(v * 10) / 10)
  }
  return out
}

async function drive(task: ModelTask, rows: Record<string, unknown>[]): Promise<void> {
  const n = wanted
  const labels: { predictionId: string; label: number | string }[] = []
  const versions = new Map<string, number>()
  let next = 0
  let sqErr = 0
  let correct = 0
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const row = jittered(task, rows[i % rows.length] as Record<string, unknown>)
      const { [task.target]: truth, ...features } = row
      const answer = await post(`/v1/models/${task.name}/predict`, shifted(task, features))
      const p = (answer.predictions as { id: string; prediction: number | string }[])[0]
      if (!p) throw new Error(`no prediction in ${JSON.stringify(answer)}`)
      versions.set(String(answer.version), (versions.get(String(answer.version)) ?? 0) + 1)
      if (typeof p.prediction === 'number') sqErr += (p.prediction - (truth as number)) ** 2
      else if (p.prediction === truth) correct++
      if ((i * 0.618034) % 1 < feedbackShare)
        labels.push({ predictionId: p.id, label: truth as number | string })
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Number(args.concurrency)) }, worker))
  for (let i = 0; i < labels.length; i += 100)
    await post('/v1/feedback', { feedback: labels.slice(i, i + 100) })
  const quality =
    task.name === 'housing'
      ? `rmse ${Math.sqrt(sqErr / n).toFixed(0)}`
      : `accuracy ${(correct / n).toFixed(3)}`
  const by = [...versions].map(([v, k]) => `v${v}: ${k}`).join(', ')
  console.log(
    `${task.name}: ${n} predictions (${by}), ${labels.length} labels sent to /v1/feedback; ${quality}${args.shift ? ' (shifted inputs)' : ''}`,
  )
}

const engine = await DataEngine.create()
try {
  for (const task of [HOUSING, IRIS]) await drive(task, await heldOutRows(engine, task))
} finally {
  await engine.close()
}
