import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from './create-server.js'

describe('cairn server', () => {
  let dir: string
  let app: FastifyInstance
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-server-'))
    app = await createServer({
      backendStoreUri: `sqlite:///${join(dir, 'cairn.db')}`,
      artifactsDestination: join(dir, 'artifacts'),
      cwd: dir,
      bodyLimit: 64 * 1024,
      maxArtifactBytes: 1024,
    })
  })
  afterAll(async () => {
    await app?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object })
  const newRun = async () => {
    const exp = await post('/api/2.0/mlflow/experiments/create', { name: `e-${Math.random()}` })
    const run = await post('/api/2.0/mlflow/runs/create', { experiment_id: exp.json().experiment_id })
    return run.json().run.info.run_id as string
  }

  it('answers /health with the store locations', async () => {
    const res = await app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok', metadataStore: expect.stringContaining('cairn.db') })
  })

  it('serves OpenAPI at /docs with the MLflow and native routes', async () => {
    const ui = await app.inject('/docs')
    expect([200, 302]).toContain(ui.statusCode)
    const spec = (await app.inject('/docs/json')).json() as {
      openapi: string
      paths: Record<string, unknown>
    }
    expect(spec.openapi).toMatch(/^3\./)
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/2.0/mlflow/runs/log-batch',
        '/api/v1/runs/search',
        '/api/2.0/mlflow/registered-models/alias',
      ]),
    )
    expect(Object.keys(spec.paths).some((p) => p.startsWith('/ajax-api'))).toBe(false)
  })

  it('answers MLflow errors as {error_code, message} with MLflow statuses', async () => {
    const missing = await app.inject('/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef')
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining('0123456789abcdef'),
    })
    const noParam = await app.inject('/api/2.0/mlflow/experiments/get')
    expect(noParam.statusCode).toBe(400)
    expect(noParam.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("Missing value for required parameter 'experiment_id'"),
    })
    const unknown = await app.inject('/api/2.0/mlflow/experiments/list')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error_code).toBe('ENDPOINT_NOT_FOUND')
    const ajax = await app.inject('/ajax-api/2.0/mlflow/experiments/get?experiment_id=0')
    expect(ajax.json().experiment.name).toBe('Default')
  })

  it('answers native errors as {error: {code, message, hint}} with the code table status', async () => {
    const res = await app.inject('/api/v1/runs/0123456789abcdef0123456789abcdef')
    expect(res.statusCode).toBe(404)
    expect(res.json().error).toMatchObject({ code: 'CAIRN_RUN_NOT_FOUND', hint: expect.any(String) })
    const badFilter = await post('/api/v1/runs/search', {
      experimentIds: ['0'],
      filter: "params.a = 'x' and and",
    })
    expect(badFilter.statusCode).toBe(400)
    expect(badFilter.json().error).toMatchObject({
      code: 'CAIRN_INVALID_FILTER',
      details: { position: 19, token: 'and' },
    })
  })

  it('rejects malformed JSON and bodies over the limit without storing anything', async () => {
    const runId = await newRun()
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/runs/log-batch',
      headers: { 'content-type': 'application/json' },
      payload: '{"run_id": "x", "metrics": [',
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().error_code).toBe('BAD_REQUEST')
    const big = await post('/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      params: [{ key: 'blob', value: 'x'.repeat(70 * 1024) }],
    })
    expect(big.statusCode).toBe(413)
    expect(big.json().error_code).toBe('BAD_REQUEST')
    const native = await post(`/api/v1/runs/${runId}/batch`, {
      tags: [{ key: 'blob', value: 'x'.repeat(70 * 1024) }],
    })
    expect(native.statusCode).toBe(413)
    expect(native.json().error.code).toBe('CAIRN_PAYLOAD_TOO_LARGE')
    const run = await app.inject(`/api/2.0/mlflow/runs/get?run_id=${runId}`)
    expect(run.json().run.data.params).toBeUndefined()
  })

  it('applies MLflow batch limits and validation, all or nothing', async () => {
    const runId = await newRun()
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }))
    const tooMany = await post('/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics })
    expect(tooMany.statusCode).toBe(400)
    expect(tooMany.json().message).toContain('at most 1000 metrics')
    const badValue = await post('/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'ok', value: 1, timestamp: 1, step: 0 },
        { key: 'bad', value: 'high', timestamp: 1, step: 0 },
      ],
    })
    expect(badValue.statusCode).toBe(400)
    expect(badValue.json().error_code).toBe('INVALID_PARAMETER_VALUE')
    const nan = await post('/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'nan', value: 'NaN', timestamp: 1, step: 0 }],
    })
    expect(nan.statusCode).toBe(200)
    const run = (await app.inject(`/api/2.0/mlflow/runs/get?run_id=${runId}`)).json().run
    expect(run.data.metrics).toEqual([{ key: 'nan', value: 'NaN', timestamp: 1, step: 0 }])
  })

  it('proxies artifacts and keeps paths inside the store and under the size limit', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/MLmodel',
      payload: 'flavors: {}',
      headers: { 'content-type': 'text/plain' },
    })
    expect(put.statusCode).toBe(200)
    const get = await app.inject('/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/MLmodel')
    expect(get.body).toBe('flavors: {}')
    const list = await app.inject('/api/2.0/mlflow-artifacts/artifacts?path=1/abc/artifacts/model')
    expect(list.json()).toEqual({ files: [{ path: 'MLmodel', is_dir: false, file_size: 11 }] })
    const escaping = await app.inject({
      method: 'PUT',
      url: '/api/2.0/mlflow-artifacts/artifacts/1/..%2F..%2F..%2Fetc/x',
      payload: 'x',
    })
    expect(escaping.statusCode).toBe(400)
    expect(escaping.json().error_code).toBe('INVALID_PARAMETER_VALUE')
    const tooBig = await app.inject({
      method: 'PUT',
      url: '/api/2.0/mlflow-artifacts/artifacts/big.bin',
      payload: Buffer.alloc(2048),
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(tooBig.statusCode).toBe(413)
    expect((await app.inject('/api/2.0/mlflow-artifacts/artifacts/big.bin')).statusCode).toBe(404)
  })

  it('stores run artifacts through the native API under <experiment>/<run>/artifacts', async () => {
    const runId = await newRun()
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/runs/${runId}/artifacts/files/plots/loss%20curve.svg`,
      payload: '<svg/>',
      headers: { 'content-type': 'image/svg+xml' },
    })
    expect(put.statusCode).toBe(204)
    const list = await app.inject(`/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=plots`)
    expect(list.json().files).toEqual([{ path: 'plots/loss curve.svg', is_dir: false, file_size: 6 }])
    const got = await app.inject(`/api/v1/runs/${runId}/artifacts/files/plots/loss%20curve.svg`)
    expect(got.headers['content-type']).toBe('image/svg+xml')
    const escaping = await app.inject({
      method: 'PUT',
      url: `/api/v1/runs/${runId}/artifacts/files/..%2F..%2Fother`,
      payload: 'x',
    })
    expect(escaping.statusCode).toBe(400)
    expect(escaping.json().error.code).toBe('CAIRN_INVALID_ARTIFACT_PATH')
  })

  it('speaks the MLflow registry API with aliases and stages', async () => {
    const runId = await newRun()
    expect(
      (
        await post('/api/2.0/mlflow/registered-models/create', {
          name: 'm1',
          tags: [{ key: 'k', value: 'v' }],
        })
      ).statusCode,
    ).toBe(200)
    const dup = await post('/api/2.0/mlflow/registered-models/create', { name: 'm1' })
    expect([dup.statusCode, dup.json().error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS'])
    const mv = await post('/api/2.0/mlflow/model-versions/create', {
      name: 'm1',
      source: `runs:/${runId}/model`,
      run_id: runId,
    })
    expect(mv.json().model_version).toMatchObject({
      name: 'm1',
      version: '1',
      current_stage: 'None',
      status: 'READY',
      run_id: runId,
    })
    await post('/api/2.0/mlflow/registered-models/alias', { name: 'm1', alias: 'champion', version: '1' })
    const byAlias = await app.inject('/api/2.0/mlflow/registered-models/alias?name=m1&alias=champion')
    expect(byAlias.json().model_version.aliases).toEqual(['champion'])
    const moved = await post('/api/2.0/mlflow/model-versions/transition-stage', {
      name: 'm1',
      version: '1',
      stage: 'Production',
      archive_existing_versions: true,
    })
    expect(moved.json().model_version.current_stage).toBe('Production')
    const model = (await app.inject('/api/2.0/mlflow/registered-models/get?name=m1')).json().registered_model
    expect(model).toMatchObject({
      name: 'm1',
      tags: [{ key: 'k', value: 'v' }],
      aliases: [{ alias: 'champion', version: '1' }],
      latest_versions: [{ version: '1', current_stage: 'Production' }],
    })
    const uri = await app.inject('/api/2.0/mlflow/model-versions/get-download-uri?name=m1&version=1')
    expect(uri.json().artifact_uri).toMatch(/^mlflow-artifacts:\/\d+\/[0-9a-f]{32}\/artifacts\/model$/)
    const del = await app.inject({
      method: 'DELETE',
      url: '/api/2.0/mlflow/registered-models/alias',
      payload: { name: 'm1', alias: 'champion' },
    })
    expect(del.statusCode).toBe(200)
    const gone = await app.inject('/api/2.0/mlflow/registered-models/alias?name=m1&alias=champion')
    expect([gone.statusCode, gone.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST'])
    const missing = await post('/api/2.0/mlflow/model-versions/create', { name: 'nope', source: 's3://b/x' })
    expect(missing.statusCode).toBe(404)
  })
})
