/** A column of the runs table: an attribute, or a metric / param / tag key. */
export interface RunColumn {
  kind: 'metric' | 'param' | 'tag'
  key: string
}

const PREFIX = { metric: 'm', param: 'p', tag: 't' } as const
const KIND = { m: 'metric', p: 'param', t: 'tag' } as const

/** `m:rmse,p:model` ⇄ columns (the URL form). */
export function parseColumns(s: string | null): RunColumn[] | undefined {
  if (s === null) return undefined
  return s
    .split(',')
    .filter(Boolean)
    .map((c) => {
      const i = c.indexOf(':')
      const kind = KIND[c.slice(0, i) as keyof typeof KIND]
      return kind ? { kind, key: decodeURIComponent(c.slice(i + 1)) } : undefined
    })
    .filter((c): c is RunColumn => c !== undefined)
}

export function formatColumns(cols: RunColumn[]): string {
  return cols.map((c) => `${PREFIX[c.kind]}:${encodeURIComponent(c.key)}`).join(',')
}

/** The key as the filter / order-by grammar writes it (backticks when it is not a plain name). */
export function grammarKey(c: RunColumn): string {
  const entity = c.kind === 'metric' ? 'metrics' : c.kind === 'param' ? 'params' : 'tags'
  return /^[A-Za-z_][\w.]*$/.test(c.key) ? `${entity}.${c.key}` : `${entity}.\`${c.key.replace(/`/g, '')}\``
}

/** The default columns: a few metrics, then a few params. */
export function defaultColumns(available: { metrics: string[]; params: string[] }): RunColumn[] {
  return [
    ...available.metrics.slice(0, 6).map((key) => ({ kind: 'metric' as const, key })),
    ...available.params.slice(0, 4).map((key) => ({ kind: 'param' as const, key })),
  ]
}

/** URL form of an order: `metrics.rmse:desc` ⇄ `metrics.rmse DESC`. */
export function orderClause(order: string | null): string[] {
  if (!order) return ['attributes.start_time DESC']
  const i = order.lastIndexOf(':')
  const key = i < 0 ? order : order.slice(0, i)
  const dir = i < 0 ? 'asc' : order.slice(i + 1)
  return [`${key} ${dir === 'desc' ? 'DESC' : 'ASC'}`]
}
