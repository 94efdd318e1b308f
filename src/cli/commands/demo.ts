import type { Command } from 'commander'
import pc from 'picocolors'
import type { CommandRegistrar } from '../program.js'

interface DemoFlags {
  dir: string
  host: string
  port: string
  exit?: boolean
}

/**
 * `cairn demo`: the whole life of a model on the embedded default (see src/demo), then keep the
 * tracking server and the prediction server running until Ctrl-C (`--exit` stops at the end).
 */
export const registerDemo: CommandRegistrar = (program) => {
  program
    .command('demo')
    .description(
      'Run the end-to-end demo: ingest → pipeline → serve → drift → retrain → gated promotion → hot reload',
    )
    .option('--dir <path>', 'the demo project folder (remade on every run)', '.cairn-demo')
    .option('--host <host>', 'interface the servers listen on', '127.0.0.1')
    .option(
      '-p, --port <port>',
      'tracking server port (0 = a free one; a busy one falls back to a free one)',
      '5000',
    )
    .option('--exit', 'stop the servers at the end instead of serving until Ctrl-C')
    .addHelpText(
      'after',
      `
Everything runs on this machine: SQLite and local files under --dir, a cairn server (tracking,
registry, web UI) in this process and a cairn serve process for predictions. No network needed.`,
    )
    .action(async (flags: DemoFlags, _cmd: Command) => {
      const port = Number(flags.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        const { CairnError } = await import('../../core/index.js')
        throw new CairnError('CAIRN_INVALID_ARGUMENT', `--port ${flags.port} is not a port number`)
      }
      // the story says what happened; JSON log lines (alert notifications included) only for errors
      process.env.CAIRN_LOG_LEVEL ??= 'error'
      const { getLogger } = await import('../../core/index.js')
      getLogger().level = process.env.CAIRN_LOG_LEVEL
      const { runDemo } = await import('../../demo/index.js')
      const run = await runDemo({ dir: flags.dir, host: flags.host, port })
      try {
        if (flags.exit) return
        process.stdout.write(pc.dim('Both servers keep running; press Ctrl-C to stop.\n'))
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve())
          process.once('SIGTERM', () => resolve())
        })
        process.stdout.write(pc.dim('\nStopping…\n'))
      } finally {
        await run.close()
      }
    })
}
