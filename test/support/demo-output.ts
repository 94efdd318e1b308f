import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { oncePerRun } from './once-per-run.js'

const bin = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url))

/** A finished `cairn demo --exit`: its project folder and what it printed. */
export interface DemoOutput {
  /** The demo's project folder (`<dir>/demo`). */
  project: string
  code: number
  stdout: string
  stderr: string
}

/**
 * `cairn demo --exit` on a fresh folder, run once per test run and shared by every test file
 * that asks (the end-to-end checks of its stores, the web UI on its data). Readers must not
 * change the project.
 */
export function demoOutput(): Promise<DemoOutput> {
  return oncePerRun(
    'cairn-demo',
    (dir) =>
      new Promise<DemoOutput>((resolve) => {
        const project = join(dir, 'demo')
        execFile(
          process.execPath,
          [bin, 'demo', '--exit', '--dir', project, '--port', '0'],
          {
            cwd: dir,
            env: { ...process.env, CAIRN_FROM_SOURCE: '1', NO_COLOR: '1' },
            timeout: 300_000,
            maxBuffer: 16 * 1024 * 1024,
          },
          (err, stdout, stderr) =>
            resolve({
              project,
              code: err ? Number((err as { code?: number }).code ?? 1) : 0,
              stdout,
              stderr,
            }),
        )
      }),
  )
}
