import { existsSync, readFileSync, statSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { SYSTEM_TAGS } from './types.js'

/** Where and how a run was started: user, host, command, script, git commit/branch/remote. */
export function captureSystemTags(cwd = process.cwd(), argv = process.argv): Record<string, string> {
  const tags: Record<string, string> = {
    [SYSTEM_TAGS.user]: currentUser(),
    [SYSTEM_TAGS.sourceType]: 'LOCAL',
    [SYSTEM_TAGS.host]: hostname(),
  }
  const script = argv[1]
  if (script) tags[SYSTEM_TAGS.sourceName] = script
  const command = argv.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')
  if (command) tags[SYSTEM_TAGS.command] = command.slice(0, 8000)
  const git = readGitInfo(cwd)
  if (git?.commit) tags[SYSTEM_TAGS.gitCommit] = git.commit
  if (git?.branch) tags[SYSTEM_TAGS.gitBranch] = git.branch
  if (git?.remoteUrl) tags[SYSTEM_TAGS.gitRepoUrl] = git.remoteUrl
  return tags
}

/** The login name of the current user (`unknown` when the OS will not say). */
export function currentUser(): string {
  try {
    return process.env.CAIRN_USER ?? userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

/** Git facts for the repository containing `cwd`, read from .git without running git. */
export function readGitInfo(
  cwd: string,
): { commit?: string; branch?: string; remoteUrl?: string } | undefined {
  const gitDir = findGitDir(resolve(cwd))
  if (!gitDir) return undefined
  const commonDir = readCommonDir(gitDir)
  const head = readText(join(gitDir, 'HEAD'))?.trim()
  if (!head) return undefined
  const out: { commit?: string; branch?: string; remoteUrl?: string } = {}
  if (head.startsWith('ref: ')) {
    const ref = head.slice(5).trim()
    if (ref.startsWith('refs/heads/')) out.branch = ref.slice('refs/heads/'.length)
    const commit =
      readText(join(gitDir, ref))?.trim() ??
      readText(join(commonDir, ref))?.trim() ??
      packedRef(commonDir, ref)
    if (commit && /^[0-9a-f]{40,64}$/.test(commit)) out.commit = commit
  } else if (/^[0-9a-f]{40,64}$/.test(head)) {
    out.commit = head
  }
  const config = readText(join(commonDir, 'config'))
  const m = config && /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config)
  if (m?.[1]) out.remoteUrl = m[1]
  return out
}

function findGitDir(start: string): string | undefined {
  let dir = start
  for (;;) {
    const candidate = join(dir, '.git')
    if (existsSync(candidate)) {
      if (statSync(candidate).isDirectory()) return candidate
      const m = /^gitdir:\s*(.+)$/m.exec(readText(candidate) ?? '')
      if (m?.[1]) return isAbsolute(m[1].trim()) ? m[1].trim() : resolve(dir, m[1].trim())
      return undefined
    }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

function readCommonDir(gitDir: string): string {
  const common = readText(join(gitDir, 'commondir'))?.trim()
  if (!common) return gitDir
  return isAbsolute(common) ? common : resolve(gitDir, common)
}

function packedRef(gitDir: string, ref: string): string | undefined {
  const packed = readText(join(gitDir, 'packed-refs'))
  if (!packed) return undefined
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ')
    if (name === ref && sha) return sha
  }
  return undefined
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
