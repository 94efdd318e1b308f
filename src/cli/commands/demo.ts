import type { Command } from 'commander'
import pc from 'picocolors'
import type { Frame } from '../../data/index.js'
import type { Cairn } from '../../sdk/index.js'
import type { CommandRegistrar } from '../program.js'
import { printBanner, serverOptions, serveUntilSignal, startFromFlags } from './server.js'

const EXPERIMENT = 'demo-housing'
const MODEL = 'demo-housing'
const FEATURES = ['rooms', 'age', 'income', 'distance'] as const

/** A small seeded generator (mulberry32) so every demo run sees the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Synthetic house prices: a linear signal in four features plus noise. */
function houses(n: number, seed: number): Array<Record<string, number>> {
  const r = rng(seed)
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())
  return Array.from({ length: n }, () => {
    const rooms = 2 + Math.floor(r() * 6)
    const age = Math.floor(r() * 60)
    const income = 1.5 + r() * 8
    const distance = r() * 30
    const price = 40_000 + 18_000 * rooms - 600 * age + 32_000 * income - 2_500 * distance + 15_000 * gauss()
    return { rooms, age, income, distance, price }
  })
}

function errors(actual: Frame, predicted: Float64Array): { rmse: number; mae: number; r2: number } {
  const col = actual.columns.find((c) => c.name === 'price')
  if (!col || !('values' in col) || !(col.values instanceof Float64Array))
    throw new Error('the price column is missing')
  const y = col.values
  let se = 0
  let ae = 0
  let mean = 0
  for (let i = 0; i < y.length; i++) mean += y[i]! / y.length
  let ss = 0
  for (let i = 0; i < y.length; i++) {
    const d = y[i]! - predicted[i]!
    se += d * d
    ae += Math.abs(d)
    ss += (y[i]! - mean) ** 2
  }
  return { rmse: Math.sqrt(se / y.length), mae: ae / y.length, r2: 1 - se / ss }
}

/**
 * Log the sample: a ridge sweep (a parent run with one child run per alpha, params and validation
 * metrics), a learning curve as metric history, the data set as a run input, a report artifact,
 * and the best model registered with the alias `champion`.
 */
export async function logSampleRun(cairn: Cairn): Promise<{ runId: string; version: number; rmse: number }> {
  const { frameFromRows } = await import('../../data/index.js')
  const { ridge, toBundle } = await import('../../ml/index.js')
  const { hashObject } = await import('../../core/index.js')
  const train = frameFromRows(houses(2000, 7))
  const valid = frameFromRows(houses(500, 8))
  const target = { target: 'price', features: [...FEATURES] }
  const dataset = {
    name: 'synthetic-houses',
    digest: hashObject({ generator: 'houses', n: 2000, seed: 7 }).slice(0, 16),
    sourceType: 'generated',
    source: JSON.stringify({ generator: 'cairn demo', rows: 2000, seed: 7 }),
  }

  return cairn.tracking.withRun(
    { experiment: EXPERIMENT, runName: 'ridge-sweep', tags: { demo: 'true' } },
    async (parent) => {
      await parent.logParams({
        model: 'ridge',
        features: FEATURES.join(','),
        trainRows: 2000,
        validRows: 500,
      })
      await parent.logDataset(dataset, 'training')
      let best = {
        alpha: 0,
        rmse: Number.POSITIVE_INFINITY,
        model: undefined as undefined | Awaited<ReturnType<ReturnType<typeof ridge>['fit']>>,
      }
      for (const alpha of [0.01, 0.1, 1, 10, 100]) {
        await cairn.tracking.withRun(
          { experiment: EXPERIMENT, runName: `ridge-alpha-${alpha}`, parentRunId: parent.id },
          async (child) => {
            await child.logParams({ model: 'ridge', alpha })
            const model = await ridge({ alpha }).fit(train, target)
            const m = errors(valid, model.predict(valid).values)
            child.logMetrics(m)
            if (m.rmse < best.rmse) best = { alpha, rmse: m.rmse, model }
          },
        )
      }
      const sizes = [50, 100, 200, 400, 800, 1200, 1600, 2000]
      for (const [step, n] of sizes.entries()) {
        const part = frameFromRows(houses(2000, 7).slice(0, n))
        const model = await ridge({ alpha: best.alpha }).fit(part, target)
        const m = errors(valid, model.predict(valid).values)
        parent.logMetric('learning_curve_rmse', m.rmse, { step })
        parent.logMetric('train_rows', n, { step })
      }
      parent.logMetrics({ best_rmse: best.rmse, best_alpha: best.alpha })
      await parent.logJson('report/summary.json', {
        bestAlpha: best.alpha,
        validationRmse: best.rmse,
        features: FEATURES,
      })
      await parent.logText(
        'report/README.md',
        `# Ridge sweep\n\nBest alpha ${best.alpha}: validation RMSE ${best.rmse.toFixed(0)} on 500 rows.\n`,
      )
      const bundle = toBundle(best.model!, {
        metrics: { rmse: best.rmse },
        lineage: { runId: parent.id, dataset: dataset.digest },
      })
      const version = await cairn.registry.logModel(MODEL, parent.id, bundle, {
        aliases: ['champion'],
        description: `Ridge (alpha ${best.alpha}) on synthetic house prices`,
      })
      return { runId: parent.id, version: version.version, rmse: best.rmse }
    },
  )
}

