import { join } from 'node:path'
import { type Command, InvalidArgumentError, Option } from 'commander'
import pc from 'picocolors'
import { CairnError, loadProjectConfig, type Progress, STATE_DIR, startProgress } from '../../core/index.js'
import type {
  ColumnProfile,
  CsvOptions,
  DataService,
  DatasetProfile,
  DatasetVersion,
  DataTable,
  FileSourceSpec,
  IngestProgress,
  SourceSpec,
  ValidationPolicy,
  ValidationReport,
} from '../../data/index.js'
import { formatCell, formatTime, printJson, printRecord, printRows } from '../output.js'
import type { CommandRegistrar } from '../program.js'

interface GlobalFlags {
  trackingUri?: string
  artifactsUri?: string
}

interface SourceFlags {
  format?: 'csv' | 'parquet' | 'json' | 'ndjson'
  delimiter?: string
  header?: boolean
  null?: string[]
  encoding?: 'utf-8' | 'latin-1' | 'utf-16'
  skip?: number
  schema?: string
  table?: string
  query?: string
  offline?: boolean
  local?: string
  from?: string
  to?: string
  target?: string
}

interface IngestFlags extends SourceFlags {
  name?: string
  expectations?: string
  policy?: ValidationPolicy
  partition?: string
  saveSchema?: string
  quarantineOut?: string
  failOnMalformed?: boolean
  description?: string
  json?: boolean
  progress: boolean
}

/** Open the data service on the project's stores. */
async function openData(cmd: Command): Promise<{ data: DataService; close: () => Promise<void> }> {
  const g = cmd.optsWithGlobals<GlobalFlags>()
  const config = await loadProjectConfig({
    ...(g.trackingUri ? { trackingUri: g.trackingUri } : {}),
    ...(g.artifactsUri ? { artifactsUri: g.artifactsUri } : {}),
  })
  if (/^https?:/i.test(config.trackingUri)) {
    throw new CairnError(
      'CAIRN_UNSUPPORTED_URI',
      `cairn data works on a metadata store, not a server (${config.trackingUri})`,
      {
        hint: 'Pass --tracking-uri sqlite:///… or postgresql://… (the same store the server uses).',
      },
    )
  }
  const { openMetadataStore, openArtifactStore } = await import('../../store/index.js')
  const { createDataService } = await import('../../data/index.js')
  const metadata = await openMetadataStore(config.trackingUri)
  const artifacts = openArtifactStore(config.artifactsUri, { base: config.root })
  const data = await createDataService({
    metadata,
    artifacts,
    cacheDir: process.env.CAIRN_DATA_CACHE ?? join(config.root, STATE_DIR, 'cache', 'data'),
  })
  return {
    data,
    close: async () => {
      await data.close()
      await artifacts.close()
      await metadata.close()
    },
  }
}

/** True when the argument names a stored dataset (`name@…`) rather than a source. */
function isDatasetRef(arg: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.\-/]*@[A-Za-z0-9_.:-]*$/.test(arg) && !/^[a-z0-9]+:\/\//i.test(arg)
}

function sourceFrom(arg: string, f: SourceFlags): SourceSpec {
  if (/^sqlite:/i.test(arg) || /\.(sqlite3?|db)$/i.test(arg)) {
    return {
      kind: 'sqlite',
      path: arg.replace(/^sqlite:(\/\/)?/i, ''),
      ...(f.table ? { table: f.table } : {}),
      ...(f.query ? { query: f.query } : {}),
    }
  }
  if (/^postgres(ql)?:\/\//i.test(arg)) {
    return {
      kind: 'postgres',
      url: arg,
      ...(f.table ? { table: f.table } : {}),
      ...(f.query ? { query: f.query } : {}),
    }
  }
  const csv: CsvOptions = {
    ...(f.delimiter !== undefined ? { delimiter: f.delimiter.replace(/\\t/g, '\t') } : {}),
    ...(f.header !== undefined ? { header: f.header } : {}),
    ...(f.null ? { nullValues: f.null } : {}),
    ...(f.encoding ? { encoding: f.encoding } : {}),
    ...(f.skip !== undefined ? { skipRows: f.skip } : {}),
  }
  const spec: FileSourceSpec = {
    kind: 'file',
    path: arg,
    ...(f.format ? { format: f.format } : {}),
    ...(Object.keys(csv).length ? { csv } : {}),
    ...(f.offline ? { offline: true } : {}),
    ...(f.local ? { localPath: f.local } : {}),
    ...(f.from || f.to
      ? { partitions: { ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}) } }
      : {}),
  }
  return spec
}

