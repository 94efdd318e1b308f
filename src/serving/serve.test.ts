import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { frameFromRows } from '../data/index.js'
import type { Model } from '../ml/index.js'
import { countPredictionLog, readPredictionLog } from './log/read-prediction-log.js'
import { type ServingHandle, startServing } from './serve.js'
import { faultyModel } from './test-support/faulty-family.js'
import { createTestProject, housingRanges, housingRow, type TestProject } from './test-support/fixtures.js'
import { get, post, type Reply } from './test-support/http.js'
import { churnModel, housingModel } from './test-support/models.js'

let project: TestProject
let server: ServingHandle
let url: string
let housing: Model
let churn: Model

function expected(model: Model, row: Record<string, unknown>): number {
  return model.predict(frameFromRows([row], { ocean_proximity: 'category' })).values[0] as number
}

async function metric(name: string): Promise<number> {
  const text = (await get(`${url}/metrics`)).text
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((a, l) => a + Number(l.split(' ').pop()), 0)
}

beforeAll(async () => {
  project = await createTestProject()
  housing = await housingModel()
  churn = await churnModel()
  await project.register('housing', housing, 'production', housingRanges)
  await project.register('churn', churn, 'production')
  const faulty = await project.writeBundle('faulty-model', faultyModel())
  server = await startServing({
    models: [
      { uri: 'models:/housing@production' },
      { uri: 'models:/churn@production' },
      { uri: faulty, name: 'faulty' },
    ],
    port: 0,
    trackingUri: project.trackingUri,
    artifactsUri: project.artifactsUri,
    cwd: project.dir,
    pollIntervalSeconds: 0,
    maxBatchRows: 50,
    bodyLimit: 64 * 1024,
  })
  url = server.url
})

afterAll(async () => {
  await server?.close()
  await project?.close()
})

