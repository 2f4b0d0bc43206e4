// Deterministic, explained pricing for FBT and VOLUME bundles.
//
// FBT: the discount follows the attach rate, P(rest | anchor): how often buyers of the first item
// already add the others. A high attach rate means customers want the set anyway, so a small
// nudge converts the rest and a large discount would give margin away; a weak attach rate needs a
// stronger incentive. Three or more items add 2 points (a bigger basket is a bigger ask). Catalog
// pairings have no evidence and get a standard introductory 10%.
// VOLUME: tiers of 2, 3 and 5 units with rising discounts; products already bought in multiples by
// many customers get gentler breaks (they would buy several anyway).
// Every price: in the currency's minor unit, at most the sum of the items, rounded down only, never
// below the known costs (money.ts); no offer when no discount fits. Unknown prices: null prices,
// the percentage still suggested, and the explanation says whether the file had no price or only
// prices in other currencies than the shop's.
import type { BundlePricing, VolumeTier } from '../types.js'
import { costToMinor, discountedMinor, effectivePercent, formatMoney, fromMinor, moneyUnit, priceToMinor, type MoneyUnit } from './money.js'

export interface PricedItem {
  price: number | null
  cost: number | null
  quantity: number
  /** Names the item when its price is missing. */
  title?: string
  /** The file priced the item in other currencies than the shop's only (Product.priceInOtherCurrencyOnly). */
  priceInOtherCurrencyOnly?: boolean
}

/** An item without a price, as the explanation names it. */
export type UnpricedItem = Pick<PricedItem, 'title' | 'priceInOtherCurrencyOnly'>

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

/**
 * Prices a set of items at a suggested discount; `why` opens the explanation. Null when the set has
 * prices but no discount fits: its known costs leave no room, or the currency's minor unit is too
 * coarse for the discount (money.ts). A bundle at its list price is no offer.
 */
export function priceSet (items: readonly PricedItem[], percent: number, why: string, currency: string | null): BundlePricing | null {
  const unit = moneyUnit(currency)
  let list: number | null = 0
  // The floor is the cost of the items whose cost is known: an unknown cost is no reason to let the
  // known ones be undercut.
  let floor: number | null = null
  let costsUnknown = 0
  for (const item of items) {
    if (item.price === null || list === null) list = null
    else list += priceToMinor(item.price, unit) * item.quantity
    if (item.cost === null) costsUnknown++
    else floor = (floor ?? 0) + costToMinor(item.cost, unit) * item.quantity
  }
  if (list === null) {
    return {
      currency,
      list_price: null,
      discount_percent: percent,
      bundle_price: null,
      explanation: `${why}: ${percent}% off suggested (${missingPriceNote(items.filter(i => i.price === null), currency)}, so no bundle price).`
    }
  }
  const priced = discountedMinor(list, percent, floor, unit)
  if (priced === null) return null
  const applied = effectivePercent(list, priced.minor)
  if (applied <= 0) return null
  const price = formatMoney(priced.minor, unit)
  let explanation: string
  if (priced.cappedByCost) {
    const cost = costsUnknown === 0 ? 'its cost' : 'the cost of the items whose cost is known'
    explanation = `${why}: ${percent}% off suggested, reduced to ${applied}% (${price}) so the bundle does not sell below ${cost}.`
  } else if (applied === percent) {
    explanation = `${why}: ${percent}% off, rounded down to ${price}.`
  } else {
    explanation = `${why}: ${percent}% off suggested, ${applied}% once rounded down to ${price}.`
  }
  return { currency, list_price: fromMinor(list, unit), discount_percent: applied, bundle_price: fromMinor(priced.minor, unit), explanation }
}

/** A tier as offered, with the discount suggested for it and whether the cost floor lowered it. */
interface PlannedTier {
  tier: VolumeTier
  suggested: number
  cappedByCost: boolean
}

/**
 * Quantity breaks for one product. Tiers the cost floor erased, or whose discount the minor unit
 * cannot express (money.ts), are left out.
 */
export function volumeTiers (price: number | null, cost: number | null, schedule: ReadonlyArray<readonly [number, number]>, currency: string | null = null): VolumeTier[] {
  return planTiers(price, cost, schedule, currency).map(p => p.tier)
}

