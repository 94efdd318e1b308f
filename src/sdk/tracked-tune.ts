import type { Frame } from '../data/index.js'
import {
  type Estimator,
  inferTuneMetric,
  type Trial,
  type TrialEvent,
  type TuneOptions,
  type TuneResult,
  tune,
} from '../ml/index.js'
import type { RunStatus } from '../tracking/index.js'
import type { ActiveRun } from './active-run.js'
import type { CairnTracking } from './cairn-tracking.js'

/** Options of `cairn.tune`: the search's options plus where to record it. */
export interface TrackedTuneOptions extends TuneOptions {
  /** Experiment name of the tuning run and its trials; created when missing (default: Default). */
  experiment?: string
  /** Experiment id (instead of a name). */
  experimentId?: string
  /** Name of the tuning (parent) run (default `tune-<family>`); trials are `<name>-trial-<n>`. */
  runName?: string
  /** Nest the tuning run under this run (e.g. a pipeline stage's run). */
  parentRunId?: string
  /** Tags of the tuning run and of every trial run. */
  tags?: Record<string, string>
  /** Record user, host, command and git tags on the runs (default true). */
  captureSystemTags?: boolean
  /**
   * Record the search in this open run instead of opening one: trials become its children and the
   * best params and score are logged on it. It is left open for the caller to end.
   */
  run?: ActiveRun
}

/** What `cairn.tune` returns: the search's result and where it was recorded. */
export interface TrackedTuneResult extends TuneResult {
  /** The tuning (parent) run. */
  runId: string
  /** The child run of each trial, by trial number. */
  trialRunIds: string[]
  /** The child run of the best trial. */
  bestRunId: string
}

/** Tags `cairn.tune` writes (next to MLflow's `mlflow.parentRunId`, which nests the trials). */
export const TUNE_TAGS = {
  trial: 'cairn.tune.trial',
  state: 'cairn.tune.state',
  error: 'cairn.tune.error',
  metric: 'cairn.tune.metric',
  direction: 'cairn.tune.direction',
  bestTrial: 'cairn.tune.best_trial',
  bestRunId: 'cairn.tune.best_run_id',
} as const

const STATUS: Record<Exclude<TrialEvent['type'], 'started' | 'reported'>, RunStatus> = {
  completed: 'FINISHED',
  pruned: 'KILLED',
  failed: 'FAILED',
}

const asStrings = (params: Record<string, unknown>, prefix = ''): Record<string, string> =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [`${prefix}${k}`, String(v)]))

/**
 * Run a hyperparameter search (see `tune` in cairn/ml) and record it the way MLflow users know
 * from Optuna's and scikit-learn's integrations: one parent run for the search and a nested child
 * run per trial (tag `mlflow.parentRunId`) with the trial's params, its running cross-validation
 * score per fold (`cv_<metric>_running`, step = fold), its final score (`cv_<metric>`; `val_` when
 * scored on a validation frame), its fit time and its end status (FINISHED, KILLED when pruned,
 * FAILED with the error as a tag). The parent gets the search's settings, the best params
 * (`best.<name>`), the best score and trial counts. The caller's `onTrial` still sees every event,
 * after it is recorded.
 */
