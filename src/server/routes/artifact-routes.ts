import { Readable, Transform } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CairnError } from '../../core/index.js'
import type { ArtifactStore } from '../../store/index.js'
import { normalizeArtifactPath } from '../../store/index.js'

const MIME: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  yaml: 'text/yaml; charset=utf-8',
  yml: 'text/yaml; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
}

/** A content type for a file name (octet-stream when unknown). */
export function contentTypeFor(path: string): string {
  const ext = path.split('.').pop()?.toLowerCase() ?? ''
  return MIME[ext] ?? 'application/octet-stream'
}

/** In this scope, take every request body as a raw stream (artifact uploads of any type and size). */
export function acceptRawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
}

/** Store the request body at `path`, refusing bodies over `maxBytes` (CAIRN_PAYLOAD_TOO_LARGE). */
export async function storeUpload(
  request: FastifyRequest,
  store: ArtifactStore,
  path: string,
  maxBytes: number,
): Promise<void> {
  const source = request.body instanceof Readable ? request.body : (request.raw as Readable)
  const declared = Number(request.headers['content-length'] ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)
  let seen = 0
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length
      if (seen > maxBytes) cb(tooLarge(maxBytes))
      else cb(null, chunk)
    },
  })
  source.on('error', (err) => limiter.destroy(err))
  source.pipe(limiter)
  await store.putStream(path, limiter, Number.isFinite(declared) ? declared : undefined)
}

function tooLarge(maxBytes: number): CairnError {
  return new CairnError(
    'CAIRN_PAYLOAD_TOO_LARGE',
    `The artifact is larger than the server accepts (${maxBytes} bytes)`,
    {
      hint: 'Start the server with a larger --max-artifact-size, or write to the artifact store directly',
    },
  )
}

/** Stream an artifact to the client. */
export async function sendArtifact(
  reply: FastifyReply,
  store: ArtifactStore,
  path: string,
): Promise<FastifyReply> {
  const rel = normalizeArtifactPath(path)
  const stream = await store.getStream(rel)
  const st = await store.stat(rel)
  reply.header('content-type', contentTypeFor(rel))
  if (st) reply.header('content-length', String(st.size))
  return reply.send(stream)
}

export interface ArtifactRouteOptions {
  /** Resolve the store a request addresses (throws CAIRN_*_NOT_FOUND for unknown owners). */
  resolve(request: FastifyRequest): Promise<ArtifactStore>
  writable: boolean
  maxBytes: number
  tag: string
  what: string
}

/**
 * The native artifact API for one kind of owner at `base` (e.g. `/api/v1/runs/:runId/artifacts`):
 * `GET base?path=&recursive=` lists, `GET base/stat?path=` stats, `GET base/files/*` downloads,
 * and when writable `PUT base/files/*` uploads and `DELETE base?path=` deletes.
 */
export async function registerArtifactRoutes(
  scope: FastifyInstance,
  base: string,
  o: ArtifactRouteOptions,
): Promise<void> {
  acceptRawBodies(scope)
  const schema = (summary: string) => ({ summary: `${summary} (${o.what})`, tags: [o.tag] })
  scope.get(base, { schema: schema('List artifacts') }, async (request) => {
    const q = request.query as { path?: string; recursive?: string }
    const store = await o.resolve(request)
    return {
      files: await store.list(normalizeArtifactPath(q.path ?? '', true), {
        recursive: q.recursive === 'true',
      }),
    }
  })
  scope.get(
    `${base}/stat`,
    { schema: schema('Size and modification time of an artifact') },
    async (request) => {
      const q = request.query as { path?: string }
      const store = await o.resolve(request)
      const path = normalizeArtifactPath(q.path ?? '')
      const st = await store.stat(path)
      if (!st)
        throw new CairnError('CAIRN_ARTIFACT_NOT_FOUND', `Artifact "${path}" not found`, {
          details: { path },
        })
      return st
    },
  )
  scope.get(`${base}/files/*`, { schema: schema('Download an artifact') }, async (request, reply) => {
    const store = await o.resolve(request)
    return sendArtifact(reply, store, (request.params as { '*': string })['*'])
  })
  if (!o.writable) return
  scope.put(
    `${base}/files/*`,
    { schema: schema('Upload an artifact (raw body)') },
    async (request, reply) => {
      const store = await o.resolve(request)
      const path = normalizeArtifactPath((request.params as { '*': string })['*'])
      await storeUpload(request, store, path, o.maxBytes)
      return reply.status(204).send()
    },
  )
  scope.delete(base, { schema: schema('Delete an artifact or folder') }, async (request, reply) => {
    const q = request.query as { path?: string }
    const store = await o.resolve(request)
    await store.delete(normalizeArtifactPath(q.path ?? '', true))
    return reply.status(204).send()
  })
}
