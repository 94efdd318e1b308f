import { type FormEvent, useEffect, useState } from 'react'
import type { ApiError } from '../../api/client.js'

const EXAMPLES = [
  'metrics.rmse < 50000',
  "params.model = 'gbdt' and metrics.r2 > 0.8",
  "tags.team LIKE 'pric%'",
  "attributes.status = 'FAILED'",
]

/** The search box: MLflow's filter grammar, applied on Enter. */
export function FilterBox({ value, onApply }: { value: string; onApply(filter: string): void }) {
  const [text, setText] = useState(value)
  useEffect(() => setText(value), [value])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onApply(text.trim())
  }
  return (
    <form className="filter-box" onSubmit={submit}>
      <input
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={`Filter runs, e.g. ${EXAMPLES[1]}`}
        aria-label="Filter runs (MLflow search syntax)"
        list="filter-examples"
        spellCheck={false}
        data-testid="filter-input"
      />
      <datalist id="filter-examples">
        {EXAMPLES.map((x) => (
          <option key={x} value={x} />
        ))}
      </datalist>
      <button type="submit" className="primary" data-testid="filter-apply">
        Search
      </button>
      {value ? (
        <button
          type="button"
          onClick={() => {
            setText('')
            onApply('')
          }}
        >
          Clear
        </button>
      ) : null}
    </form>
  )
}

/** The server's filter error, with the offending token marked in the filter text. */
export function FilterError({ error }: { error: ApiError }) {
  const filter = typeof error.details?.filter === 'string' ? error.details.filter : undefined
  const position = typeof error.details?.position === 'number' ? error.details.position : undefined
  const token = typeof error.details?.token === 'string' ? error.details.token : undefined
  const mark = filter !== undefined && position !== undefined
  const len = Math.max(1, token?.length ?? 1)
  return (
    <div className="filter-error" role="alert" data-testid="filter-error">
      <div>
        <strong className="mono">{error.code}</strong> {error.message}
      </div>
      {mark ? (
        <pre data-testid="filter-error-mark">
          {filter.slice(0, position)}
          <mark>{filter.slice(position, position + len) || ' '}</mark>
          {filter.slice(position + len)}
          {'\n'}
          {' '.repeat(position)}^
        </pre>
      ) : null}
      <div className="muted small">
        Examples: <code>{EXAMPLES[0]}</code> · <code>{EXAMPLES[1]}</code> · <code>{EXAMPLES[2]}</code>
      </div>
    </div>
  )
}
