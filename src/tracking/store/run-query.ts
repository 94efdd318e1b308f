import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { SqlDialect } from '../../store/index.js'
import type { Comparison, FilterExpr, OrderTerm } from '../filter/parser.js'
import { compareSql, joinBool } from '../filter/sql.js'
import { SYSTEM_TAGS } from '../types.js'

const RUN_COLUMNS: Record<string, string> = {
  run_id: 'runs.run_uuid',
  run_name: 'runs.run_name',
  status: 'runs.status',
  user_id: 'runs.user_id',
  artifact_uri: 'runs.artifact_uri',
  lifecycle_stage: 'runs.lifecycle_stage',
  start_time: 'runs.start_time',
  end_time: 'runs.end_time',
}

const RUNS_ID = sql.ref('runs.run_uuid')

/**
 * Compile a run filter to a parameterised WHERE fragment over the `runs` table. `id` is the run id
 * column the metric, param, tag and dataset tests hang on: a search driven by a metric's index
 * passes that index's `run_uuid`, so SQLite rejects rows before it reads their run.
 */
export function compileRunFilter(
  expr: FilterExpr,
  dialect: SqlDialect,
  id: RawBuilder<unknown> = RUNS_ID,
): RawBuilder<SqlBool> {
  if (expr.type !== 'cmp')
    return joinBool(
      expr.items.map((e) => compileRunFilter(e, dialect, id)),
      expr.type,
    )
  return compileComparison(expr, dialect, id)
}

function compileComparison(c: Comparison, dialect: SqlDialect, id: RawBuilder<unknown>): RawBuilder<SqlBool> {
  switch (c.entity) {
    case 'attribute':
      return compareSql(sql.ref(RUN_COLUMNS[c.key]!), c.op, c.value, dialect)
    case 'metric': {
      // Semi-joins through the covering (key, is_nan, value, run_uuid) index.
      if (c.op === 'IS NULL')
        return sql<SqlBool>`${id} not in (select fm.run_uuid from latest_metrics fm where fm.key = ${c.key})`
      if (c.op === 'IS NOT NULL')
        return sql<SqlBool>`${id} in (select fm.run_uuid from latest_metrics fm where fm.key = ${c.key})`
      const test =
        c.op === '!='
          ? sql`(fm.is_nan = 1 or ${compareSql(sql.ref('fm.value'), c.op, c.value, dialect)})`
          : sql`fm.is_nan = 0 and ${compareSql(sql.ref('fm.value'), c.op, c.value, dialect)}`
      return sql<SqlBool>`${id} in (select fm.run_uuid from latest_metrics fm where fm.key = ${c.key} and ${test})`
    }
    case 'param':
    case 'tag': {
      const table = sql.table(c.entity === 'param' ? 'params' : 'tags')
      if (c.op === 'IS NULL')
        return sql<SqlBool>`${id} not in (select fk.run_uuid from ${table} fk where fk.key = ${c.key})`
      if (c.op === 'IS NOT NULL')
        return sql<SqlBool>`${id} in (select fk.run_uuid from ${table} fk where fk.key = ${c.key})`
      return sql<SqlBool>`${id} in (select fk.run_uuid from ${table} fk where fk.key = ${c.key} and ${compareSql(sql.ref('fk.value'), c.op, c.value, dialect)})`
    }
    case 'dataset': {
      const base = sql`select 1 from inputs fi join datasets fd on fd.dataset_uuid = fi.source_id`
      const scope = sql`fi.source_type = 'DATASET' and fi.destination_type = 'RUN' and fi.destination_id = ${id}`
      if (c.key === 'context')
        return sql<SqlBool>`exists (${base} join input_tags ft on ft.input_uuid = fi.input_uuid and ft.key = ${SYSTEM_TAGS.datasetContext} where ${scope} and ${compareSql(sql.ref('ft.value'), c.op, c.value, dialect)})`
      const column = sql.ref(c.key === 'digest' ? 'fd.digest' : 'fd.name')
      return sql<SqlBool>`exists (${base} where ${scope} and ${compareSql(column, c.op, c.value, dialect)})`
    }
  }
}

