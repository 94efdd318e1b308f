import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { availableParallelism, constants, hostname } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ErrorCode } from '../../../core/index.js'
import type { HashCache } from '../../hashing/hash-cache.js'
import { hashPath } from '../../hashing/hash-path.js'
import type { ExecuteHooks, ProducedOutput, StageExecutor, StageJob, StageJobResult } from '../executor.js'
import { stageContext } from '../stage-context.js'
import {
  describeCause,
  describeThrown,
  parseCairnErrorOutput,
  quoteLastLines,
  type StageErrorCause,
} from '../stage-error.js'
import { createSandbox, type Sandbox } from './sandbox.js'

export interface LocalExecutorOptions {
  /** Where sandboxes and logs go (the project's `.cairn`); must be on the workspace's filesystem. */
  stateDir: string
  /** Remembers output hashes (by inode, so they stay valid after the move into place). */
  hashCache: HashCache
  /** Stages run at once (default: the number of cores). */
  slots?: number
  /** After a timeout or cancellation, how long a stage gets between SIGTERM and SIGKILL (default 5 s). */
  killGraceMs?: number
  /** Bytes of output kept in the stage run record (default 64 KiB). */
  logTailBytes?: number
}

/**
 * Runs stages on this machine, each in its own sandbox (see createSandbox) and process group:
 * shell commands through `/bin/sh -c`, `module#export` stages in a Node child process, function
 * stages in this process. Output goes to a log file per attempt. A stage that exits non-zero,
 * times out, or does not write every declared output fails and leaves nothing behind.
 */
export class LocalExecutor implements StageExecutor {
  readonly name = 'local'
  readonly slots: number
  readonly #opts: LocalExecutorOptions
  readonly #sandboxes = new Map<string, Sandbox>()
  readonly #dirs = new Set<string>()

  constructor(options: LocalExecutorOptions) {
    this.#opts = options
    this.slots = Math.max(1, options.slots ?? availableParallelism())
  }

  accepts(): boolean {
    return true
  }

