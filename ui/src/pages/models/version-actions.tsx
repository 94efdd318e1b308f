import { useState } from 'react'
import { type ApiError, api, asApiError } from '../../api/client.js'
import type { ModelVersion, RegisteredModel } from '../../api/types.js'
import { Dialog } from '../../components/dialog.js'
import { ErrorBox } from '../../components/states.js'

export type VersionAction =
  | { kind: 'alias'; version: ModelVersion }
  | { kind: 'stage'; version: ModelVersion }
  | { kind: 'archive'; version: ModelVersion }
  | { kind: 'delete-alias'; alias: string; version: number }

const STAGES = ['Staging', 'Production', 'Archived', 'None']

/**
 * Promote (point an alias), move to a stage, archive, or remove an alias — each one registry call,
 * confirmed first. A failure shows the server's code and message, and nothing has changed.
 */
export function VersionActionDialog({
  model,
  action,
  onClose,
  onDone,
}: {
  model: RegisteredModel
  action: VersionAction
  onClose(): void
  onDone(message: string): void
}) {
  const aliases = Object.keys(model.aliases)
  const [alias, setAlias] = useState(
    aliases.includes('production') ? 'production' : (aliases[0] ?? 'production'),
  )
  const [stage, setStage] = useState(
    action.kind === 'stage'
      ? action.version.currentStage === 'Staging'
        ? 'Production'
        : 'Staging'
      : 'Archived',
  )
  const [archiveExisting, setArchiveExisting] = useState(false)
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const name = encodeURIComponent(model.name)
  const v = action.kind === 'delete-alias' ? action.version : action.version.version
  const current = model.aliases[alias.trim()]

  const run = async () => {
    setBusy(true)
    setError(undefined)
    try {
      if (action.kind === 'alias') {
        await api(`/models/${name}/aliases/${encodeURIComponent(alias.trim())}`, {
          method: 'PUT',
          body: { version: v, ...(comment ? { comment } : {}) },
        })
        onDone(`@${alias.trim()} now points at v${v}`)
      } else if (action.kind === 'stage' || action.kind === 'archive') {
        const target = action.kind === 'archive' ? 'Archived' : stage
        await api(`/models/${name}/versions/${v}/stage`, {
          body: {
            stage: target,
            ...(action.kind === 'stage' && archiveExisting ? { archiveExistingVersions: true } : {}),
            ...(comment ? { comment } : {}),
          },
        })
        onDone(`v${v} moved to ${target}`)
      } else {
        await api(`/models/${name}/aliases/${encodeURIComponent(action.alias)}`, {
          method: 'DELETE',
          ...(comment ? { query: { comment } } : {}),
        })
        onDone(`@${action.alias} removed`)
      }
    } catch (err) {
      setError(asApiError(err))
      setBusy(false)
    }
  }

  const title =
    action.kind === 'alias'
      ? `Promote ${model.name} v${v}`
      : action.kind === 'stage'
        ? `Move ${model.name} v${v} to a stage`
        : action.kind === 'archive'
          ? `Archive ${model.name} v${v}?`
          : `Remove alias @${action.alias}?`
  const confirmLabel =
    action.kind === 'alias'
      ? current === v
        ? `@${alias.trim()} already points at v${v}`
        : `Point @${alias.trim() || '…'} at v${v}`
      : action.kind === 'stage'
        ? `Move to ${stage}`
        : action.kind === 'archive'
          ? `Archive v${v}`
          : `Remove @${action.alias}`
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={
              action.kind === 'archive' || action.kind === 'delete-alias' ? 'danger solid' : 'primary'
            }
            onClick={run}
            disabled={busy || (action.kind === 'alias' && (!alias.trim() || current === v))}
            data-testid="confirm-action"
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {action.kind === 'alias' ? (
        <label className="field">
          <span>Alias</span>
          <input
            value={alias}
            onChange={(e) => setAlias(e.target.value)}
            list="known-aliases"
            aria-label="Alias"
            data-testid="alias-input"
          />
          <datalist id="known-aliases">
            {[...new Set(['production', 'champion', 'staging', 'challenger', ...aliases])].map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <span className="help">
            {current !== undefined
              ? `@${alias.trim()} points at v${current} now; it will move to v${v}. Servers following models:/${model.name}@${alias.trim()} reload.`
              : `A new alias: models:/${model.name}@${alias.trim() || '…'} will resolve to v${v}.`}
          </span>
        </label>
      ) : null}
      {action.kind === 'stage' ? (
        <>
          <label className="field">
            <span>Stage</span>
            <select value={stage} onChange={(e) => setStage(e.target.value)} aria-label="Stage">
              {STAGES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <span className="help">Now: {action.version.currentStage}</span>
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={archiveExisting}
              onChange={(e) => setArchiveExisting(e.target.checked)}
            />
            Archive the versions already in {stage}
          </label>
        </>
      ) : null}
      {action.kind === 'archive' ? (
        <p className="muted" style={{ margin: 0 }}>
          v{v} moves to the Archived stage (now {action.version.currentStage}). Its aliases
          {action.version.aliases.length ? ` (${action.version.aliases.map((a) => `@${a}`).join(', ')})` : ''}{' '}
          keep pointing at it until you move them.
        </p>
      ) : null}
      {action.kind === 'delete-alias' ? (
        <p className="muted" style={{ margin: 0 }}>
          models:/{model.name}@{action.alias} will stop resolving (it points at v{v} now).
        </p>
      ) : null}
      <label className="field">
        <span>Comment (kept in the history)</span>
        <input
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder="why"
          aria-label="Comment"
        />
      </label>
      {error ? <ErrorBox error={error} title="Nothing was changed" /> : null}
    </Dialog>
  )
}
