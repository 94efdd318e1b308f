import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { CairnError, startWorker } from '../../core/index.js'
import { type Frame, getColumn, isNumericColumn, takeRows } from '../../data/index.js'
import type { Model } from '../bundle/index.js'
import type { Estimator } from '../estimator.js'
import type { Splitter } from '../evaluation/splits.js'
import { checkTrainable, Rng } from '../matrix/index.js'
import { defaultMetric, getScorer } from '../metrics/index.js'
import { throwIfAborted } from '../pipeline/define-estimator.js'
import { type EstimatorSpec, specOf } from '../pipeline/estimator-spec.js'
import type { Pruner } from './pruner.js'
import { describeError, runTrial, type TrialConfig, type TrialOutcome } from './run-trial.js'
import { type Observation, type Sampler, tpeSampler } from './samplers.js'
import type { Choice, SearchSpace } from './space.js'
import type { FromWorker, ToWorker } from './trial-worker.js'

/** One trial of a search. */
export interface Trial {
  number: number
  params: Record<string, Choice>
  /** The estimator this trial fits, as data (what a tracked child run records). */
  spec: EstimatorSpec
  state: 'running' | 'complete' | 'pruned' | 'failed'
  /** The metric (mean over folds; for pruned trials the last running mean). */
  value?: number
  /** Running mean after each fold. */
  intermediate: number[]
  fitSeconds: number
  durationMs: number
  error?: { code: string; message: string }
}

/**
 * What the tuner reports as trials progress. A tracking layer turns these into child runs:
 * `started` → start a run and log params, `reported` → log the metric at `step`, `completed` /
 * `pruned` / `failed` → log the value and end the run with that status.
 */
export interface TrialEvent {
  type: 'started' | 'reported' | 'completed' | 'pruned' | 'failed'
  trial: Trial
  step?: number
  value?: number
}

/** Options of a hyperparameter search. */
export interface TuneOptions {
  target: string
  features?: readonly string[]
  weight?: string
  /** What to search: names → distributions or lists (pipeline params as `model.C`, `<step>.<param>`). */
  space: SearchSpace
  /** Default: TPE (random for the first 10 trials). */
  sampler?: Sampler
  /** Trials to run (default 20; a grid runs all its combinations unless this is smaller). */
  trials?: number
  /** Metric to optimise (default: accuracy for classifiers, R² for regressors). */
  metric?: string
  /** Folds per trial (default 5); each fold is one step for pruning. */
  cv?: number | Splitter
  groups?: string
  /** Evaluate on this hold-out frame instead of cross-validating. */
  validation?: Frame
  /** Median-stopping or another pruner; none by default. */
  pruner?: Pruner
  /**
   * Trials run in parallel on this many worker threads (default: min(2, cores)); 1 runs in-process.
   * Parallel trials are scheduled in batches, each seeing only earlier batches, so a seed gives the
   * same search whatever the timing.
   */
  threads?: number
  seed?: number
  /** Refit the best params on the whole frame (default true). */
  refit?: boolean
  /** Called (and awaited, in order) for every trial event. */
  onTrial?: (event: TrialEvent) => void | Promise<void>
  /** Modules each worker imports first, to register estimator families defined outside Cairn. */
  workerModules?: readonly string[]
  signal?: AbortSignal
}

/** Outcome of a search. */
export interface TuneResult {
  metric: string
  direction: 'maximize' | 'minimize'
  trials: Trial[]
  best: Trial
  bestParams: Record<string, Choice>
  bestValue: number
  /** The best params refitted on all rows (unless refit: false). */
  bestModel?: Model
}

/** A worker that runs one trial at a time. */
class TrialWorker {
  private readonly worker: Worker
  private current:
    | {
        trial: number
        onReport: (step: number, value: number) => Promise<boolean>
        resolve: (o: TrialOutcome) => void
        reject: (e: unknown) => void
      }
    | undefined
  readonly ready: Promise<void>