/** A progress bar in rows (rate and ETA) fed by ingest progress events. */
function ingestProgress(enabled: boolean): {
  onProgress?: (p: IngestProgress) => void
  /** Show the real row count, then stop. */
  finish(rows: number): void
  stop(): void
} {
  if (!enabled) return { finish() {}, stop() {} }
  let bar: Progress | undefined
  let phase: IngestProgress['phase'] | undefined
  return {
    onProgress(p) {
      if (p.phase !== phase) {
        bar?.stop()
        phase = p.phase
        bar = startProgress({
          label: p.phase === 'download' ? 'download' : 'read',
          unit: p.phase === 'download' ? 'bytes' : 'rows',
          ...(p.total !== undefined ? { total: p.total } : {}),
        })
      }
      if (p.total !== undefined) bar?.setTotal(p.total)
      if (p.done !== undefined) bar?.update(p.done)
    },
    finish(rows) {
      if (phase === 'read') {
        bar?.setTotal(rows)
        bar?.update(rows)
      }
      bar?.stop()
      bar = undefined
    },
    stop() {
      bar?.stop()
      bar = undefined
    },
  }
}

async function readTable(
  data: DataService,
  arg: string,
  f: SourceFlags,
  progress: boolean,
): Promise<DataTable> {
  if (isDatasetRef(arg)) return data.read(arg)
  const { readSchemaFile } = await import('../../data/index.js')
  const schema = f.schema ? await readSchemaFile(f.schema) : undefined
  const bar = ingestProgress(progress)
  try {
    const table = await data.ingest(sourceFrom(arg, f), {
      ...(schema ? { schema } : {}),
      ...(f.target ? { target: f.target } : {}),
      ...(bar.onProgress ? { onProgress: bar.onProgress } : {}),
    })
    bar.finish(table.rowCount)
    return table
  } finally {
    bar.stop()
  }
}

function addSourceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'parquet', 'json', 'ndjson']))
    .option('--delimiter <text>', 'CSV field separator (e.g. "," "\\t" ";" ", ")')
    .option('--header', 'the first CSV line names the columns')
    .option('--no-header', 'the CSV file has no header line')
    .option('--null <values...>', 'strings read as missing (e.g. "?" "NA")')
    .addOption(new Option('--encoding <encoding>', 'text encoding').choices(['utf-8', 'latin-1', 'utf-16']))
    .option('--skip <n>', 'lines to skip before the header', nonNegativeInt)
    .option('--schema <file>', 'declared schema (YAML or JSON)')
    .option('--table <name>', 'table to read from a SQLite/PostgreSQL source')
    .option('--query <sql>', 'query to read from a SQLite/PostgreSQL source')
    .option('--offline', 'use the cached download of a URL, never the network')
    .option('--local <path>', 'read this local file instead of the URL or S3 object')
    .option('--from <partition>', 'first dt= partition to read')
    .option('--to <partition>', 'last dt= partition to read')
    .option('--target <column>', 'the target column (role target)')
}

function nonNegativeInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0')
  return n
}

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number')
  return n
}

