import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  CairnError,
  cairnVersion,
  hashBytes,
  hashFile,
  loadProjectConfig,
  type Progress,
  shortId,
  startProgress,
} from '../../core/index.js'
import {
  batchTransform,
  type ColumnSchema,
  createDataService,
  type DataService,
  type Frame,
  type FrameColumn,
  type LazyTable,
  quoteIdent,
  sqlString,
} from '../../data/index.js'
import { type Model, type PredictionResult, toBundle } from '../../ml/index.js'
import {
  type ArtifactStore,
  joinArtifactPath,
  type MetadataStore,
  openArtifactStore,
} from '../../store/index.js'
import { firstMatchingSource } from '../models/model-source.js'
import { openModelSources } from '../models/open-sources.js'
import { PredictPool } from './predict-pool.js'

/** What `cairn predict` is told. */
export interface BatchScoreOptions {
  /** `models:/name@alias`, `models:/name/3`, `runs:/<run>/<path>` or a bundle folder. */
  model: string
  /**
   * A dataset reference (`name`, `name@<version>`, `name@2026-11-22`) or files: a CSV, Parquet or
   * JSON file, a folder of them, a glob, `s3://…` or a URL.
   */
  input: string
  /**
   * Where predictions go: a folder or artifact URI (`predictions/`, `s3://bucket/predictions`),
   * written as Parquet under `date=<partition>/`, or `dataset:<name>` for a versioned dataset
   * with the predictions as partition `<partition>`.
   */
  output: string
  /** The partition written (default: today's UTC date, `YYYY-MM-DD`). */
  partition?: string
  /** Input columns copied next to the predictions: `all` (default), `none`, or names. */
  keep?: 'all' | 'none' | string[]
  /** Rows per batch (default 65,536). */
  batchRows?: number
  /**
   * Threads predicting in parallel, each holding the model (default: one per core for inputs of
   * 100,000 rows or more, else 1 — the main thread).
   */
  threads?: number
  trackingUri?: string
  artifactsUri?: string
  cwd?: string
  /** Progress display (default: a bar on a terminal, log lines elsewhere). */
  progress?: 'bar' | 'log' | 'silent'
}

/** Lineage of one scoring run: written next to the predictions as `_lineage.json`. */
export interface BatchLineage {
  runId: string
  createdAt: string
  cairnVersion: string
  model: { uri: string; name: string; version: string; runId: string | null; family: string }
  input: {
    uri: string
    kind: 'dataset' | 'files'
    version: string
    rows: number
    files?: { path: string; sha256: string; bytes: number }[]
  }
  output: { uri: string; partition: string; rows: number; files: string[]; columns: string[] }
}

/** What a scoring run did. */
export interface BatchScoreResult {
  rows: number
  seconds: number
  rowsPerSecond: number
  lineage: BatchLineage
  /** Dataset outputs: the version written (`name@version`). */
  datasetRef?: string
}

/**
 * Batch scoring: stream the input through DuckDB in batches of columnar rows, predict each batch
 * with the model, and write the predictions (with the kept input columns) partitioned by date,
 * with lineage: the model version and the input version. Output files are written to a staging
 * folder first and published only when every batch succeeded, the lineage file last.
 */
