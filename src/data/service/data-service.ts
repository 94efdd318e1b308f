import { lstatSync, realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { findProjectRoot, PROJECT_FILE, STATE_DIR } from '../../core/index.js'
import type { ArtifactStore, MetadataStore } from '../../store/index.js'
import { DataEngine, type DataEngineOptions } from '../engine/duckdb-engine.js'
import { quoteIdent } from '../engine/sql.js'
import type { Frame } from '../frame/frame.js'
import { type DatasetProfile, type ProfileOptions, profileRelation } from '../profile/profile.js'
import type { DatasetSchema } from '../schema/schema.js'
import { readSchemaFile } from '../schema/schema-file.js'
import type { S3SourceOptions } from '../sources/fetch-s3.js'
import { type IngestOptions, ingestSource } from '../sources/ingest-source.js'
import { type LazyTable, scanSource } from '../sources/scan-source.js'
import type { FileSourceSpec, SourceSpec } from '../sources/source-spec.js'
import { type SplitSpec, splitTable } from '../split/split-table.js'
import { DataTable } from '../table/data-table.js'
import { type BatchFunction, batchTransform } from '../transform/batch-transform.js'
import { type SqlInput, sqlTransform } from '../transform/sql-transform.js'
import { type ExpectationSuite, parseSuite, type ValidationPolicy } from '../validation/expectation.js'
import { readSuiteFile } from '../validation/suite-file.js'
import { type ValidateOptions, type ValidationOutcome, validateTable } from '../validation/validate-table.js'
import { parseDatasetRef } from '../versions/dataset-ref.js'
import {
  DatasetRepository,
  type DatasetSummary,
  type DatasetVersion,
  type ValidationSummary,
} from '../versions/dataset-repository.js'
import { DatasetStore, type WriteOptions, type WriteResult } from '../versions/dataset-store.js'
import { type DatasetDiff, diffDatasets } from './dataset-diff.js'

/** What the data service needs: the stores, and optionally where to cache downloads. */
export interface DataServiceOptions {
  metadata: MetadataStore
  artifacts: ArtifactStore
  /**
   * Downloads (URLs, S3) and local copies of stored objects. Default: `CAIRN_DATA_CACHE`, else the
   * project's `.cairn/cache/data` (the project `base` or the working folder is in), else
   * `~/.cache/cairn/data` outside a project.
   */
  cacheDir?: string
  /** An engine to share, or settings for the service's own. */
  engine?: DataEngine | DataEngineOptions
  /** S3 settings for `s3://` sources. */
  s3?: S3SourceOptions
  /** Relative source paths start here (default: the working directory). */
  base?: string
}

/** Anything the service accepts as a table: a DataTable, a Frame, rows, or a dataset reference. */
export type TableInput = DataTable | Frame | readonly Record<string, unknown>[] | string

/** A suite, or the path of a YAML/JSON file holding one. */
export type SuiteInput = ExpectationSuite | string | { policy?: ValidationPolicy; expectations: unknown[] }

/** Settings for `ingestDataset`: read, validate, then write. */
export interface IngestDatasetOptions extends Omit<IngestOptions, 'cacheDir' | 's3' | 'base' | 'schema'> {
  /** A schema or the path of a schema file. */
  schema?: DatasetSchema | string
  expectations?: SuiteInput
  policy?: ValidationPolicy
  /** Store rows set aside by `quarantine` as dataset `<name>.quarantine` (default true). */
  storeQuarantine?: boolean
  write?: Omit<WriteOptions, 'validation'>
}

/** What `ingestDataset` did. */
export interface IngestDatasetResult {
  written: WriteResult
  table: DataTable
  validation?: ValidationOutcome['report']
  quarantine?: WriteResult
}

/** What `split` produced: a table per split, and the versions written when asked. */
export interface SplitResult {
  tables: Record<string, DataTable>
  versions?: Record<string, WriteResult>
}

/**
 * The data layer's facade (the SDK attaches it as `cairn.data`): ingest sources, validate,
 * profile, write and read versioned datasets, diff versions, split, and transform with SQL or
 * TypeScript functions.
 */
export interface DataService {
  readonly engine: DataEngine
  readonly datasets: DatasetStore
  /** Where downloads and local copies of stored objects are cached. */
  readonly cacheDir: string
  /** Read a source into a table (not stored). */
  ingest(source: SourceSpec, options?: Omit<IngestOptions, 'cacheDir' | 's3' | 'base'>): Promise<DataTable>
  /** Ingest, validate (quarantining or failing as the policy says) and write a version. */
  ingestDataset(
    name: string,
    source: SourceSpec,
    options?: IngestDatasetOptions,
  ): Promise<IngestDatasetResult>
  /** Describe a file source lazily for streaming work. */
  scan(source: string | FileSourceSpec, options?: { schema?: DatasetSchema }): Promise<LazyTable>
  validate(table: TableInput, suite: SuiteInput, options?: ValidateOptions): Promise<ValidationOutcome>
  /** The stored profile of a version, or a fresh profile of a table. */
  profile(table: TableInput, options?: ProfileOptions & { recompute?: boolean }): Promise<DatasetProfile>
  write(name: string, table: TableInput, options?: WriteOptions): Promise<WriteResult>
  read(ref: string): Promise<DataTable>
  /** Read a reference straight into a Frame. */
  readFrame(ref: string, columns?: readonly string[]): Promise<Frame>
  /** The version a reference resolves to. */
  show(ref: string): Promise<DatasetVersion>
  versions(name: string, options?: { limit?: number }): Promise<DatasetVersion[]>
  list(): Promise<DatasetSummary[]>
  diff(from: string, to: string): Promise<DatasetDiff>
  /** Split a table or reference; with `name`, write each split as dataset `<name>.<split>`. */
  split(
    table: TableInput,
    spec: SplitSpec,
    options?: { name?: string; write?: Omit<WriteOptions, 'partition'> },
  ): Promise<SplitResult>
  /** SQL over named inputs (dataset references or tables). */
  sql(query: string, inputs: Record<string, string | DataTable>): Promise<DataTable>
  /** A TypeScript function over streamed batches. */
  mapBatches(
    input: TableInput | LazyTable,
    fn: BatchFunction,
    options?: { batchRows?: number; columns?: string[]; name?: string },
  ): Promise<DataTable>
  /** A table from a Frame or rows. */
  fromFrame(
    frame: Frame | readonly Record<string, unknown>[],
    options?: { schema?: DatasetSchema; label?: string },
  ): Promise<DataTable>
  close(): Promise<void>
}

/**
 * Where the data service caches downloads unless told: `CAIRN_DATA_CACHE`, else
 * `<project>/.cairn/cache/data` for the project `start` (default: the working folder) is in — the
 * real project when its cairn.yaml is a link, as in a pipeline stage's sandbox — else
 * `~/.cache/cairn/data`.
 */
export function defaultDataCacheDir(start?: string): string {
  if (process.env.CAIRN_DATA_CACHE) return process.env.CAIRN_DATA_CACHE
  const root = findProjectRoot(start)
  if (root === undefined) return join(homedir(), '.cache', 'cairn', 'data')
  let home = root
  try {
    const file = join(root, PROJECT_FILE)
    if (lstatSync(file).isSymbolicLink()) home = dirname(realpathSync(file))
  } catch {
    // no cairn.yaml: the root itself
  }
  return join(home, STATE_DIR, 'cache', 'data')
}

/** Create the data service over a metadata store and an artifact store. */
export async function createDataService(options: DataServiceOptions): Promise<DataService> {
  const ownEngine = !(options.engine instanceof DataEngine)
  const engine =
    options.engine instanceof DataEngine ? options.engine : await DataEngine.create(options.engine ?? {})
  const cacheDir = options.cacheDir ?? defaultDataCacheDir(options.base)
  const repository = new DatasetRepository(options.metadata)
  const datasets = new DatasetStore({ engine, repository, artifacts: options.artifacts, cacheDir })
  const ingestDefaults = {
    cacheDir,
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.base ? { base: options.base } : {}),
  }

  const toTable = async (input: TableInput): Promise<{ table: DataTable; owned: boolean }> => {
    if (input instanceof DataTable) return { table: input, owned: false }
    if (typeof input === 'string') return { table: await datasets.read(input), owned: true }
    const table = await service.fromFrame(input)
    return { table, owned: true }
  }
  const toSuite = async (suite: SuiteInput): Promise<ExpectationSuite> =>
    typeof suite === 'string' ? readSuiteFile(suite) : parseSuite(suite)
  const resolveReference = async (ref: string): Promise<string> => {
    const v = await datasets.view(ref)
    return quoteIdent(v.name)
  }

  const service: DataService = {
    engine,
    datasets,
    cacheDir,

    ingest(source, opts = {}) {
      return ingestSource(engine, source, { ...opts, ...ingestDefaults })
    },

    async ingestDataset(name, source, opts = {}) {
      const schema = typeof opts.schema === 'string' ? await readSchemaFile(opts.schema) : opts.schema
      const { expectations, policy, storeQuarantine, write, schema: _schema, ...ingestOpts } = opts
      const table = await ingestSource(engine, source, {
        ...ingestOpts,
        ...(schema ? { schema } : {}),
        ...ingestDefaults,
      })
      try {
        let good = table
        let report: ValidationOutcome['report'] | undefined
        let quarantine: WriteResult | undefined
        if (expectations) {
          const outcome = await validateTable(table, await toSuite(expectations), {
            ...(policy ? { policy } : {}),
            resolveReference,
            target: typeof source === 'string' ? source : undefined,
          })
          report = outcome.report
          good = outcome.good
          if (outcome.quarantined && storeQuarantine !== false) {
            quarantine = await datasets.write(`${name}.quarantine`, outcome.quarantined, {
              transform: { kind: 'quarantine', description: `rows of ${name} that failed validation` },
            })
            await outcome.quarantined.drop()
          }
        }
        const written = await datasets.write(name, good, {
          ...write,
          ...(report ? { validation: summarize(report, quarantine?.ref) } : {}),
        })
        if (good !== table) await table.drop()
        return {
          written,
          table: good,
          ...(report ? { validation: report } : {}),
          ...(quarantine ? { quarantine } : {}),
        }
      } catch (err) {
        await table.drop()
        throw err
      }
    },

    scan(source, opts = {}) {
      return scanSource(engine, source, {
        ...ingestDefaults,
        ...(opts.schema ? { schema: opts.schema } : {}),
      })
    },

    async validate(input, suite, opts = {}) {
      const { table } = await toTable(input)
      return validateTable(table, await toSuite(suite), {
        resolveReference,
        ...(typeof input === 'string' ? { target: input } : {}),
        ...opts,
      })
    },

    async profile(input, opts = {}) {
      if (typeof input === 'string' && !opts.recompute) {
        const v = await datasets.resolve(input)
        const all = v.partitions.length === v.version.partitions.length
        if (v.version.profile && all) return v.version.profile
      }
      const { table, owned } = await toTable(input)
      try {
        return await profileRelation(engine, table.relation, table.schema, opts)
      } finally {
        if (owned) await table.drop()
      }
    },

    async write(name, input, opts = {}) {
      const { table, owned } = await toTable(input)
      try {
        return await datasets.write(name, table, opts)
      } finally {
        if (owned) await table.drop()
      }
    },

    read(ref) {
      return datasets.read(ref)
    },

    async readFrame(ref, columns) {
      const table = await datasets.read(ref)
      try {
        return await table.toFrame(columns ? { columns } : {})
      } finally {
        await table.drop()
      }
    },

    async show(ref) {
      return (await datasets.resolve(ref)).version
    },

    versions(name, opts) {
      parseDatasetRef(name)
      return repository.versions(name, opts)
    },

    list() {
      return repository.list()
    },

    diff(from, to) {
      return diffDatasets(engine, datasets, from, to)
    },

    async split(input, spec, opts = {}) {
      const { table, owned } = await toTable(input)
      try {
        const tables = await splitTable(table, spec)
        if (!opts.name) return { tables }
        const versions: Record<string, WriteResult> = {}
        for (const [split, t] of Object.entries(tables)) {
          versions[split] = await datasets.write(`${opts.name}.${split}`, t, opts.write ?? {})
        }
        return { tables, versions }
      } finally {
        if (owned) await table.drop()
      }
    },

    async sql(query, inputs) {
      const views: string[] = []
      const resolved: Record<string, SqlInput> = {}
      try {
        for (const [alias, input] of Object.entries(inputs)) {
          if (input instanceof DataTable) {
            resolved[alias] = {
              relation: input.relation,
              schema: input.schema,
              parents: input.lineage.parents,
            }
          } else {
            const v = await datasets.view(input)
            views.push(v.name)
            resolved[alias] = {
              relation: quoteIdent(v.name),
              schema: v.schema,
              parents: [`${v.version.name}@${v.version.version}`],
            }
          }
        }
        return await sqlTransform(engine, query, resolved)
      } finally {
        for (const v of views) await engine.run(`DROP VIEW IF EXISTS ${quoteIdent(v)}`).catch(() => undefined)
      }
    },

    async mapBatches(input, fn, opts = {}) {
      const lazy = isLazy(input)
      const { table, owned } = lazy ? { table: undefined, owned: false } : await toTable(input as TableInput)
      try {
        return await batchTransform(engine, lazy ? (input as LazyTable) : (table as DataTable), fn, {
          workDir: join(cacheDir, 'work'),
          ...(opts.batchRows ? { batchRows: opts.batchRows } : {}),
          ...(opts.columns ? { columns: opts.columns } : {}),
          ...(opts.name ? { name: opts.name } : {}),
        })
      } finally {
        if (owned && table) await table.drop()
      }
    },

    async fromFrame(frame, opts = {}) {
      const isRows = Array.isArray(frame)
      return ingestSource(
        engine,
        isRows
          ? {
              kind: 'rows',
              rows: frame as readonly Record<string, unknown>[],
              ...(opts.label ? { label: opts.label } : {}),
            }
          : { kind: 'rows', frame: frame as Frame, ...(opts.label ? { label: opts.label } : {}) },
        { ...ingestDefaults, allowEmpty: true, ...(opts.schema ? { schema: opts.schema } : {}) },
      )
    },

    async close() {
      if (ownEngine) await engine.close()
    },
  }
  return service
}

function isLazy(input: unknown): input is LazyTable {
  return (
    typeof input === 'object' &&
    input !== null &&
    !(input instanceof DataTable) &&
    'relation' in input &&
    'schema' in input &&
    'lineage' in input
  )
}

function summarize(report: ValidationOutcome['report'], quarantine: string | undefined): ValidationSummary {
  return {
    success: report.success,
    ...(report.suite ? { suite: report.suite } : {}),
    policy: report.policy,
    rowCount: report.rowCount,
    goodRowCount: report.goodRowCount,
    quarantinedRowCount: report.quarantinedRowCount,
    malformedCount: report.malformed.count,
    failed: report.results.filter((r) => r.status !== 'passed').map((r) => r.name),
    ...(quarantine ? { quarantine } : {}),
  }
}
