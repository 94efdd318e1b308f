import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataEngine } from '../engine/duckdb-engine.js'
import { sqlString } from '../engine/sql.js'
import type { NumericColumn } from '../frame/frame.js'
import { localDataService, tempDir } from '../testing/temp-data.js'

const dir = tempDir()
const run = promisify(execFile)

describe('transforms', () => {
  let s: Awaited<ReturnType<typeof localDataService>>
  beforeAll(async () => {
    s = await localDataService(dir)
    await s.data.write('orders', [
      { id: 1, customer: 'a', amount: 10 },
      { id: 2, customer: 'b', amount: 20 },
      { id: 3, customer: 'a', amount: 5 },
    ])
    await s.data.write('customers', [
      { customer: 'a', region: 'north' },
      { customer: 'b', region: 'south' },
    ])
  })
  afterAll(async () => {
    await s.close()
  })

  it('runs SQL over registered datasets and records every input version and the SQL as lineage', async () => {
    const out = await s.data.sql(
      'WITH big AS (SELECT * FROM o WHERE amount >= 10) SELECT c.region, sum(big.amount) AS total FROM big JOIN c USING (customer) GROUP BY 1 ORDER BY 1',
      { o: 'orders@latest', c: 'customers@v1' },
    )
    expect(await out.toRows()).toEqual([
      { region: 'north', total: 10 },
      { region: 'south', total: 20 },
    ])
    const orders = await s.data.show('orders')
    const customers = await s.data.show('customers')
    expect(out.lineage.parents).toEqual([`orders@${orders.version}`, `customers@${customers.version}`])
    expect(out.lineage.transform).toMatchObject({
      kind: 'sql',
      codeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    const written = await s.data.write('totals', out)
    expect(written.version.parents).toEqual(out.lineage.parents)
    await expect(s.data.sql('SELECT 1; DROP TABLE x', {})).rejects.toMatchObject({
      code: 'CAIRN_INVALID_ARGUMENT',
    })
  })

  it('maps a TypeScript function over column batches, keeping lineage', async () => {
    const out = await s.data.mapBatches(
      'orders@latest',
      function double(batch) {
        const amount = batch.columns.find((c) => c.name === 'amount') as NumericColumn
        return {
          rowCount: batch.rowCount,
          columns: [{ ...amount, name: 'twice', values: amount.values.map((v) => v * 2) }],
        }
      },
      { batchRows: 2 },
    )
    expect(await out.toRows()).toEqual([{ twice: 20 }, { twice: 40 }, { twice: 10 }])
    expect(out.lineage.transform).toMatchObject({
      kind: 'function',
      description: 'double',
      params: { batches: 2 },
    })
  })

  it('streams a CSV larger than the JS heap and the DuckDB memory limit through a batch function', async () => {
    const csv = join(dir, 'large.csv')
    const engine = await DataEngine.create({ threads: 2 })
    const n = 1_000_000
    await engine.run(
      `COPY (SELECT i AS id, i * 0.25 AS x, repeat('padding ', 8) || (i % 1000) AS pad, md5(CAST(i AS VARCHAR)) AS h FROM range(${n}) t(i)) TO ${sqlString(csv)} (HEADER)`,
    )
    await engine.close()
    const bytes = statSync(csv).size
    const child = fileURLToPath(new URL('../testing/stream-child.ts', import.meta.url))
    const { stdout } = await run(
      process.execPath,
      ['--max-old-space-size=48', '--import', 'tsx', child, csv, join(dir, 'work')],
      {
        maxBuffer: 1 << 20,
      },
    )
    const result = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, number>
    expect(bytes).toBeGreaterThan(100 * 1024 * 1024) // more than the 48 MB heap and the 64 MB DuckDB limit
    expect(result.rows).toBe(n)
    expect(result.sum).toBe((0.25 * (n - 1) * n) / 2)
    expect(result.batches).toBe(20)
    expect(result.outRows).toBe(20)
    expect(result.heapMax).toBeLessThan(48 * 1024 * 1024)
  }, 120_000)
})
