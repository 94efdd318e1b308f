import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDataService, type DataService, type DatasetProfile, dropColumns } from '../../data/index.js'
import { openArtifactStore } from '../../store/index.js'
import { checkQuality, referenceProfileFromDatasetProfile } from '../quality/index.js'
import { syntheticFrame } from '../test-support/synthetic.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { computeDriftFromProfile } from './profile-drift.js'

let ctx: Awaited<ReturnType<typeof tempMetadataStore>>
let data: DataService
let profile: DatasetProfile

beforeAll(async () => {
  ctx = await tempMetadataStore()
  data = await createDataService({
    metadata: ctx.store,
    artifacts: openArtifactStore(`${ctx.dir}/artifacts`),
    cacheDir: `${ctx.dir}/cache`,
  })
  profile = await data.profile(dropColumns(syntheticFrame(5000, 1), ['review']), { bins: 20, topK: 10 })
}, 60_000)
afterAll(async () => {
  await data.close()
  await ctx.cleanup()
})

describe('drift and quality against a stored data-layer profile', () => {
  it('flags exactly the shifted columns from the profile histograms and top values', () => {
    const shifted = ['age', 'income', 'plan', 'rating'] as const
    const r = computeDriftFromProfile(profile, syntheticFrame(3000, 2, [...shifted]))
    expect(r.problems).toEqual([])
    expect(r.columns.every((c) => c.test === 'jensenshannon')).toBe(true)
    expect(
      r.columns
        .filter((c) => c.drifted)
        .map((c) => c.column)
        .sort(),
    ).toEqual([...shifted].sort())
    const same = computeDriftFromProfile(profile, syntheticFrame(3000, 3))
    expect(same.drifted).toBe(0)
    const age = r.columns.find((c) => c.column === 'age')
    expect(age?.distribution?.edges).toHaveLength(21)
    expect(age?.distribution?.reference).toHaveLength(20)
  })

  it('refuses tests that need the raw sample and reports missing columns', () => {
    const r = computeDriftFromProfile(profile, dropColumns(syntheticFrame(500, 4), ['plan']), {
      numericTest: 'ks',
      categoricalTest: 'psi',
    })
    const by = new Map(r.columns.map((c) => [c.column, c]))
    expect(by.get('age')).toMatchObject({ status: 'test_not_applicable', drifted: null })
    expect(by.get('plan')).toMatchObject({ status: 'missing_in_current', drifted: null })
    expect(by.get('region')).toMatchObject({ status: 'ok', test: 'psi' })
  })

  it('checks data quality against the profile ranges, missing shares and complete category lists', () => {
    const ref = referenceProfileFromDatasetProfile(profile)
    expect(ref.columns.find((c) => c.name === 'plan')?.categories?.sort()).toEqual([
      'basic',
      'plus',
      'pro',
      'team',
    ])
    const cur = syntheticFrame(400, 5, ['tenure'])
    const q = checkQuality(ref, cur)
    const failing = q.checks.filter((c) => c.status === 'fail').map((c) => `${c.check}:${c.column}`)
    expect(failing).toEqual(['out_of_range:tenure'])
  })
})
