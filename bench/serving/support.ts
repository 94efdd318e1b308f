import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

/** Start a process; stderr goes to `logFile` when given (as a deployed server's log would), else a pipe. */
export function startProcess(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string } = {},
): ChildProcess {
  const stderr = opts.logFile ? openSync(opts.logFile, 'a') : 'pipe'
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'ignore', stderr],
  })
  if (typeof stderr === 'number') closeSync(stderr)
  child.stderr?.resume()
  return child
}

/** The last `bytes` of a log file. */
export function tail(file: string, bytes = 3000): string {
  try {
    return readFileSync(file, 'utf8').slice(-bytes)
  } catch {
    return ''
  }
}

/** Wait until `check` resolves true (polling every 100 ms), or throw after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

export async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      p.kill('SIGKILL')
    }, 15_000)
    p.once('exit', () => {
      clearTimeout(t)
      resolve()
    })
    p.kill('SIGTERM')
  })
}

/** Figures from one wrk run. */
export interface WrkResult {
  requests: number
  rps: number
  p50ms: number
  p99ms: number
  non2xx: number
  socketErrors: number
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim())
  if (!m) return Number.NaN
  const x = Number(m[1])
  return m[2] === 'us' ? x / 1000 : m[2] === 's' ? x * 1000 : x
}

/** Run wrk with a POST body and parse its report. */
export async function runWrk(
  url: string,
  body: string,
  options: { connections: number; seconds: number; dir: string },
): Promise<WrkResult> {
  const lua = join(options.dir, `post-${Date.now()}.lua`)
  await writeFile(
    lua,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[${body}]]\n`,
  )
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn('wrk', [
      '-t1',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '-s',
      lua,
      '--latency',
      url,
    ])
    let text = ''
    p.stdout.on('data', (d: Buffer) => {
      text += d.toString()
    })
    p.on('error', reject)
    p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))))
  })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const requests = Number(/(\d+) requests in/.exec(out)?.[1])
  const p50 = /\s50%\s+(\S+)/.exec(out)?.[1] ?? ''
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? ''
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = se ? se.slice(1).reduce((a, b) => a + Number(b), 0) : 0
  return { requests, rps, p50ms: toMs(p50), p99ms: toMs(p99), non2xx, socketErrors }
}

/** California housing as rows of the peer's eight features plus the target. */
export async function readHousing(
  path: string,
): Promise<{ features: string[]; rows: Record<string, number>[] }> {
  const text = await readFile(path, 'utf8')
  const lines = text.trim().split('\n')
  const header = (lines.shift() ?? '').split(',')
  const features = header.slice(0, 8)
  const rows = lines.map((line) => {
    const cells = line.split(',')
    const row: Record<string, number> = {}
    for (let j = 0; j < 9; j++) {
      const c = cells[j] ?? ''
      row[header[j] as string] = c === '' ? Number.NaN : Number(c)
    }
    return row
  })
  return { features, rows }
}
