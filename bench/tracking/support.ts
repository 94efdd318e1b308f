import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** Figures the issue quotes for MLflow's Python server; printed labelled, never as measurements. */
export const QUOTED_MLFLOW = {
  logBatch500Ms: 1200,
  logBatchSource: 'mlflow-go comparison: ~1.2 s for a 500-metric log-batch on the Python server',
  search10kMs: 1000,
  searchSource: 'issue 2: ~1 s to search 10,000 runs x 20 metrics with a metric filter + order_by',
}

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

/** Start `cairn server` (from source) in its own process; resolves once /health answers. */
export async function startCairnServer(
  backendStoreUri: string,
  artifacts: string,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      `${repoRoot}src/cli/main.ts`,
      'server',
      '--port',
      String(port),
      '--backend-store-uri',
      backendStoreUri,
      '--artifacts-destination',
      artifacts,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: repoRoot },
  )
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cairn server exited: ${stderr}`)
    const ok = await fetch(`${url}/health`)
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) break
    if (Date.now() > deadline) throw new Error(`cairn server did not start: ${stderr}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

export const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * CPU time (user + system, ms) a process has used so far, from /proc: unlike wall time it does
 * not grow when other work shares the machine.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000
}
