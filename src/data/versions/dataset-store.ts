import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError, hashBytes, hashFile, pathExists, shortId, stableStringify } from '../../core/index.js'
import { type ArtifactStore, LocalArtifactStore } from '../../store/index.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { quoteIdent, sqlString } from '../engine/sql.js'
import { type DatasetProfile, type ProfileOptions, profileRelation } from '../profile/profile.js'
import type { ColumnSchema, DatasetSchema } from '../schema/schema.js'
import { diffSchemas } from '../schema/schema-diff.js'
import type { SourceInfo } from '../sources/source-spec.js'
import { DataTable, type TransformInfo } from '../table/data-table.js'
import { assertDatasetName, type DatasetRef, formatDatasetRef, parseDatasetRef } from './dataset-ref.js'
import type {
  DatasetRepository,
  DatasetVersion,
  PartitionEntry,
  ValidationSummary,
} from './dataset-repository.js'

/** Settings for writing a dataset version. */
export interface WriteOptions {
  /** Write the table as this partition (e.g. `2026-11-22`); the other partitions carry over. */
  partition?: string
  /** The partition column's name (default `dt`). */
  partitionKey?: string
  description?: string
  tags?: Record<string, string>
  /** More lineage parents (`name@version`) besides the table's own. */
  parents?: string[]
  /** The transform that produced the table (default: the table's own lineage). */
  transform?: TransformInfo
  /** Profile the version (default true) and with which settings. */
  profile?: boolean | ProfileOptions
  validation?: ValidationSummary
  createdBy?: string
}

/** What a write produced. */
export interface WriteResult {
  version: DatasetVersion
  /** False when identical content was written before: nothing new was stored. */
  created: boolean
  /** `name@version`. */
  ref: string
}

/** A dataset version resolved to the partitions a reference selects. */
export interface ResolvedDataset {
  version: DatasetVersion
  partitions: PartitionEntry[]
  ref: DatasetRef
}

const OBJECTS = 'datasets/objects'

/**
 * Versioned datasets: tables written as Parquet into the artifact store under their content
 * hash (the same content is stored once), and versions recorded in the metadata store with
 * schema, row count, profile, partitions and lineage. The version id is the hash of the schema
 * and the partitions' content, so writing identical content twice yields the same version.
 */
export class DatasetStore {
  readonly #engine: DataEngine
  readonly #repo: DatasetRepository
  readonly #artifacts: ArtifactStore
  readonly #cacheDir: string

  constructor(options: {
    engine: DataEngine
    repository: DatasetRepository
    artifacts: ArtifactStore
    cacheDir: string
  }) {
    this.#engine = options.engine
    this.#repo = options.repository
    this.#artifacts = options.artifacts
    this.#cacheDir = options.cacheDir
  }

  /** The metadata store the versions live in. */
  get repository(): DatasetRepository {
    return this.#repo
  }

