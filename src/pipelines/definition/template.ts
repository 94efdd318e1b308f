import { CairnError } from '../../core/index.js'

/** Where a template variable came from: a params file (tracked as a param) or inline vars. */
export interface TemplateContext {
  /** Looks a dotted name up; `undefined` when it is not defined. */
  lookup(name: string): { value: unknown; file?: string } | undefined
}

/** A params-file key a template used (so the stage tracks it as a param). */
export interface UsedParam {
  file: string
  key: string
}

const PATTERN = /(\\)?\$\{\s*([^}]*?)\s*\}/g

/**
 * Interpolate `${name}` references in every string of `value` (objects and arrays are walked).
 * A string that is exactly one reference takes the referenced value with its type (so
 * `foreach: ${folds}` gives a list); references inside longer strings must be scalars.
 * `\${x}` is left as the literal `${x}`. `where` names the place for errors (`stage 'train'`).
 */
export function interpolate(
  value: unknown,
  ctx: TemplateContext,
  where: string,
  used: UsedParam[] = [],
  path = '',
): unknown {
  if (typeof value === 'string') return interpolateString(value, ctx, where, used, path)
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, ctx, where, used, `${path}[${i}]`))
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const key = interpolateString(k, ctx, where, used, path)
      out[String(key)] = interpolate(v, ctx, where, used, path ? `${path}.${k}` : k)
    }
    return out
  }
  return value
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function interpolateString(
  text: string,
  ctx: TemplateContext,
  where: string,
  used: UsedParam[],
  path: string,
): unknown {
  if (!text.includes('${')) return text
  const whole = /^\$\{\s*([^}]*?)\s*\}$/.exec(text)
  if (whole) return resolve(whole[1] as string, ctx, where, used, path)
  return text.replace(PATTERN, (_m, escaped: string | undefined, name: string) => {
    if (escaped) return `\${${name}}`
    const v = resolve(name, ctx, where, used, path)
    if (v !== null && typeof v === 'object') {
      throw new CairnError(
        'CAIRN_PIPELINE_INVALID',
        `${where}: field '${path || '(name)'}': \${${name}} is a ${Array.isArray(v) ? 'list' : 'dictionary'} and cannot be placed inside a string`,
        { details: { field: path, variable: name } },
      )
    }
    return String(v)
  })
}

function resolve(
  name: string,
  ctx: TemplateContext,
  where: string,
  used: UsedParam[],
  path: string,
): unknown {
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+|\[\d+\])*$/.test(name)) {
    throw new CairnError(
      'CAIRN_PIPELINE_INVALID',
      `${where}: field '${path || '(name)'}': \${${name}} is not a variable reference (use \${section.key})`,
      { details: { field: path, variable: name } },
    )
  }
  const found = ctx.lookup(name.replace(/\[(\d+)\]/g, '.$1'))
  if (found === undefined || found.value === undefined) {
    throw new CairnError(
      'CAIRN_PARAM_UNDEFINED',
      `${where}: field '${path || '(name)'}': \${${name}} is not defined`,
      {
        details: { field: path, variable: name },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows template syntax
        hint: 'Define it in params.yaml or under vars:, or write \\${…} for a literal ${…} (shell variables can be written $NAME)',
      },
    )
  }
  if (found.file !== undefined) used.push({ file: found.file, key: name })
  return found.value
}

/** A context that looks names up in layers, first match wins. */
export function layeredContext(layers: { values: unknown; file?: string }[]): TemplateContext {
  return {
    lookup(name) {
      for (const layer of layers) {
        const v = getPath(layer.values, name)
        if (v !== undefined) return layer.file === undefined ? { value: v } : { value: v, file: layer.file }
      }
      return undefined
    },
  }
}

function getPath(obj: unknown, dotted: string): unknown {
  let cur = obj
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Record<string, unknown>)[part]
  }
  return cur
}
