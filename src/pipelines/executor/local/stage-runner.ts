/**
 * The child process that runs a `run: module#export` stage: imports the module, calls the export
 * with a StageContext, exits 0 on success and 1 when it throws: the error (code, message, hint)
 * goes to `errorFile` as JSON for the executor, and to stderr (with the stack) for the log.
 * Usage: node stage-runner.js <job.json>
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { stageContext } from '../stage-context.js'
import { describeCause, describeThrown } from '../stage-error.js'

interface RunnerJob {
  moduleAbs: string
  exportName: string
  sandboxRoot: string
  /** Where the thrown error is written as JSON. */
  errorFile?: string
  job: Parameters<typeof stageContext>[0]
}

const file = process.argv[2]
if (!file) {
  process.stderr.write('stage-runner: missing job file\n')
  process.exit(2)
}
const spec = JSON.parse(readFileSync(file, 'utf8')) as RunnerJob
const controller = new AbortController()
process.on('SIGTERM', () => controller.abort(new Error('stage was asked to stop (timeout or cancellation)')))

try {
  const mod = (await import(pathToFileURL(spec.moduleAbs).href)) as Record<string, unknown>
  const fn = mod[spec.exportName]
  if (typeof fn !== 'function') {
    process.stderr.write(
      `${spec.moduleAbs} has no exported function '${spec.exportName}' (exports: ${Object.keys(mod).join(', ') || 'none'})\n`,
    )
    process.exit(2)
  }
  const ctx = stageContext(spec.job, spec.sandboxRoot, controller.signal, (m) =>
    process.stdout.write(`${m}\n`),
  )
  await fn(ctx)
  process.exit(0)
} catch (err) {
  const cause = describeThrown(err)
  try {
    if (spec.errorFile) writeFileSync(spec.errorFile, JSON.stringify(cause))
  } catch {
    // the log below still says what happened
  }
  const stack = err instanceof Error && err.stack ? err.stack.split('\n').slice(1).join('\n') : ''
  process.stderr.write(
    `${describeCause(cause)}\n${cause.hint ? `hint: ${cause.hint}\n` : ''}${stack ? `${stack}\n` : ''}`,
  )
  process.exit(1)
}
