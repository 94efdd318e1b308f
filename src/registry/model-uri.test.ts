import { describe, expect, it } from 'vitest'
import { formatModelUri, parseModelUri } from './model-uri.js'

describe('parseModelUri', () => {
  it('reads versions, aliases, stages and latest', () => {
    expect(parseModelUri('models:/housing/3')).toEqual({ kind: 'version', name: 'housing', version: 3 })
    expect(parseModelUri('models:/housing@champion')).toEqual({
      kind: 'alias',
      name: 'housing',
      alias: 'champion',
    })
    expect(parseModelUri('models:/housing/production')).toEqual({
      kind: 'stage',
      name: 'housing',
      stage: 'Production',
    })
    expect(parseModelUri('models:/housing/latest')).toEqual({ kind: 'latest', name: 'housing' })
    expect(parseModelUri('models:/team/housing/2')).toEqual({
      kind: 'version',
      name: 'team/housing',
      version: 2,
    })
    expect(parseModelUri('models:/my%20model@prod')).toEqual({
      kind: 'alias',
      name: 'my model',
      alias: 'prod',
    })
  })

  it('round-trips through formatModelUri', () => {
    for (const uri of [
      'models:/housing/3',
      'models:/housing@champion',
      'models:/housing/Staging',
      'models:/housing/latest',
    ])
      expect(formatModelUri(parseModelUri(uri))).toBe(uri)
  })

  it('rejects what it cannot read with CAIRN_INVALID_MODEL_URI', () => {
    for (const bad of [
      'runs:/abc/model',
      'models:/',
      'models:/housing',
      'models:/housing/0',
      'models:/housing/Canary',
      'models:/housing@1bad',
      'models:/@x',
    ])
      expect(() => parseModelUri(bad), bad).toThrowError(
        expect.objectContaining({ code: 'CAIRN_INVALID_MODEL_URI' }),
      )
  })
})
