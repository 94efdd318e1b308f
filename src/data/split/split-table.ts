import { CairnError } from '../../core/index.js'
import { frameToTable, relationToFrame } from '../engine/frame-convert.js'
import { quoteIdent } from '../engine/sql.js'
import type { CategoryColumn, NumericColumn } from '../frame/frame.js'
import { DataTable } from '../table/data-table.js'
import { allocate, allocateStrata, SeededRandom } from './seeded-random.js'

/** Fractions per split name, e.g. `{train: 0.7, validation: 0.15, test: 0.15}` (they sum to 1). */
export type SplitFractions = Record<string, number>

/** How to split a table. */
export type SplitSpec =
  | { kind: 'random'; fractions: SplitFractions; seed: number }
  /** Each class of `column` is split in the same proportions (within one row per class). */
  | { kind: 'stratified'; column: string; fractions: SplitFractions; seed: number }
  /** All rows of a group (`column`) land in the same split. */
  | { kind: 'group'; column: string; fractions: SplitFractions; seed: number }
  /**
   * Ordered by `column`: the earliest rows train, later ones validate and test; either by row
   * fractions, or by cutoffs (`{validation: '2026-10-01', test: '2026-11-01'}`: rows at or after
   * a cutoff go to that split).
   */
  | { kind: 'time'; column: string; fractions?: SplitFractions; cutoffs?: Record<string, string> }

/**
 * Split a table into named parts, reproducibly: the same table and seed give the same rows in
 * each part, bit for bit. Rows keep their original order inside each part.
 */
export async function splitTable(table: DataTable, spec: SplitSpec): Promise<Record<string, DataTable>> {
  const n = table.rowCount
  const names =
    spec.kind === 'time' && spec.cutoffs
      ? ['train', ...Object.keys(spec.cutoffs)]
      : Object.keys(spec.fractions ?? {})
  const fractions =
    spec.kind === 'time' && spec.cutoffs
      ? []
      : names.map((k) => (spec.fractions as SplitFractions)[k] as number)
  if (!(spec.kind === 'time' && spec.cutoffs)) checkFractions(names, fractions)
  if (names.length > 250) throw new CairnError('CAIRN_INVALID_ARGUMENT', 'At most 250 splits')
  const assign = new Uint8Array(n)
  switch (spec.kind) {
    case 'random': {
      const order = new SeededRandom(spec.seed).shuffle(identity(n))
      fill(assign, order, allocate(n, fractions))
      break
    }
    case 'stratified': {
      const codes = await categoryCodes(table, spec.column)
      const byClass = new Map<number, number[]>()
      for (let i = 0; i < n; i++) {
        const c = codes.codes[i] as number
        const list = byClass.get(c)
        if (list) list.push(i)
        else byClass.set(c, [i])
      }
      const rng = new SeededRandom(spec.seed)
      const classes = [...byClass.keys()].sort((a, b) => a - b)
      const perClass = allocateStrata(
        classes.map((c) => (byClass.get(c) as number[]).length),
        fractions,
      )
      classes.forEach((c, g) => {
        const rows = Int32Array.from(byClass.get(c) as number[])
        rng.shuffle(rows)
        fill(assign, rows, perClass[g] as number[])
      })
      break
    }
    case 'group': {
      const codes = await categoryCodes(table, spec.column)
      const groups = codes.categories.length + 1 // code -1 (missing) is a group of its own
      const sizes = new Float64Array(groups)
      for (let i = 0; i < n; i++)
        sizes[(codes.codes[i] as number) + 1] = (sizes[(codes.codes[i] as number) + 1] as number) + 1
      const order = new SeededRandom(spec.seed).shuffle(identity(groups))
      const bounds = cumulative(fractions).map((f) => f * n)
      const groupSplit = new Uint8Array(groups)
      let seen = 0
      for (const g of order) {
        if ((sizes[g] as number) === 0) continue
        let k = 0
        while (k < bounds.length - 1 && seen >= (bounds[k] as number)) k++
        groupSplit[g] = k
        seen += sizes[g] as number
      }
      for (let i = 0; i < n; i++) assign[i] = groupSplit[(codes.codes[i] as number) + 1] as number
      break
    }
    case 'time': {
      const col = table.column(spec.column)
      if (!col) throw new CairnError('CAIRN_COLUMN_NOT_FOUND', `No column "${spec.column}" to split by time`)
      const missing = Number(
        await table.engine.value(
          `SELECT count(*) FROM ${table.relation} WHERE ${quoteIdent(spec.column)} IS NULL`,
        ),
      )
      if (missing > 0) {
        throw new CairnError(
          'CAIRN_VALIDATION_FAILED',
          `A time split needs a time in every row; "${spec.column}" is missing in ${missing} rows`,
          {
            hint: 'Filter or fill those rows first.',
          },
        )
      }
      if (spec.cutoffs) {
        const cut = Object.entries(spec.cutoffs).sort((a, b) => (a[1] < b[1] ? -1 : 1))
        const cases = cut
          .map(
            ([, at], k) =>
              `WHEN CAST(${quoteIdent(spec.column)} AS TIMESTAMP) >= CAST(${sqlDate(at)} AS TIMESTAMP) THEN ${names.indexOf(cut[k]?.[0] as string)}`,
          )
          .reverse()
          .join(' ')
        const frame = await relationToFrame(
          table.engine,
          `(SELECT CASE ${cases} ELSE 0 END AS k FROM ${table.relation})`,
          [{ name: 'k', type: 'number' }],
        )
        const k = frame.columns[0] as NumericColumn
        for (let i = 0; i < n; i++) assign[i] = k.values[i] as number
      } else {
        const frame = await relationToFrame(
          table.engine,
          `(SELECT rank FROM (SELECT rowid AS r, row_number() OVER (ORDER BY ${quoteIdent(spec.column)}, rowid) - 1 AS rank FROM ${table.relation}) ORDER BY r)`,
          [{ name: 'rank', type: 'number' }],
        )
        const rank = (frame.columns[0] as NumericColumn).values
        const order = new Int32Array(n)
        for (let i = 0; i < n; i++) order[rank[i] as number] = i
        fill(assign, order, allocate(n, fractions))
      }
      break
    }
  }
  return materialize(table, assign, names, spec)
}

