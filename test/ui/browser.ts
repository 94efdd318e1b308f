import { accessSync, constants } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { beforeAll } from 'vitest'

export const CHROMIUM = '/usr/bin/chromium'
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Screenshots land here (git-ignored). */
export const SHOT_DIR = join(repoRoot, 'test-results', 'ui')

/**
 * Whether Debian's chromium is installed. Missing on a laptop: the tests skip (and say why);
 * missing on CI (`CI=true`): the tests fail naming the package.
 */
export function useChromium(): { skip: boolean } {
  let present = true
  try {
    accessSync(CHROMIUM, constants.X_OK)
  } catch {
    present = false
  }
  const ci = process.env.CI === 'true' || process.env.CI === '1'
  if (!present && ci) {
    beforeAll(() => {
      throw new Error(`The UI tests need ${CHROMIUM} (Debian package chromium) and CI must have it`)
    })
    return { skip: false }
  }
  if (!present)
    process.stderr.write(`skipping the UI tests: ${CHROMIUM} is not installed (apt-get install chromium)\n`)
  return { skip: !present }
}

/** Headless Chromium with a fresh profile; close() removes the profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'cairn-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}

/** Errors the page threw or logged (failed requests the test provokes on purpose are left out). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(`console: ${m.text()}`)
  })
  return errors
}

/** Save a full-page screenshot as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SHOT_DIR, { recursive: true })
  const path = join(SHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