/** `cairn data …`: ingest, validate, profile, show, versions, diff. */
export const registerData: CommandRegistrar = (program) => {
  const data = program.command('data').description('datasets: ingest, validate, profile, version and compare')

  addSourceOptions(
    data
      .command('ingest <source>')
      .description(
        'read a file, glob, folder, URL, s3:// object or SQL table; validate it; store it as a version with --name',
      ),
  )
    .option('--name <name>', 'store the rows as a version of this dataset')
    .option('--expectations <file>', 'expectation suite to validate with (YAML/JSON)')
    .addOption(
      new Option('--policy <policy>', 'what failing expectations do').choices(['fail', 'warn', 'quarantine']),
    )
    .option('--partition <value>', 'store as this partition (e.g. 2026-11-22)')
    .option('--save-schema <file>', 'save the (inferred) schema to a YAML file')
    .option('--quarantine-out <dir>', 'also write quarantined and malformed rows as CSV files here')
    .option('--fail-on-malformed', 'stop at the first row that cannot be read')
    .option('--description <text>', 'description of the version')
    .option('--json', 'print JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (source: string, f: IngestFlags, cmd: Command) => {
      const { data: svc, close } = await openData(cmd)
      try {
        const lib = await import('../../data/index.js')
        const schema = f.schema ? await lib.readSchemaFile(f.schema) : undefined
        const bar = ingestProgress(f.progress && !f.json)
        const started = Date.now()
        let table: DataTable
        try {
          table = await svc.ingest(sourceFrom(source, f), {
            ...(schema ? { schema } : {}),
            ...(f.target ? { target: f.target } : {}),
            ...(f.failOnMalformed ? { onMalformed: 'fail' as const } : {}),
            ...(bar.onProgress ? { onProgress: bar.onProgress } : {}),
          })
          bar.finish(table.rowCount)
        } finally {
          bar.stop()
        }
        const readMs = Date.now() - started
        if (f.saveSchema) await lib.writeSchemaFile(f.saveSchema, table.schema)
        let report: ValidationReport | undefined
        let good = table
        let quarantineRef: string | undefined
        if (f.expectations) {
          const outcome = await svc.validate(table, f.expectations, {
            ...(f.policy ? { policy: f.policy } : {}),
            throwOnFailure: false,
            target: source,
          })
          report = outcome.report
          good = outcome.good
          if (f.quarantineOut) await writeQuarantine(svc, f.quarantineOut, outcome.quarantined, report)
          if (!report.success) {
            if (f.json) printJson({ ok: false, validation: report })
            else process.stdout.write(`${lib.formatValidationReport(report)}\n`)
            throw new CairnError('CAIRN_EXPECTATIONS_FAILED', 'Validation failed; nothing was stored', {
              hint: 'Fix the data, or use --policy warn or --policy quarantine.',
            })
          }
          if (outcome.quarantined && f.name) {
            const q = await svc.write(`${f.name}.quarantine`, outcome.quarantined, {
              transform: { kind: 'quarantine', description: `rows of ${f.name} that failed validation` },
            })
            quarantineRef = q.ref
          }
        } else if (f.quarantineOut && table.malformed.count > 0) {
          await writeQuarantine(svc, f.quarantineOut, undefined, undefined, table)
        }
        const written = f.name
          ? await svc.write(f.name, good, {
              ...(f.partition ? { partition: f.partition } : {}),
              ...(f.description ? { description: f.description } : {}),
              ...(report
                ? {
                    validation: {
                      success: report.success,
                      policy: report.policy,
                      rowCount: report.rowCount,
                      goodRowCount: report.goodRowCount,
                      quarantinedRowCount: report.quarantinedRowCount,
                      malformedCount: report.malformed.count,
                      failed: report.results.filter((r) => r.status !== 'passed').map((r) => r.name),
                      ...(quarantineRef ? { quarantine: quarantineRef } : {}),
                    },
                  }
                : {}),
            })
          : undefined
        const summary = {
          source,
          rows: good.rowCount,
          columns: good.schema.columns.length,
          malformed: table.malformed.count,
          quarantined: report?.quarantinedRowCount ?? 0,
          seconds: Number((readMs / 1000).toFixed(2)),
          rowsPerSecond: Math.round(table.rowCount / Math.max(readMs / 1000, 1e-3)),
          ...(written ? { version: written.ref, created: written.created } : {}),
          ...(quarantineRef ? { quarantine: quarantineRef } : {}),
        }
        if (f.json) {
          printJson({
            ok: true,
            ...summary,
            schema: good.schema,
            malformedRows: table.malformed.rows,
            ...(report ? { validation: report } : {}),
          })
          return
        }
        printRecord(summary)
        printRows(good.schema.columns, [
          { header: 'column', value: (c) => c.name },
          { header: 'type', value: (c) => c.type },
          { header: 'role', value: (c) => (c.role === 'feature' ? '' : c.role) },
          { header: 'nullable', value: (c) => (c.nullable ? '' : 'no') },
        ])
        if (report) process.stdout.write(`${lib.formatValidationReport(report)}\n`)
        else if (table.malformed.count > 0) printMalformed(table)
        if (written && !written.created)
          process.stdout.write(`${pc.dim('identical content: no new version was stored')}\n`)
      } finally {
        await close()
      }
    })

  addSourceOptions(
    data
      .command('validate <source>')
      .description('check a source or dataset (name@version) against expectations'),
  )
    .requiredOption('--expectations <file>', 'expectation suite (YAML/JSON)')
    .addOption(
      new Option('--policy <policy>', 'what failing expectations do').choices(['fail', 'warn', 'quarantine']),
    )
    .option('--quarantine-out <dir>', 'write quarantined and malformed rows as CSV files here')
    .option('--sample <n>', 'failing rows shown per expectation', positiveInt)
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (source: string, f: IngestFlags & { sample?: number }, cmd: Command) => {
      const { data: svc, close } = await openData(cmd)
      try {
        const lib = await import('../../data/index.js')
        const table = await readTable(svc, source, f, f.progress && !f.json)
        const outcome = await svc.validate(table, f.expectations as string, {
          ...(f.policy ? { policy: f.policy } : {}),
          ...(f.sample ? { sampleSize: f.sample } : {}),
          throwOnFailure: false,
          target: source,
        })
        if (f.quarantineOut) await writeQuarantine(svc, f.quarantineOut, outcome.quarantined, outcome.report)
        if (f.json) printJson(outcome.report)
        else process.stdout.write(`${lib.formatValidationReport(outcome.report)}\n`)
        if (!outcome.report.success) process.exitCode = 2
      } finally {
        await close()
      }
    })

  addSourceOptions(
    data
      .command('profile <source>')
      .description('statistics of a source or dataset (name@version) per column'),
  )
    .option('--bins <n>', 'histogram bins', positiveInt)
    .option('--top-k <n>', 'most frequent values per category column', positiveInt)
    .option('--recompute', 'profile a stored version again instead of showing its stored profile')
    .option('--json', 'print JSON')
    .option('--no-progress', 'no progress bar')
    .action(
      async (
        source: string,
        f: IngestFlags & { bins?: number; topK?: number; recompute?: boolean },
        cmd: Command,
      ) => {
        const { data: svc, close } = await openData(cmd)
        try {
          const opts = { ...(f.bins ? { bins: f.bins } : {}), ...(f.topK ? { topK: f.topK } : {}) }
          const profile = isDatasetRef(source)
            ? await svc.profile(source, {
                ...opts,
                ...(f.recompute || f.bins || f.topK ? { recompute: true } : {}),
              })
            : await svc.profile(await readTable(svc, source, f, f.progress && !f.json), opts)
          if (f.json) printJson(profile)
          else printProfile(profile)
        } finally {
          await close()
        }
      },
    )

  data
    .command('show <ref>')
    .description('a dataset version: size, schema, partitions, lineage, validation')
    .option('--json', 'print JSON')
    .action(async (ref: string, f: { json?: boolean }, cmd: Command) => {
      const { data: svc, close } = await openData(cmd)
      try {
        const v = await svc.show(ref)
        if (f.json) {
          printJson(v)
          return
        }
        printRecord({
          dataset: v.name,
          version: `${v.version} (v${v.seq})`,
          created: formatTime(v.createdAt),
          rows: v.rowCount,
          columns: v.columnCount,
          size: formatBytes(v.sizeBytes),
          partitions: v.partitions.some((p) => p.key) ? v.partitions.map((p) => p.key).join(', ') : '—',
          parents: v.parents.join(', ') || '—',
          transform: v.transform
            ? `${v.transform.kind}${v.transform.description ? `: ${v.transform.description}` : ''}`
            : '—',
          source: v.source
            ? `${v.source.uri}${v.source.files?.[0]?.sha256 ? ` (sha256 ${v.source.files[0].sha256.slice(0, 12)}…)` : ''}`
            : '—',
          validation: v.validation
            ? `${v.validation.success ? 'passed' : 'failed'} (${v.validation.goodRowCount} good, ${v.validation.quarantinedRowCount} quarantined, ${v.validation.malformedCount} malformed)`
            : '—',
          ...(v.description ? { description: v.description } : {}),
        })
        printRows(v.schema.columns, [
          { header: 'column', value: (c) => c.name },
          { header: 'type', value: (c) => c.type },
          { header: 'role', value: (c) => (c.role === 'feature' ? '' : c.role) },
          { header: 'nullable', value: (c) => (c.nullable ? '' : 'no') },
        ])
      } finally {
        await close()
      }
    })

  data
    .command('versions [name]')
    .description('versions of a dataset, newest first (all datasets without a name)')
    .option('--limit <n>', 'at most this many', positiveInt)
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, f: { json?: boolean; limit?: number }, cmd: Command) => {
      const { data: svc, close } = await openData(cmd)
      try {
        if (!name) {
          const list = await svc.list()
          printRows(
            list,
            [
              { header: 'dataset', value: (d) => d.name },
              { header: 'versions', value: (d) => d.versionCount, align: 'right' },
              { header: 'latest', value: (d) => d.latestVersion },
              { header: 'partitioned by', value: (d) => d.partitionKey },
              { header: 'updated', value: (d) => formatTime(d.updatedAt) },
            ],
            { json: f.json === true, empty: 'No datasets yet: cairn data ingest <source> --name <name>' },
          )
          return
        }
        const versions = await svc.versions(name, f.limit ? { limit: f.limit } : {})
        printRows(
          versions,
          [
            { header: 'seq', value: (v: DatasetVersion) => `v${v.seq}` },
            { header: 'version', value: (v) => v.version },
            { header: 'created', value: (v) => formatTime(v.createdAt) },
            { header: 'rows', value: (v) => v.rowCount, align: 'right' },
            { header: 'cols', value: (v) => v.columnCount, align: 'right' },
            { header: 'size', value: (v) => formatBytes(v.sizeBytes), align: 'right' },
            {
              header: 'partitions',
              value: (v) => (v.partitions.some((p) => p.key) ? v.partitions.length : ''),
            },
            { header: 'parents', value: (v) => v.parents.join(', ') },
            { header: 'transform', value: (v) => v.transform?.kind },
          ],
          { json: f.json === true, empty: `Dataset "${name}" has no versions` },
        )
      } finally {
        await close()
      }
    })

  data
    .command('diff <from> <to>')
    .description('what changed between two versions: schema, rows, column statistics')
    .option('--json', 'print JSON')
    .action(async (from: string, to: string, f: { json?: boolean }, cmd: Command) => {
      const { data: svc, close } = await openData(cmd)
      try {
        const d = await svc.diff(from, to)
        if (f.json) {
          printJson(d)
          return
        }
        printRecord({
          from: d.from,
          to: d.to,
          identical: d.same ? 'yes' : 'no',
          rows: `${d.rowCount.from} → ${d.rowCount.to} (${d.rowCount.delta >= 0 ? '+' : ''}${d.rowCount.delta})`,
          ...(d.rows ? { 'rows added': d.rows.added, 'rows removed': d.rows.removed } : {}),
          'columns added': d.schema.added.map((c) => `${c.name}:${c.type}`).join(', ') || '—',
          'columns removed': d.schema.removed.map((c) => `${c.name}:${c.type}`).join(', ') || '—',
          retyped: d.schema.retyped.map((r) => `${r.name}: ${r.from} → ${r.to}`).join(', ') || '—',
          ...(d.partitions
            ? {
                'partitions added': d.partitions.added.join(', ') || '—',
                'partitions removed': d.partitions.removed.join(', ') || '—',
                'partitions changed': d.partitions.changed.join(', ') || '—',
              }
            : {}),
        })
        const moved = d.columns.filter(
          (c) =>
            c.missingFraction[0] !== c.missingFraction[1] ||
            c.distinct[0] !== c.distinct[1] ||
            (c.mean && c.mean[0] !== c.mean[1]),
        )
        printRows(
          moved,
          [
            { header: 'column', value: (c) => c.name },
            {
              header: 'missing %',
              value: (c) => `${pct(c.missingFraction[0])} → ${pct(c.missingFraction[1])}`,
            },
            { header: 'distinct', value: (c) => `${c.distinct[0]} → ${c.distinct[1]}` },
            {
              header: 'mean',
              value: (c) => (c.mean ? `${formatCell(c.mean[0])} → ${formatCell(c.mean[1])}` : ''),
            },
          ],
          { empty: 'No column statistics changed.' },
        )
      } finally {
        await close()
      }
    })
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}

