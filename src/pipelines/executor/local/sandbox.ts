import { readFileSync, writeFileSync } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { shortId } from '../../../core/index.js'
import { buildShadowTree, parentDirs } from './shadow-tree.js'

/** A private view of the workspace in which one stage runs. */
export interface Sandbox {
  /** The sandbox root: mirrors the workspace root. */
  dir: string
  /** Where the stage's command runs (`dir` + wdir). */
  cwd: string
  /** Note the stage process, so a later run can stop it if this runner dies. */
  noteProcess(pid: number): void
  /**
   * Files and folders the stage created that it did not declare (a log, a scratch folder):
   * new entries in the sandbox's own folders, outputs excluded.
   */
  strays(): Promise<string[]>
  dispose(): Promise<void>
}

const PREFIX = 'sb-'

/**
 * Make a sandbox for a stage in `tmpDir` (which must be on the workspace's filesystem, so
 * outputs move into place by rename): the workspace mirrored with symlinks, the stage's outputs
 * absent (persisted ones copied) and the folders holding them real, so whatever the stage writes
 * there stays in the sandbox until the runner moves it.
 */
export async function createSandbox(
  workspace: string,
  tmpDir: string,
  stage: { wdir: string; outs: readonly { path: string; persist: boolean }[] },
): Promise<Sandbox> {
  const dir = join(tmpDir, `${PREFIX}${process.pid}-${shortId(6)}`)
  const realDirs = new Set<string>()
  for (const o of stage.outs) for (const p of parentDirs(o.path)) realDirs.add(p)
  if (stage.wdir) {
    for (const p of parentDirs(stage.wdir)) realDirs.add(p)
    realDirs.add(stage.wdir)
  }
  const outs = new Set(stage.outs.map((o) => o.path))
  const copy = new Set(stage.outs.filter((o) => o.persist).map((o) => o.path))
  const skip = new Set([...outs].filter((p) => !copy.has(p)))
  try {
    await buildShadowTree(workspace, dir, { realDirs, skip, copy })
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    await rm(`${dir}.json`, { force: true })
    throw err
  }
  return {
    dir,
    cwd: stage.wdir ? join(dir, stage.wdir) : dir,
    noteProcess(pid) {
      // synchronous: the note must exist as soon as the stage does
      writeFileSync(
        `${dir}.json`,
        JSON.stringify({
          runner: process.pid,
          runnerStart: processStart(process.pid),
          child: pid,
          childStart: processStart(pid),
        }),
      )
    },
    async strays() {
      const found: string[] = []
      for (const d of ['', ...realDirs]) {
        const entries = await readdir(d ? join(dir, d) : dir, { withFileTypes: true }).catch(() => [])
        for (const e of entries) {
          const p = d ? `${d}/${e.name}` : e.name
          if (e.isSymbolicLink() || realDirs.has(p) || outs.has(p)) continue
          found.push(p)
        }
      }
      return found
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true })
      await rm(`${dir}.json`, { force: true })
    },
  }
}

/**
 * Remove sandboxes left by runners that died (killed, crashed), first stopping the stage
 * processes they had started. Cheap when there are none.
 */
export async function cleanupStaleSandboxes(tmpDir: string): Promise<number> {
  const names = await readdir(tmpDir).catch(() => [] as string[])
  let removed = 0
  // sandboxes whose stage never started have no note: the runner's pid is in the name
  for (const name of names) {
    const m = /^sb-(\d+)-[0-9a-f]+$/.exec(name)
    if (!m || names.includes(`${name}.json`) || isAlive(Number(m[1]))) continue
    await rm(join(tmpDir, name), { recursive: true, force: true })
    removed++
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX) || !name.endsWith('.json')) continue
    const note = await readFile(join(tmpDir, name), 'utf8')
      .then(
        (t) => JSON.parse(t) as { runner: number; runnerStart?: string; child?: number; childStart?: string },
      )
      .catch(() => undefined)
    if (!note) continue
    if (isAlive(note.runner, note.runnerStart)) continue
    if (note.child !== undefined && isAlive(note.child, note.childStart)) {
      try {
        process.kill(-note.child, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    const dir = join(tmpDir, name.slice(0, -'.json'.length))
    await rm(dir, { recursive: true, force: true })
    await rm(join(tmpDir, name), { force: true })
    removed++
  }
  return removed
}

/** True when `pid` runs (not a zombie) and, when `start` is known, is the process that started then. */
export function isAlive(pid: number, start?: string): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  const fields = procStat(pid)
  if (!fields) return true
  if (fields[0] === 'Z' || fields[0] === 'X') return false
  // a reused pid belongs to a process that started at another time
  return start === undefined || fields[19] === start
}

/** The process's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
function processStart(pid: number): string | undefined {
  return procStat(pid)?.[19]
}

/** /proc/<pid>/stat fields from the state on (Linux). */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}
