import type { LoadedModel } from './loaded-model.js'

/**
 * What one served name answers with right now: the champion, an optional canary that takes a share
 * of the traffic, and an optional shadow that sees a copy of every request. Deployments are
 * immutable; a reload builds a new one and swaps the reference, so a request that started on the
 * old one finishes on it.
 */
export interface Deployment {
  readonly name: string
  readonly champion: LoadedModel
  readonly canary: LoadedModel | undefined
  /** Share of requests the canary answers, 0…1. */
  readonly canaryFraction: number
  /** When set, requests carrying this header are routed by a hash of its value (sticky). */
  readonly stickyHeader: string | undefined
  readonly shadow: LoadedModel | undefined
}

/** Pick the model that answers a request: the canary for its share of traffic, else the champion. */
export function chooseModel(d: Deployment, stickyValue: string | undefined): LoadedModel {
  const canary = d.canary
  if (canary === undefined) return d.champion
  const u = stickyValue === undefined ? Math.random() : hashUnit(stickyValue)
  return u < d.canaryFraction ? canary : d.champion
}

/** FNV-1a of a string, finished with murmur3's avalanche, mapped to [0, 1). */
export function hashUnit(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}
