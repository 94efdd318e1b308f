/**
 * The Cairn side of the benchmark, in its own process so its peak memory is its own:
 * ingest the CSV (types inferred, malformed rows collected), validate 10 expectations
 * (counts + 10 sample rows each, policy warn), profile every column. Prints one JSON line.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DataEngine,
  defineSuite,
  ingestSource,
  profileRelation,
  validateTable,
} from '../../src/data/index.js'
import { suiteSpec } from './suite.js'

const path = process.argv[2] as string
const t0 = performance.now()
const engine = await DataEngine.create()
const table = await ingestSource(engine, path, { cacheDir: join(tmpdir(), 'cairn-bench-cache') })
const t1 = performance.now()
const { report } = await validateTable(table, defineSuite(suiteSpec), {
  throwOnFailure: false,
  sampleSize: 10,
})
const t2 = performance.now()
const profile = await profileRelation(engine, table.relation, table.schema)
const t3 = performance.now()
await engine.close()
process.stdout.write(
  `${JSON.stringify({
    rows: table.rowCount,
    columns: table.schema.columns.length,
    malformed: table.malformed.count,
    ingestSeconds: (t1 - t0) / 1000,
    validateSeconds: (t2 - t1) / 1000,
    profileSeconds: (t3 - t2) / 1000,
    totalSeconds: (t3 - t0) / 1000,
    failing: Object.fromEntries(
      report.results.map((r) => [
        r.name,
        r.kind.endsWith('_between') && r.kind !== 'length_between' && r.kind !== 'between'
          ? r.observed
          : r.failingCount,
      ]),
    ),
    profiledColumns: profile.columns.length,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  })}\n`,
)
