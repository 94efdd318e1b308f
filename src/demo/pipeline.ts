import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError } from '../core/index.js'
import { type DataService, type Frame, getColumn, isNumericColumn } from '../data/index.js'
import {
  baselineRegressor,
  crossValidate,
  type Estimator,
  floatParam,
  gradientBoosting,
  intParam,
  type Model,
  mae,
  oneHotEncoder,
  pipeline,
  r2,
  readBundleDir,
  ridge,
  rmse,
  type SearchSpace,
  standardScaler,
  toBundle,
  writeBundleDir,
} from '../ml/index.js'
import { definePipeline, type PipelineDefinition, type StageContext } from '../pipelines/index.js'
import type { Cairn } from '../sdk/index.js'
import { EXPERIMENT, FEATURES, TARGET } from './demo-project.js'

/** What the stages of the flights pipeline share: the SDK, the data service and a progress hook. */
export interface FlightsPipelineDeps {
  cairn: Cairn
  data: DataService
  /** Called as stages make progress (tuning trials), for the demo's display. */
  onProgress?: (event: { stage: string; message: string; done?: number; total?: number }) => void
}

interface DataParams {
  dataset: string
  window_days: number
  rows_per_day: number
  holdout_fraction: number
  seed: number
}
interface TrainParams {
  cv_folds: number
  gbdt_trials: number
  ridge_alphas: number[]
}
interface RegisterParams {
  model: string
  alias: string
}

