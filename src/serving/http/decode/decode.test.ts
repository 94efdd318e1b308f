import { describe, expect, it } from 'vitest'
import { isCairnError } from '../../../core/index.js'
import type { Signature } from '../../../ml/index.js'
import { decodeCsv, parseCsv } from './csv-body.js'
import { decodeMlflowBody } from './mlflow-body.js'
import { decodeNativeBody } from './native-body.js'
import { decodeV2Body } from './v2-body.js'

const signature: Signature = {
  inputs: [
    { name: 'a', type: 'number', nullable: true },
    { name: 'b', type: 'category', nullable: false, categories: ['x', 'y'] },
    { name: 'c', type: 'boolean', nullable: false },
  ],
  output: { task: 'regression', name: 'y' },
}
const rows = [
  { a: 1, b: 'x', c: true },
  { a: 2, b: 'y', c: false },
]

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isCairnError(err) ? err.code : 'not a CairnError'
  }
  return undefined
}

describe('native bodies', () => {
  it('reads one row, an array of rows and columnar data', () => {
    expect(decodeNativeBody(rows[0])).toEqual({ rows: [rows[0]], single: true })
    expect(decodeNativeBody(rows)).toEqual({ rows, single: false })
    expect(
      decodeNativeBody({
        columns: ['a', 'b', 'c'],
        data: [
          [1, 'x', true],
          [2, 'y', false],
        ],
      }).rows,
    ).toEqual(rows)
  })

  it('rejects what is none of those with CAIRN_MALFORMED_BODY', () => {
    expect(code(() => decodeNativeBody('text'))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeNativeBody(null))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeNativeBody({ columns: ['a'], data: [[1, 2]] }))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeNativeBody({ columns: [1], data: [[1]] }))).toBe('CAIRN_MALFORMED_BODY')
  })
})

describe('MLflow scoring bodies', () => {
  it('reads dataframe_split, dataframe_records, instances and inputs', () => {
    const split = { columns: ['a', 'b', 'c'], data: rows.map((r) => [r.a, r.b, r.c]) }
    expect(decodeMlflowBody({ dataframe_split: split }, signature)).toEqual(rows)
    expect(decodeMlflowBody({ dataframe_records: rows }, signature)).toEqual(rows)
    expect(decodeMlflowBody({ instances: rows }, signature)).toEqual(rows)
    expect(decodeMlflowBody({ instances: split.data }, signature)).toEqual(rows)
    expect(decodeMlflowBody({ inputs: { a: [1, 2], b: ['x', 'y'], c: [true, false] } }, signature)).toEqual(
      rows,
    )
  })

  it('names the accepted keys when none or several are given', () => {
    expect(code(() => decodeMlflowBody({ rows }, signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeMlflowBody({ instances: rows, inputs: rows }, signature))).toBe(
      'CAIRN_MALFORMED_BODY',
    )
    expect(code(() => decodeMlflowBody({ inputs: { a: [1], b: ['x', 'y'] } }, signature))).toBe(
      'CAIRN_MALFORMED_BODY',
    )
    expect(code(() => decodeMlflowBody([rows], signature))).toBe('CAIRN_MALFORMED_BODY')
  })

  it('reads CSV typed by the signature (quotes, CRLF, empty cells)', () => {
    const csv = 'a,b,c\r\n1,x,true\r\n,"y",0\r\n'
    expect(decodeCsv(csv, signature)).toEqual([
      { a: 1, b: 'x', c: true },
      { a: null, b: 'y', c: false },
    ])
    expect(parseCsv('q\n"a ""quoted"", with comma"\n')).toEqual([['q'], ['a "quoted", with comma']])
    expect(code(() => decodeCsv('a,b\n1\n', signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeCsv('a\n"open', signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeCsv('', signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(decodeCsv('a,b,c\nnot-a-number,x,1\n', signature)[0]?.a).toBe('not-a-number')
  })
})

describe('Open Inference Protocol v2 bodies', () => {
  it('reads one tensor per column and one [n, k] tensor', () => {
    const perColumn = {
      id: 'r1',
      inputs: [
        { name: 'a', shape: [2], datatype: 'FP64', data: [1, 2] },
        { name: 'b', shape: [2, 1], datatype: 'BYTES', data: [['x'], ['y']] },
        { name: 'c', shape: [2], datatype: 'BOOL', data: [true, false] },
      ],
    }
    expect(decodeV2Body(perColumn, signature)).toEqual({ id: 'r1', rows })
    const matrix = {
      inputs: [{ name: 'input-0', shape: [2, 3], datatype: 'BYTES', data: [1, 'x', true, 2, 'y', false] }],
    }
    expect(decodeV2Body(matrix, signature).rows).toEqual(rows)
  })

  it('rejects malformed tensors', () => {
    const t = (over: Record<string, unknown>) => ({
      inputs: [{ name: 'a', shape: [2], datatype: 'FP64', data: [1, 2], ...over }],
    })
    expect(code(() => decodeV2Body(t({ shape: [3] }), signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeV2Body(t({ datatype: 'FLOAT' }), signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeV2Body(t({ shape: 'x' }), signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(code(() => decodeV2Body({ inputs: [] }, signature))).toBe('CAIRN_MALFORMED_BODY')
    expect(
      code(() =>
        decodeV2Body({ inputs: [{ name: 'm', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] }, signature),
      ),
    ).toBe('CAIRN_MALFORMED_BODY')
  })
})
