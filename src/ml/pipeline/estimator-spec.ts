import { CairnError } from '../../core/index.js'
import type { Model } from '../bundle/index.js'
import type { Estimator } from '../estimator.js'

/**
 * An estimator described as data: its family and hyperparameters. Specs cross worker threads and
 * land in tracking runs; `estimatorFromSpec` turns one back into an Estimator.
 */
export interface EstimatorSpec {
  family: string
  params: Record<string, unknown>
}

/** Builds an estimator of one family from plain hyperparameters. */
export type EstimatorFactory = (params: Record<string, unknown>) => Estimator

const factories = new Map<string, EstimatorFactory>()

/**
 * Make a family's estimator constructible from a spec (tuning workers, pipelines rebuilt from
 * params). Families call this once when their module loads.
 */
export function registerEstimator(family: string, factory: EstimatorFactory): void {
  const existing = factories.get(family)
  if (existing && existing !== factory) {
    throw new CairnError('CAIRN_CONFLICT', `An estimator factory for "${family}" is registered twice`)
  }
  factories.set(family, factory)
}

/** Rebuild an estimator from its spec; CAIRN_UNKNOWN_MODEL_FAMILY when no factory is registered. */
export function estimatorFromSpec(spec: EstimatorSpec): Estimator {
  const f = factories.get(spec.family)
  if (!f) {
    throw new CairnError(
      'CAIRN_UNKNOWN_MODEL_FAMILY',
      `No estimator factory is registered for "${spec.family}"`,
      {
        details: { family: spec.family, known: listEstimators() },
        hint: 'Import the module that defines the family (it calls registerEstimator), or run trials in-process (threads: 1)',
      },
    )
  }
  return f(spec.params)
}

/** The spec of an estimator (its family and a JSON copy of its params). */
export function specOf(estimator: Estimator): EstimatorSpec {
  return { family: estimator.family, params: JSON.parse(JSON.stringify(estimator.params)) }
}

/** Families that can be built from a spec. */
export function listEstimators(): string[] {
  return [...factories.keys()].sort()
}

/** True when `x` looks like an Estimator. */
export function isEstimator(x: unknown): x is Estimator<Model> {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Estimator).fit === 'function' &&
    typeof (x as Estimator).with === 'function' &&
    typeof (x as Estimator).family === 'string'
  )
}
