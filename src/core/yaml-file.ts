import { readFile } from 'node:fs/promises'
import { parseDocument } from 'yaml'
import { CairnError } from './errors.js'

/** Read and parse a YAML file; a syntax error names the file, line and column. */
export async function readYamlFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new CairnError('CAIRN_CONFIG_NOT_FOUND', `Cannot read ${path}`, { cause: err })
  }
  return parseYaml(text, path)
}

/** Parse YAML text; `source` names it in errors. */
export function parseYaml(text: string, source = '<yaml>'): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  const first = doc.errors[0]
  if (first) {
    const pos = first.linePos?.[0]
    const where = pos ? `${source}:${pos.line}:${pos.col}` : source
    throw new CairnError('CAIRN_CONFIG_INVALID', `${where}: ${first.message.split('\n')[0]}`, {
      details: { file: source, line: pos?.line, column: pos?.col },
    })
  }
  return doc.toJS() ?? {}
}

/** Look up a dotted key (`train.max_depth`) in nested objects; `undefined` when absent. */
export function getByPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}

/** Set a dotted key in nested objects, creating objects on the way. Returns `obj`. */
export function setByPath<T extends Record<string, unknown>>(obj: T, dotted: string, value: unknown): T {
  const parts = dotted.split('.')
  let cur: Record<string, unknown> = obj
  for (const part of parts.slice(0, -1)) {
    const next = cur[part]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {}
    cur = cur[part] as Record<string, unknown>
  }
  cur[parts[parts.length - 1] as string] = value
  return obj
}
