import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { loadProjectConfig } from '../../core/index.js'
import { type ArtifactStore, openArtifactStore } from '../../store/index.js'
import { loadPipelines } from '../definition/load-pipelines.js'
import { type RunPipelineOptions, type RunResult, runPipeline } from '../run/run-pipeline.js'

/** A throwaway project folder for tests. */
export interface TestProject {
  root: string
  write(path: string, content: string): Promise<void>
  read(path: string): Promise<string>
  /** Load the project's pipelines and run them with a local artifact store under .cairn. */
  run(options?: Partial<RunPipelineOptions>): Promise<RunResult>
  artifacts: ArtifactStore
  dispose(): Promise<void>
}

/** Create a project from files (path → content). */
export async function makeProject(files: Record<string, string>): Promise<TestProject> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-pipe-'))
  const write = async (path: string, content: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
  for (const [p, c] of Object.entries(files)) await write(p, c)
  const artifacts = openArtifactStore(join(root, '.cairn', 'artifacts'))
  return {
    root,
    write,
    read: (p) => readFile(join(root, p), 'utf8'),
    artifacts,
    async run(options = {}) {
      const cfg = await loadProjectConfig({ cwd: root })
      const project = options.project ?? (await loadPipelines({ root, file: cfg.file }))
      return runPipeline({ artifacts, ...options, project })
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  }
}

/** Stage ids by status, for compact assertions. */
export function statuses(result: RunResult): Record<string, string> {
  return Object.fromEntries(result.stages.map((s) => [s.id, s.status]))
}
