import type { Command } from 'commander'
import pc from 'picocolors'
import { CairnError } from '../../core/index.js'
import type { Cairn } from '../../sdk/index.js'
import type { Run, SearchRunsOptions } from '../../tracking/index.js'
import { formatCell, formatTime, printJson, printRecord, printRows, type TableColumn } from '../output.js'
import type { CommandRegistrar } from '../program.js'
import { collect, findExperiment, withCairn } from './experiments.js'

const STATUS_COLOR: Record<string, (s: string) => string> = {
  FINISHED: pc.green,
  FAILED: pc.red,
  KILLED: pc.yellow,
  RUNNING: pc.cyan,
  SCHEDULED: pc.dim,
}

function duration(run: Run): string | undefined {
  if (run.info.endTime === null) return undefined
  const s = (run.info.endTime - run.info.startTime) / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`
  return `${Math.floor(s / 3600)}h${Math.round((s % 3600) / 60)}m`
}

/** Metric keys worth a column: those ordered by first, then the most common, at most `max`. */
function metricColumns(runs: Run[], orderBy: string[], max = 5): string[] {
  const keys: string[] = []
  for (const clause of orderBy) {
    const m = /^\s*metrics?\.(`[^`]+`|"[^"]+"|\S+)/i.exec(clause)
    if (m?.[1]) keys.push(m[1].replace(/^[`"]|[`"]$/g, ''))
  }
  const freq = new Map<string, number>()
  for (const r of runs) for (const k of Object.keys(r.data.metrics)) freq.set(k, (freq.get(k) ?? 0) + 1)
  for (const [k] of [...freq].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    if (!keys.includes(k)) keys.push(k)
  return keys.slice(0, max)
}

function printRuns(runs: Run[], orderBy: string[], json: boolean | undefined, nextPageToken?: string): void {
  if (json) {
    printJson(nextPageToken ? { runs, nextPageToken } : runs)
    return
  }
  const metrics = metricColumns(runs, orderBy)
  const columns: TableColumn<Run>[] = [
    { header: 'run id', value: (r) => r.info.runId.slice(0, 12) },
    { header: 'name', value: (r) => r.info.runName },
    { header: 'status', value: (r) => (STATUS_COLOR[r.info.status] ?? String)(r.info.status) },
    { header: 'started', value: (r) => formatTime(r.info.startTime) },
    { header: 'took', value: duration, align: 'right' },
    ...metrics.map(
      (k): TableColumn<Run> => ({ header: k, value: (r) => r.data.metrics[k]?.value, align: 'right' }),
    ),
  ]
  printRows(runs, columns, { empty: 'No runs match.' })
  if (nextPageToken) process.stdout.write(pc.dim(`More runs: add --page-token ${nextPageToken}\n`))
}

/** A run by full id or unique prefix. */
export async function findRun(cairn: Cairn, idOrPrefix: string): Promise<Run> {
  if (/^[0-9a-f]{32}$/.test(idOrPrefix)) return cairn.tracking.getRun(idOrPrefix)
  if (!/^[0-9a-f]{4,31}$/.test(idOrPrefix))
    throw new CairnError('CAIRN_RUN_NOT_FOUND', `"${idOrPrefix}" is not a run id`, {
      hint: 'Give the run id or at least its first 4 characters (see cairn runs list)',
    })
  const page = await cairn.tracking.searchRuns({
    experimentIds: [],
    filter: `attributes.run_id LIKE '${idOrPrefix}%'`,
    viewType: 'ALL',
    maxResults: 2,
  })
  if (page.items.length === 0)
    throw new CairnError('CAIRN_RUN_NOT_FOUND', `No run id starts with "${idOrPrefix}"`)
  if (page.items.length > 1)
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `Several runs start with "${idOrPrefix}"`, {
      hint: 'Give more characters of the run id',
    })
  return page.items[0]!
}

async function experimentIds(cairn: Cairn, names: string[] | undefined): Promise<string[]> {
  const ids: string[] = []
  for (const n of names ?? []) ids.push((await findExperiment(cairn, n)).experimentId)
  return ids
}

interface SearchFlags {
  experiment?: string[]
  filter?: string
  orderBy?: string[]
  max: number
  pageToken?: string
  all?: boolean
  deleted?: boolean
  json?: boolean
}

async function search(flags: SearchFlags, cmd: Command): Promise<void> {
  await withCairn(cmd, async (cairn) => {
    const orderBy = flags.orderBy ?? []
    const options: SearchRunsOptions = {
      experimentIds: await experimentIds(cairn, flags.experiment),
      ...(flags.filter ? { filter: flags.filter } : {}),
      ...(orderBy.length ? { orderBy } : {}),
      maxResults: flags.max,
      ...(flags.pageToken ? { pageToken: flags.pageToken } : {}),
      viewType: flags.all ? 'ALL' : flags.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
    }
    const page = await cairn.tracking.searchRuns(options)
    printRuns(page.items, orderBy, flags.json, page.nextPageToken)
  })
}

function searchOptions(cmd: Command, withFilter: boolean): Command {
  cmd.option('-e, --experiment <name-or-id>', 'only this experiment (repeatable; default: all)', collect)
  if (withFilter)
    cmd
      .option('--filter <expr>', 'MLflow filter, e.g. "metrics.rmse < 50000 and params.model = \'gbdt\'"')
      .option('--order-by <clause>', 'e.g. "metrics.rmse ASC" (repeatable)', collect)
  return cmd
    .option('--max <n>', 'at most this many runs', (v) => Number(v), 100)
    .option('--page-token <token>', 'continue a previous listing')
    .option('--all', 'include deleted runs')
    .option('--deleted', 'only deleted runs')
    .option('--json', 'print JSON')
}

/** `cairn runs list|search|show|delete|restore`. */
export const registerRuns: CommandRegistrar = (program) => {
  const runs = program.command('runs').description('Tracked runs: params, metrics, tags and artifacts')

  searchOptions(runs.command('list').description('List runs, newest first'), false).action(
    async (flags: SearchFlags, cmd: Command) => search(flags, cmd),
  )

  searchOptions(
    runs
      .command('search')
      .description('Search runs with the MLflow filter grammar')
      .addHelpText(
        'after',
        `
Examples:
  cairn runs search --filter "metrics.rmse < 50000 and params.model = 'gbdt'" --order-by "metrics.rmse ASC"
  cairn runs search -e housing --filter "tags.team LIKE 'ml%' and attributes.status = 'FINISHED'"
  cairn runs search --filter "datasets.name = 'adult' and (params.depth = '6' or params.depth = '8')"`,
      ),
    true,
  ).action(async (flags: SearchFlags, cmd: Command) => search(flags, cmd))

  runs
    .command('show <run>')
    .description('Show one run (by id or id prefix): info, params, latest metrics, tags, artifacts')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const run = await findRun(cairn, id)
        const artifacts = await cairn.tracking.listArtifacts(run.info.runId).catch(() => [])
        if (flags.json) {
          printJson({ ...run, artifacts })
          return
        }
        const exp = await cairn.tracking.getExperiment(run.info.experimentId).catch(() => undefined)
        printRecord({
          'run id': run.info.runId,
          name: run.info.runName,
          experiment: exp ? `${exp.name} (${exp.experimentId})` : run.info.experimentId,
          status: run.info.status,
          user: run.info.userId,
          started: formatTime(run.info.startTime),
          ended: run.info.endTime === null ? undefined : formatTime(run.info.endTime),
          duration: duration(run),
          artifacts: run.info.artifactUri,
          ...(run.info.lifecycleStage === 'deleted' ? { lifecycle: 'deleted' } : {}),
        })
        const section = (title: string) => process.stdout.write(`\n${pc.bold(title)}\n`)
        const params = Object.entries(run.data.params).sort(([a], [b]) => a.localeCompare(b))
        if (params.length) {
          section('Params')
          printRows(params, [
            { header: 'key', value: ([k]) => k },
            { header: 'value', value: ([, v]) => v },
          ])
        }
        const metrics = Object.values(run.data.metrics).sort((a, b) => a.key.localeCompare(b.key))
        if (metrics.length) {
          section('Metrics (latest)')
          printRows(metrics, [
            { header: 'key', value: (m) => m.key },
            { header: 'value', value: (m) => formatCell(m.value), align: 'right' },
            { header: 'step', value: (m) => m.step, align: 'right' },
          ])
        }
        const tags = Object.entries(run.data.tags).sort(([a], [b]) => a.localeCompare(b))
        if (tags.length) {
          section('Tags')
          printRows(tags, [
            { header: 'key', value: ([k]) => k },
            { header: 'value', value: ([, v]) => (v.length > 80 ? `${v.slice(0, 77)}…` : v) },
          ])
        }
        if (run.inputs.datasetInputs.length) {
          section('Datasets')
          printRows(run.inputs.datasetInputs, [
            { header: 'name', value: (d) => d.dataset.name },
            { header: 'digest', value: (d) => d.dataset.digest },
            { header: 'context', value: (d) => d.tags['mlflow.data.context'] },
            { header: 'source', value: (d) => d.dataset.source },
          ])
        }
        if (artifacts.length) {
          section('Artifacts')
          printRows(artifacts, [
            { header: 'path', value: (a) => (a.isDir ? `${a.path}/` : a.path) },
            { header: 'bytes', value: (a) => a.size, align: 'right' },
          ])
        }
      }),
    )

  runs
    .command('delete <run>')
    .description('Move a run to the trash')
    .action(async (id: string, _flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const run = await findRun(cairn, id)
        await cairn.tracking.deleteRun(run.info.runId)
        process.stdout.write(
          `Deleted run ${run.info.runId}; undo with: cairn runs restore ${run.info.runId}\n`,
        )
      }),
    )

  runs
    .command('restore <run>')
    .description('Restore a deleted run')
    .action(async (id: string, _flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const run = await findRun(cairn, id)
        await cairn.tracking.restoreRun(run.info.runId)
        process.stdout.write(`Restored run ${run.info.runId}\n`)
      }),
    )
}
