import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError, shortId } from '../../core/index.js'
import type { ArtifactStore } from '../../store/index.js'
import { StageCache } from '../cache/stage-cache.js'
import type { ProjectPipelines } from '../definition/load-pipelines.js'
import { HashCache } from '../hashing/hash-cache.js'
import { hashPath } from '../hashing/hash-path.js'
import { readLockFile } from '../lock/lock-file.js'
import { stageId } from '../model.js'
import { placeOutputs } from './place-outputs.js'

/** What checkout did with one output. */
export interface CheckoutEntry {
  stage: string
  path: string
  status: 'unchanged' | 'restored' | 'not-in-cache'
}

export interface CheckoutOptions {
  project: ProjectPipelines
  artifacts: ArtifactStore
  stateDir?: string
  pipeline?: string
  /** Stage ids to check out (default: all in the lock file). */
  targets?: string[]
}

/**
 * Make the workspace's outputs match cairn.lock, restoring each output whose content differs
 * from the cache (like `dvc checkout`). Together with an older cairn.lock this reproduces that
 * state's outputs byte for byte without running anything.
 */
export async function checkoutOutputs(options: CheckoutOptions): Promise<CheckoutEntry[]> {
  const root = options.project.root
  const stateDir = options.stateDir ?? join(root, '.cairn')
  const lock = await readLockFile(root)
  const cache = new StageCache(options.artifacts)
  const hashCache = await HashCache.open(join(stateDir, 'pipelines', 'hash-cache.json'))
  const wanted = options.targets && options.targets.length > 0 ? new Set(options.targets) : undefined
  const out: CheckoutEntry[] = []
  const staging = join(stateDir, 'tmp', `co-${process.pid}-${shortId(6)}`)
  try {
    for (const [pipeline, stages] of lock) {
      if (options.pipeline && pipeline !== options.pipeline) continue
      for (const [name, entry] of stages) {
        const id = stageId({ pipeline, name })
        if (wanted && !wanted.has(id) && !wanted.has(name)) continue
        const toPlace: string[] = []
        for (const o of entry.outs) {
          const current = await hashPath(join(root, o.path), hashCache)
          if (current?.hash === o.hash) {
            out.push({ stage: id, path: o.path, status: 'unchanged' })
            continue
          }
          const cached = {
            path: o.path,
            hash: o.hash,
            size: o.size,
            isDir: o.isdir === true,
            ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}),
          }
          if (!(await cache.hasOutput(cached))) {
            out.push({ stage: id, path: o.path, status: 'not-in-cache' })
            continue
          }
          await cache.restoreOutput(cached, join(staging, o.path), hashCache)
          toPlace.push(o.path)
          out.push({ stage: id, path: o.path, status: 'restored' })
        }
        await placeOutputs(staging, root, toPlace)
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true })
    await hashCache.save().catch(() => {})
  }
  if (wanted && out.length === 0) {
    throw new CairnError('CAIRN_STAGE_NOT_FOUND', `cairn.lock has no entry for ${[...wanted].join(', ')}`)
  }
  return out
}
