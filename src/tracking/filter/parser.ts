import { filterError, type Token, tokenize } from './tokenizer.js'

/** What a key in a filter refers to. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'

export type ComparisonOp =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | 'ILIKE'
  | 'NOT LIKE'
  | 'NOT ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL'

/** One comparison, e.g. `metrics.rmse < 0.5`. */
export interface Comparison {
  type: 'cmp'
  entity: FilterEntity
  /** The metric/param/tag key, or the canonical attribute or dataset field name. */
  key: string
  op: ComparisonOp
  /** A number for numeric fields, a string, a list for IN, null for IS [NOT] NULL. */
  value: string | number | Array<string | number> | null
  /** Offset of the key in the filter text. */
  position: number
}

export type FilterExpr = Comparison | { type: 'and' | 'or'; items: FilterExpr[] }

export type FieldType = 'string' | 'number'

/**
 * What a search may filter and order on. `attributes` maps every accepted attribute name (and
 * alias) to its canonical name and type.
 */
export interface FilterSchema {
  /** For messages: "runs", "experiments", "registered models", "model versions". */
  target: string
  entities: FilterEntity[]
  attributes: Record<string, { name: string; type: FieldType; orderable?: boolean }>
  /** Dataset fields that may be filtered (`name`, `digest`, `context`). */
  datasetFields?: string[]
  /** Set to false to reject OR (MLflow accepts only AND). */
  allowOr?: boolean
}

/** One `order_by` clause. */
export interface OrderTerm {
  entity: FilterEntity
  key: string
  direction: 'ASC' | 'DESC'
}

const PREFIXES: Record<string, FilterEntity> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
}

const ENTITY_LABEL: Record<FilterEntity, string> = {
  metric: 'metrics.<key>',
  param: 'params.<key>',
  tag: 'tags.<key>',
  attribute: 'attributes',
  dataset: 'datasets.<field>',
}

/**
 * Parse an MLflow-style filter (`metrics.rmse < 50000 and params.model = 'gbdt'`) into an
 * expression tree checked against `schema`. Comparisons join with AND (and OR, with parentheses).
 * Malformed input gives CAIRN_INVALID_FILTER naming the offending token and its position.
 * An empty or blank filter gives `undefined`.
 */
export function parseFilter(input: string | undefined, schema: FilterSchema): FilterExpr | undefined {
  if (input === undefined || input.trim() === '') return undefined
  const p = new Parser(input, tokenize(input), schema)
  const expr = p.parseOr()
  p.expectEnd()
  return expr
}

/** Parse `order_by` clauses (`metrics.rmse ASC`, `start_time DESC`) against `schema`. */
export function parseOrderBy(clauses: readonly string[] | undefined, schema: FilterSchema): OrderTerm[] {
  const out: OrderTerm[] = []
  for (const clause of clauses ?? []) {
    if (clause.trim() === '') continue
    const tokens = tokenize(clause)
    const head = tokens[0]!
    if (head.kind !== 'ident')
      throw filterError(clause, head.start, 'expected a key to order by', orderHint(schema))
    const { entity, key } = resolveKey(clause, head, schema)
    if (entity === 'dataset')
      throw filterError(clause, head.start, 'cannot order by a dataset field', orderHint(schema))
    if (entity === 'attribute' && schema.attributes[key]?.orderable === false)
      throw filterError(clause, head.start, `cannot order by "${key}"`, orderHint(schema))
    let direction: 'ASC' | 'DESC' = 'ASC'
    let i = 1
    const next = tokens[i]!
    if (next.kind === 'keyword' && (next.value === 'ASC' || next.value === 'DESC')) {
      direction = next.value
      i++
    }
    const end = tokens[i]!
    if (end.kind !== 'eof')
      throw filterError(clause, end.start, `unexpected "${end.text}" after the order key`, orderHint(schema))
    out.push({ entity, key, direction })
  }
  return out
}

function orderHint(schema: FilterSchema): string {
  const attrs = Object.entries(schema.attributes)
    .filter(([alias, a]) => a.orderable !== false && alias === a.name)
    .map(([alias]) => alias)
  const prefixes = schema.entities
    .filter((e) => e !== 'attribute' && e !== 'dataset')
    .map((e) => ENTITY_LABEL[e])
  return `Order by ${[...prefixes, ...attrs].join(', ')}, each optionally followed by ASC or DESC`
}

