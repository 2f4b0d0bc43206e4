// Engine options with their defaults. The minimum co-purchase count grows slowly with the shop:
// ranking (see score.ts) already discounts noise, so the floor only has to keep a bundle credible
// to a merchant ("bought together in at least N orders") and bound the mining work. Small shops
// (a few hundred orders) keep the floor of 3: their real complements are seen only a handful of times.
import type { EngineOptions } from '../types.js'
import { MAX_ITEMSET_SIZE } from '../mining/frequent-itemsets.js'

export const DEFAULT_MAX_SIZE = 3
export const DEFAULT_MAX_BUNDLES = 100
export const MIN_COUNT_FLOOR = 3

export type ResolvedOptions = Required<Pick<EngineOptions, 'maxSize' | 'minCount' | 'maxBundles'>>

/** max(3, round(√orders / 20)): 3 below 4,900 orders (4 from 4,900), 5 at 10,000, 16 at 100,000, 50 at 1,000,000. */
export function defaultMinCount (orders: number): number {
  return Math.max(MIN_COUNT_FLOOR, Math.round(Math.sqrt(Math.max(0, orders)) / 20))
}

export function resolveOptions (options: EngineOptions, orders: number): ResolvedOptions {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE
  if (!Number.isInteger(maxSize) || maxSize < 2 || maxSize > MAX_ITEMSET_SIZE) {
    throw new RangeError(`maxSize must be an integer from 2 to ${MAX_ITEMSET_SIZE}, got ${maxSize}`)
  }
  const minCount = options.minCount ?? defaultMinCount(orders)
  if (!Number.isInteger(minCount) || minCount < 1) throw new RangeError(`minCount must be a positive integer, got ${minCount}`)
  const maxBundles = options.maxBundles ?? DEFAULT_MAX_BUNDLES
  if (!Number.isInteger(maxBundles) || maxBundles < 1) throw new RangeError(`maxBundles must be a positive integer, got ${maxBundles}`)
  return { maxSize, minCount, maxBundles }
}
