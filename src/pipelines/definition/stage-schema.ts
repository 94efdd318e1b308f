import { z } from 'zod'

const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h)?$/, 'expected a duration like 30s, 10m, 2h or 500ms'),
])

const outOptions = z
  .object({
    cache: z.boolean().optional(),
    persist: z.boolean().optional(),
    desc: z.string().optional(),
  })
  .strict()

const singleKey = (value: z.ZodType) =>
  z
    .record(z.string(), value)
    .refine((r) => Object.keys(r).length === 1, 'expected one path mapped to its options')

const outEntry = z.union([z.string().min(1), singleKey(outOptions.nullable())])

const plotOptions = z
  .object({
    x: z.string().optional(),
    y: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    template: z.enum(['linear', 'scatter', 'bar', 'confusion']).optional(),
    title: z.string().optional(),
    x_label: z.string().optional(),
    y_label: z.string().optional(),
    cache: z.boolean().optional(),
    persist: z.boolean().optional(),
    desc: z.string().optional(),
  })
  .strict()

const plotEntry = z.union([z.string().min(1), singleKey(plotOptions.nullable())])

const paramEntry = z.union([
  z.string().min(1),
  z.record(z.string(), z.union([z.array(z.string().min(1)), z.null()])),
])

const commandText = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])

/** One stage as written in cairn.yaml (after templating and fan-out), snake_case keys. */
export const stageBodySchema = z
  .object({
    cmd: commandText.optional(),
    run: z
      .union([
        z.string().regex(/^[^#]+#[A-Za-z_$][\w$]*$/, 'expected "path/to/module.ts#exportName"'),
        z.function(),
      ])
      .optional(),
    deps: z.array(z.string().min(1)).optional(),
    params: z.array(paramEntry).optional(),
    outs: z.array(outEntry).optional(),
    metrics: z.array(outEntry).optional(),
    plots: z.array(plotEntry).optional(),
    frozen: z.boolean().optional(),
    always_changed: z.boolean().optional(),
    wdir: z.string().optional(),
    timeout: duration.optional(),
    retries: z.number().int().min(0).max(100).optional(),
    retry_delay: duration.optional(),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    desc: z.string().optional(),
  })
  .strict()
  .refine((s) => (s.cmd === undefined) !== (s.run === undefined), {
    message: 'a stage needs exactly one of cmd (a shell command) or run (module#export or a function)',
    path: ['cmd'],
  })

export type StageBody = z.infer<typeof stageBodySchema>

/** `pipelines:` entries: stages, or a TypeScript module exporting a definePipeline(). */
export const pipelineEntrySchema = z.union([
  z.string().min(1),
  z
    .object({
      stages: z.record(z.string(), z.unknown()),
      vars: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional(),
      desc: z.string().optional(),
    })
    .strict(),
])

/** The pipeline sections of cairn.yaml (other sections belong to other layers). */
export const projectPipelinesSchema = z.object({
  vars: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional(),
  stages: z.record(z.string(), z.unknown()).optional(),
  pipelines: z.record(z.string(), pipelineEntrySchema).optional(),
  plots: z.array(plotEntry).optional(),
})

/** Parse `30s`, `10m`, `2h`, `500ms` or seconds as a number into milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value * 1000
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim())
  if (!m) throw new Error(`not a duration: ${value}`)
  const n = Number(m[1])
  const unit = m[2] ?? 's'
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000))
}
