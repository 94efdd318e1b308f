import { accessSync, constants } from 'node:fs'
import { beforeAll } from 'vitest'

/**
 * A binary a test file needs (promtool, prometheus-alertmanager, chromium). When it is missing:
 * with `requiredOnCi` and CI=true the file's tests fail naming the package; otherwise `skip` is
 * true and the reason is printed.
 */
export function useBinary(
  path: string,
  debianPackage: string,
  options: { requiredOnCi?: boolean } = {},
): { skip: boolean; path: string } {
  let present = true
  try {
    accessSync(path, constants.X_OK)
  } catch {
    present = false
  }
  const ci = process.env.CI === 'true' || process.env.CI === '1'
  if (!present && ci && options.requiredOnCi) {
    beforeAll(() => {
      throw new Error(`This test needs ${path} (Debian package ${debianPackage}) and CI must have it`)
    })
    return { skip: false, path }
  }
  if (!present) process.stderr.write(`skipping: ${path} not installed (apt-get install ${debianPackage})\n`)
  return { skip: !present, path }
}
