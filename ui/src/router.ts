import { useCallback, useSyncExternalStore } from 'react'

/** The current location inside the hash: `#/runs/abc?tab=metrics` → path `/runs/abc`, query `tab=metrics`. */
export interface Route {
  path: string
  segments: string[]
  query: URLSearchParams
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/'
  const q = raw.indexOf('?')
  const path = q < 0 ? raw : raw.slice(0, q)
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s)
      } catch {
        return s
      }
    })
  return { path: path.startsWith('/') ? path : `/${path}`, segments, query }
}

let current = parse(window.location.hash)
const listeners = new Set<() => void>()
window.addEventListener('hashchange', () => {
  current = parse(window.location.hash)
  for (const l of listeners) l()
})

function subscribe(l: () => void): () => void {
  listeners.add(l)
  return () => listeners.delete(l)
}

/** The route; components re-render when the hash changes. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => current)
}

type QueryInit = Record<string, string | number | boolean | null | undefined | readonly string[]>

/** A hash href: `href('/runs', {id: 'x'})` → `#/runs?id=x` (empty values are left out). */
export function href(path: string, query: QueryInit = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    if (Array.isArray(v)) {
      if (v.length > 0) q.set(k, v.join(','))
    } else q.set(k, String(v))
  }
  const s = q.toString()
  return `#${path}${s ? `?${s}` : ''}`
}

/** Path segments, encoded: `path('models', name, 'versions', 3)`. */
export function path(...parts: (string | number)[]): string {
  return `/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`
}

/** Go to a route; `replace` changes the current history entry (for state such as filters). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = to.startsWith('#') ? to : `#${to}`
  if (options.replace) {
    window.history.replaceState(window.history.state, '', target)
    current = parse(target)
    for (const l of listeners) l()
  } else window.location.hash = target
}

/**
 * Query parameters of the current route as state: `set({tab: 'metrics'})` merges into the URL
 * (replacing the history entry unless `push`), so every view is a shareable link.
 */
export function useQueryState(): [URLSearchParams, (patch: QueryInit, options?: { push?: boolean }) => void] {
  const route = useRoute()
  const set = useCallback((patch: QueryInit, options: { push?: boolean } = {}) => {
    const q = new URLSearchParams(current.query)
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0))
        q.delete(k)
      else q.set(k, Array.isArray(v) ? v.join(',') : String(v))
    }
    const s = q.toString()
    navigate(`${current.path}${s ? `?${s}` : ''}`, { replace: !options.push })
  }, [])
  return [route.query, set]
}
