import { CairnError, loadProjectConfig, toCairnError } from '../../../core/index.js'
import type {
  PipelineDefinition,
  PipelineRunRecord,
  ProjectPipelines,
  RunEvent,
  StageRunRecord,
  StageSpec,
} from '../../../pipelines/index.js'
import type { RoutePlugin, ServerContext } from '../../context.js'
import { serverResolvers } from './pipeline-resolvers.js'
import { body, numberQuery, stringQuery } from './request.js'

const tags = ['Pipelines']
const doc = (summary: string) => ({ schema: { summary, tags } })

/** A run started from the API, followed live until it ends. */
interface LiveRun {
  runId: string | null
  pipeline: string
  startedAt: number
  endedAt: number | null
  ok: boolean | null
  stages: Record<string, string>
  output: string[]
  error: { code: string; message: string; hint?: string } | null
  /** Stages that were up to date (nothing is recorded for them). */
  summary: { stage: string; status: string }[]
}

const MAX_OUTPUT_LINES = 400

function describeCommand(s: StageSpec): string {
  const c = s.command
  if (c.kind === 'cmd') return c.cmd
  if (c.kind === 'module') return `${c.module}#${c.export}`
  return `function (${c.source})`
}

async function loadDefinitions(ctx: ServerContext): Promise<{
  root: string | null
  project?: ProjectPipelines
  error?: { code: string; message: string; hint?: string }
}> {
  try {
    const cwd = typeof ctx.options.cwd === 'string' ? ctx.options.cwd : undefined
    const config = await loadProjectConfig(cwd ? { cwd } : {})
    const { loadPipelines } = await import('../../../pipelines/index.js')
    const definitions = ctx.options.pipelines as Record<string, PipelineDefinition> | undefined
    const project = await loadPipelines({
      root: config.root,
      file: config.file,
      ...(definitions && Object.keys(definitions).length > 0 ? { definitions } : {}),
    })
    return { root: config.root, project }
  } catch (err) {
    const e = toCairnError(err)
    return { root: null, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } }
  }
}

/**
 * The graph of a pipeline the server cannot load (defined in code elsewhere) as cairn.lock last
 * recorded it: each stage's deps, outs and command kind; a stage depends on the stages whose
 * outputs it reads. Stages come in run order (upstream first).
 */
async function lockedGraph(
  root: string,
  pipeline: string,
): Promise<
  Map<
    string,
    {
      command: string
      deps: string[]
      outs: { path: string; role: string; cache: boolean }[]
      upstream: string[]
    }
  >
