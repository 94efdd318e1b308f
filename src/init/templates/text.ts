import { pick, seeded, type TemplateSpec } from '../template.js'

const WORDS: Record<string, string[]> = {
  billing: [
    'invoice',
    'charge',
    'refund',
    'payment',
    'card',
    'billed',
    'twice',
    'price',
    'receipt',
    'subscription',
  ],
  technical: ['error', 'crash', 'login', 'app', 'slow', 'bug', 'install', 'update', 'screen', 'timeout'],
  account: [
    'password',
    'email',
    'address',
    'username',
    'profile',
    'delete',
    'close',
    'change',
    'verify',
    'name',
  ],
}
const FILLER = [
  'please',
  'help',
  'my',
  'the',
  'since',
  'yesterday',
  'again',
  'urgent',
  'thanks',
  'hello',
  'cannot',
  'is',
]

/** Text classification: route support tickets to a team (TF-IDF + linear model). */
export const text: TemplateSpec = {
  name: 'text',
  summary: 'text classification of support tickets (team), TF-IDF with a linear model',
  dataset: 'tickets',
  model: 'ticket-router',
  target: 'team',
  id: 'ticket_id',
  task: 'classification',
  metric: 'accuracy',
  greaterIsBetter: true,
  sampleDay(day, seed) {
    const r = seeded(seed + day * 15_485_863)
    const teams = Object.keys(WORDS)
    return Array.from({ length: 300 }, (_, i) => {
      const team = pick(r, teams, [4, 4, 2])
      const words: string[] = []
      const n = 6 + Math.floor(r() * 8)
      for (let k = 0; k < n; k++) {
        const own = r() < 0.45
        const pool = own
          ? (WORDS[team] as string[])
          : r() < 0.25
            ? (WORDS[pick(r, teams)] as string[])
            : FILLER
        words.push(pick(r, pool))
      }
      return {
        ticket_id: `t${day}-${String(i).padStart(4, '0')}`,
        channel: pick(r, ['email', 'chat', 'phone']),
        text: words.join(' '),
        team,
      }
    })
  },
  expectations: [
    '{ kind: not_null, column: ticket_id }',
    '{ kind: unique, column: ticket_id }',
    '{ kind: not_null, column: text }',
    '{ kind: length_between, column: text, min: 3, max: 5000 }',
    '{ kind: in_set, column: team, values: [billing, technical, account] }',
    '{ kind: row_count_between, min: 100 }',
  ],
  params: `features:
  test_size: 0.25
  seed: 7
train:
  min_df: 2
  ngram_max: 2
  alpha: 0.0001
  epochs: 15
evaluate:
  register: true       # register the model when it beats the current champion
`,
  featuresModule: `import { cellValue, type Frame, getColumn, makeFrame, takeRows } from 'cairn/data'
import { trainTestSplit } from 'cairn/ml'

/** The model's features: the ticket text (lower-cased, whitespace squeezed) and the target. */
export function buildFeatures(frame: Frame): Frame {
  const text = getColumn(frame, 'text')
  const cleaned = Array.from({ length: frame.rowCount }, (_, i) => {
    const v = cellValue(text, i)
    return v === null ? null : String(v).toLowerCase().replace(/\\s+/g, ' ').trim()
  })
  return makeFrame([{ name: 'text', type: 'text', values: cleaned }, getColumn(frame, 'team')])
}

/** Train and test rows (a seeded split, stratified by team). */
export function splitTrainTest(frame: Frame, p: { test_size: number; seed: number }): { train: Frame; test: Frame } {
  const fold = trainTestSplit(frame, { testSize: p.test_size, seed: p.seed, stratify: 'team' })
  return { train: takeRows(frame, fold.train), test: takeRows(frame, fold.test) }
}
`,
  modelModule: `import type { Frame } from 'cairn/data'
import { type Estimator, type Model, scoreModel, textLinearClassifier } from 'cairn/ml'

export const TARGET = 'team'

export interface TrainParams {
  min_df: number
  ngram_max: number
  alpha: number
  epochs: number
}

/** The estimator train.ts fits (change the family or its params here and in params.yaml). */
export function makeEstimator(p: TrainParams): Estimator {
  return textLinearClassifier({
    text: 'text',
    vectorizer: { kind: 'tfidf', minDf: p.min_df, tokenizer: { ngramRange: [1, p.ngram_max] } },
    loss: 'log',
    alpha: p.alpha,
    epochs: p.epochs,
  })
}

/** Metrics on held-out rows; the first one is what evaluate compares with the champion. */
export function score(model: Model, test: Frame): Record<string, number> {
  return scoreModel(model, test, { target: TARGET, metrics: ['accuracy', 'f1_macro'] })
}
`,
  featuresTest: `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { frameFromRows, getColumn } from 'cairn/data'
import { buildFeatures } from '../src/lib/features.js'

test('buildFeatures keeps the cleaned text and the team', () => {
  const frame = frameFromRows([{ ticket_id: 'a', channel: 'chat', text: '  My  INVOICE is wrong ', team: 'billing' }])
  const out = buildFeatures(frame)
  assert.deepEqual(out.columns.map((c) => c.name), ['text', 'team'])
  assert.equal((getColumn(out, 'text') as { values: string[] }).values[0], 'my invoice is wrong')
})
`,
  exampleRow: { text: 'i was charged twice for my subscription, please refund' },
}
