import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Start a worker thread from a module beside the caller. `relative` is written without an
 * extension (`./gbdt-worker`): from compiled code it loads the `.js` file; from TypeScript
 * sources (tests, `tsx`) it loads the `.ts` file after registering tsx's loader in the worker
 * (Node 20 ignores `--import tsx` in a worker's execArgv, so the loader is registered by hand).
 */
export function startWorker(callerUrl: string, relative: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts')
  const url = new URL(`${relative}${fromSource ? '.ts' : '.js'}`, callerUrl)
  if (!fromSource) return new Worker(fileURLToPath(url), options)
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(boot, { ...options, eval: true })
}
