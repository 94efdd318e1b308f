import type { ReactNode } from 'react'
import type { ApiError } from '../api/client.js'

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {what}…
    </div>
  )
}

/** A new user's next step: what this page shows once something exists, and the command that makes it. */
export function EmptyState({
  title,
  children,
  command,
}: {
  title: string
  children?: ReactNode
  command?: string
}) {
  return (
    <div className="empty" data-testid="empty-state">
      <h2>{title}</h2>
      {children ? <div>{children}</div> : null}
      {command ? (
        <pre>
          <code>{command}</code>
        </pre>
      ) : null}
    </div>
  )
}

/** An API error with its stable code, message and hint. */
export function ErrorBox({
  error,
  title,
}: {
  error: Pick<ApiError, 'code' | 'message'> & { hint?: string | undefined }
  title?: string
}) {
  return (
    <div className="error-box" role="alert" data-testid="error">
      {title ? <strong>{title}</strong> : null}
      <span className="code">{error.code}</span>
      <span>{error.message}</span>
      {error.hint ? <span className="hint">{error.hint}</span> : null}
    </div>
  )
}

/** A whole page for something that is not there (a deleted run, a missing model…). */
export function NotFoundPage({ title, error, back }: { title: string; error?: ApiError; back?: ReactNode }) {
  return (
    <div className="page">
      <div className="panel">
        <div className="empty" data-testid="not-found">
          <h2>{title}</h2>
          {error ? <ErrorBox error={error} /> : null}
          {back}
        </div>
      </div>
    </div>
  )
}

/**
 * What a page shows while its main resource is not there: a not-found page, the API error, or a
 * spinner. Pages render it while `state.data` is undefined.
 */
export function ResourceState({
  state,
  notFound,
  back,
  loading,
}: {
  state: { error?: ApiError | undefined }
  notFound: string
  back: ReactNode
  loading: string
}) {
  if (state.error?.notFound) return <NotFoundPage title={notFound} error={state.error} back={back} />
  if (state.error)
    return (
      <div className="page">
        <ErrorBox error={state.error} />
      </div>
    )
  return <Loading what={loading} />
}

const STATUS: Record<string, string> = {
  FINISHED: 'ok',
  RUNNING: 'info',
  SCHEDULED: 'info',
  FAILED: 'bad',
  KILLED: 'warn',
  succeeded: 'ok',
  success: 'ok',
  ran: 'ok',
  ok: 'ok',
  cached: 'info',
  restored: 'info',
  'up-to-date': 'ok',
  running: 'info',
  queued: 'info',
  failed: 'bad',
  error: 'bad',
  cancelled: 'warn',
  blocked: 'warn',
  'not-run': 'warn',
  firing: 'bad',
  pending: 'warn',
  inactive: 'ok',
  resolved: 'ok',
  READY: 'ok',
  Production: 'ok',
  Staging: 'info',
  Archived: 'outline',
}

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge ${STATUS[status] ?? ''}`}>{label ?? status}</span>
}
