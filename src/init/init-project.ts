import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CairnError } from '../core/index.js'
import { projectFiles, sampleDays, toCsv } from './project-files.js'
import { TEMPLATE_NAMES, type TemplateName, type TemplateSpec } from './template.js'
import { ranking } from './templates/ranking.js'
import { regression } from './templates/regression.js'
import { tabular } from './templates/tabular.js'
import { text } from './templates/text.js'

/** Every template by name. */
export const TEMPLATES: Record<TemplateName, TemplateSpec> = { tabular, regression, text, ranking }

/** What `cairn init` is asked to do. */
export interface InitOptions {
  dir: string
  template?: TemplateName
  /** Project name (default: the folder's name). */
  name?: string
  /** Link node_modules/cairn and node_modules/tsx to this Cairn checkout (default true). */
  link?: boolean
  /** Days of sample data (default 3, ending yesterday). */
  sampleDays?: number
  /** The date sample partitions end before (default today). */
  today?: Date
}

/** What `cairn init` made. */
export interface InitResult {
  root: string
  template: TemplateName
  files: string[]
  partitions: string[]
  rows: number
  /** Where node_modules/cairn points (undefined without linking). */
  linkedTo: string | undefined
}

/** The Cairn checkout (or installed package) this code runs from. */
export function cairnRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url))
}

function tsxVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>
      dependencies?: Record<string, string>
    }
    return pkg.devDependencies?.tsx ?? pkg.dependencies?.tsx ?? '^4.20.0'
  } catch {
    return '^4.20.0'
  }
}

/**
 * Scaffold a project a team can grow: cairn.yaml and params.yaml, config/, typed stage modules in
 * src/stages/, a passing test, .gitignore, a README, and sample data in daily partitions
 * (data/raw/dt=YYYY-MM-DD/) so `cairn run` works at once. The project depends on this Cairn as a
 * `file:` dependency, and node_modules/cairn is linked to it so nothing needs the network.
 */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const template = options.template ?? 'tabular'
  const spec = TEMPLATES[template]
  if (!spec) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `Unknown template "${template}"`, {
      hint: `Use one of: ${TEMPLATE_NAMES.join(', ')}`,
    })
  }
  const root = resolve(options.dir)
  if (existsSync(root) && (await readdir(root)).length > 0) {
    throw new CairnError('CAIRN_CONFLICT', `${root} is not empty`, {
      hint: 'Give cairn init a new or empty folder.',
    })
  }
  const name =
    (options.name ?? basename(root)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'cairn-project'
  const cairn = cairnRoot()
  const files = projectFiles(spec, {
    name,
    cairnDependency: `file:${cairn}`,
    tsxVersion: tsxVersion(cairn),
  })
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
  for (const d of ['data/processed', 'data/features', 'models', 'metrics'])
    await mkdir(join(root, d), { recursive: true })
  const partitions = sampleDays(options.today ?? new Date(), options.sampleDays ?? 3)
  let rows = 0
  for (const [i, day] of partitions.entries()) {
    const sample = spec.sampleDay(i, 20261122)
    rows += sample.length
    const dir = join(root, 'data', 'raw', `dt=${day}`)
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, `${spec.dataset}.csv`), toCsv(sample))
  }
  let linkedTo: string | undefined
  if (options.link !== false) {
    await mkdir(join(root, 'node_modules', '.bin'), { recursive: true })
    await symlink(cairn, join(root, 'node_modules', 'cairn'), 'dir')
    const tsx = join(cairn, 'node_modules', 'tsx')
    if (existsSync(tsx)) await symlink(tsx, join(root, 'node_modules', 'tsx'), 'dir')
    await symlink(join('..', 'cairn', 'bin', 'cairn.js'), join(root, 'node_modules', '.bin', 'cairn'))
    linkedTo = cairn
  }
  return {
    root,
    template,
    files: Object.keys(files).map((f) => relative(root, join(root, f))),
    partitions,
    rows,
    linkedTo,
  }
}
