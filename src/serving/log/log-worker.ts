import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import type { PredictionLogTable } from '../../store/index.js'
import { decodeChunk, type LayoutCodec, layoutCodec } from './decode-chunk.js'
import type { LogChunk } from './log-layout.js'
import type { LogSink, LogSinkOptions } from './sinks/log-sink.js'
import type { WorkerReply, WorkerRequest } from './worker-protocol.js'

const port = parentPort
if (!port) throw new Error('log-worker must run in a worker thread')
lowerPriority(Number(process.env.CAIRN_LOG_WRITER_NICE ?? 5))

const MAX_ROWS_PER_WRITE = 8192
const codecs = new Map<number, LayoutCodec>()
const queue: WorkerRequest[] = []
let sink: LogSink | undefined
let running = false

port.on('message', (m: WorkerRequest) => {
  queue.push(m)
  if (!running) void pump()
})

function reply(m: WorkerReply, transfer?: ArrayBuffer[]): void {
  port?.postMessage(m, transfer ?? [])
}

async function openSink(options: LogSinkOptions): Promise<LogSink> {
  if (options.kind === 'store' && options.uri.startsWith('sqlite:')) {
    const { openSqliteSink } = await import('./sinks/sqlite-sink.js')
    return openSqliteSink(options.uri)
  }
  if (options.kind === 'store') {
    const { openStoreSink } = await import('./sinks/store-sink.js')
    return openStoreSink(options.uri)
  }
  const { openParquetSink } = await import('./sinks/parquet-sink.js')
  return openParquetSink(options)
}

async function pump(): Promise<void> {
  running = true
  try {
    while (queue.length > 0) {
      const m = queue.shift() as WorkerRequest
      switch (m.type) {
        case 'open':
          try {
            sink = await openSink(m.sink)
            reply({ type: 'reply', id: m.id })
          } catch (err) {
            reply({ type: 'reply', id: m.id, error: (err as Error).message })
          }
          break
        case 'layout':
          codecs.set(m.layout.id, layoutCodec(m.layout))
          break
        case 'chunk': {
          const chunks: LogChunk[] = [m.chunk]
          let rows = m.chunk.count
          while (rows < MAX_ROWS_PER_WRITE && queue[0]?.type === 'chunk') {
            const next = (queue.shift() as { chunk: LogChunk }).chunk
            chunks.push(next)
            rows += next.count
          }
          await writeChunks(chunks)
          break
        }
        case 'flush':
          await sink?.flush()
          reply({ type: 'reply', id: m.id })
          break
        case 'close':
          await sink?.flush()
          await sink?.close()
          sink = undefined
          reply({ type: 'reply', id: m.id })
          break
      }
    }
  } finally {
    running = false
  }
}

async function writeChunks(chunks: LogChunk[]): Promise<void> {
  const rows: PredictionLogTable[] = []
  for (const c of chunks) {
    const codec = codecs.get(c.layoutId)
    if (codec) decodeChunk(codec, c, rows)
  }
  for (let attempt = 1; ; attempt++) {
    try {
      if (!sink) throw new Error('the prediction-log sink is not open')
      await sink.write(rows)
      break
    } catch (err) {
      reply({ type: 'warn', error: (err as Error).message, attempt })
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)))
    }
  }
  for (const c of chunks) {
    const written = codecs.has(c.layoutId) ? c.count : 0
    reply({ type: 'done', chunk: c, written }, [c.nums.buffer, c.outs.buffer, c.meta.buffer] as ArrayBuffer[])
  }
}

/**
 * On Linux, give this thread (only) a lower CPU priority, so that when cores are busy the request
 * path runs first and the writer catches up in the gaps; the bounded queue absorbs the delay.
 */
function lowerPriority(nice: number): void {
  if (!(nice > 0)) return
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(nice, 19))
  } catch {
    // not Linux, or not permitted: keep the default priority
  }
}
