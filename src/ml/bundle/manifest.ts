import { z } from 'zod'

/** The bundle format's name and version, checked on load. */
export const BUNDLE_FORMAT = 'cairn-model'
export const BUNDLE_FORMAT_VERSION = 1
export const MANIFEST_FILE = 'manifest.json'
export const WEIGHTS_FILE = 'weights.bin'

export const tensorDtypes = ['f64', 'f32', 'i32', 'u32', 'i16', 'u16', 'i8', 'u8'] as const
export type TensorDtype = (typeof tensorDtypes)[number]

const inputSpec = z
  .object({
    name: z.string().min(1),
    type: z.enum(['number', 'integer', 'boolean', 'string', 'category', 'datetime', 'text']),
    nullable: z.boolean(),
    categories: z.array(z.string()).optional(),
    acceptsUnknown: z.boolean().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    description: z.string().optional(),
  })
  .strict()

export const signatureSchema = z
  .object({
    inputs: z.array(inputSpec),
    output: z
      .object({
        task: z.enum(['regression', 'binary', 'multiclass', 'ranking']),
        name: z.string(),
        classes: z.array(z.string()).optional(),
      })
      .strict(),
  })
  .strict()

export const tensorRefSchema = z
  .object({
    name: z.string().min(1),
    dtype: z.enum(tensorDtypes),
    /** Byte offset in the weights file, a multiple of 8. */
    offset: z.number().int().nonnegative(),
    /** Number of elements. */
    length: z.number().int().nonnegative(),
  })
  .strict()

export const manifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    family: z.string().min(1),
    hyperparameters: z.record(z.string(), z.unknown()),
    signature: signatureSchema,
    /** Family-defined fitted state small enough for JSON (tree shapes, category maps, …). */
    state: z.unknown(),
    tensors: z.array(tensorRefSchema),
    weights: z
      .object({ file: z.literal(WEIGHTS_FILE), size: z.number().int().nonnegative(), sha256: z.string() })
      .strict(),
    metrics: z.record(z.string(), z.number()),
    lineage: z.record(z.string(), z.unknown()),
    library: z.object({ name: z.string(), version: z.string() }).strict(),
  })
  .strict()

/** The JSON half of a model bundle. */
export type BundleManifest = z.infer<typeof manifestSchema>
export type TensorRef = z.infer<typeof tensorRefSchema>
