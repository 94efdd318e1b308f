/**
 * An example run of the data layer over the two public datasets in ../shared/datasets:
 * california-housing.csv (regression) and adult.data (", "-separated, "?" for missing). For each:
 * ingest with inferred types, save the schema, validate (quarantine), store a version, profile,
 * and store a stratified train/test split — what `cairn data ingest … --name … --expectations …`
 * does, through the TypeScript API.
 *
 *   npx tsx bench/data/example-run.ts [--datasets /work/shared/datasets]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createDataService,
  formatValidationReport,
  type NumericColumnProfile,
  schemaToYaml,
} from '../../src/data/index.js'
import { openArtifactStore, openMetadataStore } from '../../src/store/index.js'

const args = process.argv.slice(2)
const datasets = args.includes('--datasets')
  ? (args[args.indexOf('--datasets') + 1] as string)
  : '/work/shared/datasets'
const here = fileURLToPath(new URL('.', import.meta.url))
const housing = join(datasets, 'california-housing.csv')
const adult = join(datasets, 'adult.data')
if (!existsSync(housing) || !existsSync(adult)) {
  console.error(`needs ${housing} and ${adult}`)
  process.exit(1)
}

const dir = mkdtempSync(join(tmpdir(), 'cairn-data-example-'))
const metadata = await openMetadataStore(`sqlite:///${join(dir, 'cairn.db')}`)
const artifacts = openArtifactStore(join(dir, 'artifacts'))
const data = await createDataService({ metadata, artifacts, cacheDir: join(dir, 'cache') })
try {
  for (const ds of [
    { name: 'housing', source: housing, target: 'median_house_value', stratify: 'ocean_proximity', csv: {} },
    {
      name: 'adult',
      source: adult,
      target: 'Salary',
      stratify: 'Salary',
      csv: { delimiter: ', ', nullValues: ['?'] },
    },
  ]) {
    const t0 = performance.now()
    const table = await data.ingest({ kind: 'file', path: ds.source, csv: ds.csv }, { target: ds.target })
    const t1 = performance.now()
    console.log(
      `\n=== ${ds.name}: ${table.rowCount} rows × ${table.schema.columns.length} columns read in ${(t1 - t0).toFixed(0)} ms, ${table.malformed.count} malformed`,
    )
    console.log(schemaToYaml(table.schema).trimEnd())
    const outcome = await data.validate(table, join(here, `${ds.name}-expectations.yaml`), {
      throwOnFailure: false,
    })
    console.log(formatValidationReport(outcome.report))
    const written = await data.write(ds.name, outcome.good, {
      validation: {
        success: outcome.report.success,
        policy: outcome.report.policy,
        rowCount: outcome.report.rowCount,
        goodRowCount: outcome.report.goodRowCount,
        quarantinedRowCount: outcome.report.quarantinedRowCount,
        malformedCount: outcome.report.malformed.count,
        failed: outcome.report.results.filter((r) => r.status !== 'passed').map((r) => r.name),
      },
    })
    if (outcome.quarantined)
      await data.write(`${ds.name}.quarantine`, outcome.quarantined, { transform: { kind: 'quarantine' } })
    const profile = written.version.profile
    const numeric =
      profile?.columns.filter((c): c is NumericColumnProfile => c.kind === 'numeric').slice(0, 4) ?? []
    console.log(
      `stored ${written.ref} (${written.version.rowCount} rows, ${written.version.sizeBytes} bytes Parquet)`,
    )
    for (const c of numeric)
      console.log(
        `  ${c.name}: mean ${c.mean?.toFixed(2)}, p50 ${c.quantiles.p50?.toFixed(2)}, std ${c.std?.toFixed(2)}, missing ${c.missing}`,
      )
    const split = await data.split(
      written.ref,
      { kind: 'stratified', column: ds.stratify, fractions: { train: 0.8, test: 0.2 }, seed: 7 },
      { name: ds.name },
    )
    const again = await data.split(
      written.ref,
      { kind: 'stratified', column: ds.stratify, fractions: { train: 0.8, test: 0.2 }, seed: 7 },
      { name: ds.name },
    )
    console.log(
      `split: ${Object.entries(split.versions ?? {})
        .map(([k, v]) => `${k} ${v.ref} (${v.version.rowCount} rows)`)
        .join(
          ', ',
        )}; repeat gives the same versions: ${Object.keys(split.versions ?? {}).every((k) => split.versions?.[k]?.ref === again.versions?.[k]?.ref)}`,
    )
    console.log(`total ${(performance.now() - t0).toFixed(0)} ms`)
  }
} finally {
  await data.close()
  await artifacts.close()
  await metadata.close()
  rmSync(dir, { recursive: true, force: true })
}
