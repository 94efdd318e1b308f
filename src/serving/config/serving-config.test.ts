import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isCairnError } from '../../core/index.js'
import { configToServeOptions, loadServingConfig, parseServingConfig, parseSize } from './serving-config.js'

describe('serving.yaml', () => {
  it('reads models, traffic policies, the prediction log and limits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-serving-yaml-'))
    try {
      const path = join(dir, 'serving.yaml')
      await writeFile(
        path,
        `host: 0.0.0.0
port: 9000
models:
  - uri: models:/housing@production
    canary: { uri: models:/housing@challenger, percent: 10, stickyHeader: x-user-id }
  - uri: ./bundles/churn
    name: churn
    shadow: { uri: models:/churn/4 }
predictionLog:
  sink: parquet
  prefix: logs
  rowsPerFile: 50000
  flushIntervalMs: 100
bodyLimit: 2mb
maxBatchRows: 500
accessLog: errors
workers: auto
`,
      )
      const config = await loadServingConfig(path)
      expect(config.workers).toBe('auto')
      expect(config.bodyLimit).toBe(2_000_000)
      const options = configToServeOptions(config, {
        trackingUri: 'sqlite:///x.db',
        artifactsUri: 's3://bucket/a',
      })
      expect(options).toMatchObject({
        host: '0.0.0.0',
        port: 9000,
        maxBatchRows: 500,
        accessLog: 'errors',
        bodyLimit: 2_000_000,
        models: [
          {
            uri: 'models:/housing@production',
            canary: { uri: 'models:/housing@challenger', percent: 10, stickyHeader: 'x-user-id' },
          },
          { uri: './bundles/churn', name: 'churn', shadow: { uri: 'models:/churn/4' } },
        ],
        predictionLog: {
          flushIntervalMs: 100,
          sink: { kind: 'parquet', uri: 's3://bucket/a', prefix: 'logs', rowsPerFile: 50000 },
        },
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('names every problem with its path', () => {
    const err = (() => {
      try {
        parseServingConfig({ models: [{ uri: '', canary: { uri: 'x', percent: 150 } }], prot: 1 })
      } catch (e) {
        return e
      }
    })()
    expect(isCairnError(err, 'CAIRN_CONFIG_INVALID')).toBe(true)
    const issues = (err as { details: { issues: string[] } }).details.issues.join('\n')
    expect(issues).toContain('models.0.uri')
    expect(issues).toContain('models.0.canary.percent')
    expect(issues).toContain('prot')
  })

  it('turns the log off and parses sizes', () => {
    expect(
      configToServeOptions(parseServingConfig({ models: [{ uri: 'a' }], predictionLog: false }))
        .predictionLog,
    ).toBe(false)
    expect(parseSize('16mb')).toBe(16_000_000)
    expect(parseSize('1 MiB')).toBe(1_048_576)
    expect(parseSize('512')).toBe(512)
    expect(() => parseSize('lots')).toThrow(/not a size/)
  })
})
