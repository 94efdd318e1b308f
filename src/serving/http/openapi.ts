import { cairnVersion } from '../../core/index.js'
import type { Deployment } from '../models/deployment.js'
import type { LoadedModel } from '../models/loaded-model.js'
import { exampleRow, type JsonSchema, rowJsonSchema } from '../signature/json-schema.js'

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', example: 'CAIRN_VALIDATION_FAILED' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            properties: { code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } },
          },
        },
        details: { type: 'object' },
        hint: { type: 'string' },
      },
    },
  },
}

function answerSchema(m: LoadedModel): JsonSchema {
  const prediction: JsonSchema = m.classes ? { type: 'string', enum: [...m.classes] } : { type: 'number' }
  const item: JsonSchema = {
    type: 'object',
    properties: {
      id: {
        type: 'string',
        description: 'Prediction id: send it with POST /v1/feedback when the true label is known',
      },
      prediction,
      ...(m.classes
        ? {
            probabilities: {
              type: 'object',
              properties: Object.fromEntries(m.classes.map((c) => [c, { type: 'number' }])),
            },
          }
        : {}),
    },
  }
  return {
    type: 'object',
    properties: {
      model: { type: 'string', example: m.name },
      version: { type: 'string', example: m.version },
      predictions: { type: 'array', items: item },
    },
  }
}

function predictPath(d: Deployment): Record<string, unknown> {
  const m = d.champion
  const row = rowJsonSchema(m.signature)
  const columnar = {
    type: 'object',
    required: ['columns', 'data'],
    properties: {
      columns: { type: 'array', items: { type: 'string' } },
      data: { type: 'array', items: { type: 'array' } },
    },
  }
  const errors = {
    '400': {
      description: 'Malformed body or empty batch',
      content: { 'application/json': { schema: errorSchema } },
    },
    '404': { description: 'Unknown model', content: { 'application/json': { schema: errorSchema } } },
    '413': {
      description: 'Body or batch over the limit',
      content: { 'application/json': { schema: errorSchema } },
    },
    '415': { description: 'Not application/json', content: { 'application/json': { schema: errorSchema } } },
    '422': {
      description: 'Rows that do not match the signature; every offending field is listed',
      content: { 'application/json': { schema: errorSchema } },
    },
    '500': {
      description: 'The model failed (with an error id)',
      content: { 'application/json': { schema: errorSchema } },
    },
  }
  return {
    post: {
      tags: [d.name],
      summary: `Predict ${m.signature.output.name || 'the target'} with ${d.name} (${m.task})`,
      description: `Version ${m.version} (${m.model.family}). Send one row, an array of rows, or columnar {columns, data}.`,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { oneOf: [row, { type: 'array', items: row }, columnar] },
            example: exampleRow(m.signature),
          },
        },
      },
      responses: {
        '200': {
          description: 'One prediction per row, in order',
          content: { 'application/json': { schema: answerSchema(m) } },
        },
        ...errors,
      },
    },
  }
}

/** The OpenAPI 3 document of the serving API, generated from the models being served. */
export function servingOpenApi(deployments: readonly Deployment[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {}
  for (const d of deployments) paths[`/v1/models/${encodeURIComponent(d.name)}/predict`] = predictPath(d)
  const json = (schema: JsonSchema = { type: 'object' }) => ({ content: { 'application/json': { schema } } })
  paths['/v1/models'] = {
    get: {
      tags: ['models'],
      summary: 'Served models, versions and signatures',
      responses: { '200': { description: 'ok', ...json() } },
    },
  }
  paths['/v1/feedback'] = {
    post: {
      tags: ['feedback'],
      summary: 'Attach ground-truth labels to earlier predictions',
      requestBody: {
        required: true,
        ...json({
          oneOf: [
            {
              type: 'object',
              required: ['predictionId', 'label'],
              properties: { predictionId: { type: 'string' }, label: {}, timestamp: { type: 'number' } },
            },
            { type: 'object', required: ['feedback'], properties: { feedback: { type: 'array' } } },
          ],
        }),
      },
      responses: {
        '200': { description: 'Labels stored', ...json() },
        '404': { description: 'Unknown prediction ids (nothing stored)', ...json(errorSchema) },
      },
    },
  }
  paths['/invocations'] = {
    post: {
      tags: ['mlflow'],
      summary: 'MLflow scoring protocol (dataframe_split, dataframe_records, instances, inputs; JSON or CSV)',
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { type: 'object' } },
          'text/csv': { schema: { type: 'string' } },
        },
      },
      responses: { '200': { description: '{"predictions": [...]}', ...json() } },
    },
  }
  paths['/v2/models/{name}/infer'] = {
    post: {
      tags: ['kserve-v2'],
      summary: 'Open Inference Protocol (KServe v2) inference',
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, ...json() },
      responses: { '200': { description: 'Output tensors', ...json() } },
    },
  }
  for (const [p, summary] of [
    ['/health', 'Liveness'],
    ['/ready', 'Readiness: every model loaded and not draining'],
    ['/metrics', 'Prometheus metrics'],
    ['/ping', 'MLflow liveness'],
    ['/version', 'Server version'],
    ['/v2/health/live', 'KServe liveness'],
    ['/v2/health/ready', 'KServe readiness'],
  ] as const) {
    paths[p] = { get: { tags: ['operations'], summary, responses: { '200': { description: 'ok' } } } }
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Cairn model serving',
      version: cairnVersion(),
      description: `Serving ${deployments.map((d) => `${d.name} v${d.champion.version}`).join(', ') || 'no models yet'}.`,
    },
    paths,
  }
}
