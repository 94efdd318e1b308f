import type { LogChunk, LogLayout } from './log-layout.js'
import type { LogSinkOptions } from './sinks/log-sink.js'

/** Messages from the serving thread to the prediction-log writer thread. */
export type WorkerRequest =
  | { type: 'open'; id: number; sink: LogSinkOptions }
  | { type: 'layout'; layout: LogLayout }
  | { type: 'chunk'; chunk: LogChunk }
  | { type: 'flush'; id: number }
  | { type: 'close'; id: number }

/** Messages back: a chunk written (its memory returned), a request answered, a retry warning. */
export type WorkerReply =
  | { type: 'done'; chunk: LogChunk; written: number }
  | { type: 'reply'; id: number; error?: string }
  | { type: 'warn'; error: string; attempt: number }
