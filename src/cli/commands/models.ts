import { type Command, InvalidArgumentError } from 'commander'
import pc from 'picocolors'
import { CairnError } from '../../core/index.js'
import { MANIFEST_FILE, parseManifest } from '../../ml/index.js'
import type { ModelVersion } from '../../registry/index.js'
import { formatTime, printJson, printRecord, printRows, type TableColumn } from '../output.js'
import type { CommandRegistrar } from '../program.js'
import { collect, collectTag, withCairn } from './experiments.js'

function versionArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a version number (1, 2, …)')
  return Number(v)
}

const versionColumns: TableColumn<ModelVersion>[] = [
  { header: 'version', value: (v) => v.version, align: 'right' },
  {
    header: 'aliases',
    value: (v) => (v.aliases.length ? v.aliases.map((a) => `@${a}`).join(' ') : undefined),
  },
  { header: 'stage', value: (v) => (v.currentStage === 'None' ? undefined : v.currentStage) },
  { header: 'created', value: (v) => formatTime(v.creationTime) },
  { header: 'run', value: (v) => v.runId?.slice(0, 12) },
  { header: 'source', value: (v) => v.source },
]

/** `cairn models list|show|versions|register|promote|alias|history`. */
export const registerModels: CommandRegistrar = (program) => {
  const models = program
    .command('models')
    .description('The model registry: registered models, versions, aliases, stages')

  models
    .command('list')
    .description('List registered models')
    .option('--filter <expr>', 'e.g. "name LIKE \'housing%\'"')
    .option('--max <n>', 'at most this many', (v) => Number(v), 100)
    .option('--json', 'print JSON')
    .action(async (flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const page = await cairn.registry.searchRegisteredModels({
          ...(flags.filter ? { filter: flags.filter } : {}),
          maxResults: flags.max,
        })
        printRows(
          page.items,
          [
            { header: 'name', value: (m) => m.name },
            {
              header: 'latest',
              value: (m) => Math.max(0, ...m.latestVersions.map((v) => v.version)) || undefined,
              align: 'right',
            },
            {
              header: 'aliases',
              value: (m) =>
                Object.entries(m.aliases)
                  .map(([a, v]) => `@${a}→${v}`)
                  .join(' ') || undefined,
            },
            {
              header: 'stages',
              value: (m) =>
                m.latestVersions
                  .filter((v) => v.currentStage !== 'None' && v.currentStage !== 'Archived')
                  .map((v) => `${v.currentStage}→${v.version}`)
                  .join(' ') || undefined,
            },
            { header: 'updated', value: (m) => formatTime(m.lastUpdatedTime) },
            { header: 'description', value: (m) => m.description ?? undefined },
          ],
          { json: flags.json, empty: 'No registered models yet.' },
        )
      }),
    )

  models
    .command('show <name>')
    .description('Show a registered model with its versions and recent history')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const model = await cairn.registry.getRegisteredModel(name)
        const versions = await cairn.registry.searchModelVersions({
          filter: `name = '${name.replaceAll("'", "''")}'`,
        })
        const history = await cairn.registry.history(name, { limit: 10 })
        if (flags.json) {
          printJson({ ...model, versions: versions.items, history })
          return
        }
        printRecord({
          name: model.name,
          description: model.description ?? undefined,
          created: formatTime(model.creationTime),
          updated: formatTime(model.lastUpdatedTime),
          aliases:
            Object.entries(model.aliases)
              .map(([a, v]) => `@${a} → v${v}`)
              .join(', ') || undefined,
          tags:
            Object.entries(model.tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || undefined,
        })
        process.stdout.write(`\n${pc.bold('Versions')}\n`)
        printRows(versions.items, versionColumns, { empty: 'No versions yet.' })
        process.stdout.write(`\n${pc.bold('Recent history')}\n`)
        printHistory(history)
      }),
    )

  models
    .command('versions <name>')
    .description("List a model's versions, newest first")
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        await cairn.registry.getRegisteredModel(name)
        const page = await cairn.registry.searchModelVersions({
          filter: `name = '${name.replaceAll("'", "''")}'`,
        })
        printRows(page.items, versionColumns, {
          json: flags.json,
          empty: `Model ${name} has no versions yet.`,
        })
      }),
    )

  models
    .command('register <name>')
    .description('Register a model file as the next version of <name> (an ONNX graph: --onnx)')
    .requiredOption(
      '--onnx <file>',
      'an .onnx file (torch.onnx.export, skl2onnx, Cairn); its signature is read from the graph',
    )
    .option('-d, --description <text>', 'description of the version')
    .option('-t, --tag <key=value>', 'tag the version (repeatable)', collectTag)
    .option('-a, --alias <alias>', 'point this alias at the new version (repeatable)', collect)
    .option('-e, --experiment <name>', 'experiment of the run that records the import (default: Default)')
    .option('--run-id <id>', "store the bundle in this run's artifacts instead of a new run")
    .option('--feature-names <names>', 'one [N, F] input: the F column names, comma-separated', (v: string) =>
      v.split(',').map((x) => x.trim()),
    )
    .option(
      '--classes <labels>',
      'classifiers: class labels in probability order, comma-separated',
      (v: string) => v.split(',').map((x) => x.trim()),
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  cairn models register churn --onnx exports/churn.onnx --alias staging\n  cairn serve models:/churn@staging',
    )
    .action(async (name: string, flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const mv = await cairn.registry.registerOnnx(name, flags.onnx, {
          ...(flags.description !== undefined ? { description: flags.description } : {}),
          ...(flags.tag ? { tags: flags.tag } : {}),
          ...(flags.alias ? { aliases: flags.alias } : {}),
          ...(flags.experiment ? { experiment: flags.experiment } : {}),
          ...(flags.runId ? { runId: flags.runId } : {}),
          import: {
            ...(flags.featureNames ? { featureNames: flags.featureNames } : {}),
            ...(flags.classes ? { classes: flags.classes } : {}),
          },
        })
        if (flags.json) {
          printJson(mv)
          return
        }
        const files = await cairn.registry.modelVersionArtifacts(name, mv.version)
        const sig = parseManifest(JSON.parse((await files.get(MANIFEST_FILE)).toString('utf8'))).signature
        process.stdout.write(
          `${pc.green('Registered')} ${pc.bold(`${name} v${mv.version}`)} (onnx, ${sig.output.task}) from ${flags.onnx}\n` +
            `  inputs: ${sig.inputs.map((i) => `${i.name}:${i.type}`).join(', ')}\n` +
            `  run: ${mv.runId ?? '-'}\n  serve it with: cairn serve models:/${name}/${mv.version}\n`,
        )
      }),
    )

  models
    .command('promote <name> <version>')
    .description('Promote a version: point an alias at it and/or move it to a stage')
    .option('-a, --alias <alias>', 'point this alias at the version (repeatable), e.g. production', collect)
    .option('-s, --stage <stage>', 'move it to a legacy stage: Staging, Production, Archived, None')
    .option('--archive-existing', 'with --stage: archive the versions already in that stage')
    .option('-m, --comment <text>', 'why (kept in the history)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  cairn models promote housing 3 --alias production')
    .action(async (name: string, v: string, flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const version = versionArg(v)
        if (!flags.alias?.length && !flags.stage)
          throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Say where to promote the version', {
            hint: `cairn models promote ${name} ${version} --alias production   (or --stage Production)`,
          })
        for (const alias of flags.alias ?? [])
          await cairn.registry.setAlias(name, alias, version, flags.comment ? { comment: flags.comment } : {})
        if (flags.stage)
          await cairn.registry.transitionModelVersionStage(name, version, flags.stage, {
            archiveExistingVersions: Boolean(flags.archiveExisting),
            ...(flags.comment ? { comment: flags.comment } : {}),
          })
        const mv = await cairn.registry.getModelVersion(name, version)
        if (flags.json) printJson(mv)
        else
          process.stdout.write(
            `${pc.green('Promoted')} ${pc.bold(`${name} v${version}`)}${mv.aliases.length ? ` ${mv.aliases.map((a) => `@${a}`).join(' ')}` : ''}${mv.currentStage !== 'None' ? ` [${mv.currentStage}]` : ''}\n  serve it with: cairn serve models:/${name}${flags.alias?.[0] ? `@${flags.alias[0]}` : `/${version}`}\n`,
          )
      }),
    )

  models
    .command('alias <name> <alias> [version]')
    .description('Point an alias at a version, show where it points (no version), or --delete it')
    .option('-d, --delete', 'delete the alias')
    .option('-m, --comment <text>', 'why (kept in the history)')
    .option('--json', 'print JSON')
    .action(async (name: string, alias: string, v: string | undefined, flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const options = flags.comment ? { comment: flags.comment } : {}
        if (flags.delete) {
          await cairn.registry.deleteAlias(name, alias, options)
          process.stdout.write(`Deleted alias @${alias} of ${name}\n`)
          return
        }
        if (v !== undefined) await cairn.registry.setAlias(name, alias, versionArg(v), options)
        const mv = await cairn.registry.getModelVersionByAlias(name, alias)
        if (flags.json) printJson(mv)
        else
          process.stdout.write(
            `models:/${name}@${alias} → version ${pc.bold(String(mv.version))} (${mv.source})\n`,
          )
      }),
    )

  models
    .command('history <name>')
    .description("A model's history: versions, stage moves, alias changes, gate decisions")
    .option('--version <n>', 'only this version', versionArg)
    .option('--kind <kind>', 'only this kind of event (repeatable)', collect)
    .option('--limit <n>', 'at most this many', (x) => Number(x), 50)
    .option('--json', 'print JSON')
    .action(async (name: string, flags, cmd: Command) =>
      withCairn(cmd, async (cairn) => {
        const events = await cairn.registry.history(name, {
          limit: flags.limit,
          ...(flags.version ? { version: flags.version } : {}),
          ...(flags.kind ? { kinds: flags.kind } : {}),
        })
        if (flags.json) printJson(events)
        else printHistory(events)
      }),
    )
}

function printHistory(
  events: Awaited<ReturnType<import('../../registry/index.js').RegistryClient['history']>>,
): void {
  printRows(
    events,
    [
      { header: 'when', value: (e) => formatTime(e.timestamp) },
      { header: 'event', value: (e) => e.kind },
      { header: 'version', value: (e) => e.version ?? undefined, align: 'right' },
      {
        header: 'change',
        value: (e) => {
          const alias = typeof e.payload?.alias === 'string' ? `@${e.payload.alias} ` : ''
          return e.from !== null || e.to !== null
            ? `${alias}${e.from ?? '∅'} → ${e.to ?? '∅'}`
            : alias || undefined
        },
      },
      { header: 'by', value: (e) => e.userId ?? undefined },
      { header: 'comment', value: (e) => e.comment ?? undefined },
    ],
    { empty: 'No events.' },
  )
}