describe('cairn serve on registered models', () => {
  it('answers the operations, metadata and docs routes', async () => {
    expect((await get(`${url}/health`)).json).toMatchObject({ status: 'ok' })
    expect((await get(`${url}/ready`)).json).toMatchObject({ ready: true, draining: false })
    expect((await get(`${url}/ping`)).status).toBe(200)
    expect((await get(`${url}/version`)).text).toMatch(/^\d+\.\d+\.\d+/)
    expect((await get(`${url}/v2/health/live`)).json).toEqual({ live: true })
    expect((await get(`${url}/v2/health/ready`)).json).toEqual({ ready: true })
    expect((await get(`${url}/v2`)).json).toMatchObject({ name: 'cairn' })
    const list = (await get(`${url}/v1/models`)).json
    expect(list.models.map((m: { name: string; version: string }) => [m.name, m.version])).toEqual([
      ['housing', '1'],
      ['churn', '1'],
      ['faulty', expect.any(String)],
    ])
    expect(list.models[0]).toMatchObject({
      uri: 'models:/housing@production',
      task: 'regression',
      family: 'pipeline',
    })
    expect(list.models[0].signature.inputs).toHaveLength(4)
    expect((await get(`${url}/v1/models/churn`)).json).toMatchObject({
      name: 'churn',
      classes: ['no', 'yes'],
    })
    const v2meta = (await get(`${url}/v2/models/housing`)).json
    expect(v2meta).toMatchObject({ name: 'housing', versions: ['1'] })
    expect(v2meta.inputs[0]).toEqual({ name: 'median_income', datatype: 'FP64', shape: [-1] })
    expect((await get(`${url}/v2/models/housing/ready`)).json).toEqual({ name: 'housing', ready: true })
    expect((await get(`${url}/v2/models/housing/versions/1`)).status).toBe(200)
    expect((await get(`${url}/v2/models/housing/versions/9`)).json.code).toBe('CAIRN_MODEL_VERSION_NOT_FOUND')
    const docs = await get(`${url}/docs`)
    expect(docs.status).toBe(200)
    const spec = (await get(`${url}/docs/json`)).json
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/models/housing/predict', '/v1/models/churn/predict', '/invocations']),
    )
    const body = spec.paths['/v1/models/housing/predict'].post.requestBody.content['application/json']
    expect(body.schema.oneOf[0].properties.ocean_proximity.enum).toEqual([
      'NEAR BAY',
      'INLAND',
      'NEAR OCEAN',
      null,
    ])
    expect(body.schema.oneOf[0].properties.median_income).toEqual({ type: 'number', minimum: 0, maximum: 50 })
    expect((await get(`${url}/openapi.json`)).json.openapi).toBe('3.0.3')
    const metrics = (await get(`${url}/metrics`)).text
    for (const name of [
      'cairn_model_loaded',
      'cairn_prediction_log_dropped_total',
      'process_cpu_seconds_total',
    ]) {
      expect(metrics).toContain(name)
    }
  })

  it('predicts one row, many rows and columnar rows natively, with an id per row', async () => {
    const one = await post(`${url}/v1/models/housing/predict`, housingRow)
    expect(one.status).toBe(200)
    expect(one.json).toMatchObject({ model: 'housing', version: '1' })
    expect(one.json.predictions[0].prediction).toBeCloseTo(expected(housing, housingRow), 6)
    expect(one.json.predictions[0].id).toMatch(/^[0-9a-f]{10}-[0-9a-z]{7}$/)
    const rows = [
      housingRow,
      { ...housingRow, median_income: 2, total_rooms: null, ocean_proximity: 'INLAND' },
    ]
    const many = await post(`${url}/v1/models/housing/predict`, rows)
    expect(many.json.predictions.map((p: { prediction: number }) => p.prediction)).toEqual(
      rows.map((r) => expect.closeTo(expected(housing, r), 6)),
    )
    const ids = many.json.predictions.map((p: { id: string }) => p.id)
    expect(new Set([...ids, one.json.predictions[0].id]).size).toBe(3)
    const columns = Object.keys(housingRow)
    const columnar = await post(`${url}/v1/models/housing/predict`, {
      columns,
      data: rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])),
    })
    expect(columnar.json.predictions.map((p: { prediction: number }) => p.prediction)).toEqual(
      many.json.predictions.map((p: { prediction: number }) => p.prediction),
    )
    const answered = await post(`${url}/v1/models/churn/predict`, [
      { tenure: 1, charges: 90 },
      { tenure: 60, charges: 20 },
    ])
    expect(answered.json.predictions.map((p: { prediction: string }) => p.prediction)).toEqual(['yes', 'no'])
    const probs = answered.json.predictions[0].probabilities
    expect(probs.no + probs.yes).toBeCloseTo(1, 12)
    expect(probs.yes).toBeCloseTo(
      churn.rowPredictor().predict({ tenure: 1, charges: 90 }).probabilities?.[1] as number,
      12,
    )
  })

  it('speaks the MLflow scoring protocol in JSON and CSV', async () => {
    const columns = Object.keys(housingRow)
    const values = columns.map((c) => (housingRow as Record<string, unknown>)[c])
    const want = expected(housing, housingRow)
    const bodies = [
      { dataframe_split: { columns, data: [values] } },
      { dataframe_records: [housingRow] },
      { instances: [housingRow] },
      { instances: [values] },
      { inputs: Object.fromEntries(columns.map((c, i) => [c, [values[i]]])) },
    ]
    for (const body of bodies) {
      const r = await post(`${url}/invocations`, body)
      expect(r.status, JSON.stringify(body)).toBe(200)
      expect(r.json.predictions[0]).toBeCloseTo(want, 6)
      expect(r.json.prediction_ids).toHaveLength(1)
    }
    expect(
      (await post(`${url}/invocations`, bodies[0], 'application/json; format=pandas-split')).status,
    ).toBe(200)
    const csv = await post(`${url}/invocations`, `${columns.join(',')}\n${values.join(',')}\n`, 'text/csv')
    expect(csv.json.predictions[0]).toBeCloseTo(want, 6)
    const bad = await post(`${url}/invocations`, { rows: [housingRow] })
    expect(bad.status).toBe(400)
    expect(bad.json).toMatchObject({ error_code: 'BAD_REQUEST', code: 'CAIRN_MALFORMED_BODY' })
  })

  it('speaks the Open Inference Protocol v2', async () => {
    const inputs = Object.entries(housingRow).map(([name, v]) => ({
      name,
      shape: [1],
      datatype: typeof v === 'string' ? 'BYTES' : 'FP64',
      data: [v],
    }))
    const r = await post(`${url}/v2/models/housing/infer`, { id: 'req-1', inputs })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ model_name: 'housing', model_version: '1', id: 'req-1' })
    expect(r.json.outputs[0].name).toBe('predict')
    expect(r.json.outputs[0].data[0]).toBeCloseTo(expected(housing, housingRow), 6)
    const c = await post(`${url}/v2/models/churn/infer`, {
      inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP64', data: [1, 90, 60, 20] }],
    })
    expect(c.json.outputs.map((o: { name: string }) => o.name)).toEqual([
      'label',
      'probabilities',
      'prediction_id',
    ])
    expect(c.json.outputs[0].data).toEqual(['yes', 'no'])
    expect(c.json.outputs[1].shape).toEqual([2, 2])
    const bad = await post(`${url}/v2/models/housing/infer`, { inputs: [{ name: 'a' }] })
    expect(bad.status).toBe(400)
    expect(bad.json).toMatchObject({ error: expect.any(String), code: 'CAIRN_MALFORMED_BODY' })
  })

  it('answers 422 listing every offending field, and nothing reaches the model', async () => {
    const before = await metric('cairn_predictions_total{model="housing"')
    await server.predictionLog?.flush()
    const logged = await countPredictionLog(project.metadata, { model: 'housing' })
    const bad = { median_income: 99, housing_median_age: 'old', ocean_proximity: 'MARS', total_rooms: 'many' }
    const r = await post(`${url}/v1/models/housing/predict`, bad)
    expect(r.status).toBe(422)
    expect(r.json.error.code).toBe('CAIRN_VALIDATION_FAILED')
    expect(r.json.error.issues.map((i: { path: string; code: string }) => [i.path, i.code])).toEqual([
      ['median_income', 'CAIRN_OUT_OF_RANGE'],
      ['housing_median_age', 'CAIRN_WRONG_TYPE'],
      ['total_rooms', 'CAIRN_WRONG_TYPE'],
      ['ocean_proximity', 'CAIRN_UNKNOWN_CATEGORY'],
    ])
    const missing = await post(`${url}/v1/models/housing/predict`, [housingRow, { median_income: 1 }])
    expect(missing.status).toBe(422)
    expect(missing.json.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'rows[1].housing_median_age',
    ])
    const csv = await post(`${url}/invocations`, 'median_income,housing_median_age\nabc,1\n', 'text/csv')
    expect(csv.status).toBe(422)
    expect(csv.json.issues.map((i: { code: string }) => i.code)).toContain('CAIRN_WRONG_TYPE')
    const v2 = await post(`${url}/v2/models/housing/infer`, {
      inputs: [{ name: 'median_income', shape: [1], datatype: 'FP64', data: [-5] }],
    })
    expect(v2.status).toBe(422)
    expect(await metric('cairn_predictions_total{model="housing"')).toBe(before)
    await server.predictionLog?.flush()
    expect(await countPredictionLog(project.metadata, { model: 'housing' })).toBe(logged)
    expect(await metric('cairn_requests_total{model="housing",version="1",route="native",status="422"')).toBe(
      2,
    )
  })

  it('answers bad requests with clear 4xx errors and stable codes', async () => {
    const predict = `${url}/v1/models/housing/predict`
    const cases: [Promise<Reply>, number, string][] = [
      [post(predict, '{"median_income": 1,', 'application/json'), 400, 'CAIRN_MALFORMED_BODY'],
      [post(predict, '', 'application/json'), 400, 'CAIRN_MALFORMED_BODY'],
      [
        post(predict, 'median_income=1', 'application/x-www-form-urlencoded'),
        415,
        'CAIRN_UNSUPPORTED_MEDIA_TYPE',
      ],
      [post(predict, 'hello', 'text/plain'), 415, 'CAIRN_UNSUPPORTED_MEDIA_TYPE'],
      [post(predict, [], 'application/json'), 400, 'CAIRN_EMPTY_BATCH'],
      [post(predict, { columns: [], data: [] }), 400, 'CAIRN_EMPTY_BATCH'],
      [post(predict, 42), 400, 'CAIRN_MALFORMED_BODY'],
      [post(predict, Array(51).fill(housingRow)), 413, 'CAIRN_PAYLOAD_TOO_LARGE'],
      [post(predict, { pad: 'x'.repeat(70 * 1024) }), 413, 'CAIRN_PAYLOAD_TOO_LARGE'],
      [post(`${url}/v1/models/nope/predict`, housingRow), 404, 'CAIRN_MODEL_NOT_FOUND'],
      [post(`${url}/v1/nowhere`, {}), 404, 'CAIRN_NOT_FOUND'],
      [post(predict, '{"__proto__": {"x": 1}}'), 400, 'CAIRN_MALFORMED_BODY'],
    ]
    for (const [pending, status, code] of cases) {
      const r = await pending
      expect([r.status, r.json?.error?.code]).toEqual([status, code])
    }
  })

  it('answers 500 with an error id when the model throws, and keeps serving', async () => {
    const before = await metric('cairn_prediction_errors_total{model="faulty"')
    const boom = await post(`${url}/v1/models/faulty/predict`, { x: 13 })
    expect(boom.status).toBe(500)
    expect(boom.json.error).toMatchObject({
      code: 'CAIRN_PREDICTION_FAILED',
      details: { errorId: expect.any(String) },
    })
    expect(boom.json.error.hint).toContain(boom.json.error.details.errorId)
    const batch = await post(
      `${url}/v1/models/faulty/predict`,
      Array.from({ length: 20 }, (_, i) => ({ x: i })),
    )
    expect(batch.status).toBe(500)
    const ok = await post(`${url}/v1/models/faulty/predict`, { x: 2 })
    expect(ok.json.predictions[0].prediction).toBe(4)
    expect(await metric('cairn_prediction_errors_total{model="faulty"')).toBe(before + 2)
  })

  it('attaches delayed labels to prediction ids, and logs exactly what it answered', async () => {
    await server.predictionLog?.flush()
    const start = await countPredictionLog(project.metadata, { model: 'churn' })
    const rows = Array.from({ length: 7 }, (_, i) => ({ tenure: i * 10, charges: 50 + i }))
    const a = await post(`${url}/v1/models/churn/predict`, rows.slice(0, 3))
    const b = await post(`${url}/invocations`, { dataframe_records: rows })
    expect(b.status).toBe(422) // /invocations answers with the first model, housing
    const c = await post(`${url}/v1/models/churn/predict`, rows[3])
    const d = await post(`${url}/v2/models/churn/infer`, {
      inputs: [
        { name: 'tenure', shape: [3], datatype: 'FP64', data: [40, 50, 60] },
        { name: 'charges', shape: [3], datatype: 'FP64', data: [54, 55, 56] },
      ],
    })
    const ids: string[] = [
      ...a.json.predictions.map((p: { id: string }) => p.id),
      c.json.predictions[0].id,
      ...d.json.outputs[2].data,
    ]
    // Labels may arrive before the rows reach the store: they are accepted all the same.
    const fb = await post(`${url}/v1/feedback`, {
      feedback: ids.slice(0, 4).map((id, i) => ({ predictionId: id, label: i % 2 ? 'yes' : 'no' })),
    })
    expect(fb.json).toEqual({ accepted: 4 })
    expect((await post(`${url}/v1/feedback`, { predictionId: ids[4], label: 'yes' })).json).toEqual({
      accepted: 1,
    })
    const unknown = await post(`${url}/v1/feedback`, [{ predictionId: 'ffffffffff-0000001', label: 'no' }])
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'CAIRN_PREDICTION_NOT_FOUND'])
    const invalid = await post(`${url}/v1/feedback`, [{ predictionId: ids[0] }, { label: 1 }])
    expect(invalid.status).toBe(422)
    expect(invalid.json.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'feedback[0].label',
      'feedback[1].predictionId',
    ])
    await server.predictionLog?.flush()
    expect(await countPredictionLog(project.metadata, { model: 'churn' })).toBe(start + 7)
    const labelled = await readPredictionLog(project.metadata, { model: 'churn', labelledOnly: true })
    expect(labelled.map((r) => [r.predictionId, r.label])).toEqual(
      ids.slice(0, 5).map((id, i) => [id, i === 4 ? 'yes' : i % 2 ? 'yes' : 'no']),
    )
    expect(labelled[0]).toMatchObject({
      inputs: rows[0],
      version: '1',
      variant: 'champion',
      prediction: expect.any(String),
    })
    expect(await metric('cairn_feedback_total')).toBeGreaterThanOrEqual(5)
  })

  it('logs one row per answered prediction with nothing dropped', async () => {
    await server.predictionLog?.flush()
    const predicted = await metric('cairn_predictions_total{')
    let logged = 0
    for (const model of ['housing', 'churn', 'faulty'])
      logged += await countPredictionLog(project.metadata, { model })
    expect(logged).toBe(predicted)
    expect(await metric('cairn_prediction_log_dropped_total')).toBe(0)
    expect(await metric('cairn_prediction_log_written_total')).toBe(logged)
  })

  it('answers 408 to a client that does not send its whole request in time, and keeps serving others', async () => {
    const quick = await startServing({
      models: [{ uri: 'models:/housing@production' }],
      port: 0,
      trackingUri: project.trackingUri,
      artifactsUri: project.artifactsUri,
      cwd: project.dir,
      pollIntervalSeconds: 0,
      predictionLog: false,
      requestTimeoutSeconds: 1,
    })
    try {
      const t0 = Date.now()
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(quick.port, '127.0.0.1', () => {
          socket.write(
            'POST /v1/models/housing/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"median_income": ',
          )
        })
        let text = ''
        socket.on('data', (d: Buffer) => {
          text += d.toString()
        })
        socket.on('close', () => resolve(text))
        socket.on('error', reject)
      })
      const waited = Date.now() - t0
      expect(answer).toMatch(/^HTTP\/1\.1 408/)
      const [head, body] = answer.split('\r\n\r\n')
      expect(head).toMatch(/\r\ncontent-type: application\/json/i)
      expect(JSON.parse(body ?? '')).toEqual({
        error: {
          code: 'CAIRN_REQUEST_TIMEOUT',
          message: 'The request was not received in full within 1 s',
          details: { requestTimeoutSeconds: 1 },
          hint: expect.stringContaining('--request-timeout'),
        },
      })
      expect(waited).toBeGreaterThanOrEqual(900)
      expect(waited).toBeLessThan(5000)
      expect((await post(`${quick.url}/v1/models/housing/predict`, housingRow)).status).toBe(200)
    } finally {
      await quick.close()
    }
  })
})
