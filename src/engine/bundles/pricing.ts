// Deterministic, explained pricing for FBT and VOLUME bundles.
//
// FBT: the discount follows the attach rate, P(rest | anchor): how often buyers of the first item
// already add the others. A high attach rate means customers want the set anyway, so a small
// nudge converts the rest and a large discount would give margin away; a weak attach rate needs a
// stronger incentive. Three or more items add 2 points (a bigger basket is a bigger ask). Catalog
// pairings have no evidence and get a standard introductory 10%.
// VOLUME: tiers of 2, 3 and 5 units with rising discounts; products already bought in multiples by
// many customers get gentler breaks (they would buy several anyway).
// Every price: at most the sum of the items, rounded down only, never below the total cost when
// costs are known (money.ts). Unknown prices: null prices, the percentage still suggested.
import type { BundlePricing, VolumeTier } from '../types.js'
import { discountedCents, effectivePercent, fromCents, toCents } from './money.js'

export interface PricedItem {
  price: number | null
  cost: number | null
  quantity: number
}

export const FBT_DISCOUNT_STEPS: ReadonlyArray<{ minAttach: number, percent: number }> = [
  { minAttach: 0.3, percent: 5 },
  { minAttach: 0.15, percent: 8 },
  { minAttach: 0.05, percent: 10 },
  { minAttach: 0, percent: 12 }
]
export const CATALOG_PAIR_DISCOUNT = 10
export const VOLUME_TIERS_STANDARD: ReadonlyArray<readonly [number, number]> = [[2, 5], [3, 10], [5, 15]]
export const VOLUME_TIERS_GENTLE: ReadonlyArray<readonly [number, number]> = [[2, 3], [3, 6], [5, 10]]
/** Share of a product's orders with 2+ units from which the gentle VOLUME tiers apply. */
export const VOLUME_GENTLE_SHARE = 0.4

export function fbtDiscountPercent (attach: number, itemCount: number): number {
  const step = FBT_DISCOUNT_STEPS.find(s => attach >= s.minAttach) ?? FBT_DISCOUNT_STEPS[FBT_DISCOUNT_STEPS.length - 1]
  return step.percent + (itemCount >= 3 ? 2 : 0)
}

/** Prices a set of items at a suggested discount; `why` opens the explanation. */
export function priceSet (items: readonly PricedItem[], percent: number, why: string, currency: string | null): BundlePricing {
  let listCents: number | null = 0
  let costCents: number | null = 0
  for (const item of items) {
    if (item.price === null || listCents === null) listCents = null
    else listCents += toCents(item.price) * item.quantity
    if (item.cost === null || costCents === null) costCents = null
    else costCents += toCents(item.cost) * item.quantity
  }
  if (listCents === null) {
    return {
      currency,
      list_price: null,
      discount_percent: percent,
      bundle_price: null,
      explanation: `${why}: ${percent}% off suggested (no price in the file, so no bundle price).`
    }
  }
  const { cents, cappedByCost } = discountedCents(listCents, percent, costCents)
  const applied = effectivePercent(listCents, cents)
  const explanation = cappedByCost
    ? `${why}: ${percent}% off suggested, reduced to ${applied}% so the bundle does not sell below its cost.`
    : `${why}: ${percent}% off, rounded down to ${formatMoney(cents)}.`
  return { currency, list_price: fromCents(listCents), discount_percent: applied, bundle_price: fromCents(cents), explanation }
}

/** Quantity breaks for one product. Tiers whose discount the cost floor erased are left out. */
export function volumeTiers (price: number | null, cost: number | null, schedule: ReadonlyArray<readonly [number, number]>): VolumeTier[] {
  const tiers: VolumeTier[] = []
  for (const [quantity, percent] of schedule) {
    if (price === null) {
      tiers.push({ quantity, discount_percent: percent, unit_price: null, total_price: null })
      continue
    }
    const unitCents = toCents(price)
    const { cents } = discountedCents(unitCents, percent, cost === null ? null : toCents(cost))
    const applied = effectivePercent(unitCents, cents)
    const previous = tiers[tiers.length - 1]
    if (applied <= 0 || (previous && previous.discount_percent >= applied)) continue
    tiers.push({ quantity, discount_percent: applied, unit_price: fromCents(cents), total_price: fromCents(cents * quantity) })
  }
  return tiers
}

export function priceVolume (price: number | null, cost: number | null, schedule: ReadonlyArray<readonly [number, number]>, why: string, currency: string | null): BundlePricing | null {
  const tiers = volumeTiers(price, cost, schedule)
  if (tiers.length === 0) return null // the cost leaves no room for any quantity break
  const first = tiers[0]
  const ladder = tiers.map(t => `${t.quantity}+ units ${t.discount_percent}% off`).join(', ')
  return {
    currency,
    list_price: price === null ? null : fromCents(toCents(price) * first.quantity),
    discount_percent: first.discount_percent,
    bundle_price: first.total_price,
    explanation: `${why}: ${ladder}${price === null ? ' (no price in the file, so no tier prices)' : ', unit prices rounded down'}${cost !== null ? ', never below cost' : ''}.`,
    tiers
  }
}

function formatMoney (cents: number): string {
  return (cents / 100).toFixed(2)
}
