import { CairnError, getByPath, parseYaml } from '../../core/index.js'
import { DEFAULT_PARAMS_FILE, type ParamsFiles } from '../params/params-files.js'

/** One `-S` option: a params key and the values to try (several for a sweep). */
export interface ParamOverride {
  file: string
  key: string
  values: unknown[]
  /** `+key=…`: the key may be new. */
  add: boolean
}

/** One combination of override values: file → dotted key → value. */
export type OverrideSet = Record<string, Record<string, unknown>>

/**
 * Parse `-S` options as DVC and Hydra write them: `train.lr=0.1`, `params.yaml:train.lr=0.1`,
 * `+train.new=1` (a new key), and sweeps `train.lr=0.1,0.05`, `train.depth=range(2,10,2)`,
 * `model=choice(gbdt,linear)`. Values are YAML scalars (`true`, `3`, `[1, 2]`).
 */
export function parseOverride(text: string): ParamOverride {
  const eq = text.indexOf('=')
  if (eq <= 0) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `-S ${text}: expected key=value (e.g. train.lr=0.1)`)
  }
  let lhs = text.slice(0, eq).trim()
  const rhs = text.slice(eq + 1).trim()
  const add = lhs.startsWith('+')
  if (add) lhs = lhs.slice(1)
  const colon = lhs.lastIndexOf(':')
  const file = colon === -1 ? DEFAULT_PARAMS_FILE : lhs.slice(0, colon)
  const key = colon === -1 ? lhs : lhs.slice(colon + 1)
  if (!/^[\w-]+(\.[\w-]+)*$/.test(key))
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `-S ${text}: '${key}' is not a dotted key`)
  return { file, key, values: parseValues(rhs, text), add }
}

function parseValues(rhs: string, text: string): unknown[] {
  const fn = /^(range|choice)\((.*)\)$/.exec(rhs)
  if (fn?.[1] === 'range') {
    const nums = splitTop(fn[2] as string).map(Number)
    const [a, b, step = 1] = nums.length === 1 ? [0, nums[0] as number] : (nums as [number, number, number?])
    if (nums.some((n) => !Number.isFinite(n)) || step === 0 || nums.length > 3) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `-S ${text}: range takes (stop), (start, stop) or (start, stop, step)`,
      )
    }
    const out: number[] = []
    for (let v = a; step > 0 ? v < b : v > b; v += step) out.push(Number(v.toPrecision(12)))
    if (out.length === 0) throw new CairnError('CAIRN_INVALID_ARGUMENT', `-S ${text}: the range is empty`)
    return out
  }
  const parts = fn?.[1] === 'choice' ? splitTop(fn[2] as string) : splitTop(rhs)
  return parts.map((p) => scalar(p.trim()))
}

/** Split on commas outside brackets and quotes. */
function splitTop(s: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote = ''
  let cur = ''
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '[' || ch === '{' || ch === '(') depth++
    else if (ch === ']' || ch === '}' || ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      out.push(cur)
      cur = ''
      continue
    }
    cur += ch
  }
  out.push(cur)
  return out
}

function scalar(s: string): unknown {
  if (s === '') return ''
  try {
    return parseYaml(s, '-S value')
  } catch {
    return s
  }
}

/** Every combination of the overrides' values (a grid); one set when nothing sweeps. */
export function expandOverrides(overrides: readonly ParamOverride[]): OverrideSet[] {
  let sets: OverrideSet[] = [{}]
  for (const o of overrides) {
    const next: OverrideSet[] = []
    for (const set of sets) {
      for (const v of o.values) next.push({ ...set, [o.file]: { ...set[o.file], [o.key]: v } })
    }
    sets = next
  }
  return sets
}

/** Check that every overridden key exists (unless added with `+`). */
export function checkOverrides(overrides: readonly ParamOverride[], params: ParamsFiles): void {
  for (const o of overrides) {
    const content = params.read(o.file)
    if (content === undefined && !o.add) {
      throw new CairnError('CAIRN_PARAM_UNDEFINED', `-S ${o.key}: params file ${o.file} does not exist`, {
        hint: `Create ${o.file}, or write +${o.file}:${o.key}=… to start it`,
      })
    }
    if (!o.add && getByPath(content, o.key) === undefined) {
      throw new CairnError('CAIRN_PARAM_UNDEFINED', `-S ${o.key}: ${o.file} has no param '${o.key}'`, {
        details: { file: o.file, key: o.key },
        hint: `Check the spelling, or write +${o.key}=… to add a new param`,
      })
    }
  }
}
