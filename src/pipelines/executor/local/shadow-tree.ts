import { cp, mkdir, readdir, stat, symlink } from 'node:fs/promises'
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
    await mkdir(target, { recursive: true })
    const source = rel ? join(root, rel) : root
    const entries = await readdir(source).catch(() => [] as string[])
    await Promise.all(
      entries.map(async (name) => {
        const p = rel ? `${rel}/${name}` : name
        if (plan.skip.has(p)) return
        if (plan.realDirs.has(p)) {
          const st = await stat(join(root, p)).catch(() => undefined)
          if (st?.isDirectory()) return walk(p)
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
        await symlink(join(root, p), join(dest, p))
      }),
    )
  }
  await walk('')
  for (const d of plan.realDirs) await mkdir(join(dest, d), { recursive: true })
}

/** Every proper parent folder of a project-relative path (`a/b/c` → `a`, `a/b`). */
export function parentDirs(path: string): string[] {
  const parts = path.split('/')
  const out: string[] = []
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'))
  return out
}
