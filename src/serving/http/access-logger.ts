import { pino } from 'pino'
import type { Logger } from '../../core/index.js'

/** An access logger and the way to push out what it still holds. */
export interface BufferedAccessLogger {
  logger: Logger
  /** Write every buffered line (call after the server has drained). */
  flush(): Promise<void>
}

/**
 * Access lines as JSON on stderr, written in batches of at least 4 KiB or every 250 ms: a busy
 * server then makes a few write calls a second instead of one per request. Lines still buffered
 * are written when the process exits, even on a crash.
 */
export function bufferedAccessLogger(): BufferedAccessLogger {
  const dest = pino.destination({ fd: 2, sync: false, minLength: 4096, periodicFlush: 250 })
  const root = pino(
    {
      level: process.env.CAIRN_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
      base: { pid: process.pid },
    },
    dest,
  )
  const onExit = () => {
    try {
      dest.flushSync()
    } catch {
      // a write is still in flight; nothing more can be done while exiting
    }
  }
  process.once('exit', onExit)
  return {
    logger: root.child({ component: 'serving', log: 'access' }),
    flush: () =>
      new Promise<void>((resolve) => {
        process.off('exit', onExit)
        dest.flush(() => resolve())
      }),
  }
}
