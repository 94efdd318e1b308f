// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${...} templates
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CairnValidationError, parseYaml } from '../../core/index.js'
import { definePipeline } from './define-pipeline.js'
import { loadPipelines } from './load-pipelines.js'

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cairn-def-'))
  await writeFile(
    join(root, 'params.yaml'),
    'train:\n  max_depth: 6\n  lr: 0.1\nfolds: [1, 2, 3]\nregions:\n  us: {rows: 10}\n  eu: {rows: 20}\n',
  )
  await writeFile(join(root, 'other.yaml'), 'seed: 7\n')
})
afterAll(() => rm(root, { recursive: true, force: true }))

async function load(yaml: string) {
  return loadPipelines({ root, file: parseYaml(yaml) as Record<string, unknown> })
}

async function loadError(yaml: string): Promise<CairnValidationError> {
  try {
    await load(yaml)
  } catch (err) {
    expect(err).toBeInstanceOf(CairnValidationError)
    return err as CairnValidationError
  }
  throw new Error('expected an error')
}

describe('loadPipelines', () => {
  it('resolves paths against wdir, gathers outs/metrics/plots and tracks templated params', async () => {
    const { pipelines } = await load(`
stages:
  train:
    cmd: python train.py --depth \${train.max_depth} --seed \${seed}
    wdir: src
    deps: [train.py, ../data/clean.csv]
    params: [train.lr, {../other.yaml: [seed]}]
    outs: [../models/model.bin, {../models/cache: {cache: false, persist: true}}]
    metrics: [../metrics.json]
    plots: [{../loss.csv: {x: step, y: loss, x_label: Step}}]
    timeout: 10m
    retries: 2
    retry_delay: 500ms
vars: [other.yaml]
`)
    const train = pipelines.get('default')?.stages.get('train')
    expect(train?.command).toEqual({ kind: 'cmd', cmd: 'python train.py --depth 6 --seed 7' })
    expect(train?.wdir).toBe('src')
    expect(train?.deps).toEqual([
      { kind: 'path', path: 'src/train.py' },
      { kind: 'path', path: 'data/clean.csv' },
    ])
    expect(train?.params).toEqual([
      { file: 'src/params.yaml', key: 'train.lr' },
      { file: 'other.yaml', key: 'seed' },
      { file: 'params.yaml', key: 'train.max_depth' },
    ])
    expect(train?.outs.map((o) => [o.path, o.role, o.cache, o.persist])).toEqual([
      ['models/model.bin', 'out', true, false],
      ['models/cache', 'out', false, true],
      ['metrics.json', 'metrics', true, false],
      ['loss.csv', 'plots', true, false],
    ])
    expect(train?.outs[3]?.plot).toEqual({ x: 'step', y: 'loss', xLabel: 'Step' })
    expect([train?.timeoutMs, train?.retries, train?.retryDelayMs]).toEqual([600_000, 2, 500])
  })

  it('fans out foreach over lists and mappings, and matrix over every combination', async () => {
    const { pipelines } = await load(`
stages:
  fold:
    foreach: \${folds}
    do:
      cmd: echo \${item} > fold\${item}.txt
      outs:
        - fold\${item}.txt
  region:
    foreach: \${regions}
    do:
      cmd: echo \${key} \${item.rows} > \${key}.txt
      outs:
        - \${key}.txt
  train:
    matrix:
      model: [xgb, rf]
      depth: [3, 6]
    cmd: train \${item.model} \${item.depth}
    outs:
      - m-\${item.model}-\${item.depth}.bin
`)
    const stages = pipelines.get('default')?.stages
    expect([...(stages?.keys() ?? [])]).toEqual([
      'fold@1',
      'fold@2',
      'fold@3',
      'region@us',
      'region@eu',
      'train@xgb-3',
      'train@xgb-6',
      'train@rf-3',
      'train@rf-6',
    ])
    expect(stages?.get('region@eu')?.command).toEqual({ kind: 'cmd', cmd: 'echo eu 20 > eu.txt' })
    expect(stages?.get('train@rf-6')?.outs[0]?.path).toBe('m-rf-6.bin')
    expect(stages?.get('train@rf-6')?.item).toEqual({ model: 'rf', depth: 6 })
  })

  it('reads several pipelines', async () => {
    const { pipelines } = await load(`
stages:
  a: {cmd: echo a > a.txt, outs: [a.txt]}
pipelines:
  nightly:
    stages:
      b: {cmd: echo b > b.txt, outs: [b.txt]}
`)
    expect([...pipelines.keys()]).toEqual(['default', 'nightly'])
    expect(pipelines.get('nightly')?.stages.get('b')?.pipeline).toBe('nightly')
  })

  it('reports every invalid field, naming the stage and the field', async () => {
    const err = await loadError(`
stages:
  train:
    cmd: python train.py
    dep: [x]
    outs: [a, 3]
  evaluate:
    deps: [model.bin]
  bad name:
    cmd: x
  wide:
    cmd: x
    timeout: forever
`)
    expect(err.code).toBe('CAIRN_PIPELINE_INVALID')
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i.message]))
    expect(byPath['stages.train']).toBe('unknown field(s): dep')
    expect(byPath['stages.train.outs[1]']).toBeDefined()
    expect(byPath['stages.evaluate.cmd']).toMatch(/exactly one of cmd .* or run/)
    expect(byPath['stages.bad name']).toMatch(/may only hold letters/)
    expect(byPath['stages.wide.timeout']).toMatch(/duration/)
  })

  it('names the stage, field and variable of an undefined template variable', async () => {
    const err = await loadError(`
stages:
  train:
    cmd: python train.py --depth \${train.nope}
`)
    expect(err.code).toBe('CAIRN_PARAM_UNDEFINED')
    expect(err.message).toBe(
      "Invalid pipeline definition: stages.train: stage 'train': field 'cmd': ${train.nope} is not defined",
    )
  })

  it('keeps escaped \\${...} literally', async () => {
    const { pipelines } = await load('stages:\n  a:\n    cmd: echo \\${HOME} ${train.lr}\n')
    expect(pipelines.get('default')?.stages.get('a')?.command).toEqual({
      kind: 'cmd',
      cmd: 'echo ${HOME} 0.1',
    })
  })

  it('refuses outputs outside the project and a list placed inside a string', async () => {
    const err = await loadError('stages:\n  a:\n    cmd: echo ${folds}\n    outs: [../../etc/x]\n')
    const messages = err.issues.map((i) => i.message).join('\n')
    expect(messages).toMatch(/is a list and cannot be placed inside a string/)
  })

  it('turns definePipeline objects into the same model, functions included', async () => {
    const fn = async () => {}
    const def = definePipeline({
      stages: {
        prepare: { cmd: ['mkdir -p out', 'echo ${train.lr} > out/x'], outs: ['out'] },
        train: { run: fn, deps: ['out'], params: ['train'], alwaysChanged: true, retryDelay: '2s' },
        fold: { foreach: [1, 2], do: { run: 'stages/fold.ts#fold', outs: ['fold-${item}.json'] } },
      },
    })
    const { pipelines } = await loadPipelines({ root, file: {}, definitions: { ml: def } })
    const stages = pipelines.get('ml')?.stages
    expect(stages?.get('prepare')?.command).toEqual({ kind: 'cmd', cmd: 'mkdir -p out && echo 0.1 > out/x' })
    expect(stages?.get('train')?.command.kind).toBe('function')
    expect(stages?.get('train')?.alwaysChanged).toBe(true)
    expect(stages?.get('train')?.retryDelayMs).toBe(2000)
    expect(stages?.get('fold@2')?.command).toEqual({
      kind: 'module',
      module: 'stages/fold.ts',
      export: 'fold',
    })
    expect(stages?.get('fold@2')?.deps).toEqual([{ kind: 'path', path: 'stages/fold.ts' }])
  })

  it('definePipeline checks fields at once', () => {
    expect(() => definePipeline({ stages: { a: { cmd: 'x', outs: [3 as unknown as string] } } })).toThrow(
      /stages\.a\.outs\[0\]/,
    )
  })
})
