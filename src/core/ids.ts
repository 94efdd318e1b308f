import { randomBytes, randomUUID } from 'node:crypto'

/** A 32-character lowercase hex id, the shape MLflow uses for run ids. */
export function newId(): string {
  return randomUUID().replaceAll('-', '')
}

/** A short random hex id (16 chars) for prediction ids, error ids and temp names. */
export function shortId(bytes = 8): string {
  return randomBytes(bytes).toString('hex')
}

/** A time-ordered id: 12 hex chars of ms time then 20 random hex chars. Sorts by creation. */
export function timeOrderedId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0') + randomBytes(10).toString('hex')
}
