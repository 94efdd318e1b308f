import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { Readable } from 'node:stream'
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3'
import { CairnError, writeFileAtomic } from '../../../core/index.js'
import { joinArtifactPath, normalizeArtifactPath } from '../artifact-path.js'
import type { ArtifactEntry, ArtifactStore, ListOptions } from '../artifact-store.js'

export interface S3ArtifactStoreOptions {
  bucket: string
  /** Key prefix under which the store lives (no leading or trailing slash). */
  prefix?: string
  /**
   * An S3-compatible endpoint (MinIO, moto, Ceph…). Defaults to `AWS_ENDPOINT_URL_S3`,
   * `AWS_ENDPOINT_URL` or `MLFLOW_S3_ENDPOINT_URL` from the environment; path-style addressing is
   * used whenever an endpoint is set.
   */
  endpoint?: string
  region?: string
  /** Extra client configuration (credentials, retries). */
  client?: S3ClientConfig
}

const MULTIPART_THRESHOLD = 16 * 1024 * 1024

/**
 * Artifacts as S3 objects. A single put is atomic by S3's semantics; a multipart upload becomes
 * visible only when it completes, and is aborted on failure.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly uri: string
  readonly bucket: string
  readonly prefix: string
  readonly #clientConfig: S3ClientConfig
  #client: Promise<S3Client> | undefined

  constructor(options: S3ArtifactStoreOptions) {
    this.bucket = options.bucket
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '')
    this.uri = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`
    const endpoint =
      options.endpoint ??
      process.env.AWS_ENDPOINT_URL_S3 ??
      process.env.AWS_ENDPOINT_URL ??
      process.env.MLFLOW_S3_ENDPOINT_URL
    this.#clientConfig = {
      region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      ...options.client,
    }
  }

  /** The S3 client; the AWS SDK is loaded on first use, so importing the store stays cheap. */
  client(): Promise<S3Client> {
    this.#client ??= import('@aws-sdk/client-s3').then((sdk) => new sdk.S3Client(this.#clientConfig))
    return this.#client
  }

  uriFor(path: string): string {
    const rel = normalizeArtifactPath(path, true)
    return rel ? `${this.uri}/${rel}` : this.uri
  }

  #key(path: string, allowRoot = false): string {
    const rel = normalizeArtifactPath(path, allowRoot)
    return this.prefix ? (rel ? `${this.prefix}/${rel}` : this.prefix) : rel
  }

  #rel(key: string): string {
    return this.prefix ? key.slice(this.prefix.length + 1) : key
  }

  async put(path: string, data: Uint8Array | string): Promise<void> {
    await this.#send(
      cmd('PutObjectCommand', {
        Bucket: this.bucket,
        Key: this.#key(path),
        Body: typeof data === 'string' ? Buffer.from(data) : data,
      }),
      path,
    )
  }

  async putStream(path: string, data: Readable, size?: number): Promise<void> {
    const key = this.#key(path)
    if (size !== undefined && size < MULTIPART_THRESHOLD) {
      const chunks: Buffer[] = []
      for await (const c of data) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c))
      await this.put(path, Buffer.concat(chunks))
      return
    }
    const { Upload } = await import('@aws-sdk/lib-storage')
    const upload = new Upload({
      client: await this.client(),
      params: { Bucket: this.bucket, Key: key, Body: data },
      partSize: 8 * 1024 * 1024,
      queueSize: 4,
      leavePartsOnError: false,
    })
    try {
      await upload.done()
    } catch (err) {
      throw this.#wrap(err, path)
    }
  }

  async putFile(path: string, localPath: string): Promise<void> {
    const { stat } = await import('node:fs/promises')
    const st = await stat(localPath).catch((err) => {
      throw new CairnError('CAIRN_NOT_FOUND', `Local file ${localPath} does not exist`, { cause: err })
    })
    await this.putStream(path, createReadStream(localPath), st.size)
  }

  async putDir(prefix: string, localDir: string): Promise<number> {
    const entries = await readdir(localDir, { recursive: true, withFileTypes: true })
    const files = entries.filter((e) => e.isFile()).map((e) => relative(localDir, join(e.parentPath, e.name)))
    for (const f of files)
      await this.putFile(joinArtifactPath(prefix, f.split(sep).join('/')), join(localDir, f))
    return files.length
  }

  async get(path: string): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const c of await this.getStream(path)) chunks.push(c as Buffer)
    return Buffer.concat(chunks)
  }

  async getStream(path: string): Promise<Readable> {
    const res = await this.#send(cmd('GetObjectCommand', { Bucket: this.bucket, Key: this.#key(path) }), path)
    const body = res.Body
    if (!body) throw this.#notFound(path)
    return body instanceof Readable ? body : Readable.fromWeb(body as never)
  }

  async getToFile(path: string, localPath: string): Promise<void> {
    await writeFileAtomic(localPath, await this.getStream(path))
  }

  async getDir(prefix: string, localDir: string): Promise<number> {
    const base = normalizeArtifactPath(prefix, true)
    const entries = await this.list(base, { recursive: true })
    for (const e of entries) {
      const rel = base === '' ? e.path : e.path.slice(base.length + 1)
      await this.getToFile(e.path, join(localDir, ...rel.split('/')))
    }
    return entries.length
  }

  async stat(path: string): Promise<{ size: number; modifiedTime: number } | undefined> {
    try {
      const sdk = await import('@aws-sdk/client-s3')
      const client = await this.client()
      const res = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.#key(path) }))
      return { size: res.ContentLength ?? 0, modifiedTime: res.LastModified?.getTime() ?? 0 }
    } catch (err) {
      if (isMissing(err)) return undefined
      throw this.#wrap(err, path)
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== undefined
  }

  async list(prefix = '', options: ListOptions = {}): Promise<ArtifactEntry[]> {
    const base = this.#key(prefix, true)
    const keyPrefix = base ? `${base}/` : ''
    const out: ArtifactEntry[] = []
    let token: string | undefined
    do {
      const res = await this.#send(
        cmd('ListObjectsV2Command', {
          Bucket: this.bucket,
          Prefix: keyPrefix,
          ContinuationToken: token,
          ...(options.recursive ? {} : { Delimiter: '/' }),
        }),
        prefix,
      )
      for (const p of res.CommonPrefixes ?? []) {
        if (p.Prefix) out.push({ path: this.#rel(p.Prefix.replace(/\/$/, '')), isDir: true })
      }
      for (const o of res.Contents ?? []) {
        if (o.Key && o.Key !== keyPrefix)
          out.push({ path: this.#rel(o.Key), isDir: false, size: o.Size ?? 0 })
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined
    } while (token)
    return out.sort((a, b) => a.path.localeCompare(b.path))
  }

  async delete(path: string): Promise<void> {
    const rel = normalizeArtifactPath(path)
    const keys = [
      this.#key(rel),
      ...(await this.list(rel, { recursive: true })).map((e) => this.#key(e.path)),
    ]
    for (let i = 0; i < keys.length; i += 1000) {
      await this.#send(
        cmd('DeleteObjectsCommand', {
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
        path,
      )
    }
  }

  async close(): Promise<void> {
    if (this.#client) (await this.#client).destroy()
  }

  // biome-ignore lint/suspicious/noExplicitAny: the SDK's command union types do not compose
  async #send<T>(command: Cmd, path: string): Promise<T & any> {
    try {
      const sdk = await import('@aws-sdk/client-s3')
      const client = await this.client()
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return await client.send(new (sdk[command.name] as any)(command.input))
    } catch (err) {
      throw this.#wrap(err, path)
    }
  }

  #wrap(err: unknown, path: string): CairnError {
    if (err instanceof CairnError) return err
    if (isMissing(err)) return this.#notFound(path, err)
    const code = (err as { code?: string })?.code
    const unreachable =
      code === 'ECONNREFUSED' || code === 'ENOTFOUND' || (err as Error)?.name === 'TimeoutError'
    return new CairnError(
      unreachable ? 'CAIRN_STORE_UNAVAILABLE' : 'CAIRN_INTERNAL',
      `S3 request for "${path}" in ${this.uri} failed: ${(err as Error)?.message ?? String(err)}`,
      { cause: err },
    )
  }

  #notFound(path: string, cause?: unknown): CairnError {
    return new CairnError('CAIRN_ARTIFACT_NOT_FOUND', `Artifact "${path}" not found in ${this.uri}`, {
      cause,
      details: { path },
    })
  }
}

type CommandName = 'PutObjectCommand' | 'GetObjectCommand' | 'ListObjectsV2Command' | 'DeleteObjectsCommand'
interface Cmd {
  name: CommandName
  input: Record<string, unknown>
}

/** A command to send once the SDK is loaded. */
function cmd(name: CommandName, input: Record<string, unknown>): Cmd {
  return { name, input }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404
}