  /**
   * Write a table as a new version of `name` (or as one partition of it). The Parquet object is
   * uploaded before the version is recorded in one metadata transaction, so a crash leaves at
   * most an unreferenced object, never a half-written version.
   */
  async write(name: string, table: DataTable, options: WriteOptions = {}): Promise<WriteResult> {
    assertDatasetName(name)
    const existingKey = await this.#repo.partitionKey(name)
    const previous = existingKey !== undefined ? await this.#repo.latest(name) : undefined
    const partitionKey =
      options.partition !== undefined ? (options.partitionKey ?? (existingKey || 'dt')) : ''
    if (previous && existingKey !== partitionKey) {
      throw new CairnError(
        'CAIRN_CONFLICT',
        existingKey
          ? `Dataset "${name}" is partitioned by ${existingKey}; write it with a partition`
          : `Dataset "${name}" is not partitioned; write it without a partition`,
        { details: { name, partitionKey: existingKey } },
      )
    }
    if (options.partition !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(options.partition)) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `"${options.partition}" is not a valid partition value`,
        {
          hint: 'Use a date like 2026-11-22 or letters, digits, "_", ".", ":" and "-".',
        },
      )
    }
    const schema: DatasetSchema = { columns: table.schema.columns.map((c) => ({ ...c })) }
    if (previous && partitionKey) {
      const diff = diffSchemas(withoutKey(previous.schema, partitionKey), withoutKey(schema, partitionKey))
      if (diff.added.length || diff.removed.length || diff.retyped.length) {
        throw new CairnError(
          'CAIRN_SCHEMA_INVALID',
          `Partition ${options.partition} of "${name}" has a different schema than the dataset`,
          {
            details: {
              added: diff.added.map((c) => c.name),
              removed: diff.removed.map((c) => c.name),
              retyped: diff.retyped,
            },
            hint: 'Partitions of one dataset share a schema; write a different dataset or convert the columns first.',
          },
        )
      }
    }

    const object = await this.#storeTable(table, schema)
    const entry: PartitionEntry = { key: options.partition ?? '', ...object }
    const partitions = (
      previous && partitionKey ? previous.partitions.filter((p) => p.key !== entry.key) : []
    )
      .concat(entry)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    const contentHash = hashBytes(
      stableStringify({
        format: 1,
        columns: schema.columns.map((c) => [c.name, c.type]),
        partitionKey,
        partitions: partitions.map((p) => [p.key, p.sha256]),
      }),
    )
    const version = contentHash.slice(0, 16)
    const existing = await this.#repo.get(name, version)
    if (existing) return { version: existing, created: false, ref: formatDatasetRef(name, version) }

    let profile: DatasetProfile | undefined
    if (options.profile !== false) {
      const settings = typeof options.profile === 'object' ? options.profile : {}
      if (partitions.length === 1 && !partitionKey)
        profile = await profileRelation(this.#engine, table.relation, schema, settings)
      else {
        const view = await this.#partitionView(partitions, partitionKey, schema)
        try {
          profile = await profileRelation(this.#engine, quoteIdent(view.name), view.schema, settings)
        } finally {
          await this.#engine.run(`DROP VIEW IF EXISTS ${quoteIdent(view.name)}`)
        }
      }
    }
    const parents = [
      ...new Set([
        ...table.lineage.parents,
        ...(options.parents ?? []),
        ...(previous && partitionKey ? [formatDatasetRef(name, previous.version)] : []),
      ]),
    ]
    const source = table.lineage.source ? await withSourceHashes(table.lineage.source) : undefined
    const transform = options.transform ?? table.lineage.transform
    const manifestPath = `datasets/${name}/versions/${version}.json`
    const record: Omit<DatasetVersion, 'seq'> = {
      name,
      version,
      createdAt: Date.now(),
      contentHash,
      rowCount: partitions.reduce((n, p) => n + p.rows, 0),
      columnCount:
        schema.columns.length +
        (partitionKey && !schema.columns.some((c) => c.name === partitionKey) ? 1 : 0),
      sizeBytes: partitions.reduce((n, p) => n + p.bytes, 0),
      schema,
      ...(profile ? { profile } : {}),
      partitions,
      parents,
      ...(transform ? { transform } : {}),
      ...(source ? { source } : {}),
      ...(options.validation ? { validation: options.validation } : {}),
      manifestPath,
      ...(options.description ? { description: options.description } : {}),
      tags: options.tags ?? {},
      ...(options.createdBy ? { createdBy: options.createdBy } : {}),
    }
    if (!(await this.#artifacts.exists(manifestPath)))
      await this.#artifacts.put(
        manifestPath,
        `${JSON.stringify({ name, version, contentHash, partitionKey, schema, partitions, parents, transform, source }, null, 2)}\n`,
      )
    const { version: stored, created } = await this.#repo.insert(record, partitionKey)
    return { version: stored, created, ref: formatDatasetRef(name, stored.version) }
  }

  /** Resolve a reference to a version and the partitions it selects. */
  async resolve(ref: string | DatasetRef): Promise<ResolvedDataset> {
    const parsed = typeof ref === 'string' ? parseDatasetRef(ref) : ref
    const version = await this.#repo.resolve(parsed.name, parsed.selector)
    const s = parsed.selector
    let partitions = version.partitions
    if (s.kind === 'partition' || s.kind === 'range') {
      const partitioned = partitions.some((p) => p.key !== '')
      if (!partitioned) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `Dataset "${parsed.name}" is not partitioned, so "${s.kind === 'partition' ? s.partition : `${s.from ?? ''}..${s.to ?? ''}`}" selects nothing`,
          {
            hint: `Read ${parsed.name}@latest or a version id.`,
          },
        )
      }
      partitions =
        s.kind === 'partition'
          ? partitions.filter((p) => p.key === s.partition)
          : partitions.filter(
              (p) => (s.from === undefined || p.key >= s.from) && (s.to === undefined || p.key <= s.to),
            )
      if (partitions.length === 0) {
        throw new CairnError(
          'CAIRN_DATASET_VERSION_NOT_FOUND',
          `Dataset "${parsed.name}" has no partition ${s.kind === 'partition' ? s.partition : `in ${s.from ?? '…'}..${s.to ?? '…'}`}`,
          {
            details: { name: parsed.name, partitions: version.partitions.map((p) => p.key) },
            hint: `Its partitions: ${version.partitions.map((p) => p.key).join(', ')}`,
          },
        )
      }
    }
    return { version, partitions, ref: parsed }
  }

  /** Read a dataset reference into a table in the engine (rows in partition order). */
  async read(ref: string | DatasetRef): Promise<DataTable> {
    const resolved = await this.resolve(ref)
    const { version, partitions } = resolved
    const key = (await this.#repo.partitionKey(version.name)) ?? ''
    const view = await this.#partitionView(partitions, key, version.schema)
    const table = this.#engine.tempName('dataset')
    try {
      await this.#engine.run(
        `CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM ${quoteIdent(view.name)}`,
        `Reading ${version.name}`,
      )
    } finally {
      await this.#engine.run(`DROP VIEW IF EXISTS ${quoteIdent(view.name)}`)
    }
    const rowCount = partitions.reduce((n, p) => n + p.rows, 0)
    return new DataTable(this.#engine, table, {
      schema: view.schema,
      rowCount,
      lineage: { parents: [formatDatasetRef(version.name, version.version)] },
    })
  }

  /**
   * A view over a reference's Parquet objects, without loading them (for SQL over datasets).
   * The caller drops the view.
   */
  async view(
    ref: string | DatasetRef,
  ): Promise<{ name: string; schema: DatasetSchema; version: DatasetVersion }> {
    const resolved = await this.resolve(ref)
    const key = (await this.#repo.partitionKey(resolved.version.name)) ?? ''
    const view = await this.#partitionView(resolved.partitions, key, resolved.version.schema)
    return { ...view, version: resolved.version }
  }

  /** Local paths of objects, downloading (and checking) those not cached. */
  async #localObjects(partitions: readonly PartitionEntry[]): Promise<string[]> {
    const out: string[] = []
    for (const p of partitions) {
      if (this.#artifacts instanceof LocalArtifactStore) {
        out.push(join(this.#artifacts.root, ...p.object.split('/')))
        continue
      }
      const local = join(this.#cacheDir, 'objects', `${p.sha256}.parquet`)
      if (!(await pathExists(local))) {
        const tmp = `${local}.${shortId()}.download`
        await mkdir(join(this.#cacheDir, 'objects'), { recursive: true })
        await this.#artifacts.getToFile(p.object, tmp)
        const { hash } = await hashFile(tmp)
        if (hash !== p.sha256) {
          await rm(tmp, { force: true })
          throw new CairnError(
            'CAIRN_INTERNAL',
            `Object ${p.object} in ${this.#artifacts.uri} does not match its hash`,
            {
              details: { object: p.object, expected: p.sha256, actual: hash },
            },
          )
        }
        await rename(tmp, local)
      }
      out.push(local)
    }
    return out
  }

  async #partitionView(
    partitions: readonly PartitionEntry[],
    key: string,
    schema: DatasetSchema,
  ): Promise<{ name: string; schema: DatasetSchema }> {
    const files = await this.#localObjects(partitions)
    const name = this.#engine.tempName('view')
    const addKey = key !== '' && !schema.columns.some((c) => c.name === key)
    const dateKeys = partitions.every((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.key))
    const selects = files.map((f, i) => {
      const p = partitions[i] as PartitionEntry
      const extra = addKey
        ? `, ${dateKeys ? `CAST(${sqlString(p.key)} AS TIMESTAMP)` : sqlString(p.key)} AS ${quoteIdent(key)}`
        : ''
      return `SELECT *${extra} FROM read_parquet(${sqlString(f)})`
    })
    await this.#engine.run(`CREATE VIEW ${quoteIdent(name)} AS ${selects.join(' UNION ALL BY NAME ')}`)
    const columns: ColumnSchema[] = addKey
      ? [
          ...schema.columns,
          {
            name: key,
            type: dateKeys ? 'datetime' : 'string',
            nullable: false,
            role: dateKeys ? 'timestamp' : 'feature',
          },
        ]
      : schema.columns
    return { name, schema: { columns } }
  }

  /** Write the table's rows as Parquet, hash it and put it in the store unless it is there. */
  async #storeTable(table: DataTable, schema: DatasetSchema): Promise<Omit<PartitionEntry, 'key'>> {
    const dir = join(this.#cacheDir, 'objects')
    await mkdir(dir, { recursive: true })
    const tmp = join(dir, `.write-${shortId()}.parquet`)
    try {
      const cols = schema.columns.map((c) => quoteIdent(c.name)).join(', ')
      await this.#engine.run(
        `COPY (SELECT ${cols} FROM ${table.relation}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
        'Writing Parquet',
      )
      const { hash, size } = await hashFile(tmp)
      const object = `${OBJECTS}/${hash.slice(0, 2)}/${hash}.parquet`
      if (!(await this.#artifacts.exists(object))) await this.#artifacts.putFile(object, tmp)
      const cached = join(dir, `${hash}.parquet`)
      if (this.#artifacts instanceof LocalArtifactStore || (await pathExists(cached)))
        await rm(tmp, { force: true })
      else await rename(tmp, cached)
      return { object, sha256: hash, rows: table.rowCount, bytes: size }
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }
}

function withoutKey(schema: DatasetSchema, key: string): DatasetSchema {
  return { columns: schema.columns.filter((c) => c.name !== key) }
}

async function withSourceHashes(source: SourceInfo): Promise<SourceInfo> {
  if (!source.files) return source
  const files = await Promise.all(
    source.files.map(async (f) => {
      const { localPath, ...rest } = f
      if (rest.sha256 || !localPath) return rest
      const st = await stat(localPath).catch(() => undefined)
      if (!st) return rest
      return { ...rest, sha256: (await hashFile(localPath)).hash }
    }),
  )
  return { ...source, files }
}