export async function scoreBatch(options: BatchScoreOptions): Promise<BatchScoreResult> {
  const started = performance.now()
  const project = await loadProjectConfig({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}),
    ...(options.artifactsUri ? { artifactsUri: options.artifactsUri } : {}),
  })
  const partition = options.partition ?? new Date().toISOString().slice(0, 10)
  if (!/^[A-Za-z0-9_.:-]+$/.test(partition)) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `"${partition}" is not a partition name`, {
      hint: 'Use a date such as 2026-11-22, or letters, digits, _ . : -',
    })
  }
  const toDataset = options.output.startsWith('dataset:')
  const inputIsFiles = looksLikeFiles(options.input, project.root)
  const opened = await openModelSources({
    trackingUri: project.trackingUri,
    artifactsUri: project.artifactsUri,
    root: project.root,
    withStores: true,
  })
  let data: DataService | undefined
  let pool: PredictPool | undefined
  const work = await mkdtemp(join(tmpdir(), 'cairn-predict-'))
  let progress: Progress | undefined
  try {
    const source = firstMatchingSource(opened.sources, options.model)
    if (!source) throw new CairnError('CAIRN_INVALID_MODEL_URI', `Cannot load "${options.model}"`)
    const resolved = await source.resolve(options.model)
    const { model } = await resolved.load()
    data = await createDataService({
      metadata: opened.metadata as MetadataStore,
      artifacts: opened.artifacts as ArtifactStore,
      base: project.root,
      cacheDir: join(project.root, '.cairn', 'cache', 'data'),
    })
    const { lazy, input } = await openInput(data, options.input, inputIsFiles)
    checkColumns(model, lazy.schema.columns, options.input)
    const kept = keptColumns(options.keep ?? 'all', lazy.schema.columns)
    const wanted = [...new Set([...model.signature.inputs.map((i) => i.name), ...kept])]
    const predictionName = lazy.schema.columns.some((c) => c.name === 'prediction')
      ? `prediction_${resolved.name}`
      : 'prediction'
    progress = startProgress({
      label: `Scoring with ${resolved.name} v${resolved.version}`,
      total: input.rows,
      unit: 'rows',
      ...(options.progress ? { mode: options.progress } : {}),
    })
    const p = progress
    const threads = options.threads ?? (input.rows >= 100_000 ? availableParallelism() : 1)
    pool = threads > 1 ? await PredictPool.start(toBundle(model), threads) : undefined
    const predictor = pool
    let batchIndex = 0
    const table = await batchTransform(
      data.engine,
      lazy,
      async (batch) => {
        const index = batchIndex++
        let result: PredictionResult
        try {
          result = predictor ? await predictor.predict(batch) : model.predict(batch)
        } catch (err) {
          throw new CairnError(
            'CAIRN_PREDICTION_FAILED',
            `${resolved.name} v${resolved.version} failed on batch ${index}: ${(err as Error).message}`,
            {
              cause: err,
              details: { batch: index },
              hint: 'Nothing was written; check the rows of that batch (validate the input against the model signature)',
            },
          )
        }
        return outputFrame(model, result, batch, kept, predictionName)
      },
      {
        workDir: work,
        batchRows: options.batchRows ?? 65_536,
        columns: wanted,
        name: `predict ${resolved.uri}`,
        onProgress: (n) => p.update(n),
      },
    )
    progress.stop()
    progress = undefined
    const rows = table.rowCount
    const columns = table.columnNames
    const lineage: BatchLineage = {
      runId: shortId(8),
      createdAt: new Date().toISOString(),
      cairnVersion: cairnVersion(),
      model: {
        uri: resolved.uri,
        name: resolved.name,
        version: resolved.version,
        runId: resolved.runId ?? null,
        family: model.family,
      },
      input: { ...input, rows },
      output: { uri: options.output, partition, rows, files: [], columns },
    }
    let datasetRef: string | undefined
    if (toDataset) {
      const name = options.output.slice('dataset:'.length)
      const written = await data.write(name, table, {
        partition,
        ...(input.kind === 'dataset' ? { parents: [input.version] } : {}),
        transform: {
          kind: 'predict',
          description: `predictions of ${resolved.name} v${resolved.version}`,
          params: {
            model: resolved.uri,
            modelVersion: resolved.version,
            input: options.input,
            inputVersion: input.version,
          },
        },
        tags: { model: resolved.name, modelVersion: resolved.version },
        description: `Predictions of ${resolved.uri} (version ${resolved.version}) for ${options.input}`,
      })
      datasetRef = written.ref
      lineage.output.files = written.version.partitions
        .filter((x) => x.key === partition)
        .map((x) => x.object)
    } else {
      lineage.output.files = await publishFiles(
        data,
        table.relation,
        options.output,
        project.root,
        partition,
        lineage,
        work,
      )
    }
    await table.drop()
    const seconds = (performance.now() - started) / 1000
    return { rows, seconds, rowsPerSecond: rows / seconds, lineage, ...(datasetRef ? { datasetRef } : {}) }
  } finally {
    progress?.stop()
    await pool?.close()
    await data?.close()
    await opened.close()
    await rm(work, { recursive: true, force: true })
  }
}

function looksLikeFiles(input: string, root: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) || /[*?[\]]/.test(input)) return true
  if (/\.(csv|tsv|parquet|json|jsonl|ndjson)(\.gz)?$/i.test(input)) return true
  return existsSync(resolve(root, input))
}

async function openInput(
  data: DataService,
  input: string,
  isFiles: boolean,
): Promise<{ lazy: LazyTable; input: Omit<BatchLineage['input'], 'rows'> & { rows: number } }> {
  if (!isFiles) {
    const view = await data.datasets.view(input)
    const ref = `${view.version.name}@${view.version.version}`
    const rows = Number(await data.engine.value(`SELECT count(*) FROM ${quoteIdent(view.name)}`))
    return {
      lazy: { relation: quoteIdent(view.name), schema: view.schema, lineage: { parents: [ref] } },
      input: { uri: input, kind: 'dataset', version: ref, rows },
    }
  }
  const lazy = await data.scan(input)
  const files = await Promise.all(
    (lazy.lineage.source?.files ?? []).map(async (f) => {
      const local = (f as { localPath?: string }).localPath ?? f.path
      const { hash, size } = await hashFile(local)
      return { path: f.path, sha256: hash, bytes: size }
    }),
  )
  const version =
    files.length === 1 ? (files[0]?.sha256 ?? '') : hashBytes(files.map((f) => f.sha256).join('\n'))
  const rows = Number(await data.engine.value(`SELECT count(*) FROM ${lazy.relation}`))
  if (rows === 0) throw new CairnError('CAIRN_SOURCE_EMPTY', `"${input}" holds no rows to score`)
  return { lazy, input: { uri: input, kind: 'files', version, rows, files } }
}

