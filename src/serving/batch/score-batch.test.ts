import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashFile, isCairnError } from '../../core/index.js'
import { createDataService, frameToRows } from '../../data/index.js'
import type { Model } from '../../ml/index.js'
import { runCairn } from '../test-support/cli.js'
import { faultyModel } from '../test-support/faulty-family.js'
import { createTestProject, type TestProject } from '../test-support/fixtures.js'
import { churnModel, housingFrame, housingModel } from '../test-support/models.js'
import { scoreBatch } from './score-batch.js'

let project: TestProject
let housing: Model
let csv: string
const N = 5000

async function query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[]
  } finally {
    conn.closeSync()
    db.closeSync()
  }
}

beforeAll(async () => {
  project = await createTestProject()
  housing = await housingModel()
  await project.register('housing', housing, 'production')
  await project.register('churn', await churnModel(), 'production')
  const rows = frameToRows(housingFrame(0, N)).map((r, i) => ({ house_id: i, ...r }))
  const header = Object.keys(rows[0] as object)
  csv = join(project.dir, 'new-houses.csv')
  await writeFile(
    csv,
    `${header.join(',')}\n${rows.map((r) => header.map((h) => (r as Record<string, unknown>)[h] ?? '').join(',')).join('\n')}\n`,
  )
})

afterAll(async () => {
  await project?.close()
})

const base = () => ({
  trackingUri: project.trackingUri,
  artifactsUri: project.artifactsUri,
  cwd: project.dir,
  progress: 'silent' as const,
})

describe('batch scoring', () => {
  it('streams files through the model in batches and writes predictions by date with lineage', async () => {
    const result = await scoreBatch({
      ...base(),
      model: 'models:/housing@production',
      input: csv,
      output: 'predictions/',
      partition: '2026-11-22',
      batchRows: 700,
      threads: 2,
    })
    expect(result.rows).toBe(N)
    const folder = join(project.dir, 'predictions/date=2026-11-22')
    const lineage = JSON.parse(await readFile(join(folder, '_lineage.json'), 'utf8'))
    expect(lineage.model).toMatchObject({
      uri: 'models:/housing@production',
      name: 'housing',
      version: '1',
      family: 'pipeline',
    })
    expect(lineage.input).toMatchObject({ kind: 'files', rows: N, version: (await hashFile(csv)).hash })
    expect(lineage.output.files.length).toBeGreaterThan(0)
    const rows = await query<{ house_id: number; prediction: number; median_income: number }>(
      `SELECT * FROM read_parquet('${folder}/*.parquet') ORDER BY house_id`,
    )
    expect(rows).toHaveLength(N)
    const want = housing.predict(housingFrame(0, N)).values
    for (const i of [0, 1, 699, 700, 2500, N - 1])
      expect(rows[i]?.prediction).toBeCloseTo(want[i] as number, 6)
    // Scoring the same partition again replaces it.
    await scoreBatch({
      ...base(),
      model: 'models:/housing/1',
      input: csv,
      output: 'predictions/',
      partition: '2026-11-22',
      keep: ['house_id'],
    })
    const again = await query<{ n: number; cols: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${folder}/*.parquet')`,
    )
    expect(again[0]?.n).toBe(N)
    const cols = await query(`SELECT * FROM read_parquet('${folder}/*.parquet') LIMIT 1`)
    // DuckDB reads the partition folder (date=…) back as a column.
    expect(Object.keys(cols[0] as object)).toEqual(['house_id', 'prediction', 'date'])
  })

  it('reads a dataset version and writes a predictions dataset whose lineage names the model and input versions', async () => {
    const data = await createDataService({
      metadata: project.metadata,
      artifacts: project.artifacts,
      cacheDir: join(project.dir, 'cache'),
    })
    const input = await data.write('houses', housingFrame(0, 1000))
    await data.close()
    const result = await scoreBatch({
      ...base(),
      model: 'models:/housing@production',
      input: 'houses',
      output: 'dataset:houses-scored',
      partition: '2026-11-22',
    })
    expect(result.lineage.input).toMatchObject({ kind: 'dataset', version: input.ref, rows: 1000 })
    expect(result.datasetRef).toMatch(/^houses-scored@/)
    const check = await createDataService({
      metadata: project.metadata,
      artifacts: project.artifacts,
      cacheDir: join(project.dir, 'cache'),
    })
    try {
      const version = await check.show(result.datasetRef as string)
      expect(version.parents).toEqual([input.ref])
      expect(version.tags).toMatchObject({ model: 'housing', modelVersion: '1' })
      expect(version.partitions.map((p) => p.key)).toEqual(['2026-11-22'])
      expect(version.rowCount).toBe(1000)
    } finally {
      await check.close()
    }
  })

  it('writes labels and class probabilities for classifiers', async () => {
    const file = join(project.dir, 'customers.csv')
    await writeFile(file, 'id,tenure,charges\n1,1,90\n2,60,20\n3,30,70\n')
    const r = await scoreBatch({
      ...base(),
      model: 'models:/churn@production',
      input: file,
      output: 'churn-scores',
      partition: 'p1',
    })
    const rows = await query<Record<string, unknown>>(
      `SELECT * FROM read_parquet('${join(project.dir, 'churn-scores/date=p1')}/*.parquet') ORDER BY id`,
    )
    expect(r.rows).toBe(3)
    expect(rows.map((x) => x.prediction)).toEqual(['yes', 'no', expect.any(String)])
    expect((rows[0]?.probability_yes as number) + (rows[0]?.probability_no as number)).toBeCloseTo(1, 12)
  })

  it('refuses inputs that lack model columns, and writes nothing when the model fails part-way', async () => {
    const err = await scoreBatch({
      ...base(),
      model: 'models:/churn@production',
      input: csv,
      output: 'nothing/',
    }).catch((e) => e)
    expect(isCairnError(err, 'CAIRN_COLUMN_NOT_FOUND')).toBe(true)
    expect((err as Error).message).toContain('tenure')
    const faulty = await project.writeBundle('faulty-model', faultyModel())
    const file = join(project.dir, 'xs.csv')
    await writeFile(file, `x\n${Array.from({ length: 100 }, (_, i) => i).join('\n')}\n`)
    const boom = await scoreBatch({
      ...base(),
      model: faulty,
      input: file,
      output: 'half/',
      batchRows: 10,
    }).catch((e) => e)
    expect(isCairnError(boom, 'CAIRN_PREDICTION_FAILED')).toBe(true)
    expect((boom as Error).message).toContain('batch 1')
    expect(existsSync(join(project.dir, 'half'))).toBe(false)
    expect(existsSync(join(project.dir, 'nothing'))).toBe(false)
  })

  it('runs as `cairn predict` with a JSON summary', async () => {
    const p = runCairn([
      'predict',
      'models:/housing@production',
      '--input',
      csv,
      '--output',
      join(project.dir, 'cli-out'),
      '--partition',
      '2026-11-23',
      '--json',
      '--tracking-uri',
      project.trackingUri,
      '--artifacts-uri',
      project.artifactsUri,
    ])
    let out = ''
    p.child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    expect(await p.exited).toBe(0)
    const result = JSON.parse(out)
    expect(result).toMatchObject({
      rows: N,
      lineage: { model: { version: '1' }, output: { partition: '2026-11-23' } },
    })
    expect(
      (await readdir(join(project.dir, 'cli-out/date=2026-11-23'))).filter((f) => f.endsWith('.parquet'))
        .length,
    ).toBeGreaterThan(0)
  })
})
