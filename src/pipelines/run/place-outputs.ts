import { lstat, mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { tempPathFor } from '../../core/index.js'

/**
 * Move finished outputs from a staging folder into the workspace, each by rename (atomic for a
 * file; a folder replaces the old one with two renames). What was there before is replaced.
 */
export async function placeOutputs(
  stagedRoot: string,
  workspace: string,
  paths: readonly string[],
): Promise<void> {
  for (const p of paths) await movePath(join(stagedRoot, p), join(workspace, p))
}

/** Rename `source` over `target`, whatever each of them is (file, folder, symlink). */
export async function movePath(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true })
  const [existing, incoming] = await Promise.all([lstat(target).catch(() => undefined), lstat(source)])
  if (!existing || (!existing.isDirectory() && !incoming.isDirectory())) {
    await rename(source, target)
    return
  }
  const aside = tempPathFor(target)
  await rename(target, aside)
  try {
    await rename(source, target)
  } catch (err) {
    await rename(aside, target).catch(() => {})
    throw err
  }
  await rm(aside, { recursive: true, force: true })
}