function planTiers (price: number | null, cost: number | null, schedule: ReadonlyArray<readonly [number, number]>, currency: string | null): PlannedTier[] {
  const unit = moneyUnit(currency)
  const planned: PlannedTier[] = []
  for (const [quantity, percent] of schedule) {
    if (price === null) {
      planned.push({ tier: { quantity, discount_percent: percent, unit_price: null, total_price: null }, suggested: percent, cappedByCost: false })
      continue
    }
    const list = priceToMinor(price, unit)
    const priced = discountedMinor(list, percent, cost === null ? null : costToMinor(cost, unit), unit)
    if (priced === null) continue
    const applied = effectivePercent(list, priced.minor)
    const previous = planned[planned.length - 1]?.tier
    if (applied <= 0 || (previous && previous.discount_percent >= applied)) continue
    planned.push({
      tier: { quantity, discount_percent: applied, unit_price: fromMinor(priced.minor, unit), total_price: fromMinor(priced.minor * quantity, unit) },
      suggested: percent,
      cappedByCost: priced.cappedByCost
    })
  }
  return planned
}

/**
 * One tier in the explanation. As for FBT sets, the discount applied is the tier's, and when rounding
 * (or the cost) changed it from the one suggested, both are said: "2+ units 3% off suggested, 3.7% once
 * rounded down to 19.26 each".
 */
function tierText (p: PlannedTier, unit: MoneyUnit): string {
  const { quantity, discount_percent: applied, unit_price: unitPrice } = p.tier
  if (unitPrice === null || (applied === p.suggested && !p.cappedByCost)) return `${quantity}+ units ${applied}% off`
  const each = `${formatMoney(priceToMinor(unitPrice, unit), unit)} each`
  if (p.cappedByCost) return `${quantity}+ units ${p.suggested}% off suggested, reduced to ${applied}% (${each}) so it does not sell below its cost`
  return `${quantity}+ units ${p.suggested}% off suggested, ${applied}% once rounded down to ${each}`
}

/** `product` names the item when its price is missing (see missingPriceNote). */
export function priceVolume (price: number | null, cost: number | null, schedule: ReadonlyArray<readonly [number, number]>, why: string, currency: string | null, product: UnpricedItem = {}): BundlePricing | null {
  const planned = planTiers(price, cost, schedule, currency)
  if (planned.length === 0) return null // the cost or the minor unit leaves no room for any quantity break
  const tiers = planned.map(p => p.tier)
  const first = tiers[0]
  const unit = moneyUnit(currency)
  const texts = planned.map(p => tierText(p, unit))
  // A tier that says what rounding did has commas of its own: the tiers are then set apart by semicolons.
  const changed = planned.some(p => p.tier.unit_price !== null && (p.tier.discount_percent !== p.suggested || p.cappedByCost))
  const ladder = texts.join(changed ? '; ' : ', ')
  const tail = price === null
    ? ` (${missingPriceNote([product], currency)}, so no tier prices)`
    : `${changed ? ';' : ','} unit prices rounded down${cost !== null ? ', never below cost' : ''}`
  return {
    currency,
    list_price: price === null ? null : fromMinor(priceToMinor(price, unit) * first.quantity, unit),
    discount_percent: first.discount_percent,
    bundle_price: first.total_price,
    explanation: `${why}: ${ladder}${tail}.`,
    tiers
  }
}

/**
 * Why items have no price: "no price in the file", or, when the file priced some of them in other
 * currencies only, "no price in the shop's currency (USD) for A" (the merchant can fix the second
 * by exporting in one currency; telling them the file has no price would send them looking in vain).
 */
export function missingPriceNote (unpriced: readonly UnpricedItem[], currency: string | null): string {
  const named = (items: readonly UnpricedItem[]): string => andList(items.map(i => i.title ?? 'an item'))
  const elsewhere = currency === null ? [] : unpriced.filter(i => i.priceInOtherCurrencyOnly === true)
  if (elsewhere.length === 0) return 'no price in the file'
  const nowhere = unpriced.filter(i => i.priceInOtherCurrencyOnly !== true)
  return `no price in the shop's currency (${currency}) for ${named(elsewhere)}` +
    (nowhere.length === 0 ? '' : `, and no price in the file for ${named(nowhere)}`)
}

/** "A", "A and B", "A, B and C". */
function andList (words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}
