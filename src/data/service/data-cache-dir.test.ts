import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openArtifactStore, openMetadataStore } from '../../store/index.js'
import { createDataService, defaultDataCacheDir } from './data-service.js'

describe('the data cache folder', () => {
  let dir: string
  const saved = { HOME: process.env.HOME, CAIRN_DATA_CACHE: process.env.CAIRN_DATA_CACHE }
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-data-cache-'))
    process.env.HOME = join(dir, 'home')
    delete process.env.CAIRN_DATA_CACHE
  })
  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    await rm(dir, { recursive: true, force: true })
  })

  it("is the project's .cairn/cache/data, found from a folder inside the project", async () => {
    const project = join(dir, 'project')
    await mkdir(join(project, 'data', 'raw'), { recursive: true })
    await writeFile(join(project, 'cairn.yaml'), 'project: p\n')
    expect(defaultDataCacheDir(project)).toBe(join(project, '.cairn', 'cache', 'data'))
    expect(defaultDataCacheDir(join(project, 'data', 'raw'))).toBe(join(project, '.cairn', 'cache', 'data'))
    // a stage sandbox mirrors the project with a linked cairn.yaml: the real project's cache
    const sandbox = join(dir, 'sandbox')
    await mkdir(sandbox)
    await symlink(join(project, 'cairn.yaml'), join(sandbox, 'cairn.yaml'))
    expect(defaultDataCacheDir(sandbox)).toBe(join(project, '.cairn', 'cache', 'data'))
  })

  it('is ~/.cache/cairn/data outside a project, and CAIRN_DATA_CACHE wins everywhere', async () => {
    const outside = join(dir, 'loose')
    await mkdir(outside)
    expect(defaultDataCacheDir(outside)).toBe(join(dir, 'home', '.cache', 'cairn', 'data'))
    process.env.CAIRN_DATA_CACHE = join(dir, 'mine')
    expect(defaultDataCacheDir(outside)).toBe(join(dir, 'mine'))
  })

  it('is what a data service created for a project uses unless given one', async () => {
    const project = join(dir, 'project')
    await mkdir(join(project, '.cairn'), { recursive: true })
    const metadata = await openMetadataStore(`sqlite:///${join(project, '.cairn', 'cairn.db')}`)
    const artifacts = openArtifactStore(join(project, '.cairn', 'artifacts'))
    try {
      const data = await createDataService({ metadata, artifacts, base: project })
      expect(data.cacheDir).toBe(join(project, '.cairn', 'cache', 'data'))
      await data.close()
      const given = await createDataService({ metadata, artifacts, base: project, cacheDir: join(dir, 'x') })
      expect(given.cacheDir).toBe(join(dir, 'x'))
      await given.close()
    } finally {
      await artifacts.close()
      await metadata.close()
    }
  })
})