  constructor(init: Extract<ToWorker, { type: 'init' }>) {
    this.worker = startWorker(import.meta.url, './trial-worker')
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('error', (err) => {
        reject(err)
        const cur = this.current
        this.current = undefined
        cur?.reject(err)
      })
      this.worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve()
        else if (m.type === 'failed' && m.trial === -1)
          reject(new CairnError(m.error.code as 'CAIRN_INTERNAL', m.error.message))
        else this.handle(m)
      })
    })
    this.worker.postMessage(init)
  }

  private handle(m: FromWorker): void {
    const cur = this.current
    if (!cur || !('trial' in m) || m.trial !== cur.trial) return
    if (m.type === 'report') {
      void cur.onReport(m.step, m.value).then((prune) => {
        this.worker.postMessage({ type: 'decision', trial: cur.trial, prune } satisfies ToWorker)
      })
    } else if (m.type === 'done') {
      this.current = undefined
      cur.resolve({
        value: m.value,
        intermediate: m.intermediate,
        pruned: m.pruned,
        fitSeconds: m.fitSeconds,
      })
    } else if (m.type === 'failed') {
      this.current = undefined
      cur.reject(new CairnError(m.error.code as 'CAIRN_INTERNAL', m.error.message))
    }
  }

  run(
    trial: number,
    spec: EstimatorSpec,
    seed: number,
    onReport: (step: number, value: number) => Promise<boolean>,
  ): Promise<TrialOutcome> {
    return new Promise((resolve, reject) => {
      this.current = { trial, onReport, resolve, reject }
      this.worker.postMessage({ type: 'run', trial, spec, seed } satisfies ToWorker)
    })
  }

  terminate(): Promise<number> {
    return this.worker.terminate()
  }
}

/**
 * The metric `tune` uses when none is given (accuracy for classes, R² for numbers): from the
 * target's type, or from a quick fit on a few rows.
 */
export async function inferTuneMetric(
  estimator: Estimator,
  frame: Frame,
  options: TuneOptions,
): Promise<string> {
  checkTrainable(frame, options)
  const c = getColumn(frame, options.target)
  if (!isNumericColumn(c) || c.type === 'boolean') return 'accuracy'
  const sample = takeRows(
    frame,
    Int32Array.from({ length: Math.min(frame.rowCount, 200) }, (_, i) => i),
  )
  const model = await estimator.fit(sample, {
    target: options.target,
    ...(options.features ? { features: options.features } : {}),
    seed: options.seed ?? 0,
  })
  return defaultMetric(model)
}

/**
 * Search hyperparameters (scikit-learn's GridSearchCV / RandomizedSearchCV, Optuna's TPE with
 * median pruning): each trial fits `estimator.with(params)` and is scored by cross-validation
 * (or a hold-out frame). Trials run in parallel on worker threads; every step is reported through
 * `onTrial` so a caller can log each trial as a tracked child run.
 */
