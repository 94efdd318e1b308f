import type { ColumnType } from '../frame/frame.js'
import type { ColumnRole, ColumnSchema, DatasetSchema } from './schema.js'

/** How one schema differs from another, column by column. */
export interface SchemaDiff {
  /** True when nothing differs. */
  same: boolean
  added: ColumnSchema[]
  removed: ColumnSchema[]
  retyped: { name: string; from: ColumnType; to: ColumnType }[]
  /** Nullability, role or category changes of columns present in both. */
  changed: { name: string; field: 'nullable' | 'role' | 'categories'; from: unknown; to: unknown }[]
  /** True when the common columns appear in a different order. */
  reordered: boolean
}

/** Compare two schemas: added, removed and retyped columns, and other column changes. */
export function diffSchemas(before: DatasetSchema, after: DatasetSchema): SchemaDiff {
  const a = new Map(before.columns.map((c) => [c.name, c]))
  const b = new Map(after.columns.map((c) => [c.name, c]))
  const added = after.columns.filter((c) => !a.has(c.name))
  const removed = before.columns.filter((c) => !b.has(c.name))
  const retyped: SchemaDiff['retyped'] = []
  const changed: SchemaDiff['changed'] = []
  for (const c of before.columns) {
    const d = b.get(c.name)
    if (!d) continue
    if (c.type !== d.type) retyped.push({ name: c.name, from: c.type, to: d.type })
    if (c.nullable !== d.nullable)
      changed.push({ name: c.name, field: 'nullable', from: c.nullable, to: d.nullable })
    if (c.role !== d.role)
      changed.push({ name: c.name, field: 'role', from: c.role as ColumnRole, to: d.role })
    const ca = JSON.stringify(c.categories ?? null)
    const cb = JSON.stringify(d.categories ?? null)
    if (ca !== cb) changed.push({ name: c.name, field: 'categories', from: c.categories, to: d.categories })
  }
  const commonBefore = before.columns.filter((c) => b.has(c.name)).map((c) => c.name)
  const commonAfter = after.columns.filter((c) => a.has(c.name)).map((c) => c.name)
  const reordered = commonBefore.join('\u0000') !== commonAfter.join('\u0000')
  return {
    same: added.length + removed.length + retyped.length + changed.length === 0 && !reordered,
    added,
    removed,
    retyped,
    changed,
    reordered,
  }
}
