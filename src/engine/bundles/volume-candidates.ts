// VOLUME candidates from orders: products customers already buy several at a time.
//
// For each product: n = orders containing it, m = orders with 2+ units. It qualifies when m
// reaches the minimum count, at least one order in five buys several (m/n ≥ 0.2), and m/n beats the
// reference rate with 95 % confidence. The reference is the shop's typical multi-unit rate, capped
// at one half: a product qualifies when it is bought in multiples more often than the shop's other
// products, OR when more than half its orders buy several. Without the cap a shop where everything
// sells in multiples (a real export: every product 2+ at a time in 73–78 % of its orders) would get
// no quantity breaks at all, though those are exactly the products they are for. A product bought
// in multiples no more than the others, and by a minority of its orders, is no candidate.
// The score is n·(L − reference), L the exact lower bound on m/n (score.ts, binomial-bound.ts):
// the extra multi-unit orders it stands for at the least, in orders, so VOLUME and FBT bundles
// rank on one scale.
import { proportionExcessLowerBound } from './score.js'

export const VOLUME_MIN_SHARE = 0.2
/** The reference rate never exceeds this: a majority of a product's orders buying several is enough. */
export const VOLUME_MAJORITY_SHARE = 0.5

export interface VolumeCandidate {
  item: number
  /** Orders with 2+ units. */
  count: number
  /** Orders containing the product. */
  orders: number
  share: number
  score: number
}

export function scoreVolume (basketItems: Int32Array, basketQuantities: Int32Array, itemCount: number, minCount: number): VolumeCandidate[] {
  const orders = new Int32Array(itemCount)
  const multi = new Int32Array(itemCount)
  let allLines = 0
  let allMulti = 0
  for (let p = 0; p < basketItems.length; p++) {
    const item = basketItems[p]
    orders[item]++
    allLines++
    if (basketQuantities[p] >= 2) { multi[item]++; allMulti++ }
  }
  if (allMulti === 0) return []
  const reference = Math.min(allMulti / allLines, VOLUME_MAJORITY_SHARE)
  const out: VolumeCandidate[] = []
  for (let item = 0; item < itemCount; item++) {
    const m = multi[item]
    const n = orders[item]
    if (m < minCount || m < VOLUME_MIN_SHARE * n) continue
    const score = proportionExcessLowerBound(m, n, reference)
    if (score > 0) out.push({ item, count: m, orders: n, share: m / n, score })
  }
  return out.sort((a, b) => b.score - a.score || a.item - b.item)
}
