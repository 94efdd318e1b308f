import { addOutOfBag, CartBuilder } from './cart-builder.js'
import { type CartData, cartViews } from './cart-data.js'
import type { ForestParams } from './forest-params.js'
import { deriveSeed } from './random.js'
import type { FlatTree } from './tree-ensemble.js'

/** One thread's share of a forest: the trees with these indices. */
export interface ForestTask {
  data: CartData
  params: ForestParams
  seed: number
  trees: number[]
  /** Set word 0 to stop early (cancellation). */
  abort?: SharedArrayBuffer
}

export interface ForestTaskResult {
  trees: { index: number; tree: FlatTree }[]
  /** Out-of-bag sums (`n × width`) and how many trees scored each row, when asked for. */
  oobSum: Float64Array | null
  oobSeen: Float64Array | null
}

/**
 * Grow the task's trees. Tree i's randomness comes from `deriveSeed(seed, i)` alone, so a forest
 * is the same whichever thread grows which tree.
 */
export function runForestTask(
  task: ForestTask,
  onTree: () => void,
  aborted: () => boolean = () => false,
): ForestTaskResult {
  const builder = new CartBuilder(task.data, task.params)
  const { n, k } = task.data
  const width = k > 0 ? k : 1
  const oob = task.params.oobScore
  const oobSum = oob ? new Float64Array(n * width) : null
  const oobSeen = oob ? new Float64Array(n) : null
  const x = oob ? cartViews(task.data).x : null
  const trees: { index: number; tree: FlatTree }[] = []
  for (const index of task.trees) {
    if (aborted()) break
    const built = builder.build(deriveSeed(task.seed, index))
    trees.push({ index, tree: built.tree })
    if (oobSum && oobSeen && x && built.counts)
      addOutOfBag(built.tree, x, n, built.counts, width, oobSum, oobSeen)
    onTree()
  }
  return { trees, oobSum, oobSeen }
}
