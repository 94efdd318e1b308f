import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { predictLineWriter } from './access-logger.js'

function collect(): { lines: string[]; stream: Writable & { write(s: string): boolean } } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk))
      cb()
    },
  })
  return { lines, stream }
}

describe('predictLineWriter', () => {
  it('writes byte for byte the line logger.info writes', () => {
    const viaPino = collect()
    const byHand = collect()
    const make = (stream: Writable) =>
      pino({ level: 'info', base: { pid: 42 }, timestamp: () => ',"time":1700000000000' }, stream).child({
        component: 'serving',
        log: 'access',
      })
    const a = make(viaPino.stream)
    const b = make(byHand.stream)
    const write = predictLineWriter(b, byHand.stream)
    const cases: [string, string, number, string, string, string, number][] = [
      ['POST', '/v1/models/housing/predict', 0.012, 'housing', '1', 'champion', 1],
      ['POST', '/v1/models/housing/predict', 1.5, 'housing', '1', 'champion', 1],
      ['POST', '/v1/models/other/predict?x="a\\b"', 3, 'o"ther', '12', 'canary', 1000],
      ['PUT', '/invocations', 0, 'm', '2', 'champion', 3],
    ]
    for (const [method, url, ms, model, version, variant, rows] of cases) {
      a.info({ method, url, status: 200, ms, model, version, variant, rows })
      write(method, url, ms, model, version, variant, rows)
    }
    expect(byHand.lines).toEqual(viaPino.lines)
    expect(JSON.parse(byHand.lines[2] as string)).toMatchObject({ url: '/v1/models/other/predict?x="a\\b"' })
  })

  it('writes nothing when the logger is above info', () => {
    const out = collect()
    const logger = pino({ level: 'warn' }, out.stream)
    predictLineWriter(logger, out.stream)('POST', '/', 1, 'm', '1', 'champion', 1)
    expect(out.lines).toEqual([])
  })
})