function printMalformed(table: DataTable): void {
  process.stdout.write(
    `${pc.yellow(`${table.malformed.count} malformed rows`)} (not read; listed with their lines):\n`,
  )
  printRows(table.malformed.rows.slice(0, 50), [
    { header: 'file:line', value: (m) => `${m.file}:${m.line}` },
    { header: 'problem', value: (m) => m.kind },
    { header: 'column', value: (m) => m.column },
    { header: 'message', value: (m) => m.message.slice(0, 80) },
  ])
  if (table.malformed.count > 50)
    process.stdout.write(`… and ${table.malformed.count - 50} more (--json lists all)\n`)
}

function printProfile(p: DatasetProfile): void {
  process.stdout.write(`${p.rowCount} rows, ${p.columns.length} columns\n`)
  printRows(p.columns, [
    { header: 'column', value: (c: ColumnProfile) => c.name },
    { header: 'type', value: (c) => c.type },
    {
      header: 'missing',
      value: (c) => (c.missing ? `${c.missing} (${pct(c.missingFraction)})` : '0'),
      align: 'right',
    },
    { header: 'distinct', value: (c) => c.distinct, align: 'right' },
    {
      header: 'min',
      value: (c) =>
        c.kind === 'numeric'
          ? c.min
          : c.kind === 'datetime'
            ? c.minIso
            : c.kind === 'text'
              ? c.length.min
              : undefined,
    },
    {
      header: 'mean',
      value: (c) => (c.kind === 'numeric' ? c.mean : c.kind === 'text' ? c.length.mean : undefined),
    },
    {
      header: 'p50',
      value: (c) =>
        c.kind === 'numeric' ? c.quantiles.p50 : c.kind === 'text' ? c.length.quantiles.p50 : undefined,
    },
    {
      header: 'max',
      value: (c) =>
        c.kind === 'numeric'
          ? c.max
          : c.kind === 'datetime'
            ? c.maxIso
            : c.kind === 'text'
              ? c.length.max
              : undefined,
    },
    { header: 'std', value: (c) => (c.kind === 'numeric' ? c.std : undefined) },
    {
      header: 'distribution / top values',
      value: (c) =>
        c.kind === 'numeric' || c.kind === 'datetime'
          ? sparkline(c.histogram.counts)
          : c.kind === 'categorical'
            ? c.topK
                .slice(0, 3)
                .map((t) => `${t.value} (${t.count})`)
                .join(', ')
            : `${c.blank} blank`,
    },
  ])
}