function resolveKey(
  input: string,
  token: Token,
  schema: FilterSchema,
): { entity: FilterEntity; key: string } {
  const raw = token.value
  const dot = raw.indexOf('.')
  const prefix = dot === -1 ? undefined : PREFIXES[raw.slice(0, dot).toLowerCase()]
  if (prefix === undefined || (prefix === 'attribute' && !schema.entities.includes('attribute'))) {
    const attr = schema.attributes[raw] ?? schema.attributes[raw.toLowerCase()]
    if (attr) return { entity: 'attribute', key: attr.name }
    throw filterError(input, token.start, `unknown key "${raw}" for ${schema.target}`, keyHint(schema))
  }
  const key = raw.slice(dot + 1)
  if (!schema.entities.includes(prefix))
    throw filterError(
      input,
      token.start,
      `${ENTITY_LABEL[prefix]} cannot be used when searching ${schema.target}`,
      keyHint(schema),
    )
  if (key === '')
    throw filterError(input, token.start + dot + 1, `a key is missing after "${raw}"`, keyHint(schema))
  if (prefix === 'attribute') {
    const attr = schema.attributes[key] ?? schema.attributes[key.toLowerCase()]
    if (!attr) throw filterError(input, token.start, `unknown attribute "${key}"`, keyHint(schema))
    return { entity: 'attribute', key: attr.name }
  }
  if (prefix === 'dataset') {
    const field = key.toLowerCase()
    if (!(schema.datasetFields ?? []).includes(field))
      throw filterError(
        input,
        token.start,
        `unknown dataset field "${key}"`,
        `Dataset fields: ${(schema.datasetFields ?? []).join(', ')}`,
      )
    return { entity: 'dataset', key: field }
  }
  return { entity: prefix, key }
}

function keyHint(schema: FilterSchema): string {
  const attrs = Object.entries(schema.attributes)
    .filter(([alias, a]) => alias === a.name)
    .map(([alias]) => alias)
  const prefixes = schema.entities.filter((e) => e !== 'attribute').map((e) => ENTITY_LABEL[e])
  return `Keys for ${schema.target}: ${[...prefixes, ...attrs].join(', ')}. Quote keys with special characters: metrics.\`my metric\``
}

class Parser {
  #i = 0

  constructor(
    readonly input: string,
    readonly tokens: Token[],
    readonly schema: FilterSchema,
  ) {}

  get #tok(): Token {
    return this.tokens[this.#i]!
  }

