import { useMemo, useState } from 'react'
import type { RunColumns } from '../../api/types.js'
import { Dialog } from '../../components/dialog.js'
import type { RunColumn } from './columns.js'

/** Choose which metric, param and tag columns the runs table shows. */
export function ColumnPicker({
  available,
  chosen,
  onChange,
  onClose,
}: {
  available: RunColumns
  chosen: RunColumn[]
  onChange(cols: RunColumn[]): void
  onClose(): void
}) {
  const [q, setQ] = useState('')
  const [picked, setPicked] = useState(() => new Set(chosen.map((c) => `${c.kind}:${c.key}`)))
  const groups = useMemo(
    () =>
      [
        { kind: 'metric' as const, title: 'Metrics', keys: available.metrics },
        { kind: 'param' as const, title: 'Params', keys: available.params },
        { kind: 'tag' as const, title: 'Tags', keys: available.tags.filter((t) => t !== 'mlflow.runName') },
      ].map((g) => ({ ...g, keys: g.keys.filter((k) => k.toLowerCase().includes(q.toLowerCase())) })),
    [available, q],
  )
  const toggle = (id: string) =>
    setPicked((p) => {
      const n = new Set(p)
      if (n.has(id)) n.delete(id)
      else n.add(id)
      return n
    })
  const apply = () => {
    const order = ['metric', 'param', 'tag']
    const cols = [...picked]
      .map((id) => {
        const i = id.indexOf(':')
        return { kind: id.slice(0, i) as RunColumn['kind'], key: id.slice(i + 1) }
      })
      .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.key.localeCompare(b.key))
    onChange(cols)
    onClose()
  }
  return (
    <Dialog
      title="Columns"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={() => setPicked(new Set())}>
            None
          </button>
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={apply} data-testid="columns-apply">
            Show {picked.size} columns
          </button>
        </>
      }
    >
      <input
        type="search"
        placeholder="Find a key"
        aria-label="Find a key"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <div style={{ maxHeight: 360, overflow: 'auto', display: 'grid', gap: 12 }}>
        {groups.map((g) => (
          <fieldset key={g.kind} style={{ border: 0, padding: 0, margin: 0, display: 'grid', gap: 4 }}>
            <legend className="small muted" style={{ fontWeight: 600, marginBottom: 4 }}>
              {g.title} ({g.keys.length})
            </legend>
            {g.keys.length === 0 ? <span className="faint small">none</span> : null}
            {g.keys.map((k) => {
              const id = `${g.kind}:${k}`
              return (
                <label key={id} className="inline" style={{ color: 'var(--fg)' }}>
                  <input type="checkbox" checked={picked.has(id)} onChange={() => toggle(id)} />
                  <span className="mono">{k}</span>
                </label>
              )
            })}
          </fieldset>
        ))}
      </div>
    </Dialog>
  )
}
