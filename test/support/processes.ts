import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0))
    })
  })
}

/** The absolute path of a command on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' })
  const out = r.stdout.trim()
  return r.status === 0 && out ? out : undefined
}

/** Poll `check` until it resolves true or `timeoutMs` passes. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Start a long-running child, collecting its output for error messages. */
export function startChild(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; user?: string } = {},
): ChildProcess & { output: () => string } {
  const useRunuser = opts.user && process.getuid?.() === 0
  const child = spawn(
    useRunuser ? 'runuser' : cmd,
    useRunuser ? ['-u', opts.user as string, '--', cmd, ...args] : args,
    {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  child.stdout?.on('data', (d) => {
    out = (out + d).slice(-8000)
  })
  child.stderr?.on('data', (d) => {
    out = (out + d).slice(-8000)
  })
  return Object.assign(child, { output: () => out })
}

/** The bin folder of the newest Debian PostgreSQL install, if any. */
export function postgresBinDir(): string | undefined {
  if (process.env.CAIRN_PG_BIN && existsSync(process.env.CAIRN_PG_BIN)) return process.env.CAIRN_PG_BIN
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base)
    .filter((v) => existsSync(`${base}/${v}/bin/postgres`) && existsSync(`${base}/${v}/bin/initdb`))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] ? `${base}/${versions[0]}/bin` : undefined
}
