import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { CairnError } from '../core/index.js'
import { type DataEngine, sqlString } from '../data/index.js'

/** The flights the demo replays: US domestic flights of 2001 (vega-datasets, from the BTS). */
export const FLIGHTS_FILE = 'data/flights-3m.parquet'

/** Days of history ingested before the model is trained, oldest first. */
export const HISTORY_DAYS = days('2001-03-01', 14)
/** The first day of live traffic: an ordinary day. */
export const CALM_DAY = '2001-03-15'
/** The second day of live traffic, with the injected storm. */
export const STORM_DAY = '2001-03-16'

/** The airports the injected storm grounds. */
export const STORM_HUBS = ['ORD', 'DFW', 'ATL'] as const

/** What the injected shift does, in words (printed in the story; the SQL below does exactly this). */
export const STORM_DESCRIPTION =
  `a storm grounds ${STORM_HUBS.join(', ')}: 70% of their flights are cancelled, their morning ` +
  'departures leave 6 hours later and 45–135 minutes late, and knock-on delays add 12 minutes everywhere else'

function days(first: string, n: number): string[] {
  const t0 = Date.parse(`${first}T00:00:00Z`)
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10))
}

/** Where npm installed vega-datasets' flights table; a clear error when it is missing. */
export function flightsParquetPath(): string {
  let root: string
  try {
    // the package exports only its JS entry (build/index.js); the data sits beside build/
    root = dirname(dirname(createRequire(import.meta.url).resolve('vega-datasets')))
  } catch (err) {
    throw new CairnError('CAIRN_NOT_FOUND', 'The demo data (npm package vega-datasets) is not installed', {
      cause: err,
      hint: 'Run `npm install` in the Cairn checkout (vega-datasets is a dev dependency), then `npm run demo`.',
    })
  }
  const path = join(root, FLIGHTS_FILE)
  if (!existsSync(path)) {
    throw new CairnError('CAIRN_NOT_FOUND', `vega-datasets has no ${FLIGHTS_FILE}`, {
      hint: 'Reinstall it with `npm install` (the demo needs vega-datasets 3.x).',
    })
  }
  return path
}

/**
 * Land one day of flights as the raw file an upstream system would drop
 * (`data/raw/flights/dt=<day>/flights.parquet`); with `storm`, the injected shift is applied.
 * Returns the file and its row count.
 */
export async function landDay(
  engine: DataEngine,
  source: string,
  root: string,
  day: string,
  options: { storm?: boolean } = {},
): Promise<{ path: string; rows: number }> {
  const dir = join(root, 'data', 'raw', 'flights', `dt=${day}`)
  await mkdir(dir, { recursive: true })
  const path = join(dir, 'flights.parquet')
  const oneDay = `date >= TIMESTAMP ${sqlString(`${day} 00:00:00`)} AND date < TIMESTAMP ${sqlString(`${day} 00:00:00`)} + INTERVAL 1 DAY`
  const base = `SELECT date, delay, distance, origin, destination,
      hash(date, origin, destination, distance, delay) AS h,
      (origin IN (${STORM_HUBS.map((a) => sqlString(a)).join(', ')}) OR destination IN (${STORM_HUBS.map((a) => sqlString(a)).join(', ')})) AS hub
    FROM read_parquet(${sqlString(source)}) WHERE ${oneDay}`
  const select = options.storm
    ? `SELECT
        CASE WHEN hub AND hour(date) < 14 THEN date + INTERVAL 6 HOUR ELSE date END AS date,
        CAST(delay + CASE WHEN hub THEN 45 + (h // 10) % 91 ELSE 12 END AS BIGINT) AS delay,
        distance, origin, destination
      FROM (${base}) WHERE NOT (hub AND h % 10 < 7)`
    : `SELECT date, delay, distance, origin, destination FROM (${base})`
  await engine.run(
    `COPY (${select} ORDER BY date, origin, destination) TO ${sqlString(path)} (FORMAT PARQUET)`,
    `landing flights of ${day}`,
  )
  const rows = Number(
    await engine.value(`SELECT count(*) FROM read_parquet(${sqlString(path)})`, 'counting landed rows'),
  )
  return { path, rows }
}
