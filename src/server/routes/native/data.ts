import { CairnError } from '../../../core/index.js'
import type { DataService, DatasetVersion } from '../../../data/index.js'
import type { RoutePlugin } from '../../context.js'
import { numberQuery } from './request.js'

const tags = ['Data']
const doc = (summary: string) => ({ schema: { summary, tags } })

/** A value DuckDB returned, as JSON can carry it. */
function jsonCell(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString()
  if (typeof v === 'number' && !Number.isFinite(v)) return null
  if (v instanceof Uint8Array) return `<${v.length} bytes>`
  if (Array.isArray(v)) return v.map(jsonCell)
  if (v !== null && typeof v === 'object') {
    const s = (v as { toString(): string }).toString()
    return s === '[object Object]' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) : s
  }
  return v
}

/** A version without its profile (lists stay small). */
function brief(v: DatasetVersion): Omit<DatasetVersion, 'profile'> & { hasProfile: boolean } {
  const { profile, ...rest } = v
  return { ...rest, hasProfile: profile !== undefined }
}

/**
 * The data layer over HTTP, read-only: datasets, their versions (schema, profile, partitions,
 * lineage, validation summary) and pages of a version's rows (the quarantined rows of a failed
 * validation are a dataset too, `<name>.quarantine`).
 */
export const nativeDataRoutes: RoutePlugin = {
  name: 'native-data',
  register(app, ctx) {
    let service: Promise<DataService> | undefined
    const data = (): Promise<DataService> => {
      service ??= import('../../../data/index.js').then((d) =>
        d.createDataService({ metadata: ctx.metadata, artifacts: ctx.artifacts }),
      )
      service.catch(() => {
        service = undefined
      })
      return service
    }
    app.addHook('onClose', async () => {
      const s = service ? await service.catch(() => undefined) : undefined
      await s?.close()
    })
    type N = { name: string }
    type V = { name: string; version: string }

    app.get('/api/v1/datasets', doc('Every dataset with its latest version'), async () => ({
      items: await (await data()).list(),
    }))
    app.get<{ Params: N }>(
      '/api/v1/datasets/:name/versions',
      doc("A dataset's versions, newest first"),
      async (req) => {
        const d = await data()
        const latest = await d.show(req.params.name)
        const limit = numberQuery(req, 'limit')
        const items = await d.versions(latest.name, limit !== undefined ? { limit } : {})
        return { items: items.map(brief) }
      },
    )
    app.get<{ Params: V }>(
      '/api/v1/datasets/:name/versions/:version',
      doc('A dataset version: schema, profile, partitions, lineage, validation'),
      async (req) => (await data()).show(`${req.params.name}@${req.params.version}`),
    )
    app.get<{ Params: V }>(
      '/api/v1/datasets/:name/versions/:version/rows',
      doc("A page of a version's rows"),
      async (req) => {
        const limit = Math.min(1000, Math.max(1, numberQuery(req, 'limit') ?? 50))
        const offset = Math.max(0, numberQuery(req, 'offset') ?? 0)
        const d = await data()
        const view = await d.datasets.view(`${req.params.name}@${req.params.version}`)
        const { quoteIdent } = await import('../../../data/index.js')
        try {
          const rows = await d.engine.rows(
            `SELECT * FROM ${quoteIdent(view.name)} LIMIT ${limit} OFFSET ${offset}`,
          )
          const columns = view.schema.columns.map((c) => ({ name: c.name, type: c.type }))
          return {
            name: view.version.name,
            version: view.version.version,
            total: view.version.rowCount,
            offset,
            columns,
            rows: rows.map((r) => columns.map((c) => jsonCell(r[c.name]))),
          }
        } finally {
          await d.engine.run(`DROP VIEW IF EXISTS ${quoteIdent(view.name)}`).catch(() => undefined)
        }
      },
    )
    app.get<{ Params: V }>(
      '/api/v1/datasets/:name/versions/:version/diff',
      doc('Schema and statistics changes from another version (?from=)'),
      async (req) => {
        const from = (req.query as { from?: string }).from
        if (!from) throw new CairnError('CAIRN_INVALID_ARGUMENT', 'The query parameter "from" is required')
        return (await data()).diff(`${req.params.name}@${from}`, `${req.params.name}@${req.params.version}`)
      },
    )
  },
}
