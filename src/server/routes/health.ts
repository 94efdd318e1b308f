import { sql } from 'kysely'
import { cairnVersion } from '../../core/index.js'
import type { RoutePlugin } from '../context.js'

/** `GET /health`: 200 with the version and store URIs when the metadata store answers, 503 otherwise. */
export const healthRoutes: RoutePlugin = {
  name: 'health',
  register(app, ctx) {
    app.get(
      '/health',
      { schema: { summary: 'Liveness and store reachability', tags: ['Server'] } },
      async (_req, reply) => {
        const started = performance.now()
        try {
          await sql`select 1`.execute(ctx.metadata.db)
        } catch (err) {
          return reply.status(503).send({ status: 'unavailable', error: (err as Error).message })
        }
        return {
          status: 'ok',
          version: cairnVersion(),
          metadataStore: ctx.metadata.uri,
          artifactStore: ctx.artifacts.uri,
          dbLatencyMs: Math.round((performance.now() - started) * 100) / 100,
        }
      },
    )
    app.get('/version', { schema: { hide: true } }, async () => cairnVersion())
  },
}