function sqlDate(v: string): string {
  return `'${v.replaceAll("'", "''")}'`
}

function checkFractions(names: string[], fractions: number[]): void {
  const sum = fractions.reduce((s, f) => s + f, 0)
  if (names.length < 2 || fractions.some((f) => !(f >= 0)) || Math.abs(sum - 1) > 1e-9) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `Split fractions must be two or more non-negative numbers summing to 1 (got ${JSON.stringify(Object.fromEntries(names.map((k, i) => [k, fractions[i]])))})`,
      {
        hint: 'e.g. { train: 0.8, test: 0.2 } or { train: 0.7, validation: 0.15, test: 0.15 }',
      },
    )
  }
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n)
  for (let i = 0; i < n; i++) a[i] = i
  return a
}

function cumulative(fractions: number[]): number[] {
  let s = 0
  return fractions.map((f) => (s += f))
}

function fill(assign: Uint8Array, order: ArrayLike<number>, counts: number[]): void {
  let pos = 0
  counts.forEach((c, k) => {
    for (let j = 0; j < c; j++) assign[order[pos++] as number] = k
  })
}

async function categoryCodes(table: DataTable, column: string): Promise<CategoryColumn> {
  if (!table.column(column)) {
    throw new CairnError('CAIRN_COLUMN_NOT_FOUND', `No column "${column}" to split by`, {
      details: { column, available: table.columnNames },
    })
  }
  const frame = await relationToFrame(
    table.engine,
    `(SELECT CAST(${quoteIdent(column)} AS VARCHAR) AS c FROM ${table.relation})`,
    [{ name: 'c', type: 'category' }],
  )
  return frame.columns[0] as CategoryColumn
}

async function materialize(
  table: DataTable,
  assign: Uint8Array,
  names: string[],
  spec: SplitSpec,
): Promise<Record<string, DataTable>> {
  const engine = table.engine
  const assignTable = engine.tempName('assign')
  await frameToTable(
    engine,
    { rowCount: assign.length, columns: [{ name: 'k', type: 'integer', values: Float64Array.from(assign) }] },
    assignTable,
  )
  const out: Record<string, DataTable> = {}
  try {
    const cols = table.schema.columns.map((c) => `t.${quoteIdent(c.name)}`).join(', ')
    for (let k = 0; k < names.length; k++) {
      const name = engine.tempName('split')
      await engine.run(
        `CREATE TABLE ${quoteIdent(name)} AS SELECT ${cols} FROM ${table.relation} AS t POSITIONAL JOIN ${quoteIdent(assignTable)} AS a WHERE a.k = ${k}`,
        'Splitting',
      )
      const rows = Number(await engine.value(`SELECT count(*) FROM ${quoteIdent(name)}`))
      const split = names[k] as string
      const { kind, ...params } = spec
      out[split] = new DataTable(engine, name, {
        schema: table.schema,
        rowCount: rows,
        lineage: {
          parents: table.lineage.parents,
          ...(table.lineage.source ? { source: table.lineage.source } : {}),
          transform: { kind: 'split', description: `${kind} split: ${split}`, params: { ...params, split } },
        },
      })
    }
  } finally {
    await engine.drop(assignTable)
  }
  return out
}
