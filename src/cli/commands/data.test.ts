import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildProgram } from '../program.js'
import { registerData } from './data.js'

const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-data-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const globals = () => [
  '--tracking-uri',
  `sqlite:///${join(dir, 'cairn.db')}`,
  '--artifacts-uri',
  join(dir, 'artifacts'),
]

/** Run `cairn data …` in-process and capture what it prints. */
async function cairn(...args: string[]): Promise<{ out: string; code: number }> {
  let out = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString()
    return true
  })
  const before = process.exitCode
  process.exitCode = 0
  try {
    await buildProgram([registerData])
      .exitOverride()
      .parseAsync(['node', 'cairn', ...globals(), 'data', ...args])
    return { out, code: Number(process.exitCode ?? 0) }
  } finally {
    spy.mockRestore()
    process.exitCode = before
  }
}

beforeAll(() => {
  process.env.CAIRN_DATA_CACHE = join(dir, 'cache')
  process.env.CAIRN_PROGRESS = 'off'
  const lines = ['id,age,country']
  for (let i = 1; i <= 30; i++) lines.push(`${i},${i === 5 ? 200 : 20 + i},${i === 9 ? 'XX' : 'FR'}`)
  lines.push('31,40')
  writeFileSync(join(dir, 'people.csv'), `${lines.join('\n')}\n`)
  writeFileSync(
    join(dir, 'exp.yaml'),
    'expectations:\n  - expect_column_values_to_be_between: { column: age, min_value: 0, max_value: 120 }\n  - in_set: { column: country, values: [FR, DE] }\n',
  )
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('cairn data', () => {
  it('ingest --name with quarantine stores good rows and the quarantine, and reports lines', async () => {
    const { out } = await cairn(
      'ingest',
      join(dir, 'people.csv'),
      '--name',
      'people',
      '--expectations',
      join(dir, 'exp.yaml'),
      '--policy',
      'quarantine',
      '--json',
    )
    const r = JSON.parse(out)
    expect(r).toMatchObject({ ok: true, rows: 28, malformed: 1, quarantined: 2, created: true })
    expect(r.version).toMatch(/^people@[0-9a-f]{16}$/)
    expect(r.quarantine).toMatch(/^people\.quarantine@/)
    expect(r.malformedRows[0]).toMatchObject({ line: 32, kind: 'field_count' })
    expect(
      r.validation.results.map((x: { sample: { line: number }[] }) => x.sample.map((s) => s.line)),
    ).toEqual([[6], [10]])
  })

  it('versions, show, profile and diff print tables and JSON', async () => {
    const versions = JSON.parse((await cairn('versions', 'people', '--json')).out)
    expect(versions).toHaveLength(1)
    expect(versions[0]).toMatchObject({
      seq: 1,
      rowCount: 28,
      validation: { quarantinedRowCount: 2, malformedCount: 1 },
    })
    const list = await cairn('versions')
    expect(list.out).toContain('people.quarantine')
    const show = await cairn('show', 'people@v1')
    expect(show.out).toContain('passed (28 good, 2 quarantined, 1 malformed)')
    const profile = JSON.parse((await cairn('profile', 'people@latest', '--json')).out)
    expect(profile.columns.find((c: { name: string }) => c.name === 'age')).toMatchObject({
      kind: 'numeric',
      min: 21,
      max: 50,
    })
    const text = await cairn('profile', 'people@latest')
    expect(text.out).toContain('28 rows, 3 columns')
    const diff = JSON.parse((await cairn('diff', 'people@v1', 'people@latest', '--json')).out)
    expect(diff).toMatchObject({ same: true, rows: { added: 0, removed: 0 } })
  })

  it('validate exits 2 when an expectation with policy fail fails', async () => {
    const r = await cairn('validate', join(dir, 'people.csv'), '--expectations', join(dir, 'exp.yaml'))
    expect(r.code).toBe(2)
    expect(r.out).toContain('FAILED')
    expect(r.out).toContain('between(age)')
    expect(r.out).toContain('people.csv:32')
  })
})
