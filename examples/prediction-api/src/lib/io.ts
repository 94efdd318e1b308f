import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { DataService, DataTable, Frame } from 'cairn/data'

/** Read a Parquet or CSV file into a frame. */
export async function readFrame(data: DataService, path: string): Promise<Frame> {
  const table = await data.ingest(path)
  try {
    return await table.toFrame()
  } finally {
    await table.drop()
  }
}

/** Write a table as one Parquet file. */
export async function writeTable(data: DataService, table: DataTable, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await data.engine.run(`COPY ${table.relation} TO '${path.replace(/'/g, "''")}' (FORMAT PARQUET)`)
}

/** Write a frame as one Parquet file. */
export async function writeFrame(data: DataService, frame: Frame, path: string): Promise<void> {
  const table = await data.fromFrame(frame)
  try {
    await writeTable(data, table, path)
  } finally {
    await table.drop()
  }
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`)
}