  #isKeyword(word: string): boolean {
    return this.#tok.kind === 'keyword' && this.#tok.value === word
  }

  #error(message: string, token = this.#tok, hint?: string) {
    return filterError(this.input, token.start, message, hint)
  }

  expectEnd(): void {
    const t = this.#tok
    if (t.kind === 'eof') return
    if (t.kind === 'rparen') throw this.#error('this ")" has no matching "("')
    throw this.#error(
      `expected AND${this.schema.allowOr === false ? '' : ', OR'} or the end, found "${t.text}"`,
    )
  }

  parseOr(): FilterExpr {
    const items = [this.parseAnd()]
    while (this.#isKeyword('OR')) {
      if (this.schema.allowOr === false) throw this.#error('OR is not supported here; use AND')
      this.#i++
      items.push(this.parseAnd())
    }
    return items.length === 1 ? items[0]! : { type: 'or', items }
  }

  parseAnd(): FilterExpr {
    const items = [this.parsePrimary()]
    while (this.#isKeyword('AND')) {
      this.#i++
      items.push(this.parsePrimary())
    }
    return items.length === 1 ? items[0]! : { type: 'and', items }
  }

  parsePrimary(): FilterExpr {
    const t = this.#tok
    if (t.kind === 'lparen') {
      this.#i++
      const inner = this.parseOr()
      if (this.#tok.kind !== 'rparen') throw this.#error('expected ")" to close the "(" opened earlier')
      this.#i++
      return inner
    }
    if (t.kind === 'ident') return this.parseComparison()
    if (t.kind === 'eof') throw this.#error('expected a comparison such as metrics.rmse < 0.5')
    throw this.#error(
      `expected a key (metrics.<key>, params.<key>, tags.<key> or an attribute), found "${t.text}"`,
    )
  }

  parseComparison(): Comparison {
    const keyTok = this.#tok
    const { entity, key } = resolveKey(this.input, keyTok, this.schema)
    this.#i++
    const type: FieldType =
      entity === 'metric' ? 'number' : entity === 'attribute' ? this.schema.attributes[key]!.type : 'string'
    const opTok = this.#tok
    const op = this.parseOperator()
    const base = { type: 'cmp' as const, entity, key, op, position: keyTok.start }
    if (op === 'IS NULL' || op === 'IS NOT NULL') {
      if (entity === 'attribute' || entity === 'dataset')
        throw this.#error(`${op} works on metrics, params and tags, not on "${keyTok.value}"`, opTok)
      return { ...base, value: null }
    }
    if (type === 'number' && (op.includes('LIKE') || op === 'NOT IN'))
      throw this.#error(`${op} cannot compare the number "${keyTok.value}"; use =, !=, <, <=, >, >=`, opTok)
    if (type === 'string' && (op === '<' || op === '<=' || op === '>' || op === '>='))
      throw this.#error(
        `"${keyTok.value}" holds text; compare it with =, !=, LIKE, ILIKE, IN or NOT IN`,
        opTok,
        entity === 'param' ? 'Params are strings in MLflow; order them with order_by instead' : undefined,
      )
    if (op === 'IN' || op === 'NOT IN') return { ...base, value: this.parseList(type, keyTok) }
    return { ...base, value: this.parseValue(type, keyTok) }
  }

  parseOperator(): ComparisonOp {
    const t = this.#tok
    if (t.kind === 'op') {
      this.#i++
      return t.value as ComparisonOp
    }
    if (t.kind === 'keyword') {
      if (t.value === 'LIKE' || t.value === 'ILIKE' || t.value === 'IN') {
        this.#i++
        return t.value
      }
      if (t.value === 'NOT') {
        this.#i++
        const n = this.#tok
        if (n.kind === 'keyword' && (n.value === 'LIKE' || n.value === 'ILIKE' || n.value === 'IN')) {
          this.#i++
          return `NOT ${n.value}` as ComparisonOp
        }
        throw this.#error('expected LIKE, ILIKE or IN after NOT')
      }
      if (t.value === 'IS') {
        this.#i++
        let not = false
        if (this.#isKeyword('NOT')) {
          not = true
          this.#i++
        }
        if (!this.#isKeyword('NULL')) throw this.#error(`expected NULL after IS${not ? ' NOT' : ''}`)
        this.#i++
        return not ? 'IS NOT NULL' : 'IS NULL'
      }
    }
    if (t.kind === 'eof')
      throw this.#error('expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN)')
    throw this.#error(
      `expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN), found "${t.text}"`,
    )
  }

  parseValue(type: FieldType, keyTok: Token): string | number {
    const t = this.#tok
    if (type === 'number') {
      if (t.kind === 'number') {
        this.#i++
        return Number(t.value)
      }
      if (t.kind === 'string' && t.value.trim() !== '' && Number.isFinite(Number(t.value))) {
        this.#i++
        return Number(t.value)
      }
      if (t.kind === 'eof') throw this.#error(`expected a number after "${keyTok.value}"`)
      throw this.#error(`expected a number for "${keyTok.value}", found "${t.text}"`)
    }
    if (t.kind === 'string') {
      this.#i++
      return t.value
    }
    if (t.kind === 'eof') throw this.#error(`expected a quoted string after "${keyTok.value}"`)
    throw this.#error(
      `expected a quoted string for "${keyTok.value}", found "${t.text}"`,
      t,
      `Quote text values: ${keyTok.text} = '${t.text}'`,
    )
  }

  parseList(type: FieldType, keyTok: Token): Array<string | number> {
    if (this.#tok.kind !== 'lparen') throw this.#error('expected "(" to start the IN list')
    this.#i++
    const out: Array<string | number> = []
    for (;;) {
      out.push(this.parseValue(type, keyTok))
      const t = this.#tok
      if (t.kind === 'comma') {
        this.#i++
        continue
      }
      if (t.kind === 'rparen') {
        this.#i++
        return out
      }
      throw this.#error('expected "," or ")" in the IN list')
    }
  }
}
