import { type FormEvent, type ReactElement, useEffect, useMemo, useState } from 'react'
import { ApiError, api, asApiError } from '../api/client.js'
import type { InputSpec, Page, PlaygroundAnswer, PlaygroundModel, RegisteredModel } from '../api/types.js'
import { useApi } from '../api/use-api.js'
import { formatNumber, formatPercent } from '../components/format.js'
import { PageHead } from '../components/layout.js'
import { SignatureTable } from '../components/signature-table.js'
import { EmptyState, ErrorBox, Loading } from '../components/states.js'
import { useQueryState } from '../router.js'

type Values = Record<string, { value: string; missing: boolean }>

function defaultValue(s: InputSpec): string {
  switch (s.type) {
    case 'number':
    case 'integer': {
      const lo = s.min ?? (s.max !== undefined ? Math.min(0, s.max) : 0)
      const hi = s.max ?? Math.max(lo, 1)
      const mid = (lo + hi) / 2
      return String(s.type === 'integer' ? Math.round(mid) : Number(mid.toPrecision(4)))
    }
    case 'boolean':
      return 'false'
    case 'category':
      return s.categories?.[0] ?? ''
    case 'datetime':
      return '2026-11-22T12:00'
    default:
      return ''
  }
}

/** The form's values as a request row (numbers as numbers, missing as null). */
function toRow(inputs: InputSpec[], values: Values): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const s of inputs) {
    const v = values[s.name]
    if (!v || v.missing) {
      row[s.name] = null
      continue
    }
    if (s.type === 'number' || s.type === 'integer')
      row[s.name] = v.value.trim() === '' ? null : Number(v.value)
    else if (s.type === 'boolean') row[s.name] = v.value === 'true'
    else if (s.type === 'datetime') row[s.name] = v.value ? new Date(v.value).toISOString() : null
    else row[s.name] = v.value
  }
  return row
}

