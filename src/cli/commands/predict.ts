import { type Command, InvalidArgumentError } from 'commander'
import { scoreBatch } from '../../serving/index.js'
import { printJson, printRecord } from '../output.js'
import type { CommandRegistrar } from '../program.js'

interface PredictFlags {
  input: string
  output: string
  partition?: string
  keep?: string
  batchRows?: number
  json?: boolean
  trackingUri?: string
  artifactsUri?: string
}

/** `cairn predict`: batch scoring through DuckDB, predictions partitioned by date, with lineage. */
export const registerPredict: CommandRegistrar = (program: Command) => {
  program
    .command('predict')
    .description(
      'Score a dataset or files in batches and write the predictions partitioned by date, with lineage',
    )
    .argument('<model>', 'models:/name@alias, models:/name/3, runs:/<run>/<path> or a bundle folder')
    .requiredOption(
      '-i, --input <input>',
      'a dataset (name, name@version, name@2026-11-22) or files (CSV, Parquet, JSON, folder, glob, s3://)',
    )
    .requiredOption(
      '-o, --output <output>',
      'a folder or s3:// URI (Parquet under date=<partition>/), or dataset:<name>',
    )
    .option('--partition <name>', "the partition to write (default: today's date)")
    .option(
      '--keep <columns>',
      'input columns to copy next to the predictions: all (default), none, or a,b,c',
    )
    .option('--batch-rows <n>', 'rows per batch (default 65536)', (v) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number')
      return n
    })
    .option('--json', 'print the result as JSON')
    .action(async (model: string, _flags: PredictFlags, cmd: Command) => {
      const flags = cmd.optsWithGlobals<PredictFlags>()
      const keep =
        flags.keep === undefined || flags.keep === 'all'
          ? 'all'
          : flags.keep === 'none'
            ? 'none'
            : flags.keep
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
      const result = await scoreBatch({
        model,
        input: flags.input,
        output: flags.output,
        keep,
        ...(flags.partition ? { partition: flags.partition } : {}),
        ...(flags.batchRows ? { batchRows: flags.batchRows } : {}),
        ...(flags.trackingUri ? { trackingUri: flags.trackingUri } : {}),
        ...(flags.artifactsUri ? { artifactsUri: flags.artifactsUri } : {}),
      })
      if (flags.json) {
        printJson(result)
        return
      }
      const l = result.lineage
      printRecord({
        model: `${l.model.name} v${l.model.version} (${l.model.uri})`,
        input: `${l.input.uri} (${l.input.kind}, version ${l.input.version.slice(0, 16)})`,
        rows: result.rows,
        seconds: Number(result.seconds.toFixed(2)),
        'rows/s': Math.round(result.rowsPerSecond),
        output:
          result.datasetRef ?? `${l.output.uri} date=${l.output.partition} (${l.output.files.length} files)`,
      })
    })
}
