import { z } from 'zod'
import { CairnError, CairnValidationError, type ValidationIssue } from '../../core/index.js'
import type { ColumnType } from '../frame/frame.js'

/** What a column is for: models read features, predict the target, weight rows by the weight. */
export type ColumnRole = 'feature' | 'target' | 'id' | 'timestamp' | 'weight' | 'ignore'

/** The types a schema column can have (the Frame vocabulary). */
export const COLUMN_TYPES: readonly ColumnType[] = [
  'number',
  'integer',
  'boolean',
  'string',
  'category',
  'datetime',
  'text',
]

/** The roles a schema column can have. */
export const COLUMN_ROLES: readonly ColumnRole[] = [
  'feature',
  'target',
  'id',
  'timestamp',
  'weight',
  'ignore',
]

/** One column of a dataset schema. */
export interface ColumnSchema {
  name: string
  type: ColumnType
  /** Whether missing values are allowed (default true). `false` adds a not-null expectation. */
  nullable: boolean
  role: ColumnRole
  description?: string
  /** For `category` columns: the allowed values, in code order. Adds an in-set expectation. */
  categories?: string[]
  /** For `datetime` columns read from text: a strptime format such as `%d/%m/%Y %H:%M`. */
  format?: string
}

/** The columns of a dataset, in order. */
export interface DatasetSchema {
  columns: ColumnSchema[]
}

/** A column as a user writes it: everything but name and type is optional. */
export type ColumnSchemaInput = Omit<ColumnSchema, 'nullable' | 'role'> & {
  nullable?: boolean
  role?: ColumnRole
}

/**
 * A schema as written in YAML or TypeScript: `columns` as a list, or as a map from name to
 * `{type, …}` or to a bare type (`price: number`).
 */
export type DatasetSchemaInput =
  | { columns: ColumnSchemaInput[] }
  | { columns: Record<string, ColumnType | Omit<ColumnSchemaInput, 'name'>> }

const columnShape = {
  type: z.enum(COLUMN_TYPES as [ColumnType, ...ColumnType[]]),
  nullable: z.boolean().optional(),
  role: z.enum(COLUMN_ROLES as [ColumnRole, ...ColumnRole[]]).optional(),
  description: z.string().optional(),
  categories: z.array(z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  format: z.string().optional(),
}

const columnInList = z.object({ name: z.string().min(1), ...columnShape }).strict()
const columnInMap = z.union([
  z.enum(COLUMN_TYPES as [ColumnType, ...ColumnType[]]),
  z.object(columnShape).strict(),
])

const schemaInput = z
  .object({
    columns: z.union([z.array(columnInList), z.record(z.string(), columnInMap)]),
  })
  .passthrough()

/**
 * Check and normalise a schema from YAML, JSON or code. Every problem is reported at once as a
 * CAIRN_SCHEMA_INVALID validation error naming the field (`columns[2].type`).
 */
export function parseSchema(input: unknown, source = 'schema'): DatasetSchema {
  const parsed = schemaInput.safeParse(input)
  if (!parsed.success) {
    const issues: ValidationIssue[] = parsed.error.issues.map((i) => ({
      code: 'CAIRN_SCHEMA_INVALID',
      path: i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, ''),
      message: i.message,
    }))
    throw new CairnValidationError(`${source} is not a valid dataset schema`, issues, {
      code: 'CAIRN_SCHEMA_INVALID',
      hint: `Each column needs a name and a type (${COLUMN_TYPES.join(', ')}); roles are ${COLUMN_ROLES.join(', ')}.`,
    })
  }
  const raw = parsed.data.columns
  const list = Array.isArray(raw)
    ? raw
    : Object.entries(raw).map(([name, c]) => (typeof c === 'string' ? { name, type: c } : { name, ...c }))
  const seen = new Set<string>()
  const issues: ValidationIssue[] = []
  const columns = list.map((c, i): ColumnSchema => {
    if (seen.has(c.name)) {
      issues.push({
        code: 'CAIRN_SCHEMA_INVALID',
        path: `columns[${i}].name`,
        message: `"${c.name}" appears twice`,
      })
    }
    seen.add(c.name)
    if (c.categories && c.type !== 'category') {
      issues.push({
        code: 'CAIRN_SCHEMA_INVALID',
        path: `columns[${i}].categories`,
        message: `only category columns have categories ("${c.name}" is ${c.type})`,
      })
    }
    return {
      name: c.name,
      type: c.type,
      nullable: c.nullable ?? true,
      role:
        c.role ??
        (c.type === 'datetime' && /^(ts|timestamp|event_time|time)$/i.test(c.name) ? 'timestamp' : 'feature'),
      ...(c.description !== undefined ? { description: c.description } : {}),
      ...(c.categories !== undefined ? { categories: c.categories } : {}),
      ...(c.format !== undefined ? { format: c.format } : {}),
    }
  })
  const targets = columns.filter((c) => c.role === 'target')
  if (targets.length > 1) {
    issues.push({
      code: 'CAIRN_SCHEMA_INVALID',
      path: 'columns',
      message: `more than one target column (${targets.map((t) => t.name).join(', ')})`,
    })
  }
  if (issues.length > 0) {
    throw new CairnValidationError(`${source} is not a valid dataset schema`, issues, {
      code: 'CAIRN_SCHEMA_INVALID',
    })
  }
  return { columns }
}

/** Declare a schema in TypeScript (checked like a YAML one). */
export function defineSchema(input: DatasetSchemaInput): DatasetSchema {
  return parseSchema(input, 'defineSchema()')
}

/** The column named `name`; CAIRN_COLUMN_NOT_FOUND when the schema has none. */
export function schemaColumn(schema: DatasetSchema, name: string): ColumnSchema {
  const c = schema.columns.find((x) => x.name === name)
  if (!c) {
    throw new CairnError('CAIRN_COLUMN_NOT_FOUND', `The schema has no column "${name}"`, {
      details: { column: name, available: schema.columns.map((x) => x.name) },
    })
  }
  return c
}

/** Names of the columns with the given role. */
export function columnsWithRole(schema: DatasetSchema, role: ColumnRole): string[] {
  return schema.columns.filter((c) => c.role === role).map((c) => c.name)
}

/** A copy of the schema with roles set (e.g. `{ price: 'target', id: 'id' }`). */
export function withRoles(schema: DatasetSchema, roles: Record<string, ColumnRole>): DatasetSchema {
  for (const name of Object.keys(roles)) schemaColumn(schema, name)
  return {
    columns: schema.columns.map((c) => {
      const role = roles[c.name]
      return role ? { ...c, role } : c
    }),
  }
}

/** The schema as plain data for YAML/JSON files (defaults left out). */
export function schemaToPlain(schema: DatasetSchema): { columns: Record<string, unknown>[] } {
  return {
    columns: schema.columns.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.nullable ? {} : { nullable: false }),
      ...(c.role !== 'feature' ? { role: c.role } : {}),
      ...(c.description !== undefined ? { description: c.description } : {}),
      ...(c.categories !== undefined ? { categories: c.categories } : {}),
      ...(c.format !== undefined ? { format: c.format } : {}),
    })),
  }
}