function Field({
  spec,
  value,
  issue,
  onChange,
}: {
  spec: InputSpec
  value: { value: string; missing: boolean }
  issue: string | undefined
  onChange(v: { value: string; missing: boolean }): void
}) {
  const id = `field-${spec.name}`
  const common = {
    id,
    disabled: value.missing,
    className: issue ? 'invalid' : '',
    'aria-invalid': issue ? true : undefined,
    'aria-describedby': `${id}-help`,
    'data-field': spec.name,
  }
  let control: ReactElement
  if (spec.type === 'category' && spec.categories?.length) {
    control = (
      <select {...common} value={value.value} onChange={(e) => onChange({ ...value, value: e.target.value })}>
        {spec.categories.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    )
  } else if (spec.type === 'boolean') {
    control = (
      <select {...common} value={value.value} onChange={(e) => onChange({ ...value, value: e.target.value })}>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  } else if (spec.type === 'number' || spec.type === 'integer') {
    control = (
      <input
        {...common}
        type="number"
        inputMode="decimal"
        step={spec.type === 'integer' ? 1 : 'any'}
        min={spec.min}
        max={spec.max}
        value={value.value}
        onChange={(e) => onChange({ ...value, value: e.target.value })}
      />
    )
  } else if (spec.type === 'datetime') {
    control = (
      <input
        {...common}
        type="datetime-local"
        value={value.value}
        onChange={(e) => onChange({ ...value, value: e.target.value })}
      />
    )
  } else {
    control = (
      <input
        {...common}
        type="text"
        value={value.value}
        onChange={(e) => onChange({ ...value, value: e.target.value })}
      />
    )
  }
  const range =
    spec.min !== undefined || spec.max !== undefined
      ? `${spec.min !== undefined ? formatNumber(spec.min) : '−∞'} … ${spec.max !== undefined ? formatNumber(spec.max) : '∞'}`
      : undefined
  return (
    <div className="field">
      <label htmlFor={id} style={{ display: 'flex', gap: 6, alignItems: 'baseline' }}>
        <span className="mono" style={{ fontWeight: 600 }}>
          {spec.name}
        </span>
        <span className="faint small">{spec.type}</span>
      </label>
      {control}
      <span className="help" id={`${id}-help`}>
        {[spec.description, range ? `range ${range}` : undefined].filter(Boolean).join(' · ')}
        {spec.nullable ? (
          <label className="inline" style={{ marginLeft: range || spec.description ? 8 : 0 }}>
            <input
              type="checkbox"
              checked={value.missing}
              onChange={(e) => onChange({ ...value, missing: e.target.checked })}
            />
            missing
          </label>
        ) : null}
      </span>
      {issue ? (
        <span className="issue" role="alert">
          {issue}
        </span>
      ) : null}
    </div>
  )
}

function Answer({ answer, roundTrip }: { answer: PlaygroundAnswer; roundTrip: number }) {
  return (
    <div style={{ display: 'grid', gap: 12 }} data-testid="prediction">
      <div className="row" style={{ gap: 18 }}>
        <span className="muted small">
          {answer.model} v{answer.version}
        </span>
        <span className="small" data-testid="latency">
          model {answer.latencyMs.toFixed(2)} ms · round trip {roundTrip.toFixed(0)} ms
        </span>
      </div>
      {answer.predictions.length === 1 ? (
        <div>
          <div className="faint small">prediction</div>
          <div style={{ fontSize: 28, fontWeight: 650 }} data-testid="prediction-value">
            {typeof answer.predictions[0]?.prediction === 'number'
              ? formatNumber(answer.predictions[0].prediction, 6)
              : String(answer.predictions[0]?.prediction)}
          </div>
          {answer.predictions[0]?.probabilities ? (
            <div style={{ display: 'grid', gap: 6, marginTop: 8, maxWidth: 420 }}>
              {Object.entries(answer.predictions[0].probabilities).map(([c, p]) => (
                <div key={c} className="bar-row">
                  <span className="mono">{c}</span>
                  <div className="prob-bar" style={{ width: `${(p ?? 0) * 100}%` }} />
                  <span className="small">{formatPercent(p, 1)}</span>
                </div>
              ))}
            </div>
          ) : null}
        </div>
      ) : (
        <table className="data" data-testid="predictions-table">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Prediction</th>
              {answer.predictions[0]?.probabilities
                ? Object.keys(answer.predictions[0].probabilities).map((c) => (
                    <th key={c} className="num">
                      P({c})
                    </th>
                  ))
                : null}
            </tr>
          </thead>
          <tbody>
            {answer.predictions.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one row per input row
              <tr key={i}>
                <td className="num faint">{i}</td>
                <td className="mono">
                  {typeof p.prediction === 'number' ? formatNumber(p.prediction, 6) : String(p.prediction)}
                </td>
                {p.probabilities
                  ? Object.values(p.probabilities).map((v, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: one cell per class
                      <td key={j} className="num">
                        {formatPercent(v, 1)}
                      </td>
                    ))
                  : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

/** The prediction playground: a form generated from a registered model's signature, or JSON for a batch. */
export function PlaygroundPage() {
  const [q, set] = useQueryState()
  const uri = q.get('model') ?? ''
  const mode = q.get('mode') === 'json' ? 'json' : 'form'
  const models = useApi(
    (signal) => api<Page<RegisteredModel>>('/models/search', { signal, body: { maxResults: 1000 } }),
    [],
  )
  const options = useMemo(
    () =>
      (models.data?.items ?? []).flatMap((m) => [
        ...Object.entries(m.aliases).map(([a, v]) => ({
          uri: `models:/${m.name}@${a}`,
          label: `${m.name}@${a} (v${v})`,
        })),
        ...m.latestVersions.map((v) => ({
          uri: `models:/${m.name}/${v.version}`,
          label: `${m.name} v${v.version}`,
        })),
      ]),
    [models.data],
  )
  const chosen = uri || options[0]?.uri || ''
  const model = useApi(
    (signal) =>
      chosen
        ? api<PlaygroundModel>('/playground/model', { signal, query: { uri: chosen } })
        : Promise.resolve(undefined),
    [chosen],
  )
  const inputs = model.data?.signature.inputs ?? []
  const [values, setValues] = useState<Values>({})
  const [json, setJson] = useState('')
  const [answer, setAnswer] = useState<{ a: PlaygroundAnswer; ms: number } | null>(null)
  const [error, setError] = useState<ApiError>()
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (!model.data) return
    const v: Values = {}
    for (const s of model.data.signature.inputs) v[s.name] = { value: defaultValue(s), missing: false }
    setValues(v)
    const row = toRow(model.data.signature.inputs, v)
    setJson(JSON.stringify([row, row], null, 2))
    setAnswer(null)
    setError(undefined)
  }, [model.data])

  const issues = new Map<string, string>()
  for (const i of (error?.details?.issues as { path: string; message: string }[] | undefined) ?? [])
    issues.set(i.path.replace(/^rows\[\d+\]\./, ''), i.message)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      let body: Record<string, unknown>
      if (mode === 'json') {
        let parsed: unknown
        try {
          parsed = JSON.parse(json)
        } catch (err) {
          throw new ApiError(
            'CAIRN_MALFORMED_BODY',
            `The JSON does not parse: ${(err as Error).message}`,
            400,
          )
        }
        body = { model: chosen, ...(Array.isArray(parsed) ? { rows: parsed } : { row: parsed }) }
      } else body = { model: chosen, row: toRow(inputs, values) }
      const t0 = performance.now()
      const a = await api<PlaygroundAnswer>('/playground/predict', { body })
      setAnswer({ a, ms: performance.now() - t0 })
    } catch (err) {
      setError(asApiError(err))
      setAnswer(null)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="page">
      <PageHead
        title="Predict playground"
        subtitle="Try a registered model: the form follows its signature (types, categories, ranges). Predictions run in the server with the serving layer's validator and predictor."
        actions={
          <label className="inline">
            Model
            <select
              value={chosen}
              onChange={(e) => set({ model: e.target.value })}
              aria-label="Model"
              data-testid="model-select"
              style={{ minWidth: 240 }}
            >
              {uri && !options.some((o) => o.uri === uri) ? <option value={uri}>{uri}</option> : null}
              {options.map((o) => (
                <option key={o.uri} value={o.uri}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        }
      />
      {models.data && options.length === 0 ? (
        <div className="panel">
          <EmptyState
            title="No registered model to try"
            command="cairn models promote housing 1 --alias production"
          >
            Register a model first; then pick it here. To serve it over HTTP:{' '}
            <code>cairn serve models:/housing@production</code>.
          </EmptyState>
        </div>
      ) : null}
      {model.error ? <ErrorBox error={model.error} title="The model could not be loaded" /> : null}
      {chosen && !model.data && model.loading ? <Loading what="Loading the model" /> : null}
      {model.data ? (
        <div className="grid-2">
          <form className="panel" onSubmit={submit} data-testid="playground-form" noValidate>
            <div className="panel-head">
              <h2>
                {model.data.name} v{model.data.version}
              </h2>
              <span className="faint small">
                {model.data.family} · {model.data.task}
              </span>
              <span className="spacer" />
              <fieldset className="segmented">
                <legend className="sr-only">Input mode</legend>
                <button type="button" aria-pressed={mode === 'form'} onClick={() => set({ mode: '' })}>
                  Form
                </button>
                <button
                  type="button"
                  aria-pressed={mode === 'json'}
                  onClick={() => set({ mode: 'json' })}
                  data-testid="json-mode"
                >
                  JSON batch
                </button>
              </fieldset>
            </div>
            <div className="panel-body" style={{ display: 'grid', gap: 12 }}>
              {mode === 'form' ? (
                <div
                  style={{
                    display: 'grid',
                    gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
                    gap: 12,
                  }}
                >
                  {inputs.map((s) => (
                    <Field
                      key={s.name}
                      spec={s}
                      value={values[s.name] ?? { value: '', missing: false }}
                      issue={issues.get(s.name)}
                      onChange={(v) => setValues((cur) => ({ ...cur, [s.name]: v }))}
                    />
                  ))}
                </div>
              ) : (
                <label className="field">
                  <span>Rows (a JSON list of objects, or one object)</span>
                  <textarea
                    rows={14}
                    value={json}
                    onChange={(e) => setJson(e.target.value)}
                    spellCheck={false}
                    aria-label="Rows as JSON"
                    data-testid="json-input"
                  />
                </label>
              )}
              <div className="row">
                <button type="submit" className="primary" disabled={busy} data-testid="predict">
                  {busy ? 'Predicting…' : 'Predict'}
                </button>
                <span className="faint small">
                  Same request to a server: <code>POST /v1/models/{model.data.name}/predict</code>
                </span>
              </div>
            </div>
          </form>
          <div style={{ display: 'grid', gap: 16, alignContent: 'start' }}>
            <div className="panel">
              <div className="panel-head">
                <h2>Response</h2>
              </div>
              <div className="panel-body">
                {error ? (
                  <div style={{ display: 'grid', gap: 8 }}>
                    <ErrorBox error={error} />
                    {Array.isArray(error.details?.issues) ? (
                      <ul className="small" data-testid="issues">
                        {(error.details.issues as { code: string; path: string; message: string }[]).map(
                          (i) => (
                            <li key={`${i.path}-${i.code}`}>
                              <span className="mono">{i.path}</span>: {i.message}{' '}
                              <span className="faint mono">{i.code}</span>
                            </li>
                          ),
                        )}
                      </ul>
                    ) : null}
                  </div>
                ) : answer ? (
                  <Answer answer={answer.a} roundTrip={answer.ms} />
                ) : (
                  <span className="muted">Fill the form and press Predict.</span>
                )}
              </div>
            </div>
            <div className="panel">
              <div className="panel-head">
                <h2>Signature</h2>
              </div>
              <div className="panel-body">
                <SignatureTable signature={model.data.signature} />
              </div>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  )
}
