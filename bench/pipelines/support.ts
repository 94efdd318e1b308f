import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Compile Cairn as it ships (tsc, the package's build config) into bench/.out/dist and return
 * the `cairn` entry point, so the benchmark times the real command, not a TypeScript loader.
 */
export function buildCli(): string {
  const out = join(repoRoot, 'bench', '.out')
  mkdirSync(out, { recursive: true })
  try {
    execFileSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(out, 'dist'),
      ],
      {
        cwd: repoRoot,
        stdio: 'ignore',
      },
    )
  } catch {
    // tsc exits non-zero on type errors elsewhere in the tree but still emits
  }
  copyFileSync(join(repoRoot, 'package.json'), join(out, 'package.json'))
  const main = join(out, 'dist', 'cli', 'main.js')
  if (!existsSync(main)) throw new Error('the CLI did not build')
  // the same program with only the pipelines commands registered: what `cairn run` costs when
  // the other commands do not load their layers at start-up
  writeFileSync(
    join(out, 'dist', 'cli', 'pipelines-only.js'),
    [
      "import { registerPipelines } from './commands/pipelines.js'",
      "import { reportError } from './output.js'",
      "import { buildProgram } from './program.js'",
      'try {',
      '  await buildProgram([registerPipelines]).parseAsync(process.argv)',
      '} catch (err) {',
      '  process.exitCode = reportError(err)',
      '}',
      '',
    ].join('\n'),
  )
  return main
}

/** Run a command; resolves with its wall time, exit code and output. */
export function timed(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ ms: number; code: number | null; out: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, CAIRN_PROGRESS: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, out }))
  })
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}

/** The 1-minute load average, to judge how busy the shared machine was. */
export function load(): string {
  return loadavg()[0]?.toFixed(1) ?? '?'
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`
}
