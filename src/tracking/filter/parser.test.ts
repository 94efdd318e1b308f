import { describe, expect, it } from 'vitest'
import { parseFilter, parseOrderBy } from './parser.js'
import { RUN_FILTER_SCHEMA } from './schemas.js'
import { tokenize } from './tokenizer.js'

const parse = (f: string) => parseFilter(f, RUN_FILTER_SCHEMA)
const fail = (f: string) => {
  try {
    parse(f)
  } catch (err) {
    return err as { code: string; details: { position: number; token: string | null }; message: string }
  }
  throw new Error(`"${f}" parsed`)
}

describe('tokenize', () => {
  it('reads quoted keys, strings with escapes, numbers and operators', () => {
    const tokens = tokenize('metrics.`val loss` <= -1.5e-3 AND tags."a.b" != \'it\'\'s\' or x<>"q\\""')
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ['ident', 'metrics.val loss'],
      ['op', '<='],
      ['number', '-1.5e-3'],
      ['keyword', 'AND'],
      ['ident', 'tags.a.b'],
      ['op', '!='],
      ['string', "it's"],
      ['keyword', 'OR'],
      ['ident', 'x'],
      ['op', '!='],
      ['string', 'q"'],
      ['eof', ''],
    ])
  })
})

describe('parseFilter', () => {
  it('builds comparisons joined by AND/OR with parentheses', () => {
    expect(parse("metrics.rmse < 50000 and params.model = 'gbdt' and tags.team LIKE 'ml%'")).toEqual({
      type: 'and',
      items: [
        { type: 'cmp', entity: 'metric', key: 'rmse', op: '<', value: 50000, position: 0 },
        { type: 'cmp', entity: 'param', key: 'model', op: '=', value: 'gbdt', position: 25 },
        { type: 'cmp', entity: 'tag', key: 'team', op: 'LIKE', value: 'ml%', position: 51 },
      ],
    })
    const or = parse("(metrics.a > 1 OR metrics.b > 2) AND attributes.status IN ('FINISHED','FAILED')")
    expect(or).toMatchObject({
      type: 'and',
      items: [{ type: 'or' }, { key: 'status', op: 'IN', value: ['FINISHED', 'FAILED'] }],
    })
    expect(parse("run_name NOT LIKE 'x%'")).toMatchObject({
      entity: 'attribute',
      key: 'run_name',
      op: 'NOT LIKE',
    })
    expect(parse('tags.x IS NOT NULL')).toMatchObject({ op: 'IS NOT NULL', value: null })
    expect(parse('   ')).toBeUndefined()
  })

  it('points at the offending token', () => {
    expect(fail('metrics.rmse < and x').details).toMatchObject({ position: 15, token: 'and' })
    expect(fail("params.lr > '0.1'").details.position).toBe(10)
    expect(fail("colour = 'red'").details).toMatchObject({ position: 0, token: 'colour' })
    expect(fail('metrics.rmse < 1 metrics.mae < 2').details.position).toBe(17)
    expect(fail('(metrics.rmse < 1').details.position).toBe(17)
    expect(fail('metrics.rmse < 1)').details.position).toBe(16)
    expect(fail("tags.x = 'open").details.position).toBe(9)
    expect(fail('metrics.rmse # 3').details.position).toBe(13)
    expect(fail("datasets.colour = 'x'").code).toBe('CAIRN_INVALID_FILTER')
    expect(fail('metrics.rmse < 1 and').message).toContain('at the end')
  })
})

describe('parseOrderBy', () => {
  it('reads keys and directions', () => {
    expect(parseOrderBy(['metrics.rmse', 'params.model DESC', 'start_time asc'], RUN_FILTER_SCHEMA)).toEqual([
      { entity: 'metric', key: 'rmse', direction: 'ASC' },
      { entity: 'param', key: 'model', direction: 'DESC' },
      { entity: 'attribute', key: 'start_time', direction: 'ASC' },
    ])
    expect(() => parseOrderBy(['metrics.rmse up'], RUN_FILTER_SCHEMA)).toThrowError(/position 13/)
  })
})
