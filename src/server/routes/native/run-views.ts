import { sql } from 'kysely'
import { CairnError } from '../../../core/index.js'
import type { Db } from '../../../store/index.js'
import { SYSTEM_TAGS } from '../../../tracking/index.js'
import type { RoutePlugin } from '../../context.js'
import { previewArtifact } from './artifact-preview.js'
import { body, numberQuery, stringQuery, versionParam } from './request.js'

const tags = ['Tracking']
const doc = (summary: string) => ({ schema: { summary, tags } })

/** A metric's values over steps (or time), downsampled on the server. */
export interface MetricSeries {
  runId: string
  key: string
  /** What `x` holds: steps, or timestamps in ms. */
  x: 'step' | 'time'
  /** Values stored in the requested range. */
  total: number
  /** True when points are bucket means with their min/max envelope. */
  downsampled: boolean
  xs: number[]
  /** null for NaN values. */
  ys: (number | null)[]
  /** Per-bucket extremes (only when downsampled). */
  mins?: number[]
  maxs?: number[]
}

export interface MetricSeriesRequest {
  runIds: string[]
  keys: string[]
  /** Points per series at most (default 1000, 10–100,000). */
  maxPoints?: number
  x?: 'step' | 'time'
  /** Range of x to read (inclusive), for zooming. */
  from?: number
  to?: number
}

/**
 * Read one metric's history, downsampled in SQL when it holds more than `maxPoints` values: the
 * x range is cut into equal buckets and each gives its mean with the min and max, so spikes stay
 * visible at any zoom.
 */
export async function readMetricSeries(
  db: Db,
  runId: string,
  key: string,
  o: { maxPoints: number; x: 'step' | 'time'; from?: number; to?: number },
): Promise<MetricSeries> {
  const col = o.x === 'step' ? 'step' : 'timestamp'
  let q = db.selectFrom('metrics').where('run_uuid', '=', runId).where('key', '=', key)
  if (o.from !== undefined) q = q.where(col, '>=', Math.floor(o.from))
  if (o.to !== undefined) q = q.where(col, '<=', Math.ceil(o.to))
  const stats = await q
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min(col).as('lo'), eb.fn.max(col).as('hi')])
    .executeTakeFirstOrThrow()
  const total = Number(stats.n)
  const base = { runId, key, x: o.x, total }
  if (total === 0) return { ...base, downsampled: false, xs: [], ys: [] }
  const lo = Number(stats.lo)
  const hi = Number(stats.hi)
  if (total <= o.maxPoints || hi === lo) {
    const rows = await q
      .select(['step', 'timestamp', 'value', 'is_nan'])
      .orderBy(col)
      .orderBy(o.x === 'step' ? 'timestamp' : 'step')
      .limit(o.maxPoints * 4)
      .execute()
    return {
      ...base,
      downsampled: rows.length < total,
      xs: rows.map((r) => Number(o.x === 'step' ? r.step : r.timestamp)),
      ys: rows.map((r) => (Number(r.is_nan) === 1 ? null : Number(r.value))),
    }
  }
  const width = Math.max(1, Math.ceil((hi - lo + 1) / o.maxPoints))
  const bucket = sql<number>`cast((${sql.ref(col)} - ${sql.lit(Math.trunc(lo))}) / ${sql.lit(width)} as bigint)`
  const rows = await q
    .where('is_nan', '=', 0)
    .select((eb) => [
      bucket.as('b'),
      eb.fn.min(col).as('x'),
      eb.fn.avg('value').as('y'),
      eb.fn.min('value').as('lo'),
      eb.fn.max('value').as('hi'),
    ])
    .groupBy(bucket)
    .orderBy(bucket)
    .execute()
  return {
    ...base,
    downsampled: true,
    xs: rows.map((r) => Number(r.x)),
    ys: rows.map((r) => Number(r.y)),
    mins: rows.map((r) => Number(r.lo)),
    maxs: rows.map((r) => Number(r.hi)),
  }
}

function finiteOrUndefined(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `"${name}" must be a number`)
  return v
}

