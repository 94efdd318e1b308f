#!/usr/bin/env node
// The `cairn` command: runs the compiled CLI, or the TypeScript sources through tsx in a
// development checkout that has not been built (or when CAIRN_FROM_SOURCE=1).
import { existsSync } from 'node:fs'

const dist = new URL('../dist/cli/main.js', import.meta.url)
const src = new URL('../src/cli/main.ts', import.meta.url)
if (existsSync(dist) && process.env.CAIRN_FROM_SOURCE !== '1') {
  await import(dist.href)
} else if (existsSync(src)) {
  const { register } = await import('tsx/esm/api')
  register()
  await import(src.href)
} else {
  process.stderr.write('cairn: dist/ is missing; run `npm run build`\n')
  process.exit(1)
}