> {
  const { readLockFile } = await import('../../../pipelines/index.js')
  const stages = (await readLockFile(root).catch(() => undefined))?.get(pipeline)
  const out = new Map<
    string,
    {
      command: string
      deps: string[]
      outs: { path: string; role: string; cache: boolean }[]
      upstream: string[]
    }
  >()
  if (!stages) return out
  const covers = (a: string, b: string) => a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`)
  const entries = [...stages.entries()]
  const nodes = entries.map(([name, lock]) => {
    const deps = lock.deps.map((d) => ('path' in d ? d.path : d.uri))
    const upstream = entries
      .filter(([other, o]) => other !== name && o.outs.some((x) => deps.some((d) => covers(x.path, d))))
      .map(([other]) => other)
    return {
      name,
      command: lock.cmd ?? (lock.run === 'function' ? 'function (defined in TypeScript)' : (lock.run ?? '')),
      deps,
      outs: lock.outs.map((o) => ({ path: o.path, role: 'out', cache: true })),
      upstream,
    }
  })
  // run order: a stage after everything it reads from
  const placed = new Set<string>()
  while (placed.size < nodes.length) {
    const ready = nodes.filter((n) => !placed.has(n.name) && n.upstream.every((u) => placed.has(u)))
    for (const n of ready.length > 0 ? ready : nodes.filter((x) => !placed.has(x.name))) {
      placed.add(n.name)
      const { name, ...rest } = n
      out.set(name, rest)
    }
  }
  return out
}

function stageRunJson(s: StageRunRecord) {
  return s
}

/**
 * Pipelines over HTTP: the project's stage graphs with each stage's last recorded status and
 * cache hit, run history from the metadata store, stage logs, and `POST …/run` to start a run in
 * the server process (followed live through `GET /api/v1/pipelines/live/:id`).
 */
export const nativePipelineRoutes: RoutePlugin = {
  name: 'native-pipelines',
  register(app, ctx) {
    const db = ctx.metadata.db
    const live = new Map<string, LiveRun>()
    const running = new Map<string, AbortController>()
    app.addHook('onClose', async () => {
      for (const c of running.values()) c.abort(new Error('the server is stopping'))
    })

    const recentRuns = async (limit: number, pipeline?: string): Promise<PipelineRunRecord[]> => {
      const { RunRecords } = await import('../../../pipelines/index.js')
      const runs = await new RunRecords(ctx.metadata).listRuns({ limit: pipeline ? 1000 : limit })
      return (pipeline ? runs.filter((r) => r.pipeline.split(',').includes(pipeline)) : runs).slice(0, limit)
    }

    const lastStageRuns = async (pipeline: string) => {
      const rows = await db
        .selectFrom('pipeline_stage_runs')
        .selectAll()
        .where('pipeline', '=', pipeline)
        .orderBy('queued_time', 'desc')
        .limit(2000)
        .execute()
      const last = new Map<string, (typeof rows)[number]>()
      for (const r of rows) if (!last.has(r.stage)) last.set(r.stage, r)
      return [...last.values()].map((r) => ({
        stage: r.stage,
        status: r.status,
        cacheHit: Number(r.cache_hit) === 1,
        runId: r.run_id,
        stageRunId: r.stage_run_id,
        endTime: r.end_time === null ? null : Number(r.end_time),
        durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
        trackingRunId: r.tracking_run_id,
      }))
    }

    app.get(
      '/api/v1/pipelines',
      doc("The project's pipelines: stage graphs and each stage's last run"),
      async () => {
        const defs = await loadDefinitions(ctx)
        const recorded = await db.selectFrom('pipeline_stage_runs').select('pipeline').distinct().execute()
        const names = new Set<string>([
          ...(defs.project ? [...defs.project.pipelines.keys()] : []),
          ...recorded.map((r) => r.pipeline),
        ])
        const { pipelineGraph, stageId } = await import('../../../pipelines/index.js')
        const pipelines = []
        for (const name of [...names].sort()) {
          const spec = defs.project?.pipelines.get(name)
          const last = await lastStageRuns(name)
          const lastRun = (await recentRuns(1, name))[0] ?? null
          if (!spec) {
            const locked = defs.root ? await lockedGraph(defs.root, name) : new Map()
            const byStage = new Map(last.map((l) => [l.stage, l]))
            const order = [
              ...locked.keys(),
              ...last
                .map((l) => l.stage)
                .filter((n) => !locked.has(n))
                .reverse(),
            ]
            pipelines.push({
              name,
              defined: false,
              source: null,
              stages: order.map((stage) => ({
                id: stage,
                name: stage,
                upstream: [],
                ...locked.get(stage),
                last: byStage.get(stage) ?? null,
              })),
              lastRun,
            })
            continue
          }
          const graph = pipelineGraph(spec)
          const byName = new Map(last.map((l) => [l.stage, l]))
          pipelines.push({
            name,
            defined: true,
            source: spec.source,
            stages: graph.order.map((id) => {
              const s = graph.stages.get(id) as StageSpec
              return {
                id: stageId(s),
                name: s.name,
                command: describeCommand(s),
                deps: s.deps.map((d) => (d.kind === 'path' ? d.path : d.uri)),
                outs: s.outs.map((o) => ({ path: o.path, role: o.role, cache: o.cache })),
                params: s.params.map((p) => (p.key ? `${p.file}:${p.key}` : p.file)),
                upstream: (graph.upstream.get(id) ?? []).map((u) => {
                  const us = graph.stages.get(u)
                  return us ? stageId(us) : u
                }),
                frozen: s.frozen,
                desc: s.desc ?? null,
                last: byName.get(s.name) ?? null,
              }
            }),
            lastRun,
          })
        }
        return { root: defs.root, error: defs.error ?? null, pipelines }
      },
    )

    app.get('/api/v1/pipelines/runs', doc('Pipeline runs, newest first'), async (req) => {
      const limit = Math.min(500, Math.max(1, numberQuery(req, 'limit') ?? 50))
      return { items: await recentRuns(limit, stringQuery(req, 'pipeline')) }
    })

    app.get<{ Params: { runId: string } }>(
      '/api/v1/pipelines/runs/:runId',
      doc('A pipeline run and its stage runs'),
      async (req) => {
        const { RunRecords } = await import('../../../pipelines/index.js')
        const records = new RunRecords(ctx.metadata)
        const run = await records.getRun(req.params.runId)
        if (!run)
          throw new CairnError('CAIRN_NOT_FOUND', `Pipeline run "${req.params.runId}" not found`, {
            details: { runId: req.params.runId },
            hint: 'GET /api/v1/pipelines/runs lists recorded runs',
          })
        return { run, stages: (await records.listStageRuns(run.runId)).map(stageRunJson) }
      },
    )

    app.get<{ Params: { stageRunId: string } }>(
      '/api/v1/pipelines/stage-runs/:stageRunId/log',
      doc("A stage run's log (the stored log, else its tail)"),
      async (req, reply) => {
        const row = await db
          .selectFrom('pipeline_stage_runs')
          .select(['run_id', 'stage_run_id', 'log_tail', 'log_uri'])
          .where('stage_run_id', '=', req.params.stageRunId)
          .executeTakeFirst()
        if (!row)
          throw new CairnError('CAIRN_NOT_FOUND', `Stage run "${req.params.stageRunId}" not found`, {
            details: { stageRunId: req.params.stageRunId },
          })
        const path = `pipelines/logs/${row.run_id}/${row.stage_run_id}.log`
        let text: string | null = null
        let source = 'none'
        if (row.log_uri && (await ctx.artifacts.exists(path).catch(() => false))) {
          const buf = await ctx.artifacts.get(path)
          text = buf.subarray(Math.max(0, buf.length - 2 * 1024 * 1024)).toString('utf8')
          source = 'artifact'
        } else if (row.log_tail) {
          text = row.log_tail
          source = 'tail'
        }
        reply.header('x-cairn-log-source', source)
        return { stageRunId: row.stage_run_id, source, text: text ?? '' }
      },
    )

    app.post<{ Params: { name: string } }>(
      '/api/v1/pipelines/:name/run',
      doc('Start a run of a pipeline in the server (202; follow it at /api/v1/pipelines/live/:id)'),
      async (req, reply) => {
        const b = body<{ force?: boolean; targets?: string[] }>(req, {})
        const name = req.params.name
        if (running.has(name))
          throw new CairnError('CAIRN_CONFLICT', `Pipeline '${name}' is already running from this server`, {
            details: { pipeline: name },
            hint: 'Wait for it to finish (GET /api/v1/pipelines/live/<id>)',
          })
        const defs = await loadDefinitions(ctx)
        if (!defs.project) {
          throw new CairnError(
            'CAIRN_PIPELINE_NOT_FOUND',
            `The server could not load the project's pipelines: ${defs.error?.message ?? 'unknown error'}`,
            { hint: 'Start `cairn server` in the project folder (where cairn.yaml is)' },
          )
        }
        if (!defs.project.pipelines.has(name)) {
          throw new CairnError('CAIRN_PIPELINE_NOT_FOUND', `No pipeline named '${name}'`, {
            details: { pipeline: name, known: [...defs.project.pipelines.keys()] },
            hint: `Pipelines: ${[...defs.project.pipelines.keys()].join(', ') || '(none; add stages: to cairn.yaml)'}`,
          })
        }
        if (b.targets !== undefined && !Array.isArray(b.targets))
          throw new CairnError('CAIRN_INVALID_ARGUMENT', '"targets" must be a list of stage names')
        const p = await import('../../../pipelines/index.js')
        const { join } = await import('node:path')
        const liveId = `live-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
        const state: LiveRun = {
          runId: null,
          pipeline: name,
          startedAt: Date.now(),
          endedAt: null,
          ok: null,
          stages: {},
          output: [],
          error: null,
          summary: [],
        }
        live.set(liveId, state)
        while (live.size > 50) live.delete(live.keys().next().value as string)
        const controller = new AbortController()
        running.set(name, controller)
        const onEvent = (e: RunEvent) => {
          if (e.type === 'run-start') state.runId = e.runId
          else if (e.type === 'stage') state.stages[e.id] = e.state
          else if (e.type === 'output') {
            for (const line of e.text.split('\n')) if (line) state.output.push(`[${e.id}] ${line}`)
            if (state.output.length > MAX_OUTPUT_LINES)
              state.output.splice(0, state.output.length - MAX_OUTPUT_LINES)
          } else if (e.type === 'warning') state.output.push(`warning: ${e.message}`)
        }
        const started = new Promise<void>((resolve) => {
          const project = defs.project as ProjectPipelines
          const externals = serverResolvers(ctx, project.root)
          void p
            .runPipeline({
              project,
              stateDir: join(project.root, '.cairn'),
              pipeline: name,
              ...(b.targets?.length ? { targets: b.targets.map(String) } : {}),
              force: b.force === true,
              artifacts: ctx.artifacts,
              metadata: ctx.metadata,
              resolvers: externals.resolvers,
              trigger: 'api',
              recordUpToDate: true,
              projectName: project.root.split(/[\\/]/).pop() ?? 'cairn',
              signal: controller.signal,
              onEvent: (e) => {
                onEvent(e)
                if (e.type === 'run-start') resolve()
              },
            })
            .then(
              (r) => {
                state.ok = r.ok
                state.runId = r.runId
                state.summary = r.stages.map((s) => ({ stage: s.id, status: s.status }))
                if (r.error)
                  state.error = {
                    code: r.error.code,
                    message: r.error.message,
                    ...(r.error.hint ? { hint: r.error.hint } : {}),
                  }
              },
              (err: unknown) => {
                const e = toCairnError(err)
                state.ok = false
                state.error = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }
              },
            )
            .finally(async () => {
              await externals.close()
              state.endedAt = Date.now()
              running.delete(name)
              resolve()
            })
        })
        await started
        return reply.status(202).send({ id: liveId, ...state })
      },
    )

    app.get<{ Params: { id: string } }>(
      '/api/v1/pipelines/live/:id',
      doc('A run started from the API, as it goes'),
      async (req) => {
        const state = live.get(req.params.id)
        if (!state)
          throw new CairnError('CAIRN_NOT_FOUND', `No live pipeline run "${req.params.id}" on this server`, {
            hint: 'Runs started before the server restarted are in GET /api/v1/pipelines/runs',
          })
        return { id: req.params.id, ...state }
      },
    )
  },
}
