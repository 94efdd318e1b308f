import type { Frame } from 'cairn/data'
import type { StageContext } from 'cairn/pipelines'
import { HOUSING, IRIS, type ModelTask, splitPath } from '../lib/datasets.js'
import { cleanHousing, type SplitParams, splitTask, withIncomeBucket } from '../lib/features.js'
import { readFrame, writeFrame, writeJson } from '../lib/io.js'
import { openProject, projectHome } from '../lib/project.js'

/** params.yaml → features */
interface FeatureParams extends SplitParams {
  housing: { drop_capped_target: boolean }
}

/**
 * Feature engineering: clean the housing rows (capped targets out, when asked), add the income
 * bucket the splits are stratified on, and write stratified train / validation / test splits of
 * both data sets to data/features/. What a request must send stays raw: imputing, encoding and
 * scaling live in each model's own pipeline (src/lib/candidates.ts), so the server applies them.
 */
export async function features(ctx: StageContext): Promise<void> {
  const p = ctx.params.features as FeatureParams
  const project = await openProject(projectHome(ctx.path))
  try {
    const summary: Record<string, Record<string, number>> = {}
    const write = async (task: ModelTask, frame: Frame, before: number) => {
      const splits = splitTask(frame, task, p)
      for (const [name, split] of Object.entries(splits))
        await writeFrame(project.data, split, ctx.path(splitPath(task, name as 'train' | 'valid' | 'test')))
      summary[task.name] = {
        rows_in: before,
        rows_dropped: before - frame.rowCount,
        train_rows: splits.train.rowCount,
        valid_rows: splits.valid.rowCount,
        test_rows: splits.test.rowCount,
      }
      ctx.log(
        `${task.name}: ${splits.train.rowCount} train / ${splits.valid.rowCount} validation / ${splits.test.rowCount} test rows` +
          (before > frame.rowCount ? ` (${before - frame.rowCount} rows dropped)` : ''),
      )
    }
    const housing = await readFrame(project.data, ctx.path('data/prepared/housing.parquet'))
    const cleaned = cleanHousing(housing, { dropCappedTarget: p.housing.drop_capped_target })
    await write(HOUSING, withIncomeBucket(cleaned), housing.rowCount)
    const iris = await readFrame(project.data, ctx.path('data/prepared/iris.parquet'))
    await write(IRIS, iris, iris.rowCount)
    await writeJson(ctx.path('metrics/features.json'), summary)
  } finally {
    await project.close()
  }
}
