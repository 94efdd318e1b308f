import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openMetadataStore } from '../../store/index.js'
import { RunRecords } from '../records/run-records.js'
import { makeProject, statuses } from '../testing/fixture.js'

const dir = await mkdtemp(join(tmpdir(), 'cairn-record-noop-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('recording runs where every stage is up to date', () => {
  it('records them only when asked (runs from the UI/API), as succeeded with nothing ran', async () => {
    const metadata = await openMetadataStore(`sqlite:///${join(dir, 'cairn.db')}`)
    const project = await makeProject({
      'cairn.yaml': 'stages:\n  copy:\n    cmd: cp in.txt out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n',
      'in.txt': 'x\n',
    })
    try {
      const records = new RunRecords(metadata)
      expect(statuses(await project.run({ metadata }))).toEqual({ copy: 'ran' })
      expect(statuses(await project.run({ metadata }))).toEqual({ copy: 'up-to-date' })
      expect(await records.listRuns()).toHaveLength(1)

      const noop = await project.run({ metadata, recordUpToDate: true, trigger: 'api' })
      expect(statuses(noop)).toEqual({ copy: 'up-to-date' })
      const runs = await records.listRuns()
      expect(runs).toHaveLength(2)
      expect(runs[0]).toMatchObject({ runId: noop.runId, status: 'succeeded', stagesRan: 0, trigger: 'api' })
      expect(runs[0]?.endTime).not.toBeNull()
    } finally {
      await project.dispose()
      await metadata.close()
    }
  })
})
