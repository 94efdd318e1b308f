import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyReply } from 'fastify'
import { CairnError } from '../../core/index.js'
import type { RoutePlugin } from '../context.js'

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
  woff2: 'font/woff2',
  map: 'application/json',
}

/** The package root: three levels above this file, from `src/server/routes/` and `dist/server/routes/`. */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
}

/**
 * Where the built web UI is: the server option `uiDir`, `CAIRN_UI_DIR`, or `dist/ui` in the
 * package (what `npm run build` writes).
 */
export function uiDirectory(options: Readonly<Record<string, unknown>> = {}): string {
  const fromOptions = typeof options.uiDir === 'string' ? options.uiDir : undefined
  return resolve(fromOptions ?? process.env.CAIRN_UI_DIR ?? join(packageRoot(), 'dist', 'ui'))
}

/** Whether a built UI (an index.html) is in `dir`. */
export function uiIsBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'))
}

function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cairn</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
code,pre{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}pre{padding:.75rem}</style></head>
<body><h1>Cairn server is running</h1>
<p>The web UI has not been built, so there is nothing to show here yet (looked in <code>${escapeHtml(dir)}</code>).</p>
<p>Build it from the Cairn checkout, then reload this page:</p>
<pre>npm run build:ui</pre>
<p>The API works without it: <a href="/docs">API docs</a> · <a href="/health">health</a></p>
</body></html>`
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c)
}

async function sendFile(reply: FastifyReply, path: string, immutable: boolean): Promise<FastifyReply> {
  const st = await stat(path).catch(() => undefined)
  if (!st?.isFile()) throw new CairnError('CAIRN_NOT_FOUND', `No UI file ${path.split(/[\\/]/).pop()}`)
  const ext = path.split('.').pop()?.toLowerCase() ?? ''
  reply.header('content-type', TYPES[ext] ?? 'application/octet-stream')
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
  return reply.send(await readFile(path))
}

/**
 * The web UI's static files: `/` serves index.html (the app routes with the URL hash, so every
 * page is `/#/…`), `/assets/*` the content-hashed bundles. When the UI was not built, `/` says
 * how to build it and the API keeps working.
 */
export const uiRoutes: RoutePlugin = {
  name: 'ui',
  register(app, ctx) {
    const dir = uiDirectory(ctx.options)
    const page = { schema: { hide: true } }
    app.get('/', page, async (_req, reply) => {
      if (!uiIsBuilt(dir)) return reply.status(503).type('text/html; charset=utf-8').send(notBuiltPage(dir))
      return sendFile(reply, join(dir, 'index.html'), false)
    })
    app.get<{ Params: { file: string } }>('/assets/:file', page, async (req, reply) => {
      const file = req.params.file
      if (!/^[\w.-]+$/.test(file) || file.startsWith('.'))
        throw new CairnError('CAIRN_NOT_FOUND', `No UI asset ${file}`)
      return sendFile(reply, join(dir, 'assets', file), true)
    })
    app.get('/favicon.svg', page, async (_req, reply) => sendFile(reply, join(dir, 'favicon.svg'), false))
  },
}
