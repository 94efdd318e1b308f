import { CairnError, toCairnError } from '../../core/index.js'
import {
  type DataDatasetVersionsTable,
  type Db,
  isUniqueViolation,
  type MetadataStore,
} from '../../store/index.js'
import type { DatasetProfile } from '../profile/profile.js'
import type { DatasetSchema } from '../schema/schema.js'
import type { SourceInfo } from '../sources/source-spec.js'
import type { TransformInfo } from '../table/data-table.js'
import type { VersionSelector } from './dataset-ref.js'

/** One stored partition of a version: a Parquet object in the artifact store. */
export interface PartitionEntry {
  /** The partition value (`2026-11-22`), or `''` for an unpartitioned dataset. */
  key: string
  /** Artifact path of the Parquet object (content-addressed). */
  object: string
  sha256: string
  rows: number
  bytes: number
}

/** A summary of the validation a version passed when it was written. */
export interface ValidationSummary {
  success: boolean
  suite?: string
  policy: string
  rowCount: number
  goodRowCount: number
  quarantinedRowCount: number
  malformedCount: number
  failed: string[]
  /** `name@version` of the rows set aside, when they were stored. */
  quarantine?: string
}

/** One immutable version of a dataset, as the metadata store keeps it. */
export interface DatasetVersion {
  name: string
  /** Content hash id (16 hex digits). */
  version: string
  /** 1 for the first version written, then 2, 3… */
  seq: number
  createdAt: number
  contentHash: string
  rowCount: number
  columnCount: number
  sizeBytes: number
  schema: DatasetSchema
  profile?: DatasetProfile
  partitions: PartitionEntry[]
  /** Lineage: the dataset versions it was computed from (`name@version`). */
  parents: string[]
  transform?: TransformInfo
  source?: SourceInfo
  validation?: ValidationSummary
  manifestPath: string
  description?: string
  tags: Record<string, string>
  createdBy?: string
}

/** A dataset and its latest version. */
export interface DatasetSummary {
  name: string
  description?: string
  createdAt: number
  updatedAt: number
  latestVersion?: string
  partitionKey?: string
  versionCount: number
}

/** Reads and writes dataset records in the metadata store (SQLite or PostgreSQL). */
export class DatasetRepository {
  readonly #store: MetadataStore

  constructor(store: MetadataStore) {
    this.#store = store
  }

  /** The version with this id, if any. */
  async get(name: string, version: string, db: Db = this.#store.db): Promise<DatasetVersion | undefined> {
    const row = await db
      .selectFrom('data_dataset_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst()
    return row ? fromRow(row) : undefined
  }

  /** The latest version of a dataset, if any. */
  async latest(name: string, db: Db = this.#store.db): Promise<DatasetVersion | undefined> {
    const ds = await db
      .selectFrom('data_datasets')
      .select(['latest_version'])
      .where('name', '=', name)
      .executeTakeFirst()
    return ds?.latest_version ? this.get(name, ds.latest_version, db) : undefined
  }

  /** The dataset's partition key ('' when unpartitioned), or undefined when it does not exist. */
  async partitionKey(name: string, db: Db = this.#store.db): Promise<string | undefined> {
    const ds = await db
      .selectFrom('data_datasets')
      .select(['partition_key'])
      .where('name', '=', name)
      .executeTakeFirst()
    return ds?.partition_key
  }

  /** Resolve a selector to one version (partition selectors resolve to the latest). */
  async resolve(name: string, selector: VersionSelector): Promise<DatasetVersion> {
    const db = this.#store.db
    const exists = await db
      .selectFrom('data_datasets')
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst()
    if (!exists) {
      const known = (
        await db.selectFrom('data_datasets').select('name').orderBy('name').limit(20).execute()
      ).map((r) => r.name)
      throw new CairnError('CAIRN_DATASET_NOT_FOUND', `Dataset "${name}" does not exist`, {
        details: { name, known },
        hint: known.length
          ? `Known datasets: ${known.join(', ')}`
          : 'Write one first (cairn data ingest <source> --name <name>).',
      })
    }
    let found: DatasetVersion | undefined
    if (selector.kind === 'version') {
      const rows = await db
        .selectFrom('data_dataset_versions')
        .selectAll()
        .where('name', '=', name)
        .where('version', 'like', `${selector.version}%`)
        .limit(2)
        .execute()
      if (rows.length > 1) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `"${selector.version}" matches more than one version of ${name}`,
          {
            hint: 'Give more digits of the version id.',
          },
        )
      }
      found = rows[0] ? fromRow(rows[0]) : undefined
    } else if (selector.kind === 'seq') {
      const row = await db
        .selectFrom('data_dataset_versions')
        .selectAll()
        .where('name', '=', name)
        .where('seq', '=', selector.seq)
        .executeTakeFirst()
      found = row ? fromRow(row) : undefined
    } else found = await this.latest(name)
    if (!found) {
      throw new CairnError(
        'CAIRN_DATASET_VERSION_NOT_FOUND',
        `Dataset "${name}" has no version ${describe(selector)}`,
        {
          details: { name, selector },
          hint: `List them with: cairn data versions ${name}`,
        },
      )
    }
    return found
  }

  /** Versions of a dataset, newest first. */
  async versions(name: string, options: { limit?: number } = {}): Promise<DatasetVersion[]> {
    const rows = await this.#store.db
      .selectFrom('data_dataset_versions')
      .selectAll()
      .where('name', '=', name)
      .orderBy('seq', 'desc')
      .limit(options.limit ?? 1000)
      .execute()
    return rows.map(fromRow)
  }

  /** Every dataset, by name. */
  async list(): Promise<DatasetSummary[]> {
    const rows = await this.#store.db.selectFrom('data_datasets').selectAll().orderBy('name').execute()
    const counts = await this.#store.db
      .selectFrom('data_dataset_versions')
      .select(['name'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('name')
      .execute()
    const byName = new Map(counts.map((c) => [c.name, Number(c.n)]))
    return rows.map((r) => ({
      name: r.name,
      ...(r.description ? { description: r.description } : {}),
      createdAt: Number(r.creation_time),
      updatedAt: Number(r.last_updated_time),
      ...(r.latest_version ? { latestVersion: r.latest_version } : {}),
      ...(r.partition_key ? { partitionKey: r.partition_key } : {}),
      versionCount: byName.get(r.name) ?? 0,
    }))
  }

  /**
   * Record a new version and make it the latest, in one transaction. When a version with the
   * same id exists (same content written before, or a concurrent writer won), nothing is
   * written and the existing version is returned with `created: false`.
   */
  async insert(
    v: Omit<DatasetVersion, 'seq'>,
    partitionKey: string,
  ): Promise<{ version: DatasetVersion; created: boolean }> {
    try {
      return await this.#store.transaction(async (trx) => {
        const existing = await this.get(v.name, v.version, trx)
        if (existing) return { version: existing, created: false }
        const ds = await trx
          .selectFrom('data_datasets')
          .selectAll()
          .where('name', '=', v.name)
          .executeTakeFirst()
        if (!ds) {
          await trx
            .insertInto('data_datasets')
            .values({
              name: v.name,
              description: v.description ?? null,
              creation_time: v.createdAt,
              last_updated_time: v.createdAt,
              latest_version: null,
              partition_key: partitionKey,
            })
            .execute()
        }
        const seq = await this.#store.nextSequenceValue(`dataset:${v.name}`, trx)
        const full: DatasetVersion = { ...v, seq }
        await trx.insertInto('data_dataset_versions').values(toRow(full)).execute()
        await trx
          .updateTable('data_datasets')
          .set({ latest_version: v.version, last_updated_time: v.createdAt })
          .where('name', '=', v.name)
          .execute()
        return { version: full, created: true }
      })
    } catch (err) {
      if (isUniqueViolation(err)) {
        const existing = await this.get(v.name, v.version)
        if (existing) return { version: existing, created: false }
      }
      throw toCairnError(err)
    }
  }

  /** Attach a validation summary to a version (written after the version exists). */
  async setValidation(name: string, version: string, validation: ValidationSummary): Promise<void> {
    await this.#store.db
      .updateTable('data_dataset_versions')
      .set({ validation: JSON.stringify(validation) })
      .where('name', '=', name)
      .where('version', '=', version)
      .execute()
  }
}

