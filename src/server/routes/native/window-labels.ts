import { sql } from 'kysely'
import type { MetadataStore } from '../../../store/index.js'

/** Each window's label ("2026-11-22", "hour 6"), read from its stored result in SQL. */
export async function windowLabels(metadata: MetadataStore, runIds: string[]): Promise<Map<string, string>> {
  const labels = new Map<string, string>()
  const label =
    metadata.dialect === 'postgres'
      ? sql<string | null>`(result::json -> 'window' ->> 'label')`
      : sql<string | null>`json_extract(result, '$.window.label')`
  for (let i = 0; i < runIds.length; i += 200) {
    const rows = await metadata.db
      .selectFrom('monitor_runs')
      .select(['run_id', label.as('label')])
      .where('run_id', 'in', runIds.slice(i, i + 200))
      .execute()
    for (const r of rows) if (typeof r.label === 'string' && r.label) labels.set(r.run_id, r.label)
  }
  return labels
}
