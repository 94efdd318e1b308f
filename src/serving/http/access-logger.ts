import { pino } from 'pino'
import type { Logger } from '../../core/index.js'

/**
 * Writes the access line of one answered prediction request: the line
 * `logger.info({ method, url, status: 200, ms, model, version, variant, rows })` writes, built
 * directly instead of by pino's walk over a fresh object (the single-row hot path).
 */
export type PredictAccessLine = (
  method: string,
  url: string,
  ms: number,
  model: string,
  version: string,
  variant: string,
  rows: number,
) => void

/** An access logger and the way to push out what it still holds. */
export interface BufferedAccessLogger {
  logger: Logger
  /** The success line of a prediction request, byte for byte what `logger.info` would write. */
  predictLine: PredictAccessLine
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
  const logger = root.child({ component: 'serving', log: 'access' })
  return {
    logger,
    predictLine: predictLineWriter(logger, dest),
    flush: () =>
      new Promise<void>((resolve) => {
        process.off('exit', onExit)
        dest.flush(() => resolve())
      }),
  }
}

/**
 * The success line written by hand from a pino logger's own pieces (level head, time, bindings,
 * end) to `dest`, which must be that logger's destination. For loggers without mixin or formatters.
 */
export function predictLineWriter(logger: Logger, dest: { write(s: string): unknown }): PredictAccessLine {
  const own = logger as unknown as Record<symbol, unknown>
  const sym = pino.symbols
  const head = (own[sym.lsCacheSym] as Record<number, string>)[30] as string
  const time = own[sym.timeSym] as () => string
  const chindings = own[sym.chindingsSym] as string
  const end = own[sym.endSym] as string
  // pino quotes strings as JSON.stringify does (short ones by a faster loop with the same output)
  let lastUrl = ''
  let urlJson = '""'
  let lastModel = ''
  let lastVersion = ''
  let modelJson = ',"model":"","version":""'
  return (method, url, ms, model, version, variant, rows) => {
    if (logger.levelVal > 30) return
    if (url !== lastUrl) {
      lastUrl = url
      urlJson = JSON.stringify(url)
    }
    if (model !== lastModel || version !== lastVersion) {
      lastModel = model
      lastVersion = version
      modelJson = `,"model":${JSON.stringify(model)},"version":${JSON.stringify(version)}`
    }
    const m = method === 'POST' ? '"POST"' : JSON.stringify(method)
    dest.write(
      `${head}${time()}${chindings},"method":${m},"url":${urlJson},"status":200,"ms":${ms}${modelJson},"variant":"${variant}","rows":${rows}${end}`,
    )
  }
}
