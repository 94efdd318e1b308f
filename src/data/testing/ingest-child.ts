/**
 * A child process for kill tests: ingests a CSV into a dataset and reports its progress on
 * stdout (`READING`, `UPLOADING`) so the parent can kill it at a chosen moment.
 * Usage: node --import tsx ingest-child.ts <storeDir> <csv> <read|upload>
 */
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { LocalArtifactStore, openMetadataStore } from '../../store/index.js'
import { createDataService } from '../service/data-service.js'

const [storeDir, csv, mode] = process.argv.slice(2) as [string, string, string]

/** A local store whose uploads stop halfway once the parent has been told. */
class StallingStore extends LocalArtifactStore {
  override async putFile(path: string, localPath: string): Promise<void> {
    if (mode !== 'upload' || !path.startsWith('datasets/objects/')) return super.putFile(path, localPath)
    let sent = 0
    const source = createReadStream(localPath, { highWaterMark: 64 * 1024 })
    async function* stall(): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        sent += (chunk as Buffer).length
        yield chunk as Buffer
        if (sent >= 256 * 1024) {
          process.stdout.write('UPLOADING\n')
          await new Promise(() => {}) // hang until killed
        }
      }
    }
    return super.putStream(path, Readable.from(stall()))
  }
}

const metadata = await openMetadataStore(`sqlite:///${join(storeDir, 'cairn.db')}`)
const artifacts = new StallingStore(join(storeDir, 'artifacts'))
const data = await createDataService({ metadata, artifacts, cacheDir: join(storeDir, 'cache') })
let told = false
await data.ingestDataset('big', csv, {
  onProgress: (p) => {
    if (mode === 'read' && !told && (p.fraction ?? 0) > 0.05) {
      told = true
      process.stdout.write('READING\n')
    }
  },
})
process.stdout.write('DONE\n')
await data.close()
await metadata.close()