function describe(s: VersionSelector): string {
  switch (s.kind) {
    case 'latest':
      return '(it has none)'
    case 'version':
      return s.version
    case 'seq':
      return `v${s.seq}`
    case 'partition':
      return s.partition
    case 'range':
      return `${s.from ?? ''}..${s.to ?? ''}`
  }
}

function toRow(v: DatasetVersion): DataDatasetVersionsTable {
  return {
    name: v.name,
    version: v.version,
    seq: v.seq,
    creation_time: v.createdAt,
    content_hash: v.contentHash,
    row_count: v.rowCount,
    column_count: v.columnCount,
    size_bytes: v.sizeBytes,
    schema: JSON.stringify(v.schema),
    profile: v.profile ? JSON.stringify(v.profile) : null,
    partitions: JSON.stringify(v.partitions),
    parents: JSON.stringify(v.parents),
    transform: v.transform ? JSON.stringify(v.transform) : null,
    source: v.source ? JSON.stringify(v.source) : null,
    validation: v.validation ? JSON.stringify(v.validation) : null,
    manifest_path: v.manifestPath,
    description: v.description ?? null,
    tags: Object.keys(v.tags).length ? JSON.stringify(v.tags) : null,
    created_by: v.createdBy ?? null,
  }
}

function fromRow(r: DataDatasetVersionsTable): DatasetVersion {
  const parse = <T>(s: string | null): T | undefined => (s ? (JSON.parse(s) as T) : undefined)
  const profile = parse<DatasetProfile>(r.profile)
  const transform = parse<TransformInfo>(r.transform)
  const source = parse<SourceInfo>(r.source)
  const validation = parse<ValidationSummary>(r.validation)
  return {
    name: r.name,
    version: r.version,
    seq: Number(r.seq),
    createdAt: Number(r.creation_time),
    contentHash: r.content_hash,
    rowCount: Number(r.row_count),
    columnCount: Number(r.column_count),
    sizeBytes: Number(r.size_bytes),
    schema: JSON.parse(r.schema) as DatasetSchema,
    ...(profile ? { profile } : {}),
    partitions: JSON.parse(r.partitions) as PartitionEntry[],
    parents: JSON.parse(r.parents) as string[],
    ...(transform ? { transform } : {}),
    ...(source ? { source } : {}),
    ...(validation ? { validation } : {}),
    manifestPath: r.manifest_path,
    ...(r.description ? { description: r.description } : {}),
    tags: parse<Record<string, string>>(r.tags) ?? {},
    ...(r.created_by ? { createdBy: r.created_by } : {}),
  }
}
