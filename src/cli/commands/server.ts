import { type Command, InvalidArgumentError, Option } from 'commander'
import pc from 'picocolors'
import type { RunningServer, ServerOptions } from '../../server/index.js'
import type { CommandRegistrar } from '../program.js'

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number (0–65535)')
  return n
}

function bytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?)?$/i.exec(value.trim())
  if (!m) throw new InvalidArgumentError('expected a size such as 16mb or 1048576')
  const unit = (m[2] ?? '').toLowerCase()[0]
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1
  return Math.floor(Number(m[1]) * scale)
}

interface ServerFlags {
  backendStoreUri?: string
  artifactsDestination?: string
  host: string
  port: number
  bodyLimit?: number
  maxArtifactSize?: number
  logRequests?: boolean
}

/** Start the server from CLI flags (the global --tracking-uri / --artifacts-uri are fallbacks). */
export async function startFromFlags(
  flags: ServerFlags,
  cmd: Command,
  extra: ServerOptions = {},
): Promise<RunningServer> {
  const g = cmd.optsWithGlobals<{ trackingUri?: string; artifactsUri?: string }>()
  const backend =
    flags.backendStoreUri ?? (g.trackingUri && !/^https?:/.test(g.trackingUri) ? g.trackingUri : undefined)
  const artifacts = flags.artifactsDestination ?? g.artifactsUri
  const { startServer } = await import('../../server/index.js')
  return startServer({
    ...(backend ? { backendStoreUri: backend } : {}),
    ...(artifacts ? { artifactsDestination: artifacts } : {}),
    host: flags.host,
    port: flags.port,
    ...(flags.bodyLimit ? { bodyLimit: flags.bodyLimit } : {}),
    ...(flags.maxArtifactSize ? { maxArtifactBytes: flags.maxArtifactSize } : {}),
    ...(flags.logRequests ? { logRequests: true } : {}),
    ...extra,
  })
}

/** Print where the server is, the stores it uses and where the API docs are. */
export function printBanner(server: RunningServer): void {
  const ctx = server.app.cairn
  process.stdout.write(
    [
      `${pc.green('●')} Cairn server listening on ${pc.bold(server.url)}`,
      `  web UI:               ${server.url}/`,
      `  API docs (OpenAPI):   ${server.url}/docs`,
      `  MLflow tracking URI:  ${server.url}   (MLFLOW_TRACKING_URI=${server.url})`,
      `  health:               ${server.url}/health`,
      `  metadata store:       ${ctx.metadata.uri}`,
      `  artifact store:       ${ctx.artifacts.uri}`,
      '',
    ].join('\n'),
  )
}

/** Keep serving until SIGINT/SIGTERM, then close cleanly. */
export async function serveUntilSignal(server: RunningServer): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      process.stdout.write(pc.dim(`\n${signal}: stopping the server…\n`))
      resolve()
    }
    const onInt = () => stop('SIGINT')
    const onTerm = () => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
  await server.close()
}

/** Options shared by `cairn server` and `cairn demo`. */
export function serverOptions(cmd: Command, defaultPort: number): Command {
  return cmd
    .addOption(
      new Option(
        '--backend-store-uri <uri>',
        'metadata store: sqlite:///path.db or postgresql://… (default: .cairn/cairn.db)',
      ).env('CAIRN_BACKEND_STORE_URI'),
    )
    .addOption(
      new Option(
        '--artifacts-destination <uri>',
        'artifact store: file:///path or s3://bucket/prefix (default: .cairn/artifacts)',
      ).env('CAIRN_ARTIFACTS_DESTINATION'),
    )
    .addOption(
      new Option('--host <host>', 'interface to listen on (0.0.0.0 for all)')
        .env('CAIRN_HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option('-p, --port <port>', 'port (0 picks a free one)')
        .env('CAIRN_PORT')
        .default(defaultPort)
        .argParser(port),
    )
    .addOption(new Option('--body-limit <size>', 'largest JSON request body (default 16mb)').argParser(bytes))
    .addOption(
      new Option('--max-artifact-size <size>', 'largest artifact upload (default 5gb)').argParser(bytes),
    )
    .option('--log-requests', 'log every request')
}

/** `cairn server`: tracking + registry API, MLflow-compatible, with OpenAPI docs. */
export const registerServer: CommandRegistrar = (program) => {
  serverOptions(
    program
      .command('server')
      .description(
        'Run the Cairn server: tracking and registry (MLflow REST API compatible), native API, /docs',
      ),
    5000,
  )
    .addHelpText(
      'after',
      `
Examples:
  cairn server                                    # embedded: .cairn/cairn.db and .cairn/artifacts
  cairn server --port 8080 --host 0.0.0.0
  cairn server --backend-store-uri postgresql://cairn@db/cairn --artifacts-destination s3://ml-artifacts/cairn`,
    )
    .action(async (flags: ServerFlags, cmd: Command) => {
      const server = await startFromFlags(flags, cmd)
      printBanner(server)
      await serveUntilSignal(server)
    })
}
