import { type ChildProcess, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DemoFacts } from '../../src/demo/index.js'
import { demoOutput } from '../support/demo-output.js'
import { launchBrowser, screenshot, useChromium, watchErrors } from './browser.js'
import { builtUi } from './build-ui.js'

const bin = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url))
const chromium = useChromium()

/** `cairn server` started in `cwd` as a user would; resolves with its web UI address. */
function startCairnServer(cwd: string, uiDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'server', '--port', '0'], {
      cwd,
      env: { ...process.env, CAIRN_FROM_SOURCE: '1', NO_COLOR: '1', CAIRN_UI_DIR: uiDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const timer = setTimeout(() => reject(new Error(`cairn server did not start:\n${out}`)), 60_000)
    const onData = (b: Buffer) => {
      out += b.toString()
      const url = /web UI:\s+(http:\/\/\S+?)\/?\s/.exec(out)?.[1]
      if (url) {
        clearTimeout(timer)
        resolve({ child, url })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`cairn server exited (${code}):\n${out}`))
    })
  })
}

/**
 * The README's main job, seen in the browser: `cairn demo --exit` (shared with the demo's
 * end-to-end test), then `cairn server` in the demo's folder; the web UI shows the demo's runs,
 * its model with the champion alias the retraining gate moved, the pipeline's DAG, the drift of
 * the storm day, and predicts from the champion in the playground. Nothing here changes the
 * project (the demo's end-to-end test reads it at the same time).
 */
