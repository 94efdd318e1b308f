import { fileURLToPath } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Start a worker thread from a module beside the caller. `relative` is written without an
 * extension (`./gbdt-worker`): from compiled code it loads the `.js` file; from TypeScript
 * sources (tests, `tsx`) it loads the `.ts` file through tsx's loader.
 */
export function startWorker(callerUrl: string, relative: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts')
  const url = new URL(`${relative}${fromSource ? '.ts' : '.js'}`, callerUrl)
  const execArgv = fromSource ? ['--import', 'tsx', ...(options.execArgv ?? [])] : options.execArgv
  return new Worker(fileURLToPath(url), { ...options, ...(execArgv ? { execArgv } : {}) })
}
