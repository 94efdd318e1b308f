import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The `cairn` bin of this checkout. */
export const cairnBin = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url))

/** What a finished `cairn` process printed, and its exit status. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Run `cairn <args>` from the TypeScript sources in `cwd`, without colours, and collect its output. */
export function runCairnCli(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cairnBin, ...args],
      { cwd, env: { ...process.env, CAIRN_FROM_SOURCE: '1', NO_COLOR: '1' }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}
