import { registerData } from './commands/data.js'
import { registerDemo } from './commands/demo.js'
import { registerExperiments } from './commands/experiments.js'
import { registerModels } from './commands/models.js'
import { registerMonitor } from './commands/monitor.js'
import { registerPipelines } from './commands/pipelines.js'
import { registerPredict } from './commands/predict.js'
import { registerRuns } from './commands/runs.js'
import { registerServe } from './commands/serve.js'
import { registerServer } from './commands/server.js'
import { reportError } from './output.js'
import { buildProgram, type CommandRegistrar } from './program.js'

const registrars: CommandRegistrar[] = [
  registerPipelines,
  registerServe,
  registerPredict,
  registerData,
  registerServer,
  registerExperiments,
  registerRuns,
  registerModels,
  registerMonitor,
  registerDemo,
]

/** Run the `cairn` command line with `argv` (default: the process's). */
export async function main(argv: string[] = process.argv): Promise<void> {
  // `cairn runs list | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
  try {
    await buildProgram(registrars).parseAsync(argv)
  } catch (err) {
    process.exitCode = reportError(err)
  }
}

await main()
