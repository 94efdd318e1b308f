import { createRequire } from 'node:module'
import type { Logger, LoggerOptions, pino as Pino } from 'pino'

// Loaded on first use: commands that never log do not pay for pino at start-up.
const loadPino = (): typeof Pino => (createRequire(import.meta.url)('pino') as { pino: typeof Pino }).pino

export type { Logger } from 'pino'

let root: Logger | undefined

/** The process-wide logger: JSON lines on stderr, level from `CAIRN_LOG_LEVEL` (default `info`). */
export function getLogger(name?: string): Logger {
  root ??= createLogger()
  return name ? root.child({ component: name }) : root
}

/** A new pino logger writing JSON lines to stderr (fd 2) unless told otherwise. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pino = loadPino()
  return pino(
    {
      level: process.env.CAIRN_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
      base: { pid: process.pid },
      ...options,
    },
    pino.destination({ fd: 2, sync: false }),
  )
}

/** Replace the process-wide logger (tests, or a server that wants its own destination). */
export function setLogger(logger: Logger): void {
  root = logger
}