/** LEFT JOINs and ORDER BY terms for a run search; ties break on start_time DESC, run_uuid. */
export function compileRunOrder(
  terms: OrderTerm[],
  firstAlias = 0,
): {
  joins: RawBuilder<unknown>[]
  orderBy: RawBuilder<unknown>[]
} {
  const joins: RawBuilder<unknown>[] = []
  const orderBy: RawBuilder<unknown>[] = []
  terms.forEach((t, i) => {
    const dir = sql.raw(t.direction === 'DESC' ? 'desc' : 'asc')
    const alias = `o${i + firstAlias}`
    if (t.entity === 'attribute') {
      const column = sql.ref(RUN_COLUMNS[t.key]!)
      if (t.key === 'end_time') orderBy.push(sql`case when ${column} is null then 1 else 0 end`)
      orderBy.push(sql`${column} ${dir}`)
      return
    }
    const table = t.entity === 'metric' ? 'latest_metrics' : t.entity === 'param' ? 'params' : 'tags'
    joins.push(
      sql`left join ${sql.table(table)} as ${sql.id(alias)} on ${sql.ref(`${alias}.run_uuid`)} = runs.run_uuid and ${sql.ref(`${alias}.key`)} = ${t.key}`,
    )
    if (t.entity === 'metric')
      orderBy.push(
        sql`case when ${sql.ref(`${alias}.run_uuid`)} is null then 2 when ${sql.ref(`${alias}.is_nan`)} = 1 then 1 else 0 end`,
      )
    else orderBy.push(sql`case when ${sql.ref(`${alias}.run_uuid`)} is null then 1 else 0 end`)
    orderBy.push(sql`${sql.ref(`${alias}.value`)} ${dir}`)
  })
  if (!terms.some((t) => t.entity === 'attribute' && t.key === 'start_time'))
    orderBy.push(sql`runs.start_time desc`)
  orderBy.push(sql`runs.run_uuid asc`)
  return { joins, orderBy }
}

/** A part of a search whose rows all sort before the next part's. */
export interface SearchGroup {
  /** `select runs.run_uuid from … where …` without ORDER BY or LIMIT. */
  body: RawBuilder<unknown>
  orderBy: RawBuilder<unknown>[]
}

/**
 * When the first order term is a metric, split the search into three groups that sort one after
 * the other: runs with a number for the metric (read in index order through the covering
 * (key, is_nan, value, run_uuid) index, so a page stops early instead of sorting every match),
 * runs whose value is NaN, and runs without the metric. `undefined` for other orders.
 */
export function metricOrderGroups(
  terms: OrderTerm[],
  where: (id: RawBuilder<unknown>) => RawBuilder<SqlBool>,
): SearchGroup[] | undefined {
  const first = terms[0]
  if (first?.entity !== 'metric') return undefined
  const rest = compileRunOrder(terms.slice(1), 1)
  const joins = rest.joins.length ? sql.join(rest.joins, sql` `) : sql``
  const dir = sql.raw(first.direction === 'DESC' ? 'desc' : 'asc')
  const present = (nan: 0 | 1) =>
    sql`select runs.run_uuid from latest_metrics o0 join runs on runs.run_uuid = o0.run_uuid ${joins} where o0.key = ${first.key} and o0.is_nan = ${nan} and ${where(sql.ref('o0.run_uuid'))}`
  return [
    { body: present(0), orderBy: [sql`o0.value ${dir}`, ...rest.orderBy] },
    { body: present(1), orderBy: rest.orderBy },
    {
      body: sql`select runs.run_uuid from runs ${joins} where ${where(RUNS_ID)} and runs.run_uuid not in (select om.run_uuid from latest_metrics om where om.key = ${first.key})`,
      orderBy: rest.orderBy,
    },
  ]
}
