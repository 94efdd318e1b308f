import type { ModelEvent } from '../../api/types.js'
import { formatNumber, formatTime } from '../../components/format.js'
import { href, path } from '../../router.js'

const COLORS: Record<string, string> = {
  gate_promote: 'var(--ok)',
  gate_reject: 'var(--bad)',
  alias_set: 'var(--accent)',
  alias_deleted: 'var(--warn)',
  stage_transition: 'var(--info)',
  version_created: 'var(--fg-faint)',
}

function describe(e: ModelEvent): string {
  switch (e.kind) {
    case 'version_created':
      return `version ${e.version} registered`
    case 'stage_transition':
      return `v${e.version}: ${e.from ?? 'None'} → ${e.to}`
    case 'alias_set':
      return e.from
        ? `@${e.payload?.alias ?? e.to} moved v${e.from} → v${e.version}`
        : `@${e.payload?.alias ?? e.to} → v${e.version}`
    case 'alias_deleted':
      return `@${e.payload?.alias ?? e.from} removed${e.payload?.alias && e.from ? ` (was v${e.from})` : ''}`
    case 'gate_promote':
      return `promotion gate promoted v${e.version}${e.from ? ` over v${e.from}` : ''}`
    case 'gate_reject':
      return `promotion gate rejected v${e.version}${e.from ? ` (kept v${e.from})` : ''}`
    case 'model_created':
      return 'model registered'
    case 'model_renamed':
      return `renamed ${e.from} → ${e.to}`
    default:
      return `${e.kind}${e.version ? ` v${e.version}` : ''}`
  }
}

function GateDetails({ payload }: { payload: Record<string, unknown> }) {
  const champion = payload.champion as { version?: number; metrics?: Record<string, number> } | undefined
  const challenger = payload.challenger as { version?: number; metrics?: Record<string, number> } | undefined
  const reasons = payload.reasons as string[] | undefined
  const metric = payload.metric as string | undefined
  return (
    <div className="small" style={{ marginTop: 4 }}>
      {metric && (champion?.metrics || challenger?.metrics) ? (
        <span className="muted">
          {metric}: champion {champion?.version !== undefined ? `v${champion.version} ` : ''}
          {formatNumber(champion?.metrics?.[metric])} · challenger{' '}
          {challenger?.version !== undefined ? `v${challenger.version} ` : ''}
          {formatNumber(challenger?.metrics?.[metric])}
        </span>
      ) : null}
      {reasons?.length ? (
        <ul style={{ margin: '2px 0 0', paddingLeft: 18 }}>
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/** The model's history: registrations, stage transitions, alias moves and promotion-gate decisions. */
export function ModelHistory({ name, events }: { name: string; events: ModelEvent[] }) {
  if (events.length === 0) return <div className="muted small">No history yet.</div>
  return (
    <ul className="timeline" data-testid="model-history">
      {events.map((e) => (
        <li key={e.eventId} data-kind={e.kind}>
          <span className="dot" style={{ background: COLORS[e.kind] ?? 'var(--fg-faint)' }} />
          <div>
            <div className="row" style={{ gap: 6 }}>
              <strong>{describe(e)}</strong>
              {e.kind.startsWith('gate_') ? (
                <span className={`badge ${e.kind === 'gate_promote' ? 'ok' : 'bad'}`}>gate</span>
              ) : null}
              {e.version !== null ? (
                <a className="small" href={href(path('models', name, 'versions', e.version))}>
                  v{e.version}
                </a>
              ) : null}
            </div>
            <div className="faint small">
              {formatTime(e.timestamp)}
              {e.userId ? ` · ${e.userId}` : ''}
            </div>
            {e.comment ? <div className="small">{e.comment}</div> : null}
            {e.payload && e.kind.startsWith('gate_') ? <GateDetails payload={e.payload} /> : null}
          </div>
        </li>
      ))}
    </ul>
  )
}
