// Catalog-only bundles, priced and worded as heuristics: source "catalog", stats null.
import type { Bundle, Product } from '../types.js'
import { catalogPairings, catalogVolume } from './catalog-bundles.js'
import { bundleItem } from './describe.js'
import { CATALOG_PAIR_DISCOUNT, priceSet, priceVolume, VOLUME_TIERS_STANDARD } from './pricing.js'

type Unranked = Omit<Bundle, 'rank'>

/** Share of the list kept for VOLUME offers when there are enough pairings to fill it otherwise. */
export const CATALOG_VOLUME_SHARE = 0.3

/** Catalog bundles, best first, at most maxBundles, with both kinds represented. */
export function catalogBundles (products: readonly Product[], currency: string | null, maxBundles: number): Unranked[] {
  const volume = catalogVolumeOffers(products, currency)
  const pairs = catalogPairOffers(products, currency)
  const volumeSlots = Math.min(volume.length, Math.max(Math.ceil(maxBundles * CATALOG_VOLUME_SHARE), maxBundles - pairs.length))
  return [...pairs.slice(0, maxBundles - volumeSlots), ...volume.slice(0, volumeSlots)]
}

function catalogVolumeOffers (products: readonly Product[], currency: string | null): Unranked[] {
  const out: Unranked[] = []
  for (const v of catalogVolume(products)) {
    const p = products[v.item]
    const pricing = priceVolume(p.price, p.cost, VOLUME_TIERS_STANDARD,
      'Catalog offer with no order history: standard quantity breaks', currency)
    if (!pricing) continue
    out.push({
      type: 'VOLUME',
      items: [bundleItem(p, pricing.tiers?.[0]?.quantity ?? 2)],
      stats: null,
      pricing,
      score: v.score,
      source: 'catalog',
      reason: `Heuristic from the catalog, not measured on orders: a quantity break for ${p.title}${v.consumable ? ', which looks like something customers restock' : ''}.`
    })
  }
  return out
}

function catalogPairOffers (products: readonly Product[], currency: string | null): Unranked[] {
  const out: Unranked[] = []
  for (const pair of catalogPairings(products)) {
    const anchor = products[pair.anchor]
    const addon = products[pair.addon]
    const pricing = priceSet([anchor, addon].map(p => ({ price: p.price, cost: p.cost, quantity: 1 })), CATALOG_PAIR_DISCOUNT,
      'Untested catalog pairing, so a standard introductory discount', currency)
    if (!pricing) continue // its costs leave no room for a discount
    out.push({
      type: 'FBT',
      items: [bundleItem(anchor, 1), bundleItem(addon, 1)],
      stats: null,
      pricing,
      score: pair.score,
      source: 'catalog',
      reason: `Heuristic pairing from the catalog, not measured on orders: ${addon.title} shares ${pair.shared.join(', ')} with ${anchor.title}${priceRelation(anchor, addon, pair.cheaperHalf)}.`
    })
  }
  return out
}

/**
 * How the add-on's price compares with the anchor's, as the reason states it. Pairings also join
 * products of equal price, and unpriced ones (catalog-bundles.ts isAddOn): "priced below it" would be
 * false for those.
 */
function priceRelation (anchor: Product, addon: Product, cheaperHalf: boolean): string {
  if (cheaperHalf) return ' and costs at most half as much, an easy add-on'
  if (anchor.price === null || addon.price === null) return ''
  return addon.price < anchor.price ? ' and is priced below it' : ' at the same price'
}
