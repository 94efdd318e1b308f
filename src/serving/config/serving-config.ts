import { z } from 'zod'
import { CairnError, readYamlFile } from '../../core/index.js'
import type { ServeOptions } from '../serve.js'

const modelEntry = z
  .object({
    uri: z.string().min(1),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
      .optional(),
    canary: z
      .object({
        uri: z.string().min(1),
        percent: z.number().min(0).max(100),
        stickyHeader: z.string().optional(),
      })
      .strict()
      .optional(),
    shadow: z
      .object({ uri: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict()

const sizeSchema = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb|kib|mib|gib)?$/i, 'a size such as 16mb')
    .transform(parseSize),
])

/** The schema of `serving.yaml`. */
export const servingConfigSchema = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    models: z.array(modelEntry).min(1),
    predictionLog: z
      .union([
        z.literal(false),
        z
          .object({
            sink: z.enum(['store', 'parquet']).optional(),
            /** Store or artifact URI (default: the project's metadata store / artifact store). */
            uri: z.string().optional(),
            prefix: z.string().optional(),
            flushIntervalMs: z.number().int().positive().optional(),
            maxQueuedRows: z.number().int().positive().optional(),
            chunkRows: z.number().int().positive().optional(),
            backpressureTimeoutMs: z.number().int().nonnegative().optional(),
            rowsPerFile: z.number().int().positive().optional(),
          })
          .strict(),
      ])
      .optional(),
    pollIntervalSeconds: z.number().nonnegative().optional(),
    bodyLimit: sizeSchema.optional(),
    maxBatchRows: z.number().int().positive().optional(),
    requestTimeoutSeconds: z.number().positive().optional(),
    drainTimeoutSeconds: z.number().nonnegative().optional(),
    accessLog: z.enum(['all', 'errors', 'off']).optional(),
    docs: z.boolean().optional(),
    workers: z.union([z.number().int().positive(), z.literal('auto')]).optional(),
  })
  .strict()

export type ServingConfigFile = z.infer<typeof servingConfigSchema>

/** Parse a size: `16mb`, `512kb`, `1048576`. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  if (!m) throw new CairnError('CAIRN_CONFIG_INVALID', `"${text}" is not a size (e.g. 16mb)`)
  const unit = (m[2] ?? '').toLowerCase()
  const mult: Record<string, number> = {
    '': 1,
    b: 1,
    kb: 1000,
    mb: 1000 ** 2,
    gb: 1000 ** 3,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
  }
  const f = mult[unit]
  if (f === undefined) throw new CairnError('CAIRN_CONFIG_INVALID', `"${text}" has an unknown unit`)
  return Math.round(Number(m[1]) * f)
}

/** Read and check a serving.yaml; CAIRN_CONFIG_INVALID names every problem with its path. */
export async function loadServingConfig(path: string): Promise<ServingConfigFile> {
  const raw = await readYamlFile(path)
  return parseServingConfig(raw, path)
}

export function parseServingConfig(raw: unknown, where = 'serving.yaml'): ServingConfigFile {
  const parsed = servingConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new CairnError('CAIRN_CONFIG_INVALID', `${where} is invalid: ${issues.join('; ')}`, {
      details: { issues },
      hint: 'See cairn serve --help for the keys serving.yaml takes',
    })
  }
  return parsed.data
}

/** Turn a parsed serving.yaml into serve options (flags given on the command line win). */
export function configToServeOptions(
  config: ServingConfigFile,
  stores: { trackingUri?: string; artifactsUri?: string } = {},
): ServeOptions {
  const pl = config.predictionLog
  let predictionLog: ServeOptions['predictionLog']
  if (pl === false) predictionLog = false
  else if (pl) {
    const { sink, uri, prefix, rowsPerFile, ...queue } = pl
    const kind = sink ?? 'store'
    const sinkUri = uri ?? (kind === 'store' ? stores.trackingUri : stores.artifactsUri)
    predictionLog = {
      ...queue,
      ...(sinkUri
        ? {
            sink:
              kind === 'store'
                ? { kind: 'store', uri: sinkUri }
                : {
                    kind: 'parquet',
                    uri: sinkUri,
                    ...(prefix ? { prefix } : {}),
                    ...(rowsPerFile ? { rowsPerFile } : {}),
                  },
          }
        : {}),
    }
  }
  return {
    models: config.models.map((m) => ({
      uri: m.uri,
      ...(m.name ? { name: m.name } : {}),
      ...(m.canary
        ? {
            canary: {
              uri: m.canary.uri,
              percent: m.canary.percent,
              ...(m.canary.stickyHeader ? { stickyHeader: m.canary.stickyHeader } : {}),
            },
          }
        : {}),
      ...(m.shadow ? { shadow: { uri: m.shadow.uri } } : {}),
    })),
    ...(config.host !== undefined ? { host: config.host } : {}),
    ...(config.port !== undefined ? { port: config.port } : {}),
    ...(predictionLog !== undefined ? { predictionLog } : {}),
    ...(config.pollIntervalSeconds !== undefined ? { pollIntervalSeconds: config.pollIntervalSeconds } : {}),
    ...(config.bodyLimit !== undefined ? { bodyLimit: config.bodyLimit } : {}),
    ...(config.maxBatchRows !== undefined ? { maxBatchRows: config.maxBatchRows } : {}),
    ...(config.requestTimeoutSeconds !== undefined
      ? { requestTimeoutSeconds: config.requestTimeoutSeconds }
      : {}),
    ...(config.drainTimeoutSeconds !== undefined ? { drainTimeoutSeconds: config.drainTimeoutSeconds } : {}),
    ...(config.accessLog !== undefined ? { accessLog: config.accessLog } : {}),
    ...(config.docs !== undefined ? { docs: config.docs } : {}),
  }
}