  async execute(job: StageJob, hooks: ExecuteHooks): Promise<StageJobResult> {
    const worker = `${hostname()}:${process.pid}`
    const logDir = join(this.#opts.stateDir, 'pipelines', 'logs', job.runId)
    if (!this.#dirs.has(logDir)) {
      await mkdir(logDir, { recursive: true })
      this.#dirs.add(logDir)
    }
    const logFile = join(logDir, `${job.pipeline}.${job.stage}.${job.attempt}.log`.replace(/[^\w.@-]/g, '_'))
    const log = createWriteStream(logFile)
    const tail = new TailBuffer(this.#opts.logTailBytes ?? 64 * 1024)
    const errTail = new TailBuffer(8 * 1024)
    const write = (text: string) => {
      log.write(text)
      tail.push(text)
      hooks.onOutput?.(text)
    }
    const writeErr = (text: string) => {
      errTail.push(text)
      write(text)
    }
    const tmpDir = join(this.#opts.stateDir, 'tmp')
    if (!this.#dirs.has(tmpDir)) {
      await mkdir(tmpDir, { recursive: true })
      this.#dirs.add(tmpDir)
    }
    const before = await snapshotOuts(job)
    const sandbox = await createSandbox(job.workspace, tmpDir, job)
    const startedAt = Date.now()
    const fail = async (
      code: ErrorCode,
      message: string,
      extra: Partial<StageJobResult> = {},
      hint?: string,
      more: { cause?: StageErrorCause; stderrTail?: string } = {},
    ) => {
      await closeLog(log)
      await sandbox.dispose()
      return {
        ok: false,
        error: { code, message, ...(hint ? { hint } : {}), ...more },
        startedAt,
        endedAt: Date.now(),
        logTail: tail.text(),
        logFile,
        worker,
        outs: [],
        ...extra,
      } satisfies StageJobResult
    }
    let exit: {
      code: number | null
      signal: string | null
      timedOut: boolean
      cancelled: boolean
      spawnError?: string
      cause?: StageErrorCause
    }
    try {
      exit = await this.#run(job, sandbox, write, writeErr, hooks, worker)
    } catch (err) {
      return fail('CAIRN_STAGE_FAILED', `Stage '${label(job)}' could not start: ${(err as Error).message}`)
    }
    const extra = { exitCode: exit.code, signal: exit.signal }
    if (exit.spawnError)
      return fail('CAIRN_STAGE_FAILED', `Stage '${label(job)}' could not start: ${exit.spawnError}`, extra)
    if (exit.cancelled) return fail('CAIRN_CANCELLED', `Stage '${label(job)}' was cancelled`, extra)
    if (exit.timedOut) {
      return fail(
        'CAIRN_STAGE_TIMEOUT',
        `Stage '${label(job)}' timed out after ${formatMs(job.timeoutMs ?? 0)}`,
        extra,
        'Raise its timeout: in cairn.yaml, or make it faster',
      )
    }
    if (exit.code !== 0) {
      const how = exit.signal
        ? `was killed by ${exit.signal}`
        : `exited with code ${exit.code}${signalName(exit.code)}`
      const stderr = errTail.text()
      const cause =
        exit.cause ?? (job.command.kind === 'cmd' && !exit.signal ? parseCairnErrorOutput(stderr) : undefined)
      const seeLog = `See the whole log: ${logFile}`
      const more = { ...(cause ? { cause } : {}), ...(stderr ? { stderrTail: stderr.slice(-2000) } : {}) }
      if (cause) {
        return fail(
          'CAIRN_STAGE_FAILED',
          `Stage '${label(job)}' failed: ${describeCause(cause)}`,
          extra,
          cause.hint ?? (cause.code ? seeLog : `${seeLog} (it has the stack trace)`),
          more,
        )
      }
      const last = quoteLastLines(stderr || tail.text(), 5)
      return fail(
        'CAIRN_STAGE_FAILED',
        `Stage '${label(job)}' failed: its ${job.command.kind === 'cmd' ? 'command' : 'function'} ${how}${last ? `\n${last}` : ''}`,
        extra,
        seeLog,
        more,
      )
    }
    const outs: ProducedOutput[] = []
    for (const o of job.outs) {
      const h = await hashPath(join(sandbox.dir, o.path), this.#opts.hashCache)
      if (!h) {
        const wroteInPlace = await changedSince(job.workspace, o.path, before.get(o.path))
        return fail(
          'CAIRN_STAGE_FAILED',
          `Stage '${label(job)}' succeeded but did not write its output '${o.path}'`,
          extra,
          wroteInPlace
            ? `It wrote '${o.path}' straight into the workspace, through a path resolved to the real folder (e.g. Path(__file__).resolve() or __dirname); write outputs relative to the working folder${job.command.kind !== 'cmd' ? ' or through ctx.path()' : ''}`
            : `Check that the stage writes '${o.path}' (relative to ${job.wdir || 'the project root'})`,
        )
      }
      outs.push({ path: o.path, ...h })
    }
    await closeLog(log)
    const stray = await sandbox.strays()
    this.#sandboxes.set(sandbox.dir, sandbox)
    return {
      ok: true,
      stray,
      startedAt,
      endedAt: Date.now(),
      logTail: tail.text(),
      logFile,
      worker,
      outs,
      stagedRoot: sandbox.dir,
      ...extra,
    }
  }

  async #run(
    job: StageJob,
    sandbox: Sandbox,
    write: (text: string) => void,
    writeErr: (text: string) => void,
    hooks: ExecuteHooks,
    worker: string,
  ): Promise<{
    code: number | null
    signal: string | null
    timedOut: boolean
    cancelled: boolean
    spawnError?: string
    cause?: StageErrorCause
  }> {
    const c = job.command
    if (c.kind === 'function') {
      const controller = new AbortController()
      const onAbort = () => controller.abort(hooks.signal.reason)
      hooks.signal.addEventListener('abort', onAbort)
      let timedOut = false
      const timer =
        job.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true
              controller.abort(new Error('timeout'))
            }, job.timeoutMs)
      hooks.onStart?.({ worker })
      try {
        const ctx = stageContext(job, sandbox.dir, controller.signal, (m) => write(`${m}\n`))
        const work = Promise.resolve().then(() => c.fn(ctx))
        const aborted = new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
        )
        await Promise.race([work, aborted])
        return { code: 0, signal: null, timedOut: false, cancelled: false }
      } catch (err) {
        if (timedOut) return { code: null, signal: null, timedOut: true, cancelled: false }
        if (hooks.signal.aborted) return { code: null, signal: null, timedOut: false, cancelled: true }
        const cause = describeThrown(err)
        const stack = err instanceof Error && err.stack ? err.stack.split('\n').slice(1).join('\n') : ''
        writeErr(
          `${describeCause(cause)}\n${cause.hint ? `hint: ${cause.hint}\n` : ''}${stack ? `${stack}\n` : ''}`,
        )
        return { code: 1, signal: null, timedOut: false, cancelled: false, cause }
      } finally {
        if (timer) clearTimeout(timer)
        hooks.signal.removeEventListener('abort', onAbort)
      }
    }

    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...job.env,
      CAIRN_PIPELINE: job.pipeline,
      CAIRN_STAGE: job.stage,
      CAIRN_PIPELINE_RUN_ID: job.runId,
      CAIRN_STAGE_RUN_ID: job.id,
      CAIRN_SANDBOX_ROOT: sandbox.dir,
      CAIRN_PARAMS: JSON.stringify(job.params),
    }
    if (job.trackingRunId) {
      env.CAIRN_RUN_ID = job.trackingRunId
      env.MLFLOW_RUN_ID = job.trackingRunId
    }
    let child: ChildProcess
    let errorFile: string | undefined
    if (c.kind === 'cmd') {
      child = spawn('/bin/sh', ['-c', c.cmd], {
        cwd: sandbox.cwd,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    } else {
      const moduleAbs = join(job.workspace, c.module)
      const jobFile = `${sandbox.dir}.job.json`
      errorFile = `${sandbox.dir}.error.json`
      await writeFile(
        jobFile,
        JSON.stringify({
          moduleAbs,
          exportName: c.export,
          sandboxRoot: sandbox.dir,
          errorFile,
          job: { ...job, command: undefined },
        }),
      )
      const runner = runnerScript()
      const loader = needsLoader(moduleAbs, runner) ? tsxLoader(job.workspace) : undefined
      if (needsLoader(moduleAbs, runner) && !loader) {
        return {
          code: null,
          signal: null,
          timedOut: false,
          cancelled: false,
          spawnError: `${c.module} is TypeScript and no TypeScript loader (tsx) is installed in the project`,
        }
      }
      child = spawn(process.execPath, [...(loader ? ['--import', loader] : []), runner, jobFile], {
        cwd: sandbox.cwd,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child.once('exit', () => void rm(jobFile, { force: true }))
    }
    const exit = await new Promise<{
      code: number | null
      signal: string | null
      timedOut: boolean
      cancelled: boolean
      spawnError?: string
    }>((resolve) => {
      let timedOut = false
      let cancelled = false
      let killTimer: NodeJS.Timeout | undefined
      const stop = () => {
        signalGroup(child, 'SIGTERM')
        killTimer ??= setTimeout(() => signalGroup(child, 'SIGKILL'), this.#opts.killGraceMs ?? 5000)
      }
      const timer =
        job.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true
              stop()
            }, job.timeoutMs)
      const onAbort = () => {
        cancelled = true
        stop()
      }
      hooks.signal.addEventListener('abort', onAbort)
      if (hooks.signal.aborted) onAbort()
      child.stdout?.setEncoding('utf8').on('data', write)
      child.stderr?.setEncoding('utf8').on('data', writeErr)
      if (child.pid !== undefined) sandbox.noteProcess(child.pid)
      child.once('spawn', () => {
        hooks.onStart?.({ ...(child.pid !== undefined ? { pid: child.pid } : {}), worker })
      })
      child.once('error', (err) => {
        if (timer) clearTimeout(timer)
        hooks.signal.removeEventListener('abort', onAbort)
        resolve({ code: null, signal: null, timedOut, cancelled, spawnError: err.message })
      })
      child.once('close', (code, signal) => {
        if (timer) clearTimeout(timer)
        if (killTimer) clearTimeout(killTimer)
        hooks.signal.removeEventListener('abort', onAbort)
        resolve({ code, signal, timedOut, cancelled })
      })
    })
    if (!errorFile) return exit
    const thrown = await readFile(errorFile, 'utf8').catch(() => undefined)
    await rm(errorFile, { force: true })
    if (!thrown || exit.code === 0) return exit
    try {
      return { ...exit, cause: JSON.parse(thrown) as StageErrorCause }
    } catch {
      return exit
    }
  }

  async discard(result: StageJobResult): Promise<void> {
    if (!result.stagedRoot) return
    const sandbox = this.#sandboxes.get(result.stagedRoot)
    this.#sandboxes.delete(result.stagedRoot)
    if (sandbox) await sandbox.dispose()
    else await rm(result.stagedRoot, { recursive: true, force: true })
  }

  async close(): Promise<void> {
    for (const s of this.#sandboxes.values()) await s.dispose()
    this.#sandboxes.clear()
  }
}

/** Shells report a child killed by signal N as exit code 128 + N. */
function signalName(code: number | null): string {
  if (code === null || code <= 128) return ''
  const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0]
  return name ? ` (killed by ${name})` : ''
}

function label(job: StageJob): string {
  return job.pipeline === 'default' ? job.stage : `${job.pipeline}:${job.stage}`
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      // gone
    }
  }
}

