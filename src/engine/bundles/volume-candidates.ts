// VOLUME candidates from orders: products customers already buy several at a time.
//
// For each product: n = orders containing it, m = orders with 2+ units. It qualifies when m
// reaches the minimum count, at least one order in five buys several (m/n ≥ 0.2), and m/n beats the
// shop's typical multi-unit rate with 95 % confidence. The score is n·(L − baseline), L the exact
// lower bound on m/n (score.ts, binomial-bound.ts): the extra multi-unit orders it stands for at
// the least, in orders, so VOLUME and FBT bundles rank on one scale. A product that is bought in
// multiples no more than any other product is not a quantity-break candidate.
import { proportionExcessLowerBound } from './score.js'

export const VOLUME_MIN_SHARE = 0.2

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
  const baseline = allMulti / allLines
  const out: VolumeCandidate[] = []
  for (let item = 0; item < itemCount; item++) {
    const m = multi[item]
    const n = orders[item]
    if (m < minCount || m < VOLUME_MIN_SHARE * n) continue
    const score = proportionExcessLowerBound(m, n, baseline)
    if (score > 0) out.push({ item, count: m, orders: n, share: m / n, score })
  }
  return out.sort((a, b) => b.score - a.score || a.item - b.item)
}