function checkColumns(model: Model, columns: readonly ColumnSchema[], input: string): void {
  const have = new Map(columns.map((c) => [c.name, c]))
  const missing = model.signature.inputs.filter((i) => !have.has(i.name)).map((i) => i.name)
  if (missing.length > 0) {
    throw new CairnError(
      'CAIRN_COLUMN_NOT_FOUND',
      `"${input}" lacks the model's input column(s): ${missing.join(', ')}`,
      {
        details: { missing, available: [...have.keys()] },
        hint: 'Score data with every column the model was trained on (see cairn models show)',
      },
    )
  }
  const numeric = new Set(['number', 'integer', 'boolean', 'datetime'])
  const wrong = model.signature.inputs.filter((i) => {
    const c = have.get(i.name) as ColumnSchema
    return numeric.has(i.type) && !numeric.has(c.type)
  })
  if (wrong.length > 0) {
    throw new CairnError(
      'CAIRN_TYPE_CAST_FAILED',
      `Column(s) ${wrong.map((w) => `"${w.name}" (${have.get(w.name)?.type}, the model wants ${w.type})`).join(', ')} of "${input}" are not numeric`,
      { details: { columns: wrong.map((w) => w.name) } },
    )
  }
}

function keptColumns(keep: 'all' | 'none' | string[], columns: readonly ColumnSchema[]): string[] {
  if (keep === 'none') return []
  if (keep === 'all') return columns.map((c) => c.name)
  const names = new Set(columns.map((c) => c.name))
  const unknown = keep.filter((k) => !names.has(k))
  if (unknown.length > 0) {
    throw new CairnError(
      'CAIRN_COLUMN_NOT_FOUND',
      `--keep names column(s) the input lacks: ${unknown.join(', ')}`,
    )
  }
  return keep
}

/** A batch's output frame: kept columns, the prediction, class probabilities. */
function outputFrame(
  model: Model,
  result: PredictionResult,
  batch: Frame,
  kept: readonly string[],
  predictionName: string,
): Frame {
  const n = batch.rowCount
  const columns: FrameColumn[] = batch.columns.filter((c) => kept.includes(c.name))
  const classes = result.classes ?? model.signature.output.classes
  if (classes && classes.length > 0) {
    const codes = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      const v = result.values[i] as number
      codes[i] = Number.isInteger(v) && v >= 0 && v < classes.length ? v : -1
    }
    columns.push({ name: predictionName, type: 'category', codes, categories: [...classes] })
    const probs = result.probabilities
    if (probs) {
      const k = classes.length
      classes.forEach((cls, j) => {
        const values = new Float64Array(n)
        for (let i = 0; i < n; i++) values[i] = probs[i * k + j] as number
        columns.push({ name: `probability_${cls}`, type: 'number', values })
      })
    }
  } else {
    columns.push({ name: predictionName, type: 'number', values: Float64Array.from(result.values) })
  }
  return { rowCount: n, columns }
}

/** Write the table as Parquet into `<output>/date=<partition>/`, replacing that partition, lineage last. */
async function publishFiles(
  data: DataService,
  relation: string,
  output: string,
  root: string,
  partition: string,
  lineage: BatchLineage,
  work: string,
): Promise<string[]> {
  const store = openArtifactStore(/^[a-z][a-z0-9+.-]*:\/\//i.test(output) ? output : resolve(root, output))
  try {
    const staged = join(work, 'publish')
    await data.engine.run(
      `COPY (SELECT * FROM ${relation}) TO ${sqlString(staged)} (FORMAT parquet, COMPRESSION zstd, PER_THREAD_OUTPUT true)`,
      'Writing predictions',
    )
    const folder = `date=${partition}`
    const previous = (await store.list(folder).catch(() => [])).filter((e) => !e.isDir).map((e) => e.path)
    const files: string[] = []
    const names = (await readdir(staged)).filter((f) => f.endsWith('.parquet')).sort()
    for (const [i, f] of names.entries()) {
      const path = joinArtifactPath(folder, `part-${lineage.runId}-${String(i).padStart(5, '0')}.parquet`)
      await store.putFile(path, join(staged, f))
      files.push(path)
    }
    lineage.output.files = files
    await store.put(joinArtifactPath(folder, '_lineage.json'), `${JSON.stringify(lineage, null, 2)}\n`)
    for (const old of previous)
      if (!files.includes(old) && !old.endsWith('_lineage.json')) await store.delete(old)
    return files
  } finally {
    await store.close()
  }
}
