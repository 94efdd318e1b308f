import { createRequire } from 'node:module'
import type CliProgress from 'cli-progress'

const loadCliProgress = (): typeof CliProgress =>
  createRequire(import.meta.url)('cli-progress') as typeof CliProgress

import { getLogger } from './logger.js'

/** A handle on a piece of long work that reports its progress. */
export interface Progress {
  /** Add `n` units done (default 1). */
  tick(n?: number): void
  /** Set the units done. */
  update(done: number): void
  /** Change the total when it becomes known. */
  setTotal(total: number): void
  /** Finish the bar (or log the final line). */
  stop(): void
}

export interface ProgressOptions {
  label: string
  total?: number
  /** The unit shown in the rate, e.g. `rows`. */
  unit?: string
  /** Force a mode; by default a bar on a TTY stderr and log lines elsewhere, nothing under Vitest. */
  mode?: 'bar' | 'log' | 'silent'
  /** Seconds between log lines in `log` mode. */
  logEverySeconds?: number
}

/**
 * Start reporting progress: a bar with rate and ETA on a terminal, structured log lines
 * (`{label, done, total, rate}`) otherwise.
 */
export function startProgress(options: ProgressOptions): Progress {
  const mode = options.mode ?? defaultMode()
  const unit = options.unit ?? 'items'
  let total = options.total ?? 0
  let done = 0
  const started = Date.now()
  if (mode === 'silent') {
    return { tick: () => {}, update: () => {}, setTotal: () => {}, stop: () => {} }
  }
  if (mode === 'bar') {
    const cliProgress = loadCliProgress()
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label} {bar} {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
        hideCursor: true,
        stream: process.stderr,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    )
    bar.start(total, 0, { rate: '0' })
    const rate = () => formatRate(done, started)
    return {
      tick: (n = 1) => {
        done += n
        bar.update(done, { rate: rate() })
      },
      update: (d) => {
        done = d
        bar.update(done, { rate: rate() })
      },
      setTotal: (t) => {
        total = t
        bar.setTotal(t)
      },
      stop: () => bar.stop(),
    }
  }
  const log = getLogger('progress')
  const every = (options.logEverySeconds ?? 5) * 1000
  let lastLog = started
  const maybeLog = (force = false) => {
    const now = Date.now()
    if (!force && now - lastLog < every) return
    lastLog = now
    log.info(
      {
        label: options.label,
        done,
        total: total || undefined,
        unit,
        rate: Number(formatRate(done, started)),
      },
      'progress',
    )
  }
  return {
    tick: (n = 1) => {
      done += n
      maybeLog()
    },
    update: (d) => {
      done = d
      maybeLog()
    },
    setTotal: (t) => {
      total = t
    },
    stop: () => maybeLog(true),
  }
}

function defaultMode(): 'bar' | 'log' | 'silent' {
  if (process.env.VITEST || process.env.CAIRN_PROGRESS === 'off') return 'silent'
  if (process.env.CAIRN_PROGRESS === 'log') return 'log'
  return process.stderr.isTTY ? 'bar' : 'log'
}

function formatRate(done: number, started: number): string {
  const seconds = Math.max((Date.now() - started) / 1000, 1e-3)
  const r = done / seconds
  return r >= 100 ? r.toFixed(0) : r.toFixed(1)
}
