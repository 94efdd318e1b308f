import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError, parseYaml } from '../../core/index.js'
import type { StageSpec } from '../model.js'
import { flattenParams } from '../params/params-files.js'

/** Parse a metrics file's text (JSON, or YAML for .yaml/.yml). */
export function parseMetricsText(text: string, file: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = /\.ya?ml$/i.test(file) ? parseYaml(text, file) : JSON.parse(text)
  } catch (err) {
    throw new CairnError(
      'CAIRN_CONFIG_INVALID',
      `Metrics file ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
      { cause: err },
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CairnError('CAIRN_CONFIG_INVALID', `Metrics file ${file} must hold an object of named values`)
  }
  return parsed as Record<string, unknown>
}

/** The numeric values of a metrics object, by dotted key (`{ "val": { "rmse": 1 } }` → `val.rmse`). */
export function numericMetrics(obj: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(flattenParams(obj))) {
    if (typeof v === 'number') out[k] = v
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0
  }
  return out
}

/** Every metrics file the stages declare, read from `root`; missing files are left out. */
export async function readStageMetrics(
  root: string,
  stages: Iterable<StageSpec>,
): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {}
  for (const stage of stages) {
    for (const o of stage.outs) {
      if (o.role !== 'metrics') continue
      const text = await readFile(join(root, o.path), 'utf8').catch(() => undefined)
      if (text === undefined) continue
      out[o.path] = numericMetrics(parseMetricsText(text, o.path))
    }
  }
  return out
}
