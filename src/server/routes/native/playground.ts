import { CairnError, CairnValidationError, type ValidationIssue } from '../../../core/index.js'
import type { LoadedModel } from '../../../serving/index.js'
import type { RoutePlugin } from '../../context.js'
import { body, stringQuery } from './request.js'

const tags = ['Playground']
const doc = (summary: string) => ({ schema: { summary, tags } })
const MAX_ROWS = 1000
const MAX_LOADED = 8

/**
 * The prediction playground: load a registered model version (`models:/name@alias`,
 * `models:/name/3`) with the serving layer's loader, validator and predictor, show its signature,
 * and answer predictions for a form row or a JSON batch, with the time the model took.
 */
export const playgroundRoutes: RoutePlugin = {
  name: 'native-playground',
  register(app, ctx) {
    const loaded = new Map<string, Promise<LoadedModel>>()

    const load = async (uri: string): Promise<LoadedModel> => {
      if (typeof uri !== 'string' || !uri.startsWith('models:/'))
        throw new CairnError('CAIRN_INVALID_MODEL_URI', `"${String(uri)}" is not a models:/ URI`, {
          hint: 'Use models:/<name>@<alias> or models:/<name>/<version>',
        })
      const s = await import('../../../serving/index.js')
      const resolved = await s.registrySource(ctx.registry).resolve(uri)
      let m = loaded.get(resolved.key)
      if (!m) {
        m = s.loadServedModel(resolved, resolved.name, undefined)
        loaded.set(resolved.key, m)
        m.catch(() => loaded.delete(resolved.key))
        while (loaded.size > MAX_LOADED) loaded.delete(loaded.keys().next().value as string)
      }
      return m
    }

    app.get(
      '/api/v1/playground/model',
      doc("A registered model version's signature, for the form"),
      async (req) => {
        const uri = stringQuery(req, 'uri', true)
        const m = await load(uri)
        return {
          uri,
          name: m.name,
          version: m.version,
          family: m.manifest.family,
          signature: m.signature,
          task: m.task,
          classes: m.classes ?? null,
        }
      },
    )

    app.post(
      '/api/v1/playground/predict',
      doc('Predict rows with a registered model version'),
      async (req) => {
        const b = body<{ model: string; row?: Record<string, unknown>; rows?: Record<string, unknown>[] }>(
          req,
        )
        const rows = b.rows ?? (b.row !== undefined ? [b.row] : undefined)
        if (!Array.isArray(rows) || rows.length === 0)
          throw new CairnError(
            'CAIRN_INVALID_ARGUMENT',
            'Send "row" (an object) or "rows" (a non-empty list)',
            {
              hint: '{"model": "models:/housing@champion", "rows": [{"rooms": 3, …}]}',
            },
          )
        if (rows.length > MAX_ROWS)
          throw new CairnError('CAIRN_BATCH_TOO_LARGE', `At most ${MAX_ROWS} rows per playground request`)
        const m = await load(b.model)
        const copies = rows.map((r) =>
          r !== null && typeof r === 'object' && !Array.isArray(r) ? { ...r } : r,
        )
        const issues: ValidationIssue[] = []
        let bad = 0
        copies.forEach((row, i) => {
          if (!m.validator.check(row)) {
            bad++
            if (issues.length < 200)
              issues.push(...m.validator.issues(row, rows.length === 1 ? undefined : `rows[${i}]`))
          }
        })
        if (bad > 0)
          throw new CairnValidationError(
            rows.length === 1
              ? 'The row does not match the model signature'
              : `${bad} of ${rows.length} rows do not match the model signature`,
            issues,
            { details: { model: m.name, version: m.version } },
          )
        const s = await import('../../../serving/index.js')
        const valid = copies as Record<string, unknown>[]
        if (m.normalize) for (const r of valid) m.normalize(r)
        const t0 = performance.now()
        const result = s.predictRows(m, valid)
        const latencyMs = performance.now() - t0
        const classes = result.classes ?? m.classes
        const k = classes?.length ?? 0
        const predictions = Array.from(result.values, (v, i) => {
          if (!classes) return { prediction: Number.isFinite(v) ? v : null }
          const probabilities = result.probabilities
            ? Object.fromEntries(classes.map((c, j) => [c, result.probabilities?.[i * k + j] ?? null]))
            : undefined
          return { prediction: classes[v] ?? null, ...(probabilities ? { probabilities } : {}) }
        })
        return { model: m.name, version: m.version, task: m.task, predictions, latencyMs }
      },
    )
  },
}