export async function trackedTune(
  tracking: CairnTracking,
  estimator: Estimator,
  frame: Frame,
  options: TrackedTuneOptions,
): Promise<TrackedTuneResult> {
  const {
    experiment,
    experimentId,
    runName,
    parentRunId,
    tags = {},
    captureSystemTags,
    run: given,
    ...tuneOptions
  } = options
  const parent =
    given ??
    (await tracking.startRun({
      ...(experiment !== undefined ? { experiment } : {}),
      ...(experimentId !== undefined ? { experimentId } : {}),
      runName: runName ?? `tune-${estimator.family}`,
      ...(parentRunId !== undefined ? { parentRunId } : {}),
      ...(captureSystemTags !== undefined ? { captureSystemTags } : {}),
      tags,
    }))
  const prefix = tuneOptions.validation ? 'val' : 'cv'
  const trialRuns = new Map<number, ActiveRun>()
  const trialRunIds: string[] = []
  let metric = ''

  const openTrial = async (trial: Trial): Promise<ActiveRun> => {
    const run = await tracking.startRun({
      experimentId: parent.experimentId,
      runName: `${parent.name}-trial-${trial.number}`,
      parentRunId: parent.id,
      ...(captureSystemTags !== undefined ? { captureSystemTags } : {}),
      tags: { ...tags, [TUNE_TAGS.trial]: String(trial.number), [TUNE_TAGS.state]: 'running' },
    })
    trialRuns.set(trial.number, run)
    trialRunIds[trial.number] = run.id
    await run.logParams(asStrings(trial.params))
    return run
  }

  const record = async (e: TrialEvent): Promise<void> => {
    if (e.type === 'started') {
      await openTrial(e.trial)
      return
    }
    if (e.type === 'reported') {
      if (e.value !== undefined)
        trialRuns.get(e.trial.number)?.logMetric(`${prefix}_${metric}_running`, e.value, {
          step: e.step ?? e.trial.intermediate.length - 1,
        })
      return
    }
    // A trial whose params the estimator rejects fails before it starts: it still gets its run.
    const run = trialRuns.get(e.trial.number) ?? (await openTrial(e.trial))
    if (e.trial.value !== undefined)
      run.logMetric(`${prefix}_${metric}`, e.trial.value, { step: e.trial.intermediate.length })
    if (e.type !== 'failed') run.logMetric('fit_seconds', e.trial.fitSeconds)
    await run.setTags({
      [TUNE_TAGS.state]: e.trial.state,
      ...(e.trial.error ? { [TUNE_TAGS.error]: `${e.trial.error.code}: ${e.trial.error.message}` } : {}),
    })
    trialRuns.delete(e.trial.number)
    await run.end(STATUS[e.type])
  }

  let result: TuneResult
  try {
    metric = tuneOptions.metric ?? (await inferTuneMetric(estimator, frame, tuneOptions))
    await parent.logParams({
      'tune.family': estimator.family,
      'tune.metric': metric,
      'tune.sampler': tuneOptions.sampler?.name ?? 'tpe',
      ...(tuneOptions.trials !== undefined ? { 'tune.trials': tuneOptions.trials } : {}),
      'tune.cv': tuneOptions.validation
        ? 'validation'
        : typeof tuneOptions.cv === 'object'
          ? 'custom'
          : (tuneOptions.cv ?? 5),
      ...(tuneOptions.pruner ? { 'tune.pruner': 'yes' } : {}),
      ...(tuneOptions.seed !== undefined ? { 'tune.seed': tuneOptions.seed } : {}),
    })
    result = await tune(estimator, frame, {
      ...tuneOptions,
      metric,
      onTrial: async (e) => {
        await record(e)
        await tuneOptions.onTrial?.(e)
      },
    })
  } catch (err) {
    const aborted = tuneOptions.signal?.aborted === true
    for (const run of trialRuns.values()) await run.end(aborted ? 'KILLED' : 'FAILED').catch(() => {})
    if (!given) await parent.end(aborted ? 'KILLED' : 'FAILED').catch(() => {})
    throw err
  }

  const bestRunId = trialRunIds[result.best.number] as string
  const count = (state: Trial['state']) => result.trials.filter((t) => t.state === state).length
  await parent.logParams(asStrings(result.bestParams, 'best.'))
  parent.logMetrics({
    [`${prefix}_${result.metric}`]: result.bestValue,
    trials_complete: count('complete'),
    trials_pruned: count('pruned'),
    trials_failed: count('failed'),
  })
  await parent.setTags({
    [TUNE_TAGS.metric]: result.metric,
    [TUNE_TAGS.direction]: result.direction,
    [TUNE_TAGS.bestTrial]: String(result.best.number),
    [TUNE_TAGS.bestRunId]: bestRunId,
  })
  if (given) await parent.flush()
  else await parent.end('FINISHED')
  return { ...result, runId: parent.id, trialRunIds, bestRunId }
}
