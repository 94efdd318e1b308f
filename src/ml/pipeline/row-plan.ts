import { CairnError } from '../../core/index.js'
import type { InputSpec } from '../bundle/index.js'
import { toNumber } from '../matrix/index.js'
import { isTextType } from '../transforms/columns.js'
import type { RowLayout } from '../transforms/transform.js'

/** Assigns numeric and string slots by column name. */
export class SlotLayout implements RowLayout {
  private readonly numbers = new Map<string, number>()
  private readonly strings = new Map<string, number>()

  numberSlot(name: string): number {
    let s = this.numbers.get(name)
    if (s === undefined) {
      s = this.numbers.size
      this.numbers.set(name, s)
    }
    return s
  }

  stringSlot(name: string): number {
    let s = this.strings.get(name)
    if (s === undefined) {
      s = this.strings.size
      this.strings.set(name, s)
    }
    return s
  }

  /** Buffers sized for every slot assigned so far. */
  buffers(): { numbers: Float64Array; strings: (string | null)[] } {
    return {
      numbers: new Float64Array(this.numbers.size),
      strings: new Array<string | null>(this.strings.size).fill(null),
    }
  }
}

/** Reads a raw row into the slots of the pipeline's inputs, checking required values. */
export function compileRawReader(
  inputs: readonly InputSpec[],
  layout: SlotLayout,
): (row: Readonly<Record<string, unknown>>, num: Float64Array, str: (string | null)[]) => void {
  const names = inputs.map((s) => s.name)
  const text = inputs.map((s) => isTextType(s.type))
  const nullable = inputs.map((s) => s.nullable)
  const slots = Int32Array.from(
    inputs.map((s, j) => (text[j] ? layout.stringSlot(s.name) : layout.numberSlot(s.name))),
  )
  const p = names.length
  return (row, num, str) => {
    for (let j = 0; j < p; j++) {
      const name = names[j] as string
      const v = row[name]
      if (text[j]) {
        const s = typeof v === 'string' ? v : v === null || v === undefined ? null : String(v)
        if (s === null && !nullable[j]) throw missingValue(name, v)
        str[slots[j] as number] = s
      } else {
        // Numbers take the inline path: a call returning a double can box it.
        const x = typeof v === 'number' ? v : toNumber(v, name)
        if (x - x !== 0 && !(nullable[j] && Number.isNaN(x))) throw missingValue(name, v)
        num[slots[j] as number] = x
      }
    }
  }
}

function missingValue(name: string, v: unknown): CairnError {
  if (v === undefined) {
    return new CairnError('CAIRN_FEATURE_MISMATCH', `The row has no value for input "${name}"`, {
      details: { column: name },
      hint: 'Send every input in the model signature',
    })
  }
  return new CairnError(
    'CAIRN_NON_FINITE_VALUE',
    `Input "${name}" is ${v === null ? 'missing' : String(v)}, which this model cannot use`,
    {
      details: { column: name, value: String(v) },
      hint: 'Add an imputer for this column to the pipeline, or send a finite value',
    },
  )
}