/** The training window the validate stage checked (`data/window.json`). */
interface WindowFile {
  dataset: string
  version: string
  partitions: string[]
  ref: string
  rows: number
}
/** The feature datasets written by the features stage (`data/features/manifest.json`). */
interface FeaturesFile {
  train: string
  holdout: string
  trainRows: number
  holdoutRows: number
  holdoutDay: string
}
/** One candidate's cross-validated score and params (`metrics/train.json`). */
interface CandidateSummary {
  name: string
  family: string
  params: Record<string, unknown>
  cvRmse: number
  trials: number
  runId: string
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T
}
async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`)
}

function targetValues(frame: Frame): Float64Array {
  const c = getColumn(frame, TARGET)
  if (!isNumericColumn(c)) throw new CairnError('CAIRN_SCHEMA_INVALID', `${TARGET} must be numeric`)
  return c.values
}

/**
 * The demo's training pipeline, in TypeScript: validate the newest daily partitions → build
 * features (a sample per day, the newest day's hold-out) → train candidates with tuning (each a
 * tracked run, each trial a nested run) → evaluate them on the hold-out → register the best.
 * Stage functions run in this process and share `deps`; the runner still hashes their inputs,
 * caches their outputs and tracks each stage as a run.
 */
export function flightsPipeline(deps: FlightsPipelineDeps): PipelineDefinition {
  const { cairn, data } = deps
  const note = (stage: string, message: string, done?: number, total?: number) =>
    deps.onProgress?.({
      stage,
      message,
      ...(done !== undefined ? { done } : {}),
      ...(total !== undefined ? { total } : {}),
    })

  const validate = async (ctx: StageContext) => {
    const p = ctx.params.data as DataParams
    const latest = await data.show(`${p.dataset}@latest`)
    const keys = latest.partitions.map((x) => x.key).sort()
    const window = keys.slice(-p.window_days)
    if (window.length < p.window_days) {
      throw new CairnError(
        'CAIRN_VALIDATION_FAILED',
        `${p.dataset} has ${window.length} daily partitions; the pipeline needs ${p.window_days}`,
      )
    }
    const first = Date.parse(`${window[0]}T00:00:00Z`)
    const gaps = window.filter((d, i) => Date.parse(`${d}T00:00:00Z`) !== first + i * 86_400_000)
    if (gaps.length > 0) {
      throw new CairnError('CAIRN_VALIDATION_FAILED', `The training window has gaps at ${gaps.join(', ')}`)
    }
    const ref = `${p.dataset}@${window[0]}..${window.at(-1)}`
    const outcome = await data.validate(ref, ctx.path('config/expectations.yaml'), { policy: 'fail' })
    const report = outcome.report
    const failed = report.results.filter((r) => r.status !== 'passed')
    if (failed.length > 0) {
      throw new CairnError(
        'CAIRN_VALIDATION_FAILED',
        `The training window ${ref} fails ${failed.map((r) => r.name).join(', ')}`,
      )
    }
    const rows = window.reduce((n, k) => n + (latest.partitions.find((x) => x.key === k)?.rows ?? 0), 0)
    await writeJson(ctx.path('data/window.json'), {
      dataset: p.dataset,
      version: latest.version,
      partitions: window,
      ref,
      rows,
    } satisfies WindowFile)
    await writeJson(ctx.path('metrics/validate.json'), {
      partitions: window.length,
      rows,
      expectations: report.results.length,
      expectations_failed: failed.length,
    })
  }

  const features = async (ctx: StageContext) => {
    const p = ctx.params.data as DataParams
    const window = await readJson<WindowFile>(ctx.path('data/window.json'))
    const newest = window.partitions.at(-1) as string
    const cut = Math.round(p.holdout_fraction * 1000)
    // The feature SQL: departure hour, distance and the two airports; a seeded sample per day;
    // the newest day's hold-out share is set aside (by a hash, so it is stable).
    const sql = (split: 'train' | 'holdout') => `
      WITH f AS (
        SELECT hour(date)::DOUBLE AS dep_hour, distance::DOUBLE AS distance,
               origin, destination, delay::DOUBLE AS delay, strftime(date, '%Y-%m-%d') AS day,
               hash(date, origin, destination, distance, delay, ${p.seed}) AS h
        FROM flights
      ), s AS (
        SELECT *, row_number() OVER (PARTITION BY day ORDER BY h) AS k FROM f
        WHERE ${split === 'holdout' ? `day = '${newest}' AND h % 1000 < ${cut}` : `NOT (day = '${newest}' AND h % 1000 < ${cut})`}
      )
      SELECT dep_hour, distance, origin, destination, delay FROM s
      ${split === 'train' ? `WHERE k <= ${p.rows_per_day}` : ''}
      ORDER BY h`
    const out: Record<string, string> = {}
    const rows: Record<string, number> = {}
    for (const split of ['train', 'holdout'] as const) {
      const table = await data.sql(sql(split), { flights: window.ref })
      try {
        const w = await data.write(`flights-${split}`, table, {
          description: `${split} features of ${window.ref}`,
          transform: { kind: 'sql', description: 'flights features', params: { ...p, split } },
          parents: [`${window.dataset}@${window.version}`],
        })
        out[split] = w.ref
        rows[split] = table.rowCount
      } finally {
        await table.drop()
      }
    }
    await writeJson(ctx.path('data/features/manifest.json'), {
      train: out.train as string,
      holdout: out.holdout as string,
      trainRows: rows.train as number,
      holdoutRows: rows.holdout as number,
      holdoutDay: newest,
    } satisfies FeaturesFile)
  }

  const train = async (ctx: StageContext) => {
    const p = ctx.params.train as TrainParams
    const seed = (ctx.params.data as DataParams).seed
    const manifest = await readJson<FeaturesFile>(ctx.path('data/features/manifest.json'))
    const frame = await data.readFrame(manifest.train)
    const fit = { target: TARGET, features: [...FEATURES] }
    const summaries: CandidateSummary[] = []
    const parentRunId = ctx.trackingRunId
    const candidates: {
      name: string
      estimator: Estimator
      space?: SearchSpace
      trials?: number
    }[] = [
      { name: 'baseline', estimator: baselineRegressor({ strategy: 'mean' }) },
      {
        name: 'ridge',
        estimator: pipeline(
          [
            oneHotEncoder({ columns: ['origin', 'destination'], handleUnknown: 'ignore', minFrequency: 20 }),
            standardScaler({ columns: ['dep_hour', 'distance'] }),
          ],
          ridge({ alpha: 1 }),
        ),
        space: { 'model.alpha': p.ridge_alphas },
        trials: p.ridge_alphas.length,
      },
      {
        name: 'gbdt',
        estimator: gradientBoosting({ nEstimators: 120, earlyStoppingRounds: 0 }),
        space: {
          maxDepth: intParam(3, 7),
          learningRate: floatParam(0.03, 0.3, { log: true }),
          minChildWeight: floatParam(1, 50, { log: true }),
          l2: floatParam(0.1, 10, { log: true }),
        },
        trials: p.gbdt_trials,
      },
    ]
    const total = candidates.reduce((n, c) => n + (c.trials ?? 1), 0)
    let done = 0
    await mkdir(ctx.path('models/candidates'), { recursive: true })
    for (const c of candidates) {
      const run = await cairn.tracking.startRun({
        experiment: EXPERIMENT,
        runName: c.name,
        ...(parentRunId ? { parentRunId } : {}),
        captureSystemTags: false,
        tags: { candidate: c.name, 'cairn.stage': ctx.stage },
      })
      try {
        await run.logParams({ family: c.estimator.family, train_rows: frame.rowCount, cv_folds: p.cv_folds })
        let model: Model
        let cvRmse: number
        let params: Record<string, unknown> = {}
        if (c.space) {
          const result = await cairn.tune(c.estimator, frame, {
            ...fit,
            space: c.space,
            trials: c.trials ?? 8,
            cv: p.cv_folds,
            metric: 'rmse',
            seed,
            run,
            tags: { candidate: c.name },
            captureSystemTags: false,
            onTrial: (e) => {
              if (e.type === 'started' || e.type === 'reported') return
              done++
              note(ctx.stage, `${c.name} trial ${e.trial.number + 1}/${c.trials}`, done, total)
            },
          })
          model = result.bestModel as Model
          cvRmse = result.bestValue
          params = result.bestParams
        } else {
          const cv = await crossValidate(c.estimator, frame, {
            ...fit,
            cv: p.cv_folds,
            metrics: ['rmse'],
            seed,
          })
          cvRmse = cv.mean.rmse as number
          run.logMetrics({ cv_rmse: cvRmse })
          model = await c.estimator.fit(frame, { ...fit, seed })
          done++
          note(ctx.stage, `${c.name} cross-validated`, done, total)
        }
        await writeBundleDir(
          ctx.path(`models/candidates/${c.name}`),
          toBundle(model, {
            metrics: { cv_rmse: cvRmse },
            lineage: { train: manifest.train, runId: run.id },
          }),
        )
        summaries.push({
          name: c.name,
          family: c.estimator.family,
          params,
          cvRmse,
          trials: c.trials ?? 1,
          runId: run.id,
        })
        await run.end('FINISHED')
      } catch (err) {
        await run.end('FAILED').catch(() => {})
        throw err
      }
    }
    await writeJson(ctx.path('metrics/train.json'), {
      candidates: summaries.length,
      trials: total,
      ...Object.fromEntries(summaries.map((s) => [`${s.name}_cv_rmse`, s.cvRmse])),
      details: summaries,
    })
  }

  const evaluate = async (ctx: StageContext) => {
    const manifest = await readJson<FeaturesFile>(ctx.path('data/features/manifest.json'))
    const holdout = await data.readFrame(manifest.holdout)
    const y = targetValues(holdout)
    const names = (await readdir(ctx.path('models/candidates'))).sort()
    const scores: Record<string, { rmse: number; mae: number; r2: number }> = {}
    for (const name of names) {
      const { model } = await readBundleDir(ctx.path(`models/candidates/${name}`))
      const p = model.predict(holdout).values
      scores[name] = { rmse: rmse(y, p), mae: mae(y, p), r2: r2(y, p) }
    }
    const best = names.reduce((a, b) =>
      (scores[b]?.rmse ?? Infinity) < (scores[a]?.rmse ?? Infinity) ? b : a,
    )
    await writeJson(ctx.path('metrics/evaluate.json'), {
      best,
      holdout_rows: holdout.rowCount,
      holdout_day: manifest.holdoutDay,
      best_rmse: scores[best]?.rmse,
      ...Object.fromEntries(
        Object.entries(scores).flatMap(([n, s]) => [
          [`${n}_rmse`, s.rmse],
          [`${n}_mae`, s.mae],
          [`${n}_r2`, s.r2],
        ]),
      ),
    })
  }

  const register = async (ctx: StageContext) => {
    const p = ctx.params.register as RegisterParams
    const evaluation = await readJson<{ best: string; best_rmse: number; holdout_day: string }>(
      ctx.path('metrics/evaluate.json'),
    )
    const manifest = await readJson<FeaturesFile>(ctx.path('data/features/manifest.json'))
    const runId = ctx.trackingRunId
    if (!runId) throw new CairnError('CAIRN_INVALID_ARGUMENT', 'The register stage needs a tracked run')
    const { model } = await readBundleDir(ctx.path(`models/candidates/${evaluation.best}`))
    let hasChampion = true
    try {
      await cairn.registry.getModelVersionByAlias(p.model, p.alias)
    } catch {
      hasChampion = false
    }
    // The first model becomes the champion; later ones are challengers the retraining gate judges.
    const version = await cairn.registry.logModel(
      p.model,
      runId,
      toBundle(model, {
        metrics: { holdout_rmse: evaluation.best_rmse },
        lineage: { train: manifest.train, holdout: manifest.holdout, runId },
      }),
      {
        aliases: [hasChampion ? 'challenger' : p.alias],
        description: `${evaluation.best} trained on ${manifest.train}; hold-out RMSE ${evaluation.best_rmse.toFixed(2)} min on ${evaluation.holdout_day}`,
        tags: { candidate: evaluation.best, train: manifest.train, holdout: manifest.holdout },
      },
    )
    await writeJson(ctx.path('models/registered.json'), {
      model: p.model,
      version: version.version,
      candidate: evaluation.best,
      alias: hasChampion ? 'challenger' : p.alias,
    })
  }

  return definePipeline({
    desc: 'Train the flight-delay model on the newest daily partitions and register the best candidate',
    stages: {
      validate: {
        run: validate,
        deps: ['data:flights@latest', 'config/expectations.yaml'],
        params: ['data'],
        outs: ['data/window.json'],
        metrics: ['metrics/validate.json'],
      },
      features: {
        run: features,
        deps: ['data/window.json'],
        params: ['data'],
        outs: ['data/features/manifest.json'],
      },
      train: {
        run: train,
        deps: ['data/features/manifest.json'],
        params: ['train', 'data.seed'],
        outs: ['models/candidates'],
        metrics: ['metrics/train.json'],
      },
      evaluate: {
        run: evaluate,
        deps: ['models/candidates', 'data/features/manifest.json'],
        metrics: ['metrics/evaluate.json'],
      },
      register: {
        run: register,
        deps: ['models/candidates', 'metrics/evaluate.json', 'data/features/manifest.json'],
        params: ['register'],
        outs: ['models/registered.json'],
      },
    },
  })
}
