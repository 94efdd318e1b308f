import { type Logger, type LoggerOptions, pino } from 'pino'

export type { Logger } from 'pino'

let root: Logger | undefined

/** The process-wide logger: JSON lines on stderr, level from `CAIRN_LOG_LEVEL` (default `info`). */
export function getLogger(name?: string): Logger {
  root ??= createLogger()
  return name ? root.child({ component: name }) : root
}

/** A new pino logger writing JSON lines to stderr (fd 2) unless told otherwise. */
export function createLogger(options: LoggerOptions = {}): Logger {
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
