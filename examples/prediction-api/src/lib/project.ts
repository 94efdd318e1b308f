import { realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Cairn } from 'cairn'
import { createDataService, type DataService } from 'cairn/data'

/** The project's stores: the SDK (tracking, registry) and the data service. */
export interface Project {
  cairn: Cairn
  data: DataService
  /** The real project folder (stages run in a sandbox that mirrors it with links). */
  home: string
  close(): Promise<void>
}

/** The real project folder, seen from a stage's sandbox (whose cairn.yaml is a link to it). */
export function projectHome(sandboxPath: (relative: string) => string): string {
  return dirname(realpathSync(sandboxPath('cairn.yaml')))
}

/** Open the project's stores (cairn.yaml's `store:`, or .cairn/ by default). */
export async function openProject(home: string): Promise<Project> {
  const cairn = await Cairn.open()
  const { metadata, artifacts } = cairn.context
  if (!metadata || !artifacts) {
    await cairn.close()
    throw new Error(
      'These stages need the metadata store itself (sqlite:// or postgresql://), not a server URL',
    )
  }
  // Downloads (a housing CSV given as a URL) are cached beside the store, with their ETag.
  const data = await createDataService({ metadata, artifacts, cacheDir: join(home, '.cairn', 'downloads') })
  return {
    cairn,
    data,
    home,
    async close() {
      await data.close()
      await cairn.close()
    },
  }
}
