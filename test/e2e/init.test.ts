import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url))
const env = { ...process.env, CAIRN_FROM_SOURCE: '1', NO_COLOR: '1' }

function run(
  cwd: string,
  command: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 180_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}
const cairn = (cwd: string, ...args: string[]) => run(cwd, process.execPath, [bin, ...args])

/** `cairn init` + `cairn run` + `cairn serve` in a temp folder, as a new user would. */
describe('cairn init, cairn run and cairn serve in a new project', () => {
  let dir: string
  let serving: ChildProcess | undefined

  beforeAll(async () => {
    // a generated project's stages import cairn through its package exports, i.e. the build
    if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url))))
      throw new Error('dist/ is missing: run `npm run build` (npm ci does it) before these tests')
    dir = await mkdtemp(join(tmpdir(), 'cairn-e2e-init-'))
  })
  afterAll(async () => {
    serving?.kill('SIGTERM')
    await rm(dir, { recursive: true, force: true })
  })

  it('scaffolds the tabular template with its layout and sample partitions', async () => {
    const r = await cairn(dir, 'init', 'churn-project', '--json')
    expect(r.code).toBe(0)
    const made = JSON.parse(r.stdout) as { files: string[]; partitions: string[]; rows: number }
    const root = join(dir, 'churn-project')
    for (const f of [
      'cairn.yaml',
      'params.yaml',
      '.gitignore',
      'README.md',
      'config/data.yaml',
      'config/model.yaml',
      'config/serving.yaml',
      'config/monitoring.yaml',
      'src/stages/ingest.ts',
      'src/stages/validate.ts',
      'src/stages/features.ts',
      'src/stages/train.ts',
      'src/stages/evaluate.ts',
      'tests/features.test.ts',
    ])
      expect(made.files).toContain(f)
    expect(made.partitions).toHaveLength(3)
    for (const day of made.partitions)
      expect(existsSync(join(root, 'data/raw', `dt=${day}`, 'customers.csv'))).toBe(true)
    const ignore = await readFile(join(root, '.gitignore'), 'utf8')
    for (const d of ['data/raw/', 'data/processed/', 'data/features/', '.cairn/']) expect(ignore).toContain(d)
    expect((await cairn(dir, 'init', 'churn-project')).code).toBe(2)
  })

  it('runs the pipeline at once, then finds it up to date', async () => {
    const root = join(dir, 'churn-project')
    const first = await cairn(root, 'run')
    expect(first.stderr + first.stdout).toMatch(/5 ran/)
    expect(first.code).toBe(0)
    const evaluation = JSON.parse(await readFile(join(root, 'metrics/evaluate.json'), 'utf8')) as Record<
      string,
      number | boolean
    >
    expect(evaluation.roc_auc).toBeGreaterThan(0.6)
    expect(evaluation).toMatchObject({ registered_version: 1, promoted: true })
    const again = await cairn(root, 'run')
    expect(again.code).toBe(0)
    expect(again.stderr + again.stdout).toMatch(/5 up to date/)
  })

  it("passes the project's own tests", async () => {
    const r = await run(join(dir, 'churn-project'), process.execPath, [
      '--import',
      'tsx',
      '--test',
      'tests/features.test.ts',
    ])
    expect(r.stdout).toMatch(/# pass 1/)
    expect(r.code).toBe(0)
  })

  it('serves the registered champion and answers a prediction', async () => {
    const root = join(dir, 'churn-project')
    serving = spawn(process.execPath, [bin, 'serve', '-c', 'config/serving.yaml', '--port', '0'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const url = await new Promise<string>((resolve, reject) => {
      let text = ''
      const timer = setTimeout(() => reject(new Error(`cairn serve did not start:\n${text}`)), 60_000)
      serving?.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
        const m = /listening on (http:\/\/\S+?)[\s)]/.exec(text)
        if (m?.[1]) {
          clearTimeout(timer)
          resolve(m[1])
        }
      })
    })
    const res = await fetch(`${url}/v1/models/churn/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        age: 35,
        tenure_months: 6,
        monthly_spend: 24.5,
        plan: 'basic',
        region: 'north',
        support_calls: 4,
        spend_per_tenure_month: 4.08,
      }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { version: string; predictions: { prediction: string }[] }
    expect(body.version).toBe('1')
    expect(['yes', 'no']).toContain(body.predictions[0]?.prediction)
  })

  it.each(['regression', 'text', 'ranking'])('runs the %s template end to end', async (template) => {
    const r = await cairn(dir, 'init', `${template}-project`, '--template', template)
    expect(r.code).toBe(0)
    const root = join(dir, `${template}-project`)
    const ran = await cairn(root, 'run')
    expect(ran.stderr + ran.stdout).toMatch(/5 ran/)
    expect(ran.code).toBe(0)
    const evaluation = JSON.parse(await readFile(join(root, 'metrics/evaluate.json'), 'utf8')) as Record<
      string,
      number
    >
    expect(evaluation.registered_version).toBe(1)
  })
})