function runnerScript(): string {
  const fromSource = import.meta.url.endsWith('.ts')
  return fileURLToPath(new URL(`./stage-runner.${fromSource ? 'ts' : 'js'}`, import.meta.url))
}

function needsLoader(moduleAbs: string, runner: string): boolean {
  return /\.(c|m)?tsx?$/.test(moduleAbs) || runner.endsWith('.ts')
}

/** The tsx loader, from the project's node_modules or Cairn's own. */
function tsxLoader(workspace: string): string | undefined {
  for (const base of [join(workspace, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      const req = createRequire(base)
      const p = req.resolve('tsx')
      if (existsSync(p)) return pathToFileURL(p).href
    } catch {
      // not here
    }
  }
  return undefined
}

async function snapshotOuts(job: StageJob): Promise<Map<string, string>> {
  const m = new Map<string, string>()
  for (const o of job.outs) {
    const st = await lstat(join(job.workspace, o.path)).catch(() => undefined)
    m.set(o.path, st ? `${st.ino}:${st.mtimeMs}` : '')
  }
  return m
}

async function changedSince(workspace: string, path: string, before: string | undefined): Promise<boolean> {
  const st = await lstat(join(workspace, path)).catch(() => undefined)
  const now = st ? `${st.ino}:${st.mtimeMs}` : ''
  return now !== '' && now !== before
}

function closeLog(log: WriteStream): Promise<void> {
  return new Promise((resolve) => log.end(() => resolve()))
}

function formatMs(ms: number): string {
  return ms >= 60_000
    ? `${(ms / 60_000).toFixed(1)} min`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${ms} ms`
}

/** Keeps the last `max` characters of a stream of text. */
class TailBuffer {
  #parts: string[] = []
  #size = 0
  constructor(readonly max: number) {}
  push(text: string): void {
    this.#parts.push(text)
    this.#size += text.length
    while (this.#size > this.max && this.#parts.length > 1)
      this.#size -= (this.#parts.shift() as string).length
  }
  text(): string {
    const all = this.#parts.join('')
    return all.length > this.max ? all.slice(all.length - this.max) : all
  }
}
