import type { z } from 'zod'
import type { Frame } from '../../data/index.js'
import { parseParams } from '../pipeline/params.js'
import { registerTransformKind } from './registry.js'
import type { FittedTransform, Transformer, TransformFitContext, TransformParts } from './transform.js'

/** What a transform kind provides to `defineTransform`. */
export interface TransformDefinition<S extends z.ZodType> {
  kind: string
  schema: S
  fit(params: z.output<S>, frame: Frame, context: TransformFitContext): FittedTransform
  /** Supervised kinds: out-of-fold training output. Default: fit, then transform. */
  fitTransform?(
    params: z.output<S>,
    frame: Frame,
    context: TransformFitContext,
  ): { fitted: FittedTransform; output: Frame }
  load(parts: TransformParts): FittedTransform
}

class DefinedTransformer<S extends z.ZodType> implements Transformer {
  readonly kind: string
  readonly params: Readonly<Record<string, unknown>>
  private readonly resolved: z.output<S>

  constructor(
    private readonly def: TransformDefinition<S>,
    given: Record<string, unknown>,
  ) {
    this.kind = def.kind
    this.resolved = parseParams(def.kind, def.schema, given)
    this.params = Object.freeze({ ...(this.resolved as Record<string, unknown>) })
  }

  fit(frame: Frame, context: TransformFitContext): FittedTransform {
    return this.def.fit(this.resolved, frame, context)
  }

  fitTransform(frame: Frame, context: TransformFitContext): { fitted: FittedTransform; output: Frame } {
    if (this.def.fitTransform) return this.def.fitTransform(this.resolved, frame, context)
    const fitted = this.fit(frame, context)
    return { fitted, output: fitted.transform(frame) }
  }

  with(params: Record<string, unknown>): Transformer {
    return new DefinedTransformer(this.def, { ...this.params, ...params })
  }
}

/** Define and register a transform kind; returns its user-facing constructor. */
export function defineTransform<S extends z.ZodType>(
  def: TransformDefinition<S>,
): (params?: z.input<S>) => Transformer {
  const create = (params: z.input<S> = {} as z.input<S>) =>
    new DefinedTransformer(def, params as Record<string, unknown>)
  registerTransformKind({ kind: def.kind, load: def.load, create: (p) => create(p as z.input<S>) })
  return create
}
