import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Args, args } from './request.js'

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/**
 * Register one MLflow REST endpoint at `/api/2.0/mlflow/<path>` and its `/ajax-api/2.0/mlflow/<path>`
 * alias. The handler gets the merged query/body parameters and returns the JSON response.
 */
export function mlflowRoute(
  app: FastifyInstance,
  methods: Method | Method[],
  path: string,
  meta: { summary: string; tag: 'MLflow tracking' | 'MLflow registry' | 'MLflow artifacts' },
  handler: (a: Args, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): void {
  for (const prefix of ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/']) {
    app.route({
      method: methods,
      url: prefix + path,
      schema: {
        summary: meta.summary,
        tags: [meta.tag],
        ...(prefix.startsWith('/ajax') ? { hide: true } : {}),
      },
      handler: async (request, reply) => {
        const result = await handler(args(request), request, reply)
        return result ?? {}
      },
    })
  }
}
