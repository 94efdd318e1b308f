import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** A `cairn` process started from the TypeScript sources. */
export interface CairnProcess {
  child: ChildProcess
  /** Everything written to stderr so far. */
  stderr(): string
  /** Resolves with the exit code. */
  exited: Promise<number | null>
}

/** Run `cairn <args>` from the sources (through tsx), with extra modules imported first. */
export function runCairn(
  args: string[],
  options: { imports?: string[]; env?: NodeJS.ProcessEnv } = {},
): CairnProcess {
  const imports = (options.imports ?? []).flatMap((m) => ['--import', pathToFileURL(m).href])
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...imports, join(repo, 'src/cli/main.ts'), ...args],
    {
      cwd: repo,
      env: {
        ...process.env,
        VITEST: undefined,
        CAIRN_LOG_LEVEL: 'warn',
        CAIRN_PROGRESS: 'off',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  child.stdout?.on('data', () => {})
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return { child, stderr: () => err, exited }
}

/** Wait for `cairn serve` to print its URL; rejects with its stderr if it exits first. */
export async function servedUrl(p: CairnProcess, timeoutMs = 60_000): Promise<string> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    const m =
      /listening on (http:\/\/\S+?)[\s(]/.exec(p.stderr()) ?? /"url":"(http:\/\/[^"]+)"/.exec(p.stderr())
    if (m) return m[1] as string
    if (p.child.exitCode !== null) throw new Error(`cairn serve exited ${p.child.exitCode}:\n${p.stderr()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  p.child.kill('SIGKILL')
  throw new Error(`cairn serve did not start in time:\n${p.stderr()}`)
}