interface DemoFlags {
  exit?: boolean
  backendStoreUri?: string
  artifactsDestination?: string
  host: string
  port: number
}

/** `cairn demo`: start the server on the embedded store, log a sample run through it, keep serving. */
export const registerDemo: CommandRegistrar = (program) => {
  serverOptions(
    program
      .command('demo')
      .description(
        'Start the server on the embedded store, log a sample tracked run and model, and keep serving',
      ),
    5000,
  )
    .option('--exit', 'stop after logging the sample instead of serving until Ctrl-C')
    .action(async (flags: DemoFlags, cmd: Command) => {
      let server: Awaited<ReturnType<typeof startFromFlags>>
      try {
        server = await startFromFlags(flags, cmd)
      } catch (err) {
        if ((err as { code?: string }).code !== 'EADDRINUSE') throw err
        process.stdout.write(pc.yellow(`Port ${flags.port} is busy; using a free port instead.\n`))
        server = await startFromFlags({ ...flags, port: 0 }, cmd)
      }
      try {
        printBanner(server)
        const { Cairn } = await import('../../sdk/index.js')
        const cairn = await Cairn.open({ trackingUri: server.url })
        let result: { runId: string; version: number; rmse: number }
        try {
          process.stdout.write(`Logging a sample run to ${server.url} …\n`)
          result = await logSampleRun(cairn)
        } finally {
          await cairn.close()
        }
        const check = await Cairn.open({ trackingUri: server.url })
        const loaded = await check.registry.loadModel(`models:/${MODEL}@champion`)
        const prediction = loaded.model
          .rowPredictor()
          .predict({ rooms: 4, age: 20, income: 5, distance: 10 }).value
        await check.close()
        process.stdout.write(
          [
            '',
            `${pc.green('✓')} Logged run ${pc.bold(result.runId)} in experiment ${pc.bold(EXPERIMENT)} (5 child runs, learning curve, report)`,
            `${pc.green('✓')} Registered ${pc.bold(`${MODEL} v${result.version}`)} as models:/${MODEL}@champion (validation RMSE ${result.rmse.toFixed(0)})`,
            `${pc.green('✓')} Loaded it back: a 4-room, 20-year-old house → ${Math.round(prediction).toLocaleString('en-US')}`,
            '',
            'Try:',
            `  open ${server.url}/docs`,
            `  curl -s '${server.url}/api/2.0/mlflow/runs/get?run_id=${result.runId}'`,
            `  cairn --tracking-uri ${server.url} runs search -e ${EXPERIMENT} --order-by "metrics.rmse ASC"`,
            `  cairn --tracking-uri ${server.url} models show ${MODEL}`,
            '',
          ].join('\n'),
        )
        if (flags.exit) return
        process.stdout.write(pc.dim('Serving until Ctrl-C…\n'))
        await serveUntilSignal(server)
      } finally {
        await server.close()
      }
    })
}