/**
 * Views the web UI needs over tracking data: downsampled metric series for many runs at once,
 * the param/metric/tag keys of experiments (table columns), run counts per experiment, a run's
 * lineage, and artifact previews for runs and model versions.
 */
export const runViewRoutes: RoutePlugin = {
  name: 'native-run-views',
  register(app, ctx) {
    const t = ctx.tracking
    const db = ctx.metadata.db

    app.post(
      '/api/v1/runs/metric-series',
      doc('Metric histories, downsampled on the server'),
      async (req) => {
        const b = body<MetricSeriesRequest>(req)
        if (
          !Array.isArray(b.runIds) ||
          !Array.isArray(b.keys) ||
          b.runIds.length === 0 ||
          b.keys.length === 0
        )
          throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Give "runIds" and "keys" as non-empty lists')
        if (b.runIds.length * b.keys.length > 400)
          throw new CairnError('CAIRN_INVALID_ARGUMENT', 'At most 400 series (runs × keys) per request', {
            hint: 'Ask for fewer runs or metrics at a time',
          })
        const maxPoints = Math.min(100_000, Math.max(10, Math.floor(b.maxPoints ?? 1000)))
        const x = b.x === 'time' ? 'time' : 'step'
        const from = finiteOrUndefined(b.from, 'from')
        const to = finiteOrUndefined(b.to, 'to')
        const series: MetricSeries[] = []
        for (const runId of b.runIds) {
          const run = await db
            .selectFrom('runs')
            .select('run_uuid')
            .where('run_uuid', '=', String(runId))
            .executeTakeFirst()
          if (!run)
            throw new CairnError('CAIRN_RUN_NOT_FOUND', `Run "${runId}" not found`, { details: { runId } })
          for (const key of b.keys)
            series.push(
              await readMetricSeries(db, String(runId), String(key), {
                maxPoints,
                x,
                ...(from !== undefined ? { from } : {}),
                ...(to !== undefined ? { to } : {}),
              }),
            )
        }
        return { series }
      },
    )

    app.post(
      '/api/v1/runs/columns',
      doc('Param, metric and tag keys used by runs of experiments'),
      async (req) => {
        const { experimentIds } = body<{ experimentIds: string[] }>(req)
        if (!Array.isArray(experimentIds) || experimentIds.length === 0)
          throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Give "experimentIds" as a non-empty list')
        const ids = experimentIds.map(String)
        const keys = async (table: 'params' | 'latest_metrics' | 'tags') =>
          (
            await db
              .selectFrom(table)
              .innerJoin('runs', 'runs.run_uuid', `${table}.run_uuid`)
              .select(`${table}.key as key`)
              .distinct()
              .where('runs.experiment_id', 'in', ids)
              .where('runs.lifecycle_stage', '=', 'active')
              .orderBy('key')
              .limit(2000)
              .execute()
          ).map((r) => r.key)
        return {
          params: await keys('params'),
          metrics: await keys('latest_metrics'),
          tags: await keys('tags'),
        }
      },
    )

    app.get(
      '/api/v1/experiments/stats',
      doc('Active runs and the latest run start per experiment'),
      async () => {
        const rows = await db
          .selectFrom('runs')
          .select((eb) => ['experiment_id', eb.fn.countAll().as('runs'), eb.fn.max('start_time').as('last')])
          .where('lifecycle_stage', '=', 'active')
          .groupBy('experiment_id')
          .execute()
        return {
          items: rows.map((r) => ({
            experimentId: r.experiment_id,
            runs: Number(r.runs),
            lastRunTime: r.last === null ? null : Number(r.last),
          })),
        }
      },
    )

    app.get<{ Params: { id: string } }>(
      '/api/v1/runs/:id/lineage',
      doc('Where a run came from and what it produced'),
      async (req) => {
        const run = await t.getRun(req.params.id)
        const tagsOf = run.data.tags
        const parentId = tagsOf[SYSTEM_TAGS.parentRunId]
        const parent = parentId
          ? await t.getRun(parentId).then(
              (p) => ({ runId: p.info.runId, runName: p.info.runName, status: p.info.status }),
              () => ({ runId: parentId, runName: null, status: null, missing: true }),
            )
          : null
        const children = await t.searchRuns({
          experimentIds: [run.info.experimentId],
          filter: `tags.\`${SYSTEM_TAGS.parentRunId}\` = '${run.info.runId}'`,
          maxResults: 1000,
        })
        const models = await ctx.registry.searchModelVersions({
          filter: `run_id = '${run.info.runId}'`,
          maxResults: 200,
        })
        const stageRuns = await db
          .selectFrom('pipeline_stage_runs')
          .select(['run_id', 'pipeline', 'stage', 'status', 'stage_run_id', 'cache_hit', 'end_time'])
          .where('tracking_run_id', '=', run.info.runId)
          .orderBy('queued_time', 'desc')
          .limit(50)
          .execute()
          .catch(() => [])
        return {
          runId: run.info.runId,
          parent,
          children: children.items.map((c) => ({
            runId: c.info.runId,
            runName: c.info.runName,
            status: c.info.status,
            startTime: c.info.startTime,
            metrics: Object.fromEntries(Object.entries(c.data.metrics).map(([k, m]) => [k, m.value])),
          })),
          datasets: run.inputs.datasetInputs,
          modelVersions: models.items.map((v) => ({
            name: v.name,
            version: v.version,
            aliases: v.aliases,
            currentStage: v.currentStage,
            source: v.source,
          })),
          git: {
            commit: tagsOf[SYSTEM_TAGS.gitCommit] ?? null,
            branch: tagsOf[SYSTEM_TAGS.gitBranch] ?? null,
            repoUrl: tagsOf[SYSTEM_TAGS.gitRepoUrl] ?? null,
          },
          source: {
            name: tagsOf[SYSTEM_TAGS.sourceName] ?? null,
            type: tagsOf[SYSTEM_TAGS.sourceType] ?? null,
            command: tagsOf[SYSTEM_TAGS.command] ?? null,
            host: tagsOf[SYSTEM_TAGS.host] ?? null,
            user: run.info.userId || null,
          },
          pipelineStages: stageRuns.map((s) => ({
            pipelineRunId: s.run_id,
            pipeline: s.pipeline,
            stage: s.stage,
            status: s.status,
            stageRunId: s.stage_run_id,
            cacheHit: Number(s.cache_hit) === 1,
            endTime: s.end_time === null ? null : Number(s.end_time),
          })),
        }
      },
    )

    app.get<{ Params: { id: string } }>(
      '/api/v1/runs/:id/artifact-preview',
      doc("Preview of a run's artifact: text, JSON, CSV head, image, model manifest"),
      async (req) => previewArtifact(await t.runArtifacts(req.params.id), stringQuery(req, 'path') ?? ''),
    )
    app.get<{ Params: { name: string; version: string } }>(
      '/api/v1/models/:name/versions/:version/artifact-preview',
      { schema: { summary: "Preview of a model version's file", tags: ['Registry'] } },
      async (req) =>
        previewArtifact(
          await ctx.registry.modelVersionArtifacts(req.params.name, versionParam(req.params.version)),
          stringQuery(req, 'path') ?? '',
        ),
    )
    app.get('/api/v1/runs/recent', doc('The most recent runs of every experiment'), async (req) => {
      const limit = Math.min(200, Math.max(1, numberQuery(req, 'limit') ?? 10))
      const experiments = await db
        .selectFrom('experiments')
        .select('experiment_id')
        .where('lifecycle_stage', '=', 'active')
        .execute()
      if (experiments.length === 0) return { items: [] }
      const page = await t.searchRuns({
        experimentIds: experiments.map((e) => e.experiment_id),
        maxResults: limit,
        orderBy: ['start_time DESC'],
      })
      return {
        items: page.items.map((r) => ({
          runId: r.info.runId,
          runName: r.info.runName,
          experimentId: r.info.experimentId,
          status: r.info.status,
          startTime: r.info.startTime,
          endTime: r.info.endTime,
        })),
      }
    })
  },
}
