import type { StageContext } from 'cairn/pipelines'
import { type HousingTrainParams, housingCandidates } from '../lib/candidates.js'
import { HOUSING } from '../lib/datasets.js'
import { writeJson } from '../lib/io.js'
import { openProject, projectHome } from '../lib/project.js'
import { trainCandidates } from '../lib/train-candidates.js'

/** Train the house-price candidates of params.yaml → train_housing (each a run of experiment "housing"). */
export async function trainHousing(ctx: StageContext): Promise<void> {
  const p = ctx.params.train_housing as HousingTrainParams
  const seed = (ctx.params.features as { seed: number }).seed
  const project = await openProject(projectHome(ctx.path))
  try {
    const records = await trainCandidates(ctx, project, HOUSING, housingCandidates(p), seed)
    await writeJson(
      ctx.path('metrics/train-housing.json'),
      Object.fromEntries(
        records.map((r) => [r.name, { fit_seconds: r.fitSeconds, train_rows: r.trainRows }]),
      ),
    )
  } finally {
    await project.close()
  }
}
