import { existsSync, lstatSync, realpathSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CairnError } from './errors.js'
import { readYamlFile } from './yaml-file.js'

/** The project file's name. */
export const PROJECT_FILE = 'cairn.yaml'
/** The folder holding the embedded store. */
export const STATE_DIR = '.cairn'

interface StoreSection {
  metadata?: string
  artifacts?: string
}

/** The keys of cairn.yaml this layer reads (checked by hand: every command reads this file at start-up). */
function checkProjectFile(raw: unknown): { path: string; message: string } | undefined {
  if (raw === null || raw === undefined) return undefined
  if (typeof raw !== 'object' || Array.isArray(raw)) return { path: '(root)', message: 'expected a mapping' }
  const file = raw as Record<string, unknown>
  if (file.project !== undefined && typeof file.project !== 'string') {
    return { path: 'project', message: 'expected a string' }
  }
  const store = file.store
  if (store === undefined) return undefined
  if (store === null || typeof store !== 'object' || Array.isArray(store)) {
    return { path: 'store', message: 'expected a mapping with metadata and/or artifacts' }
  }
  for (const [key, value] of Object.entries(store)) {
    if (key !== 'metadata' && key !== 'artifacts') {
      return { path: `store.${key}`, message: 'unknown key (expected metadata or artifacts)' }
    }
    if (value !== undefined && typeof value !== 'string')
      return { path: `store.${key}`, message: 'expected a string' }
  }
  return undefined
}

/** Where a project lives and which stores it uses. */
export interface ProjectConfig {
  /** Absolute project root (the folder of cairn.yaml, or the working folder). */
  root: string
  name: string
  /** Metadata store URI: `sqlite:///…` (default `.cairn/cairn.db`), `postgresql://…` or `http://host` for a remote server. */
  trackingUri: string
  /** Artifact store URI: `file:///…` (default `.cairn/artifacts`) or `s3://bucket/prefix`. */
  artifactsUri: string
  /** The parsed cairn.yaml (empty when there is none), for the layers that read their own sections. */
  file: Record<string, unknown>
}

/** Walk up from `start` to the nearest folder with cairn.yaml or .cairn/; `undefined` when none. */
export function findProjectRoot(start = process.cwd()): string | undefined {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(join(dir, PROJECT_FILE)) || existsSync(join(dir, STATE_DIR))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

export interface LoadProjectOptions {
  /** Where to start looking (default: the working folder). */
  cwd?: string
  /** Overrides cairn.yaml and `CAIRN_TRACKING_URI`. */
  trackingUri?: string
  /** Overrides cairn.yaml and `CAIRN_ARTIFACTS_URI`. */
  artifactsUri?: string
}

/**
 * Resolve the project: root, name and store URIs. Precedence: options, then the environment
 * (`CAIRN_TRACKING_URI`, `CAIRN_ARTIFACTS_URI`), then cairn.yaml's `store:`, then the embedded
 * default under `.cairn/`.
 */
export async function loadProjectConfig(options: LoadProjectOptions = {}): Promise<ProjectConfig> {
  const cwd = resolve(options.cwd ?? process.cwd())
  const root = findProjectRoot(cwd) ?? cwd
  const path = join(root, PROJECT_FILE)
  let file: Record<string, unknown> = {}
  if (existsSync(path)) {
    const raw = await readYamlFile(path)
    const issue = checkProjectFile(raw)
    if (issue) throw new CairnError('CAIRN_CONFIG_INVALID', `${path}: ${issue.path}: ${issue.message}`)
    file = (raw ?? {}) as Record<string, unknown>
  }
  const store = (file.store ?? {}) as StoreSection
  const home = storeRoot(root)
  const trackingUri =
    options.trackingUri ??
    process.env.CAIRN_TRACKING_URI ??
    store.metadata ??
    `sqlite:///${join(home, STATE_DIR, 'cairn.db')}`
  const artifactsUri =
    options.artifactsUri ??
    process.env.CAIRN_ARTIFACTS_URI ??
    store.artifacts ??
    pathToFileURL(join(home, STATE_DIR, 'artifacts')).href
  const name = typeof file.project === 'string' ? file.project : (root.split('/').pop() ?? 'cairn')
  return { root, name, trackingUri: absolutizeSqlite(trackingUri, home), artifactsUri, file }
}

/**
 * The folder the default stores live in: the project itself, or, when its cairn.yaml is a link
 * (a pipeline stage's sandbox or an experiment's workspace mirrors the project with links), the
 * real project, so what a stage records outlives its sandbox.
 */
function storeRoot(root: string): string {
  const file = join(root, PROJECT_FILE)
  try {
    if (lstatSync(file).isSymbolicLink()) return dirname(realpathSync(file))
  } catch {
    // no cairn.yaml: the root itself
  }
  return root
}

function absolutizeSqlite(uri: string, root: string): string {
  if (!uri.startsWith('sqlite:///') || uri.startsWith('sqlite:////') || uri === 'sqlite:///:memory:')
    return uri
  return `sqlite:///${resolve(root, uri.slice('sqlite:///'.length))}`
}
