import { copyFile, mkdir, readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseDocument } from 'yaml'
import { writeFileAtomic } from '../../core/index.js'
import type { ProjectPipelines } from '../definition/load-pipelines.js'
import { buildShadowTree, parentDirs } from '../executor/local/shadow-tree.js'
import { LOCK_FILE } from '../lock/lock-file.js'
import type { OverrideSet } from './overrides.js'

/** A private copy of the workspace an experiment runs in. */
export interface ExperimentWorkspace {
  root: string
  dispose(): Promise<void>
}

/**
 * Make an experiment's workspace: the project mirrored with symlinks (so unchanged stages stay
 * up to date and nothing is copied), its own cairn.lock, and the params files rewritten with the
 * overrides. Stages that rerun replace the links with their new outputs; the user's workspace is
 * never written.
 */
export async function createExperimentWorkspace(
  project: ProjectPipelines,
  dir: string,
  overrides: OverrideSet,
): Promise<ExperimentWorkspace> {
  const realDirs = new Set<string>()
  for (const p of project.pipelines.values()) {
    for (const s of p.stages.values()) {
      for (const o of s.outs) for (const d of parentDirs(o.path)) realDirs.add(d)
      if (s.wdir) for (const d of [...parentDirs(s.wdir), s.wdir]) realDirs.add(d)
    }
  }
  for (const file of Object.keys(overrides)) for (const d of parentDirs(file)) realDirs.add(d)
  const skip = new Set([LOCK_FILE, ...Object.keys(overrides)])
  await rm(dir, { recursive: true, force: true })
  await buildShadowTree(project.root, dir, { realDirs, skip, copy: new Set() })
  await copyFile(join(project.root, LOCK_FILE), join(dir, LOCK_FILE)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err
  })
  for (const [file, values] of Object.entries(overrides)) {
    await writeParamsFile(join(project.root, file), join(dir, file), values)
  }
  return { root: dir, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Write a params file with some dotted keys set, keeping the rest of the file (comments and
 * layout too, for YAML). `source` may not exist (a new file).
 */
export async function writeParamsFile(
  source: string,
  target: string,
  values: Record<string, unknown>,
): Promise<void> {
  const text = await readFile(source, 'utf8').catch(() => '')
  let out: string
  if (source.endsWith('.json')) {
    const obj = (text ? JSON.parse(text) : {}) as Record<string, unknown>
    for (const [k, v] of Object.entries(values)) setPath(obj, k.split('.'), v)
    out = `${JSON.stringify(obj, null, 2)}\n`
  } else {
    const doc = parseDocument(text)
    if (doc.contents === null) doc.contents = doc.createNode({}) as never
    for (const [k, v] of Object.entries(values)) doc.setIn(k.split('.'), v)
    out = doc.toString()
  }
  await mkdir(dirname(target), { recursive: true })
  await writeFileAtomic(target, out)
}

function setPath(obj: Record<string, unknown>, parts: string[], value: unknown): void {
  let cur = obj
  for (const p of parts.slice(0, -1)) {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {}
    cur = cur[p] as Record<string, unknown>
  }
  cur[parts[parts.length - 1] as string] = value
}
