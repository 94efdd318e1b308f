import { useCallback, useEffect, useRef, useState } from 'react'
import { type ApiError, api, asApiError } from '../../api/client.js'
import type { Page, Run } from '../../api/types.js'

/** A run flattened for the table. */
export interface RunRow {
  id: string
  name: string
  status: string
  start: number
  end: number | null
  user: string
  lifecycle: string
  parent: string | undefined
  metrics: Record<string, number | string>
  params: Record<string, string>
  tags: Record<string, string>
}

export function toRow(r: Run): RunRow {
  const metrics: Record<string, number | string> = {}
  for (const [k, m] of Object.entries(r.data.metrics)) metrics[k] = m.value
  return {
    id: r.info.runId,
    name: r.info.runName,
    status: r.info.status,
    start: r.info.startTime,
    end: r.info.endTime,
    user: r.info.userId,
    lifecycle: r.info.lifecycleStage,
    parent: r.data.tags['mlflow.parentRunId'],
    metrics,
    params: r.data.params,
    tags: r.data.tags,
  }
}

export interface RunsQuery {
  experimentIds: string[]
  filter: string
  orderBy: string[]
  viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'
}

const FIRST_PAGE = 300
const NEXT_PAGE = 1000

/**
 * Runs of a search, loaded a page at a time as the table scrolls (`loadMore`). A new query
 * starts over; an invalid filter leaves the previous rows and sets `error`.
 */
export function useRunRows(query: RunsQuery) {
  const key = JSON.stringify(query)
  const [state, setState] = useState<{
    key: string
    rows: RunRow[]
    token: string | null
    loading: boolean
    error: ApiError | undefined
  }>({ key: '', rows: [], token: null, loading: true, error: undefined })
  const inflight = useRef<AbortController | null>(null)

  // biome-ignore lint/correctness/useExhaustiveDependencies: the key covers the query
  const fetchPage = useCallback(
    async (token: string | null, signal: AbortSignal) =>
      api<Page<Run>>('/runs/search', {
        signal,
        body: {
          experimentIds: query.experimentIds,
          ...(query.filter.trim() ? { filter: query.filter } : {}),
          ...(query.orderBy.length ? { orderBy: query.orderBy } : {}),
          viewType: query.viewType,
          maxResults: token ? NEXT_PAGE : FIRST_PAGE,
          ...(token ? { pageToken: token } : {}),
        },
      }),
    [key],
  )

  useEffect(() => {
    inflight.current?.abort()
    const controller = new AbortController()
    inflight.current = controller
    setState((s) => ({ ...s, loading: true, error: undefined }))
    fetchPage(null, controller.signal).then(
      (page) =>
        setState({
          key,
          rows: page.items.map(toRow),
          token: page.nextPageToken ?? null,
          loading: false,
          error: undefined,
        }),
      (err) => {
        if (controller.signal.aborted) return
        setState((s) => ({ ...s, loading: false, error: asApiError(err) }))
      },
    )
    return () => controller.abort()
  }, [key, fetchPage])

  const stateRef = useRef(state)
  stateRef.current = state
  const loadMore = useCallback(() => {
    const s = stateRef.current
    if (s.loading || !s.token || s.key !== key) return
    const controller = new AbortController()
    inflight.current = controller
    stateRef.current = { ...s, loading: true }
    setState((cur) => ({ ...cur, loading: true }))
    fetchPage(s.token, controller.signal).then(
      (page) =>
        setState((cur) =>
          cur.key === key
            ? {
                ...cur,
                rows: cur.rows.concat(page.items.map(toRow)),
                token: page.nextPageToken ?? null,
                loading: false,
              }
            : cur,
        ),
      (err) => {
        if (!controller.signal.aborted)
          setState((cur) => ({ ...cur, loading: false, error: asApiError(err) }))
      },
    )
  }, [key, fetchPage])

  return {
    rows: state.rows,
    hasMore: state.token !== null,
    loading: state.loading,
    error: state.error,
    /** True when the rows shown belong to the current query. */
    current: state.key === key && !state.loading,
    loadMore,
  }
}
