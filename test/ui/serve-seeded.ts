/**
 * Seed a project and serve it with the UI, for working on the UI by hand:
 * `npx tsx test/ui/serve-seeded.ts [dir] [port]` (the folder is reused when it holds a project).
 */
import { existsSync } from 'node:fs'
import { startServer } from '../../src/server/index.js'
import { seedProject } from './seed.js'

const dir = process.argv[2]
const port = Number(process.argv[3] ?? 5055)
const t0 = performance.now()
const seeded =
  dir && existsSync(`${dir}/.cairn/cairn.db`)
    ? { dir, trackingUri: `sqlite:///${dir}/.cairn/cairn.db`, artifactsUri: `file://${dir}/.cairn/artifacts` }
    : await seedProject(dir ? { dir } : {})
process.stdout.write(`seeded ${seeded.dir} in ${Math.round(performance.now() - t0)} ms\n`)
const server = await startServer({
  cwd: seeded.dir,
  backendStoreUri: seeded.trackingUri,
  artifactsDestination: seeded.artifactsUri,
  port,
})
process.stdout.write(`UI at ${server.url}/\n`)
process.on('SIGINT', () => void server.close().then(() => process.exit(0)))
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
