/**
 * A child process for the larger-than-memory test: streams a CSV through a TypeScript batch
 * function with a small JS heap (--max-old-space-size) and a small DuckDB memory limit, and
 * prints what it computed and the largest heap it saw.
 * Usage: node --max-old-space-size=48 --import tsx stream-child.ts <csv> <workDir>
 */
import { DataEngine } from '../engine/duckdb-engine.js'
import type { NumericColumn } from '../frame/frame.js'
import { scanSource } from '../sources/scan-source.js'
import { batchTransform } from '../transform/batch-transform.js'

const [csv, workDir] = process.argv.slice(2) as [string, string]
const engine = await DataEngine.create({ memoryLimit: '64MB', threads: 1, tempDirectory: `${workDir}/spill` })
const lazy = await scanSource(engine, csv, { cacheDir: `${workDir}/cache` })
let heapMax = 0
let batches = 0
const out = await batchTransform(
  engine,
  lazy,
  (batch) => {
    batches++
    const x = batch.columns.find((c) => c.name === 'x') as NumericColumn
    let sum = 0
    for (let i = 0; i < x.values.length; i++) sum += x.values[i] as number
    heapMax = Math.max(heapMax, process.memoryUsage().heapUsed)
    return {
      rowCount: 1,
      columns: [
        { name: 'rows', type: 'integer', values: Float64Array.of(batch.rowCount) },
        { name: 'sum', type: 'number', values: Float64Array.of(sum) },
      ],
    }
  },
  { workDir, batchRows: 50_000, columns: ['id', 'x'] },
)
const totals = (await engine.row(`SELECT sum(rows) AS rows, sum(sum) AS sum FROM ${out.relation}`)) ?? {}
process.stdout.write(
  `${JSON.stringify({ rows: totals.rows, sum: totals.sum, batches, heapMax, outRows: out.rowCount })}\n`,
)
await engine.close()
