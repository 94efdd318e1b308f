import { useCallback, useEffect, useRef, useState } from 'react'
import { type ApiError, asApiError } from './client.js'

export interface ApiState<T> {
  data: T | undefined
  error: ApiError | undefined
  loading: boolean
  reload(): void
}

function sameDeps(a: readonly unknown[] | undefined, b: readonly unknown[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => Object.is(x, b[i]))
}

/**
 * Run `load` when `deps` change (aborting the previous call) and keep its answer or error. An
 * answer is only returned for the deps it was loaded for (no stale page after navigating); on
 * `reload()` the current answer stays visible until the new one arrives.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): ApiState<T> {
  const [state, setState] = useState<{
    deps?: readonly unknown[]
    data?: T
    error?: ApiError
    loading: boolean
  }>({
    loading: true,
  })
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    const controller = new AbortController()
    const forDeps = deps
    setState((s) => ({ ...s, loading: true }))
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ deps: forDeps, data, loading: false })
      },
      (err: unknown) => {
        if (controller.signal.aborted || (err as Error)?.name === 'AbortError') return
        setState({ deps: forDeps, error: asApiError(err), loading: false })
      },
    )
    return () => controller.abort()
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  const current = sameDeps(state.deps, deps)
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: current ? state.loading : true,
    reload,
  }
}
