import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { hashFile } from '../../core/index.js'
import { DataEngine } from '../engine/duckdb-engine.js'
import { sqlString } from '../engine/sql.js'
import { localDataService, tempDir } from '../testing/temp-data.js'

const dir = tempDir()
const child = fileURLToPath(new URL('../testing/ingest-child.ts', import.meta.url))
const csv = join(dir, 'big.csv')

beforeAll(async () => {
  const engine = await DataEngine.create({ threads: 2 })
  await engine.run(
    `COPY (SELECT i AS id, 'c' || (i % 97) AS cat, i * 0.5 AS x, (i * 7919) % 1000 AS y, md5(CAST(i AS VARCHAR)) AS s FROM range(1500000) t(i)) TO ${sqlString(csv)} (HEADER)`,
  )
  await engine.close()
}, 120_000)

/** Run the child until it prints `signal`, then SIGKILL it; resolves with what it printed. */
function runAndKill(
  storeDir: string,
  mode: 'read' | 'upload',
  signal: string,
): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, storeDir, csv, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    let killed = false
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (!killed && out.includes(signal)) {
        killed = true
        setTimeout(() => p.kill('SIGKILL'), mode === 'upload' ? 200 : 0)
      }
    })
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    p.on('error', reject)
    p.on('exit', () =>
      killed || out.includes('DONE') ? resolve({ out, killed }) : reject(new Error(`child failed: ${err}`)),
    )
  })
}

async function assertNothingHalfWritten(storeDir: string): Promise<void> {
  const s = await localDataService(storeDir)
  try {
    expect(await s.data.list()).toEqual([])
    await expect(s.data.versions('big')).resolves.toEqual([])
    // every object in the store is complete: its name is the hash of its bytes
    const objects = join(storeDir, 'artifacts', 'datasets', 'objects')
    const files = statSync(objects, { throwIfNoEntry: false })
      ? readdirSync(objects, { recursive: true, withFileTypes: true }).filter(
          (e) => e.isFile() && !e.name.startsWith('.'),
        )
      : []
    for (const f of files) expect(`${(await hashFile(join(f.parentPath, f.name))).hash}.parquet`).toBe(f.name)
    for (const e of (await s.artifacts.list('datasets/objects', { recursive: true })).filter(
      (x) => !x.isDir,
    )) {
      expect(e.path).toMatch(/^datasets\/objects\/[0-9a-f]{2}\/[0-9a-f]{64}\.parquet$/)
    }
    // the store still works
    const small = await s.data.write('big', [{ id: 1 }])
    expect(small.version.seq).toBe(1)
  } finally {
    await s.close()
  }
}

describe('a killed ingest leaves no half-written version', () => {
  it('killed while reading the CSV', async () => {
    const storeDir = join(dir, 'store-read')
    const { killed } = await runAndKill(storeDir, 'read', 'READING')
    expect(killed).toBe(true)
    await assertNothingHalfWritten(storeDir)
  })

  it('killed halfway through uploading the Parquet object', async () => {
    const storeDir = join(dir, 'store-upload')
    const { killed } = await runAndKill(storeDir, 'upload', 'UPLOADING')
    expect(killed).toBe(true)
    await assertNothingHalfWritten(storeDir)
  })
})
