import { allCommandLoaders, commandModules, commandNameOf } from './command-modules.js'
import { reportError } from './output.js'
import { buildProgram } from './program.js'

/** Run the `cairn` command line with `argv` (default: the process's). */
export async function main(argv: string[] = process.argv): Promise<void> {
  // `cairn runs list | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
  try {
    const name = commandNameOf(argv)
    const loader = name === undefined ? undefined : commandModules[name]
    const versionOnly = name === undefined && (argv.includes('-v') || argv.includes('--version'))
    const loaders = loader ? [loader] : versionOnly ? [] : allCommandLoaders()
    const registrars = await Promise.all(loaders.map((load) => load()))
    await buildProgram(registrars).parseAsync(argv)
  } catch (err) {
    process.exitCode = reportError(err)
  }
}

await main()
