import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, getColumn, isNumericColumn, takeRows } from '../../data/index.js'

/** Column names of an interactions frame. */
export interface InteractionColumns {
  user: string
  item: string
  /** Event time (number or datetime); needed for time-based splits. */
  time?: string
  /** Strength of the interaction (rating, count, dwell time); default 1. */
  weight?: string
}

/** Interactions with users and items mapped to dense indexes. */
export interface Interactions {
  userIds: string[]
  itemIds: string[]
  users: Int32Array
  items: Int32Array
  weights: Float32Array
}

/** The values of an id column as strings (numbers stringified); missing ids are an error. */
export function idValues(frame: Frame, name: string): string[] {
  const c: FrameColumn = getColumn(frame, name)
  const out: string[] = new Array(frame.rowCount)
  for (let i = 0; i < frame.rowCount; i++) {
    let v: string | null
    if (c.type === 'category') v = c.codes[i]! < 0 ? null : (c.categories[c.codes[i]!] ?? null)
    else if (c.type === 'string' || c.type === 'text') v = c.values[i] ?? null
    else v = Number.isNaN(c.values[i]!) ? null : String(c.values[i])
    if (v === null)
      throw new CairnError('CAIRN_NON_FINITE_VALUE', `Column "${name}" is missing an id in row ${i}`)
    out[i] = v
  }
  return out
}

/** Index the interactions of a frame. `known` reuses existing id lists (unknown ids become −1). */
export function indexInteractions(
  frame: Frame,
  cols: InteractionColumns,
  known?: { userIds: string[]; itemIds: string[] },
): Interactions {
  const u = idValues(frame, cols.user)
  const it = idValues(frame, cols.item)
  const userIds = known ? known.userIds : [...new Set(u)]
  const itemIds = known ? known.itemIds : [...new Set(it)]
  const um = new Map(userIds.map((id, i) => [id, i]))
  const im = new Map(itemIds.map((id, i) => [id, i]))
  const weights = new Float32Array(frame.rowCount).fill(1)
  if (cols.weight) {
    const w = getColumn(frame, cols.weight)
    if (!isNumericColumn(w))
      throw new CairnError('CAIRN_FEATURE_MISMATCH', `Weight column "${cols.weight}" must be numeric`)
    for (let i = 0; i < frame.rowCount; i++) weights[i] = Number.isFinite(w.values[i]!) ? w.values[i]! : 0
  }
  return {
    userIds,
    itemIds,
    users: Int32Array.from(u, (id) => um.get(id) ?? -1),
    items: Int32Array.from(it, (id) => im.get(id) ?? -1),
    weights,
  }
}

/**
 * Time-based leave-last-out: for every user with at least `minInteractions`, the latest interaction
 * (ties broken by row order) goes to the test frame and the rest to train. Users with fewer stay
 * wholly in train.
 */
export function leaveLastOut(
  frame: Frame,
  cols: { user: string; time: string },
  options: { minInteractions?: number; holdOut?: number } = {},
): { train: Frame; test: Frame } {
  const users = idValues(frame, cols.user)
  const t = getColumn(frame, cols.time)
  if (!isNumericColumn(t))
    throw new CairnError('CAIRN_FEATURE_MISMATCH', `Time column "${cols.time}" must be numeric or datetime`)
  const min = options.minInteractions ?? 2
  const hold = options.holdOut ?? 1
  const byUser = new Map<string, number[]>()
  users.forEach((u, i) => {
    let l = byUser.get(u)
    if (!l) byUser.set(u, (l = []))
    l.push(i)
  })
  const train: number[] = []
  const test: number[] = []
  for (const rows of byUser.values()) {
    if (rows.length < Math.max(min, hold + 1)) {
      train.push(...rows)
      continue
    }
    rows.sort((a, b) => t.values[a]! - t.values[b]! || a - b)
    train.push(...rows.slice(0, rows.length - hold))
    test.push(...rows.slice(rows.length - hold))
  }
  train.sort((a, b) => a - b)
  test.sort((a, b) => a - b)
  return { train: takeRows(frame, train), test: takeRows(frame, test) }
}

/** Items each user interacted with, as CSR-style offsets into a flat item list (for excluding seen items). */
export function userItemLists(
  users: Int32Array,
  items: Int32Array,
  userCount: number,
): { offsets: Int32Array; items: Int32Array } {
  const offsets = new Int32Array(userCount + 1)
  for (const u of users) if (u >= 0) offsets[u + 1]!++
  for (let i = 0; i < userCount; i++) offsets[i + 1] = offsets[i + 1]! + offsets[i]!
  const fill = offsets.slice(0, userCount)
  const flat = new Int32Array(offsets[userCount]!)
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!
    if (u < 0) continue
    flat[fill[u]!++] = items[i]!
  }
  // dedupe per user
  const out: number[] = []
  const newOffsets = new Int32Array(userCount + 1)
  for (let u = 0; u < userCount; u++) {
    const s = new Set(flat.subarray(offsets[u]!, offsets[u + 1]!))
    out.push(...[...s].sort((a, b) => a - b))
    newOffsets[u + 1] = out.length
  }
  return { offsets: newOffsets, items: Int32Array.from(out) }
}