function sparkline(counts: number[]): string {
  const blocks = '▁▂▃▄▅▆▇█'
  const max = Math.max(...counts, 1)
  return counts.map((c) => (c === 0 ? ' ' : blocks[Math.min(7, Math.floor((c / max) * 7.999))])).join('')
}

async function writeQuarantine(
  svc: DataService,
  dir: string,
  quarantined: DataTable | undefined,
  report: ValidationReport | undefined,
  source?: DataTable,
): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises')
  const { quoteIdent, sqlString } = await import('../../data/index.js')
  await mkdir(dir, { recursive: true })
  if (quarantined) {
    await svc.engine.run(
      `COPY ${quoteIdent(quarantined.tableName)} TO ${sqlString(join(dir, 'quarantined.csv'))} (HEADER, DELIMITER ',')`,
    )
  }
  const malformed = report?.malformed ?? source?.malformed
  if (malformed && malformed.count > 0) {
    const esc = (s: string) => `"${s.replaceAll('"', '""')}"`
    const lines = [
      'file,line,kind,column,message,text',
      ...malformed.rows.map((m) =>
        [esc(m.file), m.line, m.kind, esc(m.column ?? ''), esc(m.message), esc(m.text)].join(','),
      ),
    ]
    await writeFile(join(dir, 'malformed.csv'), `${lines.join('\n')}\n`)
  }
  if (report) await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
}
