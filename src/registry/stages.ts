import { CairnError } from '../core/index.js'
import { MODEL_STAGES, type ModelStage } from './types.js'

/** Parse a stage name in any case (`production` → `Production`); CAIRN_INVALID_STAGE otherwise. */
export function parseStage(stage: string): ModelStage {
  const found = MODEL_STAGES.find((s) => s.toLowerCase() === String(stage).trim().toLowerCase())
  if (!found)
    throw new CairnError('CAIRN_INVALID_STAGE', `Invalid model stage "${stage}"`, {
      details: { stage },
      hint: `Use one of ${MODEL_STAGES.join(', ')}`,
    })
  return found
}

/** True when `value` names a stage (any case). */
export function isStage(value: string): boolean {
  return MODEL_STAGES.some((s) => s.toLowerCase() === value.toLowerCase())
}
