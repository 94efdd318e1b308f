import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { CairnError } from '../core/index.js'

/** A `cairn serve` process the demo started. */
export interface ServingChild {
  url: string
  pid: number
  /** The last lines the process wrote (for error messages). */
  tail(): string
  /** SIGTERM (the server drains and flushes its prediction log), then wait for the exit. */
  stop(): Promise<void>
}

const BIN = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url))

/**
 * Start `cairn serve <uri>` as a child process on a free port, polling the registry every
 * `pollSeconds` for alias moves, and wait until it answers `/ready`.
 */
export async function startServingChild(options: {
  cwd: string
  modelUri: string
  trackingUri: string
  artifactsUri: string
  pollSeconds: number
  host?: string
}): Promise<ServingChild> {
  const args = [
    BIN,
    '--tracking-uri',
    options.trackingUri,
    '--artifacts-uri',
    options.artifactsUri,
    'serve',
    options.modelUri,
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    '0',
    '--poll-interval',
    String(options.pollSeconds),
    '--access-log',
    'errors',
  ]
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, CAIRN_LOG_LEVEL: process.env.CAIRN_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-8000)
  }
  child.stdout?.setEncoding('utf8').on('data', keep)
  child.stderr?.setEncoding('utf8').on('data', keep)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start listening within 90 s'), 90_000)
    const fail = (why: string) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(
        new CairnError('CAIRN_INTERNAL', `cairn serve ${why}`, {
          details: { output: output.slice(-2000) },
          hint: 'Its output is in the error details; run the same `cairn serve` by hand to see more.',
        }),
      )
    }
    const onData = () => {
      const m = /listening on (http:\/\/\S+?)[\s)]/.exec(output)
      if (m?.[1]) {
        clearTimeout(timer)
        child.stderr?.off('data', onData)
        resolve(m[1])
      }
    }
    child.stderr?.on('data', onData)
    void exited.then((code) => fail(`exited with code ${code}`))
  })
  await waitReady(url, child)
  return {
    url,
    pid: child.pid as number,
    tail: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    },
  }
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    const ok = await fetch(`${url}/ready`)
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new CairnError('CAIRN_INTERNAL', `cairn serve at ${url} did not become ready`)
}
