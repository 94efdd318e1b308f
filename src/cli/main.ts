import { registerPipelines } from './commands/pipelines.js'
import { reportError } from './output.js'
import { buildProgram, type CommandRegistrar } from './program.js'

const registrars: CommandRegistrar[] = [registerPipelines]

/** Run the `cairn` command line with `argv` (default: the process's). */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram(registrars).parseAsync(argv)
  } catch (err) {
    process.exitCode = reportError(err)
  }
}

await main()
