import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadProjectConfig } from './project.js'

let dir: string
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'cairn-project-')))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('loadProjectConfig', () => {
  it('finds the project above the working folder and puts the stores in its .cairn', async () => {
    await writeFile(join(dir, 'cairn.yaml'), 'project: demo\n')
    await mkdir(join(dir, 'src', 'deep'), { recursive: true })
    const c = await loadProjectConfig({ cwd: join(dir, 'src', 'deep') })
    expect(c).toMatchObject({
      root: dir,
      name: 'demo',
      trackingUri: `sqlite:///${join(dir, '.cairn', 'cairn.db')}`,
      artifactsUri: pathToFileURL(join(dir, '.cairn', 'artifacts')).href,
    })
  })

  it('keeps the stores of the real project when cairn.yaml is a link (a stage sandbox mirrors the project)', async () => {
    const project = join(dir, 'project')
    const sandbox = join(dir, 'sandbox')
    await mkdir(project)
    await mkdir(sandbox)
    await writeFile(join(project, 'cairn.yaml'), 'project: real\n')
    await symlink(join(project, 'cairn.yaml'), join(sandbox, 'cairn.yaml'))
    const c = await loadProjectConfig({ cwd: sandbox })
    expect(c.root).toBe(sandbox)
    expect(c.name).toBe('real')
    expect(c.trackingUri).toBe(`sqlite:///${join(project, '.cairn', 'cairn.db')}`)
    expect(c.artifactsUri).toBe(pathToFileURL(join(project, '.cairn', 'artifacts')).href)
  })

  it('reads store URIs from cairn.yaml and rejects a malformed store section with CAIRN_CONFIG_INVALID', async () => {
    await writeFile(
      join(dir, 'cairn.yaml'),
      'store:\n  metadata: postgresql://db/cairn\n  artifacts: s3://bucket/p\n',
    )
    const c = await loadProjectConfig({ cwd: dir })
    expect(c.trackingUri).toBe('postgresql://db/cairn')
    expect(c.artifactsUri).toBe('s3://bucket/p')
    for (const [text, message] of [
      ['store:\n  metadta: x\n', 'store.metadta: unknown key'],
      ['store:\n  metadata: 3\n', 'store.metadata: expected a string'],
      ['project: [a]\n', 'project: expected a string'],
      ['- a\n', '(root): expected a mapping'],
    ] as const) {
      await writeFile(join(dir, 'cairn.yaml'), text)
      await expect(loadProjectConfig({ cwd: dir })).rejects.toMatchObject({
        code: 'CAIRN_CONFIG_INVALID',
        message: expect.stringContaining(message),
      })
    }
    await writeFile(join(dir, 'cairn.yaml'), '')
    expect((await loadProjectConfig({ cwd: dir })).file).toEqual({})
  })
})
