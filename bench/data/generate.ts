/**
 * Writes the benchmark CSV: `rows` rows × 20 columns (ids, floats with missing values, integers,
 * categories of 5..1000 values, a boolean, timestamps, short text, coded strings), with a few
 * deliberate failures for the expectations to find. Deterministic (no random()).
 */
import { DataEngine, sqlString } from '../../src/data/index.js'

export async function generateCsv(path: string, rows: number): Promise<void> {
  const engine = await DataEngine.create()
  try {
    await engine.run(
      `COPY (
        SELECT
          i AS id,
          CASE WHEN i % 97 = 0 THEN NULL ELSE ((i * 7919) % 100000) / 1000.0 END AS x1,
          CASE WHEN i % 100003 = 0 THEN 150.0 ELSE ((i * 104729) % 100000) / 1000.0 END AS x2,
          ((i * 31) % 1000) / 10.0 - 50 AS x3,
          ((i * 17) % 9973) * 0.125 AS x4,
          sin(i) * 1000 AS x5,
          ((i * 13) % 1000) / 7.0 AS x6,
          CASE WHEN i % 50 = 0 THEN NULL ELSE ((i * 11) % 777) * 1.5 END AS x7,
          sqrt(i % 10000) AS x8,
          i % 1000 AS i1,
          (i * 3) % 500 AS i2,
          (i * 3) % 500 + (i % 7) AS i3,
          CASE WHEN i % 200003 = 0 THEN 'other' ELSE 'c' || (i % 5) END AS c1,
          'g' || (i % 20) AS c2,
          'city_' || ((i * 7) % 100) AS c3,
          'sku' || ((i * 13) % 1000) AS c4,
          CASE WHEN i % 3 = 0 THEN 'true' ELSE 'false' END AS flag,
          TIMESTAMP '2026-01-01' + to_seconds(i * 5) AS ts,
          'note for row ' || (i % 10000) || ' with a few words' AS note,
          CASE WHEN i % 250007 = 0 THEN 'bad code' ELSE chr(CAST(65 + (i % 26) AS INTEGER)) || chr(CAST(65 + ((i // 26) % 26) AS INTEGER)) || '-' || lpad(CAST(i % 100000 AS VARCHAR), 5, '0') END AS code
        FROM range(${rows}) t(i)
      ) TO ${sqlString(path)} (HEADER)`,
    )
  } finally {
    await engine.close()
  }
}
