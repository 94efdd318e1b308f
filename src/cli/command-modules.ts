import type { CommandRegistrar } from './program.js'

/** How to load the module that registers a group of top-level commands. */
type Loader = () => Promise<CommandRegistrar>

const pipelines: Loader = async () => (await import('./commands/pipelines.js')).registerPipelines
const serve: Loader = async () => (await import('./commands/serve.js')).registerServe
const predict: Loader = async () => (await import('./commands/predict.js')).registerPredict
const data: Loader = async () => (await import('./commands/data.js')).registerData
const server: Loader = async () => (await import('./commands/server.js')).registerServer
const experiments: Loader = async () => (await import('./commands/experiments.js')).registerExperiments
const runs: Loader = async () => (await import('./commands/runs.js')).registerRuns
const models: Loader = async () => (await import('./commands/models.js')).registerModels
const monitor: Loader = async () => (await import('./commands/monitor.js')).registerMonitor
const demo: Loader = async () => (await import('./commands/demo.js')).registerDemo
const init: Loader = async () => (await import('./commands/init.js')).registerInit

/**
 * Every top-level command and the module that registers it. Starting `cairn run` loads only the
 * pipelines commands (and so only the layers they need); help and unknown names load them all.
 * `command-modules.test.ts` checks this map against what the modules register.
 */
export const commandModules: Record<string, Loader> = {
  run: pipelines,
  status: pipelines,
  dag: pipelines,
  checkout: pipelines,
  worker: pipelines,
  exp: pipelines,
  params: pipelines,
  metrics: pipelines,
  plots: pipelines,
  serve,
  predict,
  data,
  server,
  experiments,
  runs,
  models,
  monitor,
  demo,
  init,
}

/** The distinct loaders, in the order their commands appear in `cairn --help`. */
export function allCommandLoaders(): Loader[] {
  return [...new Set(Object.values(commandModules))]
}

const globalOptionsWithValue = new Set(['--tracking-uri', '--artifacts-uri'])

/** The command name in `argv` (after node and the script), skipping global options. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string
    if (globalOptionsWithValue.has(arg)) {
      i++
      continue
    }
    if (arg.startsWith('-')) continue
    return arg
  }
  return undefined
}
