import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HttpRegistryClient } from '../registry/index.js'
import { registryClientContract } from '../registry/registry-client.contract.js'
import { HttpTrackingClient } from '../tracking/index.js'
import { trackingClientContract } from '../tracking/tracking-client.contract.js'
import { startServer } from './create-server.js'

async function serve() {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-http-'))
  const server = await startServer({
    backendStoreUri: `sqlite:///${join(dir, 'cairn.db')}`,
    artifactsDestination: join(dir, 'artifacts'),
    cwd: dir,
    port: 0,
  })
  return {
    url: server.url,
    async stop() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

trackingClientContract('HTTP to a real cairn server', async () => {
  const s = await serve()
  const client = new HttpTrackingClient(s.url)
  return {
    client,
    async cleanup() {
      await client.close()
      await s.stop()
    },
  }
})

registryClientContract('HTTP to a real cairn server', async () => {
  const s = await serve()
  const registry = new HttpRegistryClient(s.url)
  const tracking = new HttpTrackingClient(s.url)
  return {
    registry,
    tracking,
    async cleanup() {
      await s.stop()
    },
  }
})
