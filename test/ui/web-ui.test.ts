import { rm } from 'node:fs/promises'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/server/index.js'
import { launchBrowser, screenshot, useChromium, watchErrors } from './browser.js'
import { builtUi } from './build-ui.js'
import { type SeededProject, seedProject } from './seed.js'

const chromium = useChromium()

describe.skipIf(chromium.skip)('web UI in headless Chromium', () => {
  let seeded: SeededProject
  let uiDir: string
  let server: RunningServer
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let context: BrowserContext

  beforeAll(async () => {
    const [project, built] = await Promise.all([seedProject(), builtUi()])
    seeded = project
    uiDir = built
    server = await startServer({
      cwd: seeded.dir,
      backendStoreUri: seeded.trackingUri,
      artifactsDestination: seeded.artifactsUri,
      port: 0,
      uiDir,
    })
    browser = await launchBrowser()
    context = browser.context
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (seeded) await rm(seeded.dir, { recursive: true, force: true })
  })

  /** Open a page of the app and wait until `ready` is visible; the page must not throw. */
  async function open(hash: string, ready: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage()
    const errors = watchErrors(page)
    await page.goto(`${server.url}/${hash}`)
    await page.locator(ready).first().waitFor({ state: 'visible', timeout: 15_000 })
    return { page, errors }
  }

  it('serves the app at / and its assets with long-lived caching', async () => {
    const res = await fetch(`${server.url}/`)
    expect(res.status).toBe(200)
    const html = await res.text()
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(asset).toBeDefined()
    const js = await fetch(`${server.url}/${asset}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toContain('immutable')
    expect((await fetch(`${server.url}/assets/..%2f..%2fpackage.json`)).status).toBe(404)
    const { page } = await open('#/', '[data-testid=stat-runs]')
    await screenshot(page, 'app-served')
    await page.close()
  })

  it('the overview counts what the stores hold', async () => {
    const { page, errors } = await open('#/', '[data-testid=stat-runs]')
    await expect.poll(() => page.locator('[data-testid=stat-runs] .n').textContent()).toBe('32')
    expect(await page.locator('[data-testid=stat-models] .n').textContent()).toBe('2')
    expect(await page.locator('[data-testid=stat-alerts] .n').textContent()).toBe('2')
    await screenshot(page, 'overview')
    expect(errors).toEqual([])
    await page.close()
  })

  it('loads every page without errors', async () => {
    const s = seeded
    const pages: [string, string, string][] = [
      ['experiments', '#/experiments', '[data-testid=experiments-table] tbody tr'],
      ['runs-table', `#/experiments/${s.experiments.housing}`, '[data-testid=run-row]'],
      ['empty-experiment', `#/experiments/${s.experiments.empty}`, '[data-testid=empty-state]'],
      ['run-overview', `#/runs/${s.runs.best}`, '[data-testid=params-table]'],
      ['run-metrics', `#/runs/${s.runs.long}?tab=metrics`, '[data-testid=metric-chart] canvas'],
      [
        'run-artifacts-image',
        `#/runs/${s.runs.best}?tab=artifacts&path=plots/residuals.png`,
        '[data-testid=preview-image]',
      ],
      [
        'run-artifacts-csv',
        `#/runs/${s.runs.best}?tab=artifacts&path=predictions/sample.csv`,
        '[data-testid=preview-csv] td',
      ],
      [
        'run-artifacts-json',
        `#/runs/${s.runs.best}?tab=artifacts&path=metrics.json`,
        '[data-testid=preview-json]',
      ],
      [
        'run-artifacts-text',
        `#/runs/${s.runs.best}?tab=artifacts&path=notes/summary.md`,
        '[data-testid=preview-text]',
      ],
      [
        'run-artifacts-model',
        `#/runs/${s.runs.best}?tab=artifacts&path=model`,
        '[data-testid=preview-model] [data-testid=signature]',
      ],
      ['run-lineage', `#/runs/${s.runs.best}?tab=lineage`, '[data-testid=lineage-models] a'],
      ['sweep-lineage', `#/runs/${s.runs.sweepParent}?tab=lineage`, '[data-testid=compare-children]'],
      ['models', '#/models', '[data-testid=models-table] tbody tr'],
      ['model', '#/models/housing', '[data-testid=model-history] li[data-kind=gate_reject]'],
      ['model-version', '#/models/housing/versions/2', '[data-testid=signature] tbody tr'],
      ['datasets', '#/data', '[data-testid=datasets-table] tbody tr'],
      ['dataset-profile', '#/data/housing', '[data-testid=column-profile] [data-testid=histogram]'],
      ['dataset-rows', '#/data/housing?tab=rows', '[data-testid=rows-table] tbody tr'],
      [
        'dataset-validation',
        '#/data/housing?tab=validation',
        '[data-testid=validation] [data-testid=rows-table] tbody tr',
      ],
      ['pipelines', '#/pipelines', '[data-testid=dag-node]'],
      ['monitoring', '#/monitoring', '[data-testid=monitors-table] tbody tr'],
      ['monitor', '#/monitoring/churn', '[data-testid=feature-table] [data-testid=histogram]'],
      ['monitor-quality', '#/monitoring/churn?tab=quality', '[data-testid=quality-table] tbody tr'],
      ['monitor-performance', '#/monitoring/churn?tab=performance', '[data-testid=performance-chart] canvas'],
      ['playground', '#/playground', '[data-testid=playground-form] [data-field]'],
    ]
    for (const [name, hash, ready] of pages) {
      const { page, errors } = await open(hash, ready)
      await screenshot(page, `page-${name}`)
      expect(errors, `${name}: ${hash}`).toEqual([])
      await page.close()
    }
  })

  it('shows a clear page for a deleted run, a missing run, a missing artifact and an unknown page', async () => {
    const deleted = await open(`#/runs/${seeded.runs.deleted}`, '[data-testid=deleted-run]')
    expect(await deleted.page.locator('[data-testid=deleted-run]').textContent()).toContain('deleted')
    await screenshot(deleted.page, 'deleted-run')
    await deleted.page.close()

    const missing = await open('#/runs/0123456789abcdef0123456789abcdef', '[data-testid=not-found]')
    expect(await missing.page.locator('[data-testid=not-found]').textContent()).toContain(
      'CAIRN_RUN_NOT_FOUND',
    )
    await screenshot(missing.page, 'missing-run')
    await missing.page.close()

    const artifact = await open(
      `#/runs/${seeded.runs.best}?tab=artifacts&path=reports/nope.html`,
      '[data-testid=preview-error]',
    )
    expect(await artifact.page.locator('[data-testid=preview-error]').textContent()).toContain(
      'CAIRN_ARTIFACT_NOT_FOUND',
    )
    await screenshot(artifact.page, 'missing-artifact')
    await artifact.page.close()

    const nowhere = await open('#/no/such/page', '[data-testid=not-found]')
    await nowhere.page.close()
    const model = await open('#/models/nope', '[data-testid=not-found]')
    expect(await model.page.locator('[data-testid=not-found]').textContent()).toContain(
      'CAIRN_MODEL_NOT_FOUND',
    )
    await model.page.close()
  })

  it('searches runs with a filter, keeps it in the URL, and sorts on the server', async () => {
    const { page, errors } = await open(
      `#/experiments/${seeded.experiments.housing}`,
      '[data-testid=run-row]',
    )
    await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(6)
    await page.fill('[data-testid=filter-input]', "params.model = 'gbdt' and metrics.rmse < 47000")
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(1)
    expect(await page.locator('[data-testid=run-row] a').first().textContent()).toBe('gbdt-5')
    const query = new URLSearchParams(page.url().split('?')[1])
    expect(query.get('q')).toBe("params.model = 'gbdt' and metrics.rmse < 47000")
    await screenshot(page, 'runs-filtered')

    await page.click('button:has-text("Clear")')
    await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(6)
    await page.click('[data-sort-key="metrics.rmse"]')
    await page.locator('[data-testid=runs-table][data-state=ready][data-order="metrics.rmse ASC"]').waitFor()
    const ascending = await page.locator('[data-testid=run-row] a').allTextContents()
    expect(ascending[0]).toBe('gbdt-5')
    expect(ascending[5]).toBe('linear-1')
    await page.click('[data-sort-key="metrics.rmse"]')
    await page.locator('[data-testid=runs-table][data-state=ready][data-order="metrics.rmse DESC"]').waitFor()
    expect((await page.locator('[data-testid=run-row] a').allTextContents())[0]).toBe('linear-1')
    expect(page.url()).toContain('order=metrics.rmse%3Adesc')
    await screenshot(page, 'runs-sorted')
    expect(errors).toEqual([])
    await page.close()
  })

  it('an invalid filter shows the server error pointing at the token', async () => {
    const { page, errors } = await open(
      `#/experiments/${seeded.experiments.housing}`,
      '[data-testid=run-row]',
    )
    await page.fill('[data-testid=filter-input]', 'metrics.rmse <<< 3')
    await page.keyboard.press('Enter')
    const err = page.locator('[data-testid=filter-error]')
    await err.waitFor()
    expect(await err.textContent()).toContain('CAIRN_INVALID_FILTER')
    expect(await page.locator('[data-testid=filter-error-mark] mark').textContent()).toBe('<<')
    // the runs shown before stay on screen
    expect(await page.locator('[data-testid=run-row]').count()).toBe(6)
    await screenshot(page, 'invalid-filter')
    expect(errors).toEqual([])
    await page.close()
  })

  it('compares two runs: diff table, overlaid charts, parallel coordinates', async () => {
    const { page, errors } = await open(
      `#/experiments/${seeded.experiments.housing}?order=metrics.rmse:asc`,
      '[data-testid=runs-table][data-state=ready]',
    )
    const boxes = page.locator('[data-testid=run-row] input[type=checkbox]')
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await page.click('[data-testid=compare-button]')
    await page.locator('[data-testid=diff-table]').waitFor()
    const differing = await page
      .locator('[data-testid=diff-table] tr[data-differs=true] td:first-child')
      .allTextContents()
    expect(differing.join(' ')).toContain('max_depth')
    expect(differing.join(' ')).toContain('rmse')
    const same = await page
      .locator('[data-testid=diff-table] tr[data-differs=false] td:first-child')
      .allTextContents()
    expect(same.join(' ')).toContain('features')
    await screenshot(page, 'compare-table')
    await page.click('[data-tab=charts]')
    await page.locator('[data-testid=metric-chart][data-metric=val_rmse] canvas').waitFor()
    expect(
      await page.locator('[data-testid=metric-chart][data-metric=val_rmse] .u-legend .u-series').count(),
    ).toBeGreaterThanOrEqual(3)
    await screenshot(page, 'compare-charts')

    await page.goto(`${server.url}/#/compare?view=parallel&runs=${seeded.runs.sweepChildren.join(',')}`)
    await page.locator('[data-testid=parallel-coordinates] polyline').first().waitFor()
    expect(await page.locator('[data-testid=parallel-coordinates] polyline').count()).toBe(24)
    await screenshot(page, 'compare-parallel')
    expect(errors).toEqual([])
    await page.close()
  })

  it('metric charts downsample on the server and zoom into a range', async () => {
    const { page, errors } = await open(
      `#/runs/${seeded.runs.long}?tab=metrics`,
      '[data-testid=metric-chart][data-metric=train_loss] canvas',
    )
    const chart = page.locator('[data-testid=metric-chart][data-metric=train_loss]')
    expect(await chart.textContent()).toContain('of 20,000 points')
    const before = Number(await chart.getAttribute('data-points'))
    expect(before).toBeLessThanOrEqual(1000)
    const over = chart.locator('.u-over')
    await over.waitFor()
    await page.waitForTimeout(200)
    const box = await over.boundingBox()
    if (!box) throw new Error('no chart area')
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2, { steps: 5 })
    await page.mouse.up()
    await chart.locator('button:has-text("Reset zoom")').waitFor()
    await expect.poll(async () => (await chart.textContent()) ?? '').not.toContain('of 20,000 points')
    await page.check('[data-testid=log-scale]')
    await page.locator('[data-testid=smoothing]').fill('0.8')
    expect(page.url()).toContain('log=1')
    expect(page.url()).toContain('smooth=0.8')
    // changing the display keeps the zoomed range
    await page.waitForTimeout(300)
    expect(await chart.textContent()).not.toContain('of 20,000 points')
    expect(await chart.locator('button:has-text("Reset zoom")').count()).toBe(1)
    await screenshot(page, 'run-metrics-zoomed')
    expect(errors).toEqual([])
    await page.close()
  })

  it('promotes a model version and the alias moves; a bad alias changes nothing', async () => {
    const { page, errors } = await open('#/models/housing', '[data-testid=versions-table] tbody tr')
    expect(await page.locator('[data-testid=alias-champion]').getAttribute('data-version')).toBe('2')
    await page.click('[data-testid=promote-v3]')
    await page.fill('[data-testid=alias-input]', 'champion')
    await screenshot(page, 'promote-dialog')
    await page.click('[data-testid=confirm-action]')
    await page.locator('[data-testid=flash]').waitFor()
    await expect
      .poll(() => page.locator('[data-testid=alias-champion]').getAttribute('data-version'))
      .toBe('3')
    await page.locator('[data-testid=model-history] li[data-kind=alias_set]').first().waitFor()
    expect(await page.locator('[data-testid=model-history] li').first().textContent()).toContain(
      '@champion moved v2 → v3',
    )
    await screenshot(page, 'promoted')

    await page.click('[data-testid=promote-v1]')
    await page.fill('[data-testid=alias-input]', 'not valid!')
    await page.click('[data-testid=confirm-action]')
    const error = page.locator('dialog [data-testid=error]')
    await error.waitFor()
    expect(await error.textContent()).toContain('CAIRN_INVALID_ARGUMENT')
    expect(await error.textContent()).toContain('Nothing was changed')
    await screenshot(page, 'promote-failed')
    await page.keyboard.press('Escape')
    const api = (await (await fetch(`${server.url}/api/v1/models/housing`)).json()) as {
      aliases: Record<string, number>
    }
    expect(api.aliases).toEqual({ champion: 3, challenger: 3 })
    expect(errors).toEqual([])
    await page.close()
  })

  it('archives a version after confirmation', async () => {
    const { page, errors } = await open('#/models/housing', '[data-testid=versions-table] tbody tr')
    await page.click('[data-testid=archive-v2]')
    await page.click('[data-testid=confirm-action]')
    await page.locator('[data-testid=flash]').waitFor()
    const v2 = (await (await fetch(`${server.url}/api/v1/models/housing/versions/2`)).json()) as {
      currentStage: string
    }
    expect(v2.currentStage).toBe('Archived')
    await screenshot(page, 'archived')
    expect(errors).toEqual([])
    await page.close()
  })

  it('opens a drift view: drifted windows, per-feature tests and overlaid histograms', async () => {
    const { page, errors } = await open('#/monitoring/churn', '[data-testid=drift-matrix]')
    await page.locator('[data-testid=feature-table] tr[data-feature=age]').waitFor()
    expect(
      await page.locator('[data-testid=feature-table] tr[data-feature=age]').getAttribute('data-drifted'),
    ).toBe('true')
    expect(
      await page.locator('[data-testid=feature-table] tr[data-feature=region]').getAttribute('data-drifted'),
    ).toBe('false')
    expect(await page.locator('[data-testid=drift-chart] canvas').count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid=alerts] [data-status=firing]').count()).toBeGreaterThan(0)
    await page.click('[data-testid=feature-table] tr[data-feature=age] button')
    expect(page.url()).toContain('feature=age')
    const hist = page.locator('[data-testid=feature-table] tr[data-feature=age] [data-testid=histogram]')
    expect(Number(await hist.getAttribute('width'))).toBeGreaterThan(400)
    await screenshot(page, 'drift-view')
    // an early window, before the shift: nothing drifted
    const first = await page.locator('[data-testid=window-select] option').last().getAttribute('value')
    await page.selectOption('[data-testid=window-select]', first ?? '')
    await expect.poll(() => page.locator('[data-testid=feature-table] tr[data-drifted=true]').count()).toBe(0)
    await screenshot(page, 'drift-view-early-window')
    expect(errors).toEqual([])
    await page.close()
  })

  it('the playground predicts from a form built from the signature, flags bad fields, and takes JSON batches', async () => {
    const { page, errors } = await open(
      `#/playground?model=${encodeURIComponent('models:/housing/2')}`,
      '[data-field=median_income]',
    )
    expect(await page.locator('select[data-field=ocean_proximity] option').allTextContents()).toContain(
      'NEAR BAY',
    )
    expect(await page.locator('[data-field=median_income]').getAttribute('max')).toBe('15')
    await page.fill('[data-field=median_income]', '8.3')
    await page.selectOption('select[data-field=ocean_proximity]', 'NEAR BAY')
    await page.click('[data-testid=predict]')
    await page.locator('[data-testid=prediction-value]').waitFor()
    expect(
      Number((await page.locator('[data-testid=prediction-value]').textContent())?.replace(/,/g, '')),
    ).toBeGreaterThan(100_000)
    expect(await page.locator('[data-testid=latency]').textContent()).toMatch(
      /model [\d.]+ ms · round trip \d+ ms/,
    )
    await screenshot(page, 'playground-form')

    await page.fill('[data-field=median_income]', '99')
    await page.click('[data-testid=predict]')
    await page.locator('[data-testid=issues]').waitFor()
    expect(await page.locator('[data-testid=issues]').textContent()).toContain('median_income')
    expect(await page.locator('[data-testid=error]').textContent()).toContain('CAIRN_VALIDATION_FAILED')
    expect(await page.locator('[data-field=median_income]').getAttribute('aria-invalid')).toBe('true')
    await screenshot(page, 'playground-invalid')

    await page.click('[data-testid=json-mode]')
    await page.locator('[data-testid=json-input]').waitFor()
    await page.fill(
      '[data-testid=json-input]',
      JSON.stringify([
        { median_income: 3, housing_median_age: 20, total_rooms: 1000, ocean_proximity: 'INLAND' },
        { median_income: 12, housing_median_age: 5, total_rooms: null, ocean_proximity: 'NEAR OCEAN' },
      ]),
    )
    await page.click('[data-testid=predict]')
    await page.locator('[data-testid=predictions-table] tbody tr').nth(1).waitFor()
    expect(await page.locator('[data-testid=predictions-table] tbody tr').count()).toBe(2)
    await screenshot(page, 'playground-json')

    await page.goto(`${server.url}/#/playground?model=${encodeURIComponent('models:/churn@production')}`)
    await page.locator('select[data-field=plan]').waitFor()
    await page.click('[data-testid=predict]')
    await page.locator('[data-testid=prediction] .prob-bar').first().waitFor()
    await screenshot(page, 'playground-classifier')
    expect(errors).toEqual([])
    await page.close()
  })

  it('runs a pipeline from the button and shows its stages, cache hits and logs', async () => {
    const { page, errors } = await open('#/pipelines', '[data-testid=dag-node]')
    expect(await page.locator('[data-testid=dag-node]').count()).toBe(4)
    // the seed's last run restored train from the cache
    expect(await page.locator('[data-testid=dag-node][data-stage=train]').getAttribute('data-status')).toBe(
      'cached',
    )
    const before = await page.locator('[data-testid=pipeline-runs] tr').count()
    await page.click('[data-testid=run-pipeline]')
    await page.click('label:has-text("Force") input')
    await page.click('[data-testid=confirm-run]')
    await page.locator('[data-testid=live-run][data-done=ok]').waitFor({ timeout: 30_000 })
    await expect.poll(() => page.locator('[data-testid=pipeline-runs] tr').count()).toBe(before + 1)
    await page.locator('[data-testid=dag-node][data-stage=train]').focus()
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=stage-detail] [data-testid=stage-log]').waitFor()
    expect(await page.locator('[data-testid=stage-detail] [data-testid=stage-log]').textContent()).toContain(
      'trained',
    )
    await screenshot(page, 'pipeline-run')
    expect(errors).toEqual([])
    await page.close()
  })

  it('switches to the dark theme, keeps it, and controls are reachable from the keyboard', async () => {
    const { page, errors } = await open('#/models', '[data-testid=models-table]')
    await page.click('[data-testid=theme-toggle]')
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark')
    await page.reload()
    await page.locator('[data-testid=models-table]').waitFor()
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark')
    await screenshot(page, 'dark-models')
    await page.goto(`${server.url}/#/monitoring/churn`)
    await page.locator('[data-testid=feature-table] [data-testid=histogram]').first().waitFor()
    await screenshot(page, 'dark-monitor')

    await page.goto(`${server.url}/#/experiments/${seeded.experiments.housing}`)
    await page.locator('[data-testid=run-row]').first().waitFor()
    const focused: string[] = []
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab')
      focused.push(
        await page.evaluate(
          "document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? ''",
        ),
      )
    }
    expect(focused).toContain('filter-input')
    expect(focused).toContain('columns-button')
    expect(errors).toEqual([])
    await page.close()
  })
})
