import type { StageContext } from 'cairn/pipelines'
import { type IrisTrainParams, irisCandidates } from '../lib/candidates.js'
import { IRIS } from '../lib/datasets.js'
import { writeJson } from '../lib/io.js'
import { openProject, projectHome } from '../lib/project.js'
import { trainCandidates } from '../lib/train-candidates.js'

/** Train the iris candidates of params.yaml → train_iris (each a run of experiment "iris"). */
export async function trainIris(ctx: StageContext): Promise<void> {
  const p = ctx.params.train_iris as IrisTrainParams
  const seed = (ctx.params.features as { seed: number }).seed
  const project = await openProject(projectHome(ctx.path))
  try {
    const records = await trainCandidates(ctx, project, IRIS, irisCandidates(p), seed)
    await writeJson(
      ctx.path('metrics/train-iris.json'),
      Object.fromEntries(
        records.map((r) => [r.name, { fit_seconds: r.fitSeconds, train_rows: r.trainRows }]),
      ),
    )
  } finally {
    await project.close()
  }
}
