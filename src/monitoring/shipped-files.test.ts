import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { MONITORING_METRIC_NAMES } from './metrics/index.js'
import { useBinary } from './test-support/binaries.js'

const root = fileURLToPath(new URL('../../monitoring/', import.meta.url))
const read = (p: string) => readFileSync(`${root}${p}`, 'utf8')
const rulesFile = `${root}prometheus/cairn-monitoring-rules.yml`

const PROMQL_FUNCTIONS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'time',
  'rate',
  'increase',
  'label_values',
])

/** Metric names a PromQL expression reads (identifiers that are not functions, labels or keywords). */
function metricsIn(expr: string): string[] {
  const noStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without)\s*\([^)]*\)/g, '')
  return [...noStrings.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((w) => !PROMQL_FUNCTIONS.has(w) && w.includes('_') && !w.startsWith('$'))
}

const rules = parseYaml(read('prometheus/cairn-monitoring-rules.yml')) as {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[]
}
const recorded = new Set(
  rules.groups.flatMap((g) => g.rules.map((r) => r.record).filter((r): r is string => !!r)),
)
const known = new Set<string>([...MONITORING_METRIC_NAMES, ...recorded])

describe('metricsIn', () => {
  it('finds the metrics of an expression', () => {
    expect(metricsIn('max by (model, monitor) (cairn_dataset_drift{x="a_b"}) == 1')).toEqual([
      'cairn_dataset_drift',
    ])
    expect(metricsIn('time() - max by (model) (cairn_x_y) > 2 * 86400')).toEqual(['cairn_x_y'])
  })
})

describe('shipped Prometheus rules', () => {
  const promtool = useBinary('/usr/bin/promtool', 'prometheus', { requiredOnCi: true })

  it('only use metrics that Cairn exports', () => {
    for (const g of rules.groups)
      for (const r of g.rules)
        for (const m of metricsIn(r.expr)) expect(known, `${r.alert ?? r.record}: ${m}`).toContain(m)
  })

  it.skipIf(promtool.skip)('pass `promtool check rules` and the rule unit tests', () => {
    const check = execFileSync(promtool.path, ['check', 'rules', rulesFile], { encoding: 'utf8' })
    expect(check).toMatch(/SUCCESS: 7 rules found/)
    const unit = execFileSync(
      promtool.path,
      ['test', 'rules', `${root}prometheus/cairn-monitoring-rules.test.yml`],
      {
        encoding: 'utf8',
      },
    )
    expect(unit).toMatch(/SUCCESS/)
    const config = execFileSync(promtool.path, ['check', 'config', `${root}prometheus/prometheus.yml`], {
      encoding: 'utf8',
    })
    expect(config).toMatch(/is valid prometheus config file syntax/)
  })

  const amtool = useBinary('/usr/bin/amtool', 'prometheus-alertmanager')
  it.skipIf(amtool.skip)('ship an Alertmanager example that `amtool check-config` accepts', () => {
    expect(
      execFileSync(amtool.path, ['check-config', `${root}alertmanager/alertmanager.yml`], {
        encoding: 'utf8',
      }),
    ).toMatch(/SUCCESS/)
  })
})

describe('shipped Grafana dashboard and provisioning', () => {
  const dashboard = JSON.parse(read('grafana/dashboards/cairn-monitoring.json')) as {
    uid: string
    panels: {
      id: number
      type: string
      title: string
      gridPos: { x: number; y: number; w: number; h: number }
      targets?: { expr: string }[]
    }[]
    templating: { list: { name: string; query?: string | { query: string } }[] }
  }

  it('validates against the dashboard JSON schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false })
    const validate = ajv.compile(JSON.parse(read('grafana/dashboard.schema.json')))
    const ok = validate(dashboard)
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
    expect(
      validate({
        ...dashboard,
        panels: [{ id: 1, type: 'stat', title: 'x', gridPos: { x: 0, y: 0, w: 30, h: 2 } }],
      }),
    ).toBe(false)
  })

  it('has unique panel ids, non-overlapping panels and queries on exported metrics only', () => {
    const ids = dashboard.panels.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    const cells = new Set<string>()
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24)
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false)
          cells.add(`${x},${y}`)
        }
    }
    const variables = new Set(dashboard.templating.list.map((v) => v.name))
    const exprs = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list
        .map((v) => (typeof v.query === 'object' ? v.query.query : ''))
        .filter((q) => q.includes('(')),
    ]
    expect(exprs.length).toBeGreaterThan(10)
    for (const expr of exprs) {
      for (const m of metricsIn(expr)) expect(known, `${expr}: ${m}`).toContain(m)
      for (const v of expr.matchAll(/\$([a-z_]+)/g)) expect(variables, expr).toContain(v[1])
    }
    for (const name of ['cairn_drift_score', 'cairn_dataset_drift', 'cairn_data_quality_failures']) {
      expect(
        exprs.some((e) => e.includes(name)),
        name,
      ).toBe(true)
    }
  })

  it('ships provisioning files Grafana accepts (apiVersion 1, a file provider, a Prometheus data source)', () => {
    const dashboards = z
      .strictObject({
        apiVersion: z.literal(1),
        providers: z
          .array(
            z.object({
              name: z.string(),
              type: z.literal('file'),
              options: z.object({ path: z.string().startsWith('/') }),
            }),
          )
          .min(1),
      })
      .parse(parseYaml(read('grafana/provisioning/dashboards/cairn.yml')))
    expect(dashboards.providers[0]?.name).toBe('cairn')
    const datasources = z
      .strictObject({
        apiVersion: z.literal(1),
        datasources: z
          .array(
            z.object({
              name: z.string(),
              type: z.literal('prometheus'),
              url: z.url(),
              access: z.enum(['proxy', 'direct']),
            }),
          )
          .min(1),
      })
      .parse(parseYaml(read('grafana/provisioning/datasources/prometheus.yml')))
    expect(datasources.datasources[0]?.name).toBe('Prometheus')
  })
})
