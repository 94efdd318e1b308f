import type { ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort, postgresBinDir, startChild, waitFor, which } from './processes.js'

/** A service a test run started, or why it could not. */
export type ServiceInfo = { url: string; error?: undefined } | { url?: undefined; error: string }

export interface RunningService {
  info: ServiceInfo
  stop(): Promise<void>
}

const none = async () => {}

/** Kill a child and drop its pipes so the test runner can exit. */
function release(child: ChildProcess): void {
  child.kill('SIGKILL')
  child.stdout?.destroy()
  child.stderr?.destroy()
  child.unref()
}

/** Start PostgreSQL from Debian's binaries in a fresh temp cluster (as the `postgres` user when root). */
export async function startPostgres(): Promise<RunningService> {
  const bin = postgresBinDir()
  if (!bin)
    return {
      info: { error: 'PostgreSQL not found: install it with `apt-get install -y postgresql`' },
      stop: none,
    }
  const dir = mkdtempSync(join(tmpdir(), 'cairn-pg-'))
  chmodSync(dir, 0o777)
  const user = process.getuid?.() === 0 ? 'postgres' : undefined
  const data = join(dir, 'data')
  const init = startChild(
    `${bin}/initdb`,
    ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'],
    user ? { user } : {},
  )
  const code = await new Promise<number | null>((r) => init.on('exit', r))
  if (code !== 0)
    return {
      info: { error: `initdb failed: ${init.output()}` },
      stop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  const port = await freePort()
  const server = startChild(
    `${bin}/postgres`,
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
      '-c',
      'synchronous_commit=off',
    ],
    user ? { user } : {},
  )
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`
  const stop = async () => {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
    if (pid > 0) process.kill(pid, 'SIGQUIT')
    await waitFor(async () => !existsSync(join(data, 'postmaster.pid')), 10_000, 'PostgreSQL to stop').catch(
      () => {},
    )
    release(server)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      async () => {
        const c = new pg.Client({ connectionString: url })
        await c.connect()
        await c.end()
        return true
      },
      30_000,
      'PostgreSQL',
    )
  } catch (err) {
    await stop()
    return {
      info: { error: `PostgreSQL did not start: ${(err as Error).message}\n${server.output()}` },
      stop: none,
    }
  }
  return { info: { url }, stop }
}

/** Start an S3-compatible server: moto_server when on PATH, else the s3rver npm package. */
export async function startS3(): Promise<RunningService> {
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const moto = which('moto_server')
  if (moto) {
    const child = startChild(moto, ['-H', '127.0.0.1', '-p', String(port)])
    try {
      await waitFor(async () => (await fetch(`${endpoint}/`)).ok, 30_000, 'moto_server')
      return { info: { url: endpoint }, stop: async () => release(child) }
    } catch (err) {
      child.kill('SIGKILL')
      return {
        info: { error: `moto_server did not start: ${(err as Error).message}\n${child.output()}` },
        stop: none,
      }
    }
  }
  try {
    const { default: S3rver } = await import('s3rver')
    const dir = mkdtempSync(join(tmpdir(), 'cairn-s3rver-'))
    const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: dir })
    await server.run()
    return {
      info: { url: endpoint },
      stop: async () => {
        await server.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    return {
      info: {
        error: `No S3-compatible server: moto_server is not on PATH and s3rver failed: ${(err as Error).message}`,
      },
      stop: none,
    }
  }
}

/** Start redis-server on a free port with persistence off. */
export async function startRedis(): Promise<RunningService> {
  const bin = which('redis-server')
  if (!bin)
    return {
      info: { error: 'redis-server not found: install it with `apt-get install -y redis-server`' },
      stop: none,
    }
  const port = await freePort()
  const child = startChild(bin, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ])
  const url = `redis://127.0.0.1:${port}`
  try {
    await waitFor(
      async () =>
        new Promise<boolean>((resolve) => {
          const sock = connect(port, '127.0.0.1', () => {
            sock.write('PING\r\n')
          })
          sock.on('data', (d: Buffer) => {
            sock.destroy()
            resolve(d.toString().includes('PONG'))
          })
          sock.on('error', () => resolve(false))
        }),
      15_000,
      'redis-server',
    )
  } catch (err) {
    child.kill('SIGKILL')
    return {
      info: { error: `redis-server did not start: ${(err as Error).message}\n${child.output()}` },
      stop: none,
    }
  }
  return { info: { url }, stop: async () => release(child) }
}
