import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { MONITORING_METRIC_NAMES } from '../../src/monitoring/index.js'
import { useBinary } from '../../src/monitoring/test-support/binaries.js'
import { parseServingConfig, ServingMetrics } from '../../src/serving/index.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const example = join(repo, 'examples', 'prediction-api')
const read = (path: string) => readFileSync(join(example, path), 'utf8')

/** Metric names a PromQL expression reads (identifiers with an underscore that are not functions or labels). */
function metricsIn(expr: string): string[] {
  const plain = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without)\s*\([^)]*\)/g, '')
  return [...plain.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter(
      (w) =>
        w.includes('_') && !w.startsWith('$') && !/^(histogram_quantile|clamp_min|label_values)$/.test(w),
    )
}

/** Every series `cairn serve` exports: its own metrics (histograms as _bucket/_sum/_count) and the monitors' gauges. */
async function exportedNames(): Promise<Set<string>> {
  const serving = new ServingMetrics({ processMetrics: false })
  const names = new Set<string>(MONITORING_METRIC_NAMES)
  for (const m of await serving.registry.getMetricsAsJSON()) {
    names.add(m.name)
    if (String(m.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`)
  }
  return names
}

describe('examples/prediction-api monitoring files', () => {
  const rules = parseYaml(read('monitoring/prediction-api-rules.yml')) as {
    groups: { rules: { record?: string; alert?: string; expr: string }[] }[]
  }
  const recorded = rules.groups.flatMap((g) => g.rules.map((r) => r.record).filter((r): r is string => !!r))

  it('serving.yaml serves both models and keeps the prediction log', () => {
    const config = parseServingConfig(parseYaml(read('serving.yaml')), 'serving.yaml')
    expect(config.models.map((m) => [m.name, m.uri])).toEqual([
      ['housing', 'models:/housing@champion'],
      ['iris', 'models:/iris@champion'],
    ])
    expect(config.predictionLog).toMatchObject({ sink: 'store' })
  })

  it('the Grafana dashboard validates and queries only metrics cairn serve exports', async () => {
    const dashboard = JSON.parse(read('monitoring/grafana/dashboards/prediction-api.json')) as {
      panels: {
        id: number
        gridPos: { x: number; y: number; w: number; h: number }
        targets?: { expr: string }[]
      }[]
      templating: { list: { name: string; query?: string | { query: string } }[] }
    }
    const ajv = new Ajv({ allErrors: true, strict: false })
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(repo, 'monitoring/grafana/dashboard.schema.json'), 'utf8')),
    )
    expect(validate(dashboard), JSON.stringify(validate.errors)).toBe(true)
    const ids = dashboard.panels.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    const cells = new Set<string>()
    for (const p of dashboard.panels)
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `panel ${p.id} overlaps at ${x},${y}`).toBe(false)
          cells.add(`${x},${y}`)
        }
    const known = await exportedNames()
    const exprs = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
    ]
    expect(exprs.length).toBeGreaterThan(15)
    for (const expr of exprs)
      for (const m of metricsIn(expr)) expect([...known, ...recorded], `${expr}: ${m}`).toContain(m)
    const variables = new Set(dashboard.templating.list.map((v) => v.name))
    for (const expr of exprs) for (const v of expr.matchAll(/\$([a-z_]+)/g)) expect(variables).toContain(v[1])
  })

  const promtool = useBinary('/usr/bin/promtool', 'prometheus', { requiredOnCi: true })
  it.skipIf(promtool.skip)(
    'promtool accepts the scrape config (with the shipped rules) and the alert rules pass their tests',
    () => {
      const run = (...args: string[]) =>
        execFileSync(promtool.path, args, { cwd: join(example, 'monitoring'), encoding: 'utf8' })
      const config = run('check', 'config', 'prometheus.yml')
      expect(config).toMatch(/SUCCESS: 2 rule files found/)
      expect(config).toMatch(/cairn-monitoring-rules\.yml/)
      expect(run('check', 'rules', 'prediction-api-rules.yml')).toMatch(/SUCCESS: 6 rules found/)
      expect(run('test', 'rules', 'prediction-api-rules.test.yml')).toMatch(/SUCCESS/)
    },
  )
})
