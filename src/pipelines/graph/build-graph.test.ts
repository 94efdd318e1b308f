import { describe, expect, it } from 'vitest'
import { isCairnError } from '../../core/index.js'
import type { StageSpec } from '../model.js'
import { buildGraph, selectStages } from './build-graph.js'
import { drawDag, mermaidDag } from './draw-dag.js'

function stage(name: string, deps: string[], outs: string[], pipeline = 'default'): StageSpec {
  return {
    pipeline,
    name,
    command: { kind: 'cmd', cmd: name },
    wdir: '',
    deps: deps.map((path) => ({ kind: 'path', path })),
    params: [],
    outs: outs.map((path) => ({ path, cache: true, persist: false, role: 'out' })),
    frozen: false,
    alwaysChanged: false,
    timeoutMs: undefined,
    retries: 0,
    retryDelayMs: 0,
    env: {},
    desc: undefined,
    item: undefined,
  }
}

function thrown(fn: () => unknown) {
  try {
    fn()
  } catch (err) {
    if (isCairnError(err)) return err
    throw err
  }
  throw new Error('expected a CairnError')
}

const ml = [
  stage('evaluate', ['models/model.bin', 'data/split/test.csv'], ['metrics.json']),
  stage('ingest', ['raw.csv'], ['data/clean.csv']),
  stage('split', ['data/clean.csv'], ['data/split']),
  stage('train', ['data/split/train.csv'], ['models/model.bin']),
]

describe('buildGraph', () => {
  it('orders stages after the stages writing their deps, folders included', () => {
    const g = buildGraph(ml, 'test')
    expect(g.order).toEqual(['ingest', 'split', 'train', 'evaluate'])
    expect(g.upstream.get('evaluate')?.sort()).toEqual(['split', 'train'])
    expect(g.downstream.get('split')?.sort()).toEqual(['evaluate', 'train'])
  })

  it('names every stage of a cycle', () => {
    const err = thrown(() =>
      buildGraph(
        [
          stage('a', ['c.txt'], ['a.txt']),
          stage('b', ['a.txt'], ['b.txt']),
          stage('c', ['b.txt'], ['c.txt']),
        ],
        "Pipeline 'default'",
      ),
    )
    expect(err.code).toBe('CAIRN_PIPELINE_CYCLE')
    expect(err.message).toBe("Pipeline 'default' has a cycle: a → b → c → a")
  })

  it('refuses a stage reading its own output', () => {
    const err = thrown(() => buildGraph([stage('a', ['a.txt'], ['a.txt'])], 'x'))
    expect(err.code).toBe('CAIRN_PIPELINE_CYCLE')
    expect(err.message).toBe("Stage 'a' depends on its own output ('a.txt')")
  })

  it('refuses an output claimed by two stages, also when one holds the other', () => {
    const same = thrown(() => buildGraph([stage('a', [], ['out.csv']), stage('b', [], ['out.csv'])], 'x'))
    expect(same.code).toBe('CAIRN_OUTPUT_CONFLICT')
    expect(same.message).toBe("Output 'out.csv' of stage 'b' is also claimed by stage 'a'")
    const nested = thrown(() => buildGraph([stage('a', [], ['data']), stage('b', [], ['data/x.csv'])], 'x'))
    expect(nested.message).toBe("Output 'data/x.csv' of stage 'b' is also claimed by stage 'a' (as 'data')")
  })

  it('selects targets with their upstream, alone, or with their downstream', () => {
    const g = buildGraph(ml, 'test')
    expect(selectStages(g, ['train'])).toEqual(['ingest', 'split', 'train'])
    expect(selectStages(g, ['train'], { single: true })).toEqual(['train'])
    expect(selectStages(g, ['split'], { downstream: true })).toEqual(['split', 'train', 'evaluate'])
    const err = thrown(() => selectStages(g, ['nope']))
    expect(err.code).toBe('CAIRN_STAGE_NOT_FOUND')
    expect(err.hint).toBe('Stages: ingest, split, train, evaluate')
  })

  it('draws the graph for a terminal and as Mermaid', () => {
    const g = buildGraph(ml, 'test')
    const art = drawDag(g)
    for (const name of ['ingest', 'split', 'train', 'evaluate']) expect(art).toContain(`| ${name} |`)
    const lines = art.split('\n')
    const row = (name: string) => lines.findIndex((l) => l.includes(`| ${name} |`))
    expect(row('ingest')).toBeLessThan(row('split'))
    expect(row('split')).toBeLessThan(row('train'))
    expect(row('train')).toBeLessThan(row('evaluate'))
    expect(art).toContain('v')
    expect(mermaidDag(g)).toBe(
      'flowchart TD\n  s0["ingest"]\n  s1["split"]\n  s2["train"]\n  s3["evaluate"]\n  s0 --> s1\n  s1 --> s3\n  s1 --> s2\n  s2 --> s3\n',
    )
  })
})