describe.skipIf(chromium.skip)('web UI on the demo project', () => {
  let project: string
  let facts: DemoFacts
  let server: { child: ChildProcess; url: string }
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let context: BrowserContext

  beforeAll(async () => {
    const [demo, uiDir] = await Promise.all([demoOutput(), builtUi()])
    if (demo.code !== 0) throw new Error(`cairn demo failed (${demo.code}):\n${demo.stdout}\n${demo.stderr}`)
    expect(demo.stdout).toMatch(/web UI\s+http:\/\/127\.0\.0\.1:\d+\//)
    project = demo.project
    facts = JSON.parse(await readFile(join(project, 'demo-facts.json'), 'utf8')) as DemoFacts
    server = await startCairnServer(project, uiDir)
    browser = await launchBrowser()
    context = browser.context
  }, 400_000)

  afterAll(async () => {
    await browser?.close()
    const child = server?.child
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  })

  async function open(hash: string, ready: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage()
    const errors = watchErrors(page)
    await page.goto(`${server.url}/${hash}`)
    await page.locator(ready).first().waitFor({ state: 'visible', timeout: 15_000 })
    return { page, errors }
  }

  it("shows the demo's runs, and a filter finds its tuning trials", async () => {
    const home = await open('#/', '[data-testid=stat-runs]')
    await expect
      .poll(() => home.page.locator('[data-testid=stat-runs] .n').textContent())
      .toBe(String(facts.runsLogged))
    expect(await home.page.locator('[data-testid=stat-models] .n').textContent()).toBe('1')
    await screenshot(home.page, 'demo-overview')
    expect(home.errors).toEqual([])
    await home.page.close()

    const { page, errors } = await open('#/experiments', '[data-testid=experiments-table] tbody tr')
    await page.click('[data-testid=experiments-table] a:has-text("flights-delay")')
    await page.locator('[data-testid=run-row]').first().waitFor()
    const names = await page.locator('[data-testid=run-row] a').allTextContents()
    expect(names).toContain('train (initial)')
    expect(names).toContain('retrain (monitoring)')
    await page.fill(
      '[data-testid=filter-input]',
      "attributes.run_name LIKE '%-trial-%' and metrics.cv_rmse > 0",
    )
    await page.keyboard.press('Enter')
    await expect
      .poll(async () => (await page.locator('[data-testid=run-row] a').allTextContents()).join(' '))
      .not.toContain('flights:')
    const trials = await page.locator('[data-testid=run-row] a').allTextContents()
    expect(trials.length).toBeGreaterThanOrEqual(2 * 9)
    expect(trials.every((n) => /-trial-\d+$/.test(n))).toBe(true)
    await screenshot(page, 'demo-runs-trials')
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows the model with @champion on the version the gate promoted, and the decision', async () => {
    const champion = facts.pipelineRuns.at(-1)?.registered.version
    const { page, errors } = await open('#/models/flights-delay', '[data-testid=versions-table] tbody tr')
    expect(await page.locator('[data-testid=alias-champion]').getAttribute('data-version')).toBe(
      String(champion),
    )
    await page.locator('[data-testid=model-history] li[data-kind=gate_promote]').waitFor()
    expect(
      await page.locator('[data-testid=model-history] li[data-kind=gate_promote]').textContent(),
    ).toMatch(/promot/i)
    await screenshot(page, 'demo-model')
    expect(errors).toEqual([])
    await page.close()
  })

  it("draws the pipeline's DAG from its recorded runs", async () => {
    const { page, errors } = await open('#/pipelines', '[data-testid=dag-node]')
    const stages = await page
      .locator('[data-testid=dag-node]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-stage'), e.getAttribute('data-status')]))
    expect(stages).toEqual(
      ['validate', 'features', 'train', 'evaluate', 'register'].map((s) => [s, 'succeeded']),
    )
    // validate → features → train → evaluate → register, and the shortcuts from cairn.lock
    expect(await page.locator('[data-testid=dag] .dag-edge').count()).toBeGreaterThanOrEqual(4)
    expect(await page.locator('[data-testid=pipeline-runs] tr').count()).toBe(facts.pipelineRuns.length)
    await page.click('[data-testid=dag-node][data-stage=train]')
    await page.locator('[data-testid=stage-detail]').waitFor()
    expect(await page.locator('[data-testid=stage-detail]').textContent()).toContain('models/candidates')
    await screenshot(page, 'demo-pipeline')
    expect(errors).toEqual([])
    await page.close()
  })

  it('opens the drift view: the storm day drifted on origin and destination, alerts firing', async () => {
    const storm = facts.days.find((d) => d.storm)
    const { page, errors } = await open('#/monitoring/flights', '[data-testid=drift-matrix]')
    await page.locator('[data-testid=feature-table] tr[data-feature=origin]').waitFor()
    for (const c of storm?.columns ?? [])
      expect(
        await page
          .locator(`[data-testid=feature-table] tr[data-feature=${c.column}]`)
          .getAttribute('data-drifted'),
        c.column,
      ).toBe(String(c.drifted))
    expect(storm?.columns.some((c) => c.drifted)).toBe(true)
    // windows are named by their day, the storm day first (newest)
    const windows = await page.locator('[data-testid=window-select] option').allTextContents()
    expect(windows).toHaveLength(facts.days.length)
    expect(windows[0]).toContain(storm?.day)
    expect(windows[0]).toContain('drift')
    const firing = await page.locator('[data-testid=alerts] [data-status=firing]').allTextContents()
    expect(firing.join(' ')).toContain('FlightsDrift')
    await screenshot(page, 'demo-drift')
    expect(errors).toEqual([])
    await page.close()
  })

  it('predicts a delay from the champion in the playground', async () => {
    const { page, errors } = await open(
      `#/playground?model=${encodeURIComponent('models:/flights-delay@champion')}`,
      '[data-field=origin]',
    )
    await page.fill('[data-field=dep_hour]', '18')
    await page.fill('[data-field=distance]', '740')
    await page.selectOption('select[data-field=origin]', 'ORD')
    await page.selectOption('select[data-field=destination]', 'LGA')
    await page.click('[data-testid=predict]')
    await page.locator('[data-testid=prediction-value]').waitFor()
    const value = Number(
      (await page.locator('[data-testid=prediction-value]').textContent())?.replace(/,/g, ''),
    )
    expect(Number.isFinite(value)).toBe(true)
    await screenshot(page, 'demo-playground')
    expect(errors).toEqual([])
    await page.close()
  })
})