export async function tune(estimator: Estimator, frame: Frame, options: TuneOptions): Promise<TuneResult> {
  checkTrainable(frame, options)
  const seed = options.seed ?? 0
  const sampler = options.sampler ?? tpeSampler()
  const size = sampler.size?.(options.space)
  const total = Math.min(options.trials ?? size ?? 20, size ?? Number.POSITIVE_INFINITY)
  if (!(total >= 1)) throw new CairnError('CAIRN_INVALID_ARGUMENT', 'tune needs at least one trial')
  const metric = options.metric ?? (await inferTuneMetric(estimator, frame, options))
  const greater = getScorer(metric).greaterIsBetter
  const config: TrialConfig = {
    target: options.target,
    ...(options.features ? { features: options.features } : {}),
    ...(options.weight ? { weight: options.weight } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
    metric,
    cv: options.cv ?? 5,
    seed,
    useValidation: options.validation !== undefined,
  }
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(2, availableParallelism()), total))
  if (threads > 1 && typeof config.cv === 'object') {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      'A custom splitter object cannot cross to worker threads',
      {
        hint: 'Pass cv as a fold count, or run with threads: 1',
      },
    )
  }
  let chain: Promise<void> = Promise.resolve()
  const emit = (e: TrialEvent) => {
    const snapshot: TrialEvent = { ...e, trial: { ...e.trial, intermediate: [...e.trial.intermediate] } }
    chain = chain.then(() => options.onTrial?.(snapshot))
    return chain
  }
  const workers: TrialWorker[] = []
  const trials: Trial[] = []
  const rng = new Rng(seed)
  try {
    if (threads > 1) {
      const modules = [...(options.workerModules ?? [])]
      for (let i = 0; i < threads; i++) {
        workers.push(
          new TrialWorker({
            type: 'init',
            frame,
            ...(options.validation ? { validation: options.validation } : {}),
            config,
            modules,
          }),
        )
      }
      await Promise.all(workers.map((w) => w.ready))
    }
    for (let start = 0; start < total; start += threads) {
      throwIfAborted(options.signal)
      // Everything this batch may look at is fixed before it starts: determinism under parallelism.
      const finished = trials.filter((t) => t.state === 'complete')
      const history: Observation[] = finished.map((t) => ({
        params: t.params,
        score: greater ? (t.value as number) : -(t.value as number),
      }))
      const pruneHistory = trials
        .filter((t) => t.state === 'complete')
        .map((t) => ({ intermediate: t.intermediate.map((v) => (greater ? v : -v)) }))
      const batch: Promise<void>[] = []
      for (let slot = 0; slot < threads && start + slot < total; slot++) {
        const number = start + slot
        const params = sampler.suggest(options.space, number, history, rng)
        if (params === null) break
        const trial: Trial = {
          number,
          params,
          spec: { family: estimator.family, params: {} },
          state: 'running',
          intermediate: [],
          fitSeconds: 0,
          durationMs: 0,
        }
        trials.push(trial)
        const t0 = performance.now()
        const onReport = async (step: number, value: number): Promise<boolean> => {
          trial.intermediate.push(value)
          await emit({ type: 'reported', trial, step, value })
          return options.pruner?.shouldPrune(step, greater ? value : -value, pruneHistory) ?? false
        }
        const work = (async () => {
          // Invalid params fail the trial here (a `failed` event without `started`).
          const candidate = estimator.with(params)
          trial.spec = specOf(candidate)
          await emit({ type: 'started', trial })
          const worker = workers[slot]
          return worker
            ? worker.run(number, trial.spec, seed, onReport)
            : runTrial(candidate, frame, options.validation, config, onReport)
        })()
        batch.push(
          work.then(
            async (out) => {
              trial.intermediate = out.intermediate
              trial.value = out.value
              trial.fitSeconds = out.fitSeconds
              trial.state = out.pruned ? 'pruned' : 'complete'
              trial.durationMs = performance.now() - t0
              await emit({ type: out.pruned ? 'pruned' : 'completed', trial, value: out.value })
            },
            async (err) => {
              trial.state = 'failed'
              trial.error = describeError(err)
              trial.durationMs = performance.now() - t0
              await emit({ type: 'failed', trial })
            },
          ),
        )
      }
      if (batch.length === 0) break
      await Promise.all(batch)
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  await chain
  const complete = trials.filter((t) => t.state === 'complete')
  if (complete.length === 0) {
    const first = trials.find((t) => t.error)?.error
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `Every trial failed${first ? `; the first: ${first.code}: ${first.message}` : ''}`,
      {
        details: { failures: trials.map((t) => t.error).filter(Boolean) },
      },
    )
  }
  const best = complete.reduce((a, b) =>
    greater
      ? (b.value as number) > (a.value as number)
        ? b
        : a
      : (b.value as number) < (a.value as number)
        ? b
        : a,
  )
  const result: TuneResult = {
    metric,
    direction: greater ? 'maximize' : 'minimize',
    trials,
    best,
    bestParams: best.params,
    bestValue: best.value as number,
  }
  if (options.refit !== false) {
    result.bestModel = await estimator.with(best.params).fit(frame, {
      target: options.target,
      ...(options.features ? { features: options.features } : {}),
      ...(options.weight ? { weight: options.weight } : {}),
      seed,
    })
  }
  return result
}
