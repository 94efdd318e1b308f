import { mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs'
import { cp, symlink } from 'node:fs/promises'
import { join } from 'node:path'

/** What a shadow tree does with particular paths (all project-relative). */
export interface ShadowPlan {
  /** Folders that must be real folders in the shadow (their entries are linked one by one). */
  realDirs: ReadonlySet<string>
  /** Paths left out of the shadow. */
  skip: ReadonlySet<string>
  /** Paths copied instead of linked. */
  copy: ReadonlySet<string>
}

/**
 * Build a shadow of `root` at `dest`: every entry is a symlink to the real one, except the folders
 * in `realDirs` (recreated, entry by entry), the paths in `skip` (left out) and those in `copy`
 * (copied). Writing to a skipped path in the shadow never touches the workspace.
 */
export async function buildShadowTree(root: string, dest: string, plan: ShadowPlan): Promise<void> {
  const walk = async (rel: string) => {
    const target = rel ? join(dest, rel) : dest
    mkdirSync(target, { recursive: true })
    const source = rel ? join(root, rel) : root
    let entries: string[]
    try {
      entries = readdirSync(source)
    } catch {
      entries = []
    }
    // a folder of a few hundred entries is linked synchronously (microseconds per link, no
    // thread-pool round trips); bigger ones go through the thread pool in parallel
    const small = entries.length <= SYNC_LIMIT
    const link = async (name: string) => {
      const p = rel ? `${rel}/${name}` : name
      if (plan.skip.has(p)) return
      if (plan.realDirs.has(p)) {
        const st = statSync(join(root, p), { throwIfNoEntry: false })
        if (st?.isDirectory()) await walk(p)
        return
      }
      if (plan.copy.has(p)) {
        await cp(join(root, p), join(dest, p), {
          recursive: true,
          preserveTimestamps: true,
          dereference: true,
        })
        return
      }
      if (small) symlinkSync(join(root, p), join(dest, p))
      else await symlink(join(root, p), join(dest, p))
    }
    if (small) for (const name of entries) await link(name)
    else await Promise.all(entries.map(link))
  }
  await walk('')
  for (const d of plan.realDirs) mkdirSync(join(dest, d), { recursive: true })
}

const SYNC_LIMIT = 256

/** Every proper parent folder of a project-relative path (`a/b/c` → `a`, `a/b`). */
export function parentDirs(path: string): string[] {
  const parts = path.split('/')
  const out: string[] = []
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'))
  return out
}
