import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir, writeText } from '../testing/temp-data.js'
import { defineSchema, parseSchema, withRoles } from './schema.js'
import { diffSchemas } from './schema-diff.js'
import { readSchemaFile, schemaToYaml, writeSchemaFile } from './schema-file.js'

const dir = tempDir()

describe('schemas', () => {
  it('reads the list and map forms, fills defaults, and round-trips through YAML and JSON', async () => {
    const s = defineSchema({
      columns: {
        id: { type: 'string', role: 'id', nullable: false },
        price: 'number',
        color: { type: 'category', categories: ['red', 'blue'] },
        ts: 'datetime',
      },
    })
    expect(s.columns).toEqual([
      { name: 'id', type: 'string', role: 'id', nullable: false },
      { name: 'price', type: 'number', role: 'feature', nullable: true },
      { name: 'color', type: 'category', role: 'feature', nullable: true, categories: ['red', 'blue'] },
      { name: 'ts', type: 'datetime', role: 'timestamp', nullable: true },
    ])
    await writeSchemaFile(join(dir, 's.yaml'), s)
    expect(await readSchemaFile(join(dir, 's.yaml'))).toEqual(s)
    await writeSchemaFile(join(dir, 's.json'), s)
    expect(await readSchemaFile(join(dir, 's.json'))).toEqual(s)
    expect(schemaToYaml(s)).toContain('role: id')
    expect(withRoles(s, { price: 'target' }).columns[1]?.role).toBe('target')
  })

  it('lists every problem of an invalid schema with its path, and names the file and line of bad YAML', async () => {
    expect(() =>
      parseSchema({
        columns: [
          { name: 'a', type: 'decimal' },
          { name: 'b', type: 'number', categories: ['x'] },
          { name: 'b', type: 'number' },
          { name: 'y1', type: 'number', role: 'target' },
          { name: 'y2', type: 'number', role: 'target' },
        ],
      }),
    ).toThrowError(expect.objectContaining({ code: 'CAIRN_SCHEMA_INVALID' }))
    try {
      parseSchema({
        columns: [
          { name: 'b', type: 'number', categories: ['x'] },
          { name: 'b', type: 'number' },
        ],
      })
    } catch (err) {
      expect((err as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
        'columns[0].categories',
        'columns[1].name',
      ])
    }
    const bad = writeText(dir, 'bad.yaml', 'columns:\n  - name: a\n    type: number\n   oops: [\n')
    await expect(readSchemaFile(bad)).rejects.toMatchObject({
      code: 'CAIRN_CONFIG_INVALID',
      message: expect.stringMatching(/bad\.yaml:\d+:\d+/),
    })
  })

  it('reports added, removed, retyped and changed columns between versions', () => {
    const a = defineSchema({ columns: { id: 'integer', price: 'number', city: 'category', old: 'string' } })
    const b = defineSchema({
      columns: [
        { name: 'id', type: 'string' },
        { name: 'city', type: 'category', nullable: false },
        { name: 'price', type: 'number', role: 'target' },
        { name: 'new', type: 'boolean' },
      ],
    })
    const d = diffSchemas(a, b)
    expect(d.same).toBe(false)
    expect(d.added.map((c) => c.name)).toEqual(['new'])
    expect(d.removed.map((c) => c.name)).toEqual(['old'])
    expect(d.retyped).toEqual([{ name: 'id', from: 'integer', to: 'string' }])
    expect(d.changed).toEqual([
      { name: 'price', field: 'role', from: 'feature', to: 'target' },
      { name: 'city', field: 'nullable', from: true, to: false },
    ])
    expect(d.reordered).toBe(true)
    expect(diffSchemas(a, a).same).toBe(true)
  })
})
