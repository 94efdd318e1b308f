import { type Command, InvalidArgumentError } from 'commander'
import pc from 'picocolors'
import type { Cairn } from '../../sdk/index.js'
import type { Experiment, ViewType } from '../../tracking/index.js'
import { formatTime, printJson, printRecord, printRows } from '../output.js'
import type { CommandRegistrar } from '../program.js'

interface GlobalFlags {
  trackingUri?: string
  artifactsUri?: string
}

/** Open the SDK with the global `--tracking-uri` / `--artifacts-uri` (embedded or remote). */
export async function openCairn(cmd: Command): Promise<Cairn> {
  const g = cmd.optsWithGlobals<GlobalFlags>()
  const { Cairn } = await import('../../sdk/index.js')
  return Cairn.open({
    ...(g.trackingUri ? { trackingUri: g.trackingUri } : {}),
    ...(g.artifactsUri ? { artifactsUri: g.artifactsUri } : {}),
  })
}

/** Run `fn` with an open Cairn, closing it afterwards. */
export async function withCairn<T>(cmd: Command, fn: (cairn: Cairn) => Promise<T>): Promise<T> {
  const cairn = await openCairn(cmd)
  try {
    return await fn(cairn)
  } finally {
    await cairn.close()
  }
}

/** Collect repeated `--tag key=value` options into a record. */
export function collectTag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=')
  if (eq <= 0) throw new InvalidArgumentError('expected key=value')
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) }
}

/** Collect a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** An experiment by id (all digits) or by name. */
export async function findExperiment(cairn: Cairn, idOrName: string): Promise<Experiment> {
  if (/^\d+$/.test(idOrName)) {
    try {
      return await cairn.tracking.getExperiment(idOrName)
    } catch {}
  }
  return cairn.tracking.getExperimentByName(idOrName)
}

function viewOf(flags: { all?: boolean; deleted?: boolean }): ViewType {
  return flags.all ? 'ALL' : flags.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY'
}

/** `cairn experiments list|create|rename|delete|restore`. */
export const registerExperiments: CommandRegistrar = (program) => {
  const experiments = program.command('experiments').description('Tracking experiments: named groups of runs')

  experiments
    .command('list')
    .description('List experiments')
    .option('--filter <expr>', "filter, e.g. \"name LIKE 'housing%' and tags.team = 'ml'\"")
    .option('--order-by <clause>', 'order, e.g. "name ASC" (repeatable)', collect)
    .option('--all', 'include deleted experiments')
    .option('--deleted', 'only deleted experiments')
    .option('--max <n>', 'at most this many', (v) => Number(v), 1000)
    .option('--json', 'print JSON')
    .action(async (flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const page = await cairn.tracking.searchExperiments({
          ...(flags.filter ? { filter: flags.filter } : {}),
          orderBy: flags.orderBy ?? ['experiment_id ASC'],
          viewType: viewOf(flags),
          maxResults: flags.max,
        })
        printRows(
          page.items,
          [
            { header: 'id', value: (e) => e.experimentId, align: 'right' },
            { header: 'name', value: (e) => e.name },
            { header: 'created', value: (e) => formatTime(e.creationTime) },
            ...(flags.all || flags.deleted
              ? [{ header: 'stage', value: (e: Experiment) => e.lifecycleStage }]
              : []),
            {
              header: 'tags',
              value: (e) =>
                Object.entries(e.tags)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || undefined,
            },
          ],
          { json: flags.json, empty: 'No experiments yet. Create one with: cairn experiments create <name>' },
        )
      }),
    )

  experiments
    .command('create <name>')
    .description('Create an experiment')
    .option('--tag <key=value>', 'a tag (repeatable)', collectTag)
    .option('--artifact-location <uri>', 'where its run artifacts go (default: the artifact store)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const exp = await cairn.tracking.createExperiment({
          name,
          ...(flags.tag ? { tags: flags.tag } : {}),
          ...(flags.artifactLocation ? { artifactLocation: flags.artifactLocation } : {}),
        })
        if (flags.json) printJson(exp)
        else {
          process.stdout.write(
            `${pc.green('Created')} experiment ${pc.bold(exp.name)} (id ${exp.experimentId})\n`,
          )
          printRecord({ id: exp.experimentId, name: exp.name, artifacts: exp.artifactLocation })
        }
      }),
    )

  experiments
    .command('rename <experiment> <new-name>')
    .description('Rename an experiment (by id or name)')
    .action(async (idOrName: string, newName: string, _flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const exp = await findExperiment(cairn, idOrName)
        await cairn.tracking.renameExperiment(exp.experimentId, newName)
        process.stdout.write(`Renamed experiment ${exp.experimentId}: ${exp.name} → ${pc.bold(newName)}\n`)
      }),
    )

  experiments
    .command('delete <experiment>')
    .description('Move an experiment and its runs to the trash (restore brings them back)')
    .action(async (idOrName: string, _flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const exp = await findExperiment(cairn, idOrName)
        await cairn.tracking.deleteExperiment(exp.experimentId)
        process.stdout.write(
          `Deleted experiment ${exp.name} (id ${exp.experimentId}); undo with: cairn experiments restore ${exp.experimentId}\n`,
        )
      }),
    )

  experiments
    .command('restore <experiment>')
    .description('Restore a deleted experiment and the runs deleted with it')
    .action(async (idOrName: string, _flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const exp = await findExperiment(cairn, idOrName)
        await cairn.tracking.restoreExperiment(exp.experimentId)
        process.stdout.write(`Restored experiment ${exp.name} (id ${exp.experimentId})\n`)
      }),
    )
}
