import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { CairnError, formatError } from '../../core/index.js'
import { definePipeline } from '../definition/define-pipeline.js'
import { loadPipelines } from '../definition/load-pipelines.js'
import { makeProject, statuses, type TestProject } from '../testing/fixture.js'

const CORE = fileURLToPath(new URL('../../core/index.ts', import.meta.url))

let p: TestProject | undefined
afterEach(async () => {
  await p?.dispose()
  p = undefined
})

describe("a failed stage's own error", () => {
  it('a run: stage that throws a CairnError keeps its code, message and hint; no stack trace', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  deploy:
    run: stages/deploy.ts#deploy
    outs: [deployed.json]
`,
      'stages/deploy.ts': `
import { CairnError } from ${JSON.stringify(CORE)}
export async function deploy(ctx: { log(m: string): void }) {
  ctx.log('comparing with the champion')
  throw new CairnError('CAIRN_GATE_REJECTED', 'Deployment blocked: housing rmse 0.61 > 0.52', {
    details: { candidate: 'gbt' },
    hint: 'The champion keeps serving. Improve the model and run again.',
  })
}
`,
    })
    const result = await p.run()
    expect(statuses(result)).toEqual({ deploy: 'failed' })
    const err = result.error
    expect(err?.code).toBe('CAIRN_STAGE_FAILED')
    expect(err?.message).toBe(
      "Stage 'deploy' failed: CAIRN_GATE_REJECTED: Deployment blocked: housing rmse 0.61 > 0.52",
    )
    expect(err?.hint).toBe('The champion keeps serving. Improve the model and run again.')
    expect(err?.details?.cause).toEqual({
      name: 'CairnError',
      code: 'CAIRN_GATE_REJECTED',
      message: 'Deployment blocked: housing rmse 0.61 > 0.52',
      hint: 'The champion keeps serving. Improve the model and run again.',
      details: { candidate: 'gbt' },
    })
    const printed = formatError(err)
    expect(printed).toBe(
      "CAIRN_STAGE_FAILED: Stage 'deploy' failed: CAIRN_GATE_REJECTED: Deployment blocked: housing rmse 0.61 > 0.52\nhint: The champion keeps serving. Improve the model and run again.",
    )
    // the stack stays in the stage's log, for --verbose and debugging
    const log = await readFile(err?.details?.log as string, 'utf8')
    expect(log).toContain('comparing with the champion')
    expect(log).toMatch(/CAIRN_GATE_REJECTED: Deployment blocked[^\n]*\nhint: The champion[^\n]*\n\s+at /)
  })

  it('a run: stage that throws a plain Error reports its class and message and points at the log', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  broken:
    run: stages/broken.ts#broken
    outs: [x.json]
`,
      'stages/broken.ts': `
export async function broken() {
  const model: { predict?: () => number } = {}
  return model.predict!()
}
`,
    })
    const err = (await p.run()).error
    expect(err?.code).toBe('CAIRN_STAGE_FAILED')
    expect(err?.message).toMatch(/^Stage 'broken' failed: TypeError: .*predict is not a function$/)
    expect(err?.message).not.toContain('    at ')
    expect(err?.hint).toMatch(/^See the whole log: .*default\.broken\.1\.log \(it has the stack trace\)$/)
    expect(err?.details?.cause).toMatchObject({ name: 'TypeError' })
    expect(err?.details?.cause).not.toHaveProperty('code')
  })

  it('a function stage (defined in TypeScript) that throws a CairnError keeps it too', async () => {
    p = await makeProject({})
    const def = definePipeline({
      stages: {
        check: {
          run: async () => {
            throw new CairnError('CAIRN_VALIDATION_FAILED', 'column age has 12% missing values', {
              hint: 'Fix the source data or relax expectations.yaml',
            })
          },
          outs: ['checked.txt'],
        },
      },
    })
    const project = await loadPipelines({ root: p.root, file: {}, definitions: { default: def } })
    const err = (await p.run({ project })).error
    expect(err?.message).toBe(
      "Stage 'check' failed: CAIRN_VALIDATION_FAILED: column age has 12% missing values",
    )
    expect(err?.hint).toBe('Fix the source data or relax expectations.yaml')
  })

  it('a cmd stage that exits non-zero keeps the tail of its stderr, even after later stdout', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  fit:
    cmd: 'echo "loading data"; echo "ValueError: Input contains NaN" >&2; for i in 1 2 3 4 5 6 7 8; do echo "progress $i"; done; exit 3'
    outs: [model.bin]
`,
    })
    const err = (await p.run()).error
    expect(err?.code).toBe('CAIRN_STAGE_FAILED')
    expect(err?.message).toBe(
      "Stage 'fit' failed: its command exited with code 3\n  | ValueError: Input contains NaN",
    )
    expect(err?.details?.stderrTail).toBe('ValueError: Input contains NaN\n')
    expect(err?.details?.exitCode).toBe(3)
    expect(err?.hint).toMatch(/^See the whole log: /)
  })

  it('a cmd stage that prints a Cairn error (as the cairn CLI does) reports its code and hint', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  fetch:
    cmd: 'echo working; printf "\\033[31merror\\033[39m CAIRN_DATASET_NOT_FOUND: No dataset named raw@3\\nhint: List datasets with cairn data list\\n" >&2; exit 2'
    outs: [raw.csv]
`,
    })
    const err = (await p.run()).error
    expect(err?.message).toBe("Stage 'fetch' failed: CAIRN_DATASET_NOT_FOUND: No dataset named raw@3")
    expect(err?.hint).toBe('List datasets with cairn data list')
    expect(err?.details?.cause).toEqual({
      name: 'CairnError',
      code: 'CAIRN_DATASET_NOT_FOUND',
      message: 'No dataset named raw@3',
      hint: 'List datasets with cairn data list',
    })
  })
})
