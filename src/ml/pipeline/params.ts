import type { z } from 'zod'
import { CairnValidationError } from '../../core/index.js'

/**
 * Check hyperparameters against a family's schema: unknown names and bad values are one
 * CairnValidationError listing every problem.
 */
export function parseParams<S extends z.ZodType>(family: string, schema: S, params: unknown): z.infer<S> {
  const r = schema.safeParse(params)
  if (r.success) return r.data
  throw new CairnValidationError(
    `Invalid hyperparameters for ${family}`,
    r.error.issues.map((i) => ({
      code: 'CAIRN_INVALID_PARAM',
      path: i.path.join('.') || '(params)',
      message: i.message,
    })),
    { code: 'CAIRN_INVALID_ARGUMENT' },
  )
}
