import { join } from 'node:path'
import { oncePerRun } from '../support/once-per-run.js'
import { repoRoot } from './browser.js'

/**
 * Build the UI from the sources (the tests check the code as it is, not an old build), once per
 * test run for every UI test file; returns the folder of the built app.
 */
export function builtUi(): Promise<string> {
  return oncePerRun('ui-build', async (outDir) => {
    const { build } = await import('vite')
    await build({
      configFile: join(repoRoot, 'ui', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    })
    return outDir
  })
}
