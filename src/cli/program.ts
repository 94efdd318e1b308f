import { Command } from 'commander'
import { cairnVersion } from '../core/index.js'

/** One CLI command group: adds itself to the program. */
export type CommandRegistrar = (program: Command) => void

/**
 * Build the `cairn` program. Each layer's commands live in ./commands/<name>.ts and are added
 * to the list below.
 */
export function buildProgram(registrars: CommandRegistrar[] = []): Command {
  const program = new Command('cairn')
    .description('Cairn: the MLOps platform for TypeScript')
    .version(cairnVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .option(
      '--tracking-uri <uri>',
      'metadata store or server (sqlite:///…, postgresql://…, http://host:port)',
    )
    .option('--artifacts-uri <uri>', 'artifact store (file:///…, s3://bucket/prefix)')
  for (const register of registrars) register(program)
  return program
}
