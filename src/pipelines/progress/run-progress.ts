import pc from 'picocolors'
import type { RunEvent, StageState } from '../run/events.js'

export interface RunProgressOptions {
  /** Where to draw (default stderr). */
  stream?: NodeJS.WriteStream
  /** Redraw a live table (TTY) or print one line per finished stage (default: by whether `stream` is a TTY). */
  live?: boolean
  /** Show the stages' own output (prefixed with the stage name). */
  verbose?: boolean
}

interface Row {
  id: string
  state: StageState
  since: number
  detail?: string
  attempt?: number
  durationMs?: number
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const FINAL = new Set<StageState>([
  'up-to-date',
  'ran',
  'restored',
  'failed',
  'blocked',
  'not-run',
  'cancelled',
  'frozen',
  'would-run',
  'would-restore',
])

/**
 * Shows a run's stages as they go: on a terminal a live table (state, elapsed time, retries,
 * what a stage waits for), elsewhere one line per finished stage. Feed it the run's events.
 */
export function createRunProgress(options: RunProgressOptions = {}): {
  onEvent(e: RunEvent): void
  stop(): void
} {
  const stream = options.stream ?? process.stderr
  const live = options.live ?? (stream.isTTY === true && !process.env.CI)
  const rows = new Map<string, Row>()
  let drawn = 0
  let frame = 0
  let timer: NodeJS.Timeout | undefined
  let width = 10

  const draw = () => {
    if (!live) return
    frame++
    const lines = [...rows.values()].filter((r) => r.state !== 'up-to-date' || rows.size <= 30).map(line)
    let out = drawn > 0 ? `\x1b[${drawn}A` : ''
    for (const l of lines) out += `\x1b[2K${l}\n`
    for (let i = lines.length; i < drawn; i++) out += '\x1b[2K\n'
    if (drawn > lines.length) out += `\x1b[${drawn - lines.length}A`
    stream.write(out)
    drawn = lines.length
  }

  const line = (r: Row): string => {
    const name = r.id.padEnd(width)
    const elapsed = r.durationMs ?? Date.now() - r.since
    const time = ['up-to-date', 'not-run', 'blocked', 'frozen', 'would-run', 'would-restore'].includes(
      r.state,
    )
      ? ''
      : pc.dim(formatMs(elapsed))
    const attempt = r.attempt && r.attempt > 1 ? pc.yellow(` (try ${r.attempt})`) : ''
    const detail = r.detail ? pc.dim(` ${r.detail}`) : ''
    return ` ${icon(r.state, frame)} ${name} ${colour(r.state)(r.state.padEnd(12))} ${time}${attempt}${detail}`
  }

  return {
    onEvent(e) {
      if (e.type === 'run-start') {
        width = Math.max(10, ...e.stages.map((s) => s.length))
        for (const id of e.stages) rows.set(id, { id, state: 'checking', since: Date.now() })
        if (live) timer = setInterval(draw, 100)
        return
      }
      if (e.type === 'output') {
        if (!options.verbose) return
        const text = e.text
          .split('\n')
          .filter((l, i, a) => l !== '' || i < a.length - 1)
          .map((l) => `${pc.dim(`[${e.id}]`)} ${l}\n`)
          .join('')
        if (live && drawn > 0) {
          stream.write(`\x1b[${drawn}A\x1b[0J`)
          drawn = 0
        }
        stream.write(text)
        return
      }
      if (e.type === 'warning') {
        if (live && drawn > 0) {
          stream.write(`\x1b[${drawn}A\x1b[0J`)
          drawn = 0
        }
        stream.write(`${pc.yellow('warning')} ${e.message}\n`)
        return
      }
      if (e.type === 'run-end') return
      const row = rows.get(e.id) ?? { id: e.id, state: e.state, since: e.at }
      if (row.state !== e.state && (e.state === 'running' || e.state === 'restoring')) row.since = e.at
      row.state = e.state
      if (e.detail !== undefined) row.detail = e.detail
      else if (e.state !== 'retrying' && e.state !== 'waiting') delete row.detail
      if (e.attempt !== undefined) row.attempt = e.attempt
      if (e.outcome?.durationMs !== undefined) row.durationMs = e.outcome.durationMs
      rows.set(e.id, row)
      if (!live && FINAL.has(e.state)) stream.write(`${line(row)}\n`)
      else if (!live && (e.state === 'retrying' || e.state === 'waiting')) stream.write(`${line(row)}\n`)
    },
    stop() {
      if (timer) clearInterval(timer)
      draw()
    },
  }
}

function icon(state: StageState, frame: number): string {
  switch (state) {
    case 'ran':
      return pc.green('✓')
    case 'restored':
      return pc.cyan('↺')
    case 'up-to-date':
      return pc.dim('=')
    case 'failed':
    case 'cancelled':
      return pc.red('✗')
    case 'blocked':
    case 'not-run':
      return pc.dim('-')
    case 'frozen':
      return pc.blue('*')
    case 'would-run':
    case 'would-restore':
      return pc.yellow('→')
    case 'checking':
    case 'queued':
    case 'waiting':
      return pc.dim('·')
    default:
      return pc.yellow(SPINNER[frame % SPINNER.length] as string)
  }
}

function colour(state: StageState): (s: string) => string {
  if (state === 'ran') return pc.green
  if (state === 'restored') return pc.cyan
  if (state === 'failed' || state === 'cancelled') return pc.red
  if (state === 'running' || state === 'restoring' || state === 'retrying' || state === 'committing')
    return pc.yellow
  return pc.dim
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`
}
