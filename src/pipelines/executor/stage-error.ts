/**
 * What a failed stage itself reported: the error its code threw (a `run:` module or function)
 * or the Cairn error a `cmd` printed. Plain data, so it crosses processes and Redis.
 */
export interface StageErrorCause {
  /** The error's code: a Cairn code (`CAIRN_GATE_REJECTED`) or absent for a plain Error. */
  code?: string
  /** The error's class name (`CairnError`, `TypeError`, …). */
  name: string
  message: string
  hint?: string
  details?: Record<string, unknown>
}

const CAIRN_CODE = /^CAIRN_[A-Z0-9_]+$/

/**
 * Describe something a stage threw. Cairn errors are recognised by their code rather than their
 * class, since a stage may import Cairn from another copy of the package.
 */
export function describeThrown(err: unknown): StageErrorCause {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) }
  const e = err as Error & { code?: unknown; hint?: unknown; details?: unknown }
  const cause: StageErrorCause = { name: e.name || 'Error', message: e.message }
  if (typeof e.code === 'string' && CAIRN_CODE.test(e.code)) {
    cause.code = e.code
    if (typeof e.hint === 'string' && e.hint) cause.hint = e.hint
    const details = jsonSafe(e.details)
    if (details) cause.details = details
  }
  return cause
}

/**
 * The last Cairn error a command printed (as `cairn` and `reportError` print them:
 * `error CAIRN_CODE: message`, optional lines, then `hint: …`), or undefined.
 */
export function parseCairnErrorOutput(text: string): StageErrorCause | undefined {
  const lines = stripAnsi(text).split('\n')
  let start = -1
  let match: RegExpMatchArray | null = null
  for (let i = lines.length - 1; i >= 0; i--) {
    match = (lines[i] ?? '').match(/^(?:error:?\s+)?(CAIRN_[A-Z0-9_]+): (.*)$/)
    if (match) {
      start = i
      break
    }
  }
  if (start < 0 || !match) return undefined
  const message = [match[2] ?? '']
  let hint: string | undefined
  for (const line of lines.slice(start + 1, start + 21)) {
    if (line.startsWith('hint: ')) {
      hint = line.slice('hint: '.length).trim()
      break
    }
    if (line.trim() === '' || /^\s+at /.test(line)) break
    message.push(line)
  }
  return {
    code: match[1] as string,
    name: 'CairnError',
    message: message.join('\n').trimEnd(),
    ...(hint ? { hint } : {}),
  }
}

/** How a cause reads after "Stage 'x' failed: ". */
export function describeCause(cause: StageErrorCause): string {
  if (cause.code) return `${cause.code}: ${cause.message}`
  return `${cause.name}: ${cause.message}`
}

/** The last `n` non-empty lines of `text`, indented as a quote. */
export function quoteLastLines(text: string, n: number): string {
  return stripAnsi(text)
    .trimEnd()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map((l) => `  | ${l}`)
    .join('\n')
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}

function jsonSafe(value: unknown): Record<string, unknown> | undefined {
  if (!value || typeof value !== 'object') return undefined
  try {
    return JSON.parse(JSON.stringify(value)) as Record<string, unknown>
  } catch {
    return undefined
  }
}
