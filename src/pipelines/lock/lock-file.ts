import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { z } from 'zod'
import { CairnError, hashBytes, parseYaml, writeFileAtomic } from '../../core/index.js'
import { DEFAULT_PIPELINE } from '../model.js'
import { acquireMutex } from './file-mutex.js'

/** The lock file's name, beside cairn.yaml. */
export const LOCK_FILE = 'cairn.lock'
const SCHEMA = 'cairn.lock/1'

const lockedPath = z.object({
  path: z.string(),
  hash: z.string(),
  size: z.number(),
  nfiles: z.number().optional(),
  isdir: z.boolean().optional(),
})
const lockedExternal = z.object({ uri: z.string(), hash: z.string(), version: z.string().optional() })

const stageLock = z.object({
  cmd: z.string().optional(),
  run: z.string().optional(),
  code: z.string().optional(),
  wdir: z.string().optional(),
  key: z.string(),
  deps: z.array(z.union([lockedPath, lockedExternal])).default([]),
  params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  outs: z.array(lockedPath).default([]),
})

const lockFileSchema = z.object({
  schema: z.literal(SCHEMA),
  stages: z.record(z.string(), stageLock).optional(),
  pipelines: z.record(z.string(), z.object({ stages: z.record(z.string(), stageLock) })).optional(),
})

/** A file or folder recorded in the lock. */
export type LockedPath = z.infer<typeof lockedPath>
/** A dataset or model version recorded in the lock. */
export type LockedExternal = z.infer<typeof lockedExternal>
/**
 * What a stage last ran with: its command, each dep and out with hash and size, the params
 * values it read, and the stage key (the hash of all of that) under which its outputs are cached.
 */
export type StageLock = z.infer<typeof stageLock>

/** The parsed lock file: stage locks by pipeline and stage name. */
export type LockState = Map<string, Map<string, StageLock>>

/** Read cairn.lock from a workspace (empty when there is none). */
export async function readLockFile(root: string): Promise<LockState> {
  let text: string
  try {
    text = await readFile(join(root, LOCK_FILE), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw err
  }
  return parseLockText(text)
}

const parsedCache = new Map<string, { id: string; state: LockState }>()

/**
 * Read cairn.lock, reusing the last parse while the file's identity (inode, size, mtime) is
 * unchanged: every write replaces the file, so a changed lock always has a new identity.
 * The state returned must not be modified.
 */
export async function readLockFileCached(root: string): Promise<LockState> {
  const path = join(root, LOCK_FILE)
  const st = await stat(path, { bigint: true }).catch(() => undefined)
  if (!st) return new Map()
  const id = `${st.ino}:${st.size}:${st.mtimeNs}`
  const hit = parsedCache.get(path)
  if (hit?.id === id) return hit.state
  const state = await readLockFile(root)
  parsedCache.set(path, { id, state })
  return state
}

/** Parse lock file text. */
export function parseLockText(text: string, source = LOCK_FILE): LockState {
  const raw = parseYaml(text, source)
  if (raw === null || (typeof raw === 'object' && Object.keys(raw as object).length === 0)) return new Map()
  const parsed = lockFileSchema.safeParse(raw)
  if (!parsed.success) {
    const i = parsed.error.issues[0]
    throw new CairnError(
      'CAIRN_CONFIG_INVALID',
      `${source}: ${i?.path.join('.') || '(root)'}: ${i?.message}`,
      {
        hint: `Restore ${source} from version control, or delete it to rerun every stage`,
      },
    )
  }
  const state: LockState = new Map()
  if (parsed.data.stages) state.set(DEFAULT_PIPELINE, new Map(Object.entries(parsed.data.stages)))
  for (const [name, p] of Object.entries(parsed.data.pipelines ?? {}))
    state.set(name, new Map(Object.entries(p.stages)))
  return state
}

/** The lock file text for a state: stages of each pipeline in the given order. */
export function formatLockText(state: LockState): string {
  const doc: Record<string, unknown> = { schema: SCHEMA }
  const def = state.get(DEFAULT_PIPELINE)
  if (def && def.size > 0) doc.stages = Object.fromEntries(def)
  const others = [...state.entries()].filter(([n, s]) => n !== DEFAULT_PIPELINE && s.size > 0)
  if (others.length > 0) {
    doc.pipelines = Object.fromEntries(
      others.sort(([a], [b]) => a.localeCompare(b)).map(([n, s]) => [n, { stages: Object.fromEntries(s) }]),
    )
  }
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })
}

/** Where the mutex guarding a workspace's lock file lives. */
export function lockFileMutexPath(stateDir: string, root: string): string {
  return join(stateDir, 'locks', `lockfile-${hashBytes(root).slice(0, 16)}.lock`)
}

/**
 * Set (or remove, with `undefined`) one stage's entry, read-modify-write under a cross-process
 * mutex and written atomically, so concurrent runs never lose each other's entries. `order`
 * lists the pipeline's stages: entries follow it and entries of stages no longer defined go.
 */
export async function updateLockFile(
  root: string,
  stateDir: string,
  pipeline: string,
  stage: string,
  entry: StageLock | undefined,
  order?: readonly string[],
): Promise<void> {
  const mutex = await acquireMutex(lockFileMutexPath(stateDir, root), { purpose: 'updating cairn.lock' })
  try {
    const state = await readLockFile(root)
    const stages = state.get(pipeline) ?? new Map<string, StageLock>()
    if (entry) stages.set(stage, entry)
    else stages.delete(stage)
    let next = stages
    if (order) {
      next = new Map()
      for (const name of order) {
        const e = stages.get(name)
        if (e) next.set(name, e)
      }
    }
    state.set(pipeline, next)
    const text = formatLockText(state)
    await writeFileAtomic(join(root, LOCK_FILE), text)
  } finally {
    mutex.release()
  }
}
