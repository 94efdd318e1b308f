import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import { type ColumnType, type Frame, getColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import { inputSpecOf, requireInputs } from './columns.js'
import { defineTransform } from './define-transform.js'
import type { FittedTransform, MissingPolicy, OutputColumn, RowStep, TransformParts } from './transform.js'

const columnTypes = ['number', 'integer', 'boolean', 'string', 'category', 'datetime', 'text'] as const

class FittedSelection implements FittedTransform {
  readonly kind = 'select-columns'
  readonly outputs: OutputColumn[]

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly inputs: InputSpec[],
  ) {
    this.outputs = inputs.map((s) => ({ name: s.name, type: s.type }))
  }

  /** Keeps only the selected columns (everything else is dropped). */
  transform(frame: Frame): Frame {
    return { rowCount: frame.rowCount, columns: requireInputs(frame, this.inputs, this.kind) }
  }

  compileRow(): RowStep {
    return () => {}
  }

  missingPolicy(): MissingPolicy {
    return 'passes'
  }

  sources(output: string): readonly string[] {
    return [output]
  }

  save(): TransformParts {
    return { kind: this.kind, params: { ...this.params }, state: { inputs: this.inputs }, tensors: {} }
  }
}

/**
 * Keep some columns and drop the rest: by name (`include`, `exclude`), by type, or by a regular
 * expression on the name. The selection is resolved at fit time and stored as names.
 */
export const selectColumns = defineTransform({
  kind: 'select-columns',
  schema: z
    .object({
      include: z.array(z.string()).optional(),
      exclude: z.array(z.string()).optional(),
      types: z.array(z.enum(columnTypes)).optional(),
      /** A regular expression the column name must match. */
      pattern: z.string().optional(),
    })
    .strict(),
  fit(params, frame) {
    let names = params.include
      ? params.include.map((n) => getColumn(frame, n).name)
      : frame.columns.map((c) => c.name)
    if (params.exclude) {
      const drop = new Set(params.exclude)
      names = names.filter((n) => !drop.has(n))
    }
    if (params.types) {
      const types = new Set<ColumnType>(params.types)
      names = names.filter((n) => types.has(getColumn(frame, n).type))
    }
    if (params.pattern !== undefined) {
      let re: RegExp
      try {
        re = new RegExp(params.pattern)
      } catch (err) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `select-columns: invalid pattern ${JSON.stringify(params.pattern)}`,
          {
            cause: err,
          },
        )
      }
      names = names.filter((n) => re.test(n))
    }
    if (names.length === 0) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'select-columns: the selection keeps no columns', {
        details: { available: frame.columns.map((c) => c.name) },
      })
    }
    return new FittedSelection(
      params,
      names.map((n) => inputSpecOf(getColumn(frame, n), true)),
    )
  },
  load: (parts) => new FittedSelection(parts.params, (parts.state as { inputs: InputSpec[] }).inputs),
})
