/** The project templates `cairn init` knows. */
export const TEMPLATE_NAMES = ['tabular', 'regression', 'text', 'ranking'] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]

/** What differs between templates; everything else (layout, stages, config) is shared. */
export interface TemplateSpec {
  name: TemplateName
  /** One line for `cairn init --help` and the README. */
  summary: string
  /** The dataset (and raw file) name, e.g. `customers`. */
  dataset: string
  /** The registered model's name. */
  model: string
  /** The column the model predicts. */
  target: string
  /** The id column, dropped before training. */
  id: string
  /** The task, as monitoring names it. */
  task: 'classification' | 'regression' | 'ranking'
  /** The metric evaluate compares and the gate uses, and whether larger is better. */
  metric: string
  greaterIsBetter: boolean
  /** Sample rows for one day (seeded; `day` is 0, 1, 2 …). */
  sampleDay(day: number, seed: number): Record<string, string | number>[]
  /** Expectations of config/data.yaml, as YAML list lines. */
  expectations: string[]
  /** params.yaml sections `features`, `train` and `evaluate` (YAML text). */
  params: string
  /** src/lib/features.ts: `buildFeatures(frame)`, pure, tested by tests/features.test.ts. */
  featuresModule: string
  /** src/lib/model.ts: `makeEstimator(params)` and `score(model, test)`. */
  modelModule: string
  /** tests/features.test.ts. */
  featuresTest: string
  /** A request body for README examples and the serving test. */
  exampleRow: Record<string, string | number>
}

/** mulberry32: a small seeded generator, so sample data is the same on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A standard normal draw from a uniform generator (Box–Muller). */
export function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())
}

/** Pick from a list by weight. */
export function pick<T>(r: () => number, items: readonly T[], weights?: readonly number[]): T {
  const w = weights ?? items.map(() => 1)
  let x = r() * w.reduce((a, b) => a + b, 0)
  for (let i = 0; i < items.length; i++) {
    x -= w[i] as number
    if (x <= 0) return items[i] as T
  }
  return items[items.length - 1] as T
}
