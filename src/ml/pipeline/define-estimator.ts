import type { z } from 'zod'
import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { Model } from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { registerEstimator } from './estimator-spec.js'
import { parseParams } from './params.js'

/** What a family provides to `defineEstimator`. */
export interface EstimatorDefinition<S extends z.ZodType, M extends Model> {
  family: string
  /** Hyperparameters: a strict zod object with defaults. */
  schema: S
  fit(params: z.output<S>, frame: Frame, options: FitOptions): M | Promise<M>
  /** Online families: start a model from a first batch (`options.classes` lists every class up front). */
  partialFit?(params: z.output<S>, frame: Frame, options: PartialFitStart): M | Promise<M>
}

/** Options for starting an online model from its first batch. */
export interface PartialFitStart extends FitOptions {
  /** Classifiers: every class the stream will hold (a later batch with another class is an error). */
  classes?: readonly string[]
}

/** An estimator whose params were checked against its family's schema. */
export class DefinedEstimator<S extends z.ZodType, M extends Model> implements Estimator<M> {
  readonly family: string
  readonly params: Readonly<Record<string, unknown>>
  /** The parsed params, defaults filled in. */
  readonly resolved: z.output<S>

  constructor(
    readonly definition: EstimatorDefinition<S, M>,
    given: Record<string, unknown>,
  ) {
    this.family = definition.family
    this.resolved = parseParams(definition.family, definition.schema, given)
    this.params = Object.freeze({ ...(this.resolved as Record<string, unknown>) })
  }

  fit(frame: Frame, options: FitOptions): Promise<M> {
    try {
      throwIfAborted(options.signal)
      return Promise.resolve(this.definition.fit(this.resolved, frame, options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Online families: fit a first batch, to be continued with the model's `partialFit`. */
  partialFit(frame: Frame, options: PartialFitStart): Promise<M> {
    const start = this.definition.partialFit
    if (!start) {
      return Promise.reject(
        new CairnError('CAIRN_NOT_IMPLEMENTED', `${this.family} does not learn online`, {
          hint: 'Online families: sgd-regressor, sgd-classifier, gaussian-nb, multinomial-nb, mlp',
        }),
      )
    }
    try {
      throwIfAborted(options.signal)
      return Promise.resolve(start(this.resolved, frame, options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** True when the family supports `partialFit`. */
  get online(): boolean {
    return this.definition.partialFit !== undefined
  }

  with(params: Record<string, unknown>): DefinedEstimator<S, M> {
    return new DefinedEstimator(this.definition, { ...this.params, ...params })
  }
}

/**
 * Define a family's estimator from a params schema and a fit function, and register it so specs
 * (`{family, params}`) can rebuild it. Returns the user-facing constructor.
 */
export function defineEstimator<S extends z.ZodType, M extends Model>(
  definition: EstimatorDefinition<S, M>,
): (params?: z.input<S>) => DefinedEstimator<S, M> {
  const make = (params: z.input<S> = {} as z.input<S>) =>
    new DefinedEstimator(definition, params as Record<string, unknown>)
  registerEstimator(definition.family, (p) => make(p as z.input<S>))
  return make
}

/** Throw CAIRN_CANCELLED when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled', { cause: signal.reason })
  }
}
