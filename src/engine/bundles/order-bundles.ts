// Bundles from orders: FBT sets and VOLUME offers, scored (score.ts), stated and priced.
import type { Bundle, IngestResult } from '../types.js'
import type { FrequentItemsets } from '../mining/index.js'
import type { FbtCandidate } from './fbt-candidates.js'
import type { VolumeCandidate } from './volume-candidates.js'
import { bundleItem, count, fbtStats, percent, times, volumeStats } from './describe.js'
import { fbtDiscountPercent, priceSet, priceVolume, VOLUME_GENTLE_SHARE, VOLUME_TIERS_GENTLE, VOLUME_TIERS_STANDARD } from './pricing.js'

type Unranked = Omit<Bundle, 'rank'>

/** Items go anchor first: the product in most orders (ties: the dearer one), then the add-ons. */
export function anchorOrder (items: readonly number[], ingested: IngestResult, itemCounts: Int32Array): number[] {
  return [...items].sort((a, b) =>
    itemCounts[b] - itemCounts[a] ||
    (ingested.products[b].price ?? -1) - (ingested.products[a].price ?? -1) ||
    a - b)
}

/** The FBT bundle for a candidate; null when no discount fits its prices and costs (pricing.ts). */
export function fbtBundle (c: FbtCandidate, ingested: IngestResult, mined: FrequentItemsets, currency: string | null): Unranked | null {
  const orders = mined.basketCount
  const ids = anchorOrder(c.items, ingested, mined.itemCounts)
  const products = ids.map(i => ingested.products[i])
  const stats = fbtStats(c.count, ids.map(i => mined.itemCounts[i]), orders)
  const attach = stats.confidence[0]
  const [anchor, ...rest] = products
  const restTitles = rest.map(p => p.title).join(' and ')
  const chanceNote = c.items.length === 2
    ? `${times(stats.lift ?? 0)} as often as chance predicts`
    : `in ${count(Math.max(0, Math.round(c.count - c.expected)))} more orders than its strongest split explains`
  const pricing = priceSet(
    products.map(p => ({ price: p.price, cost: p.cost, quantity: 1, title: p.title, priceInOtherCurrencyOnly: p.priceInOtherCurrencyOnly })),
    fbtDiscountPercent(attach, ids.length),
    `${percent(attach)} of ${anchor.title} orders already include ${restTitles}`,
    currency
  )
  if (!pricing) return null
  return {
    type: 'FBT',
    items: products.map(p => bundleItem(p, 1)),
    stats,
    pricing,
    score: round3(c.score),
    source: 'orders',
    reason: `Bought together in ${count(c.count)} of ${count(orders)} orders, ${chanceNote}.`
  }
}

export function volumeBundle (c: VolumeCandidate, ingested: IngestResult, orders: number, currency: string | null): Unranked | null {
  const product = ingested.products[c.item]
  const gentle = c.share >= VOLUME_GENTLE_SHARE
  const pricing = priceVolume(
    product.price,
    product.cost,
    gentle ? VOLUME_TIERS_GENTLE : VOLUME_TIERS_STANDARD,
    `${percent(c.share)} of ${product.title} orders already buy 2 or more, so ${gentle ? 'gentle' : 'standard'} quantity breaks`,
    currency,
    product
  )
  if (!pricing) return null
  return {
    type: 'VOLUME',
    items: [bundleItem(product, pricing.tiers?.[0]?.quantity ?? 2)],
    stats: volumeStats(c.count, c.orders, orders),
    pricing,
    score: round3(c.score),
    source: 'orders',
    reason: `${count(c.count)} of the ${count(c.orders)} orders with ${product.title} bought 2 or more units.`
  }
}

function round3 (x: number): number {
  return Math.round(x * 1000) / 1000
}
