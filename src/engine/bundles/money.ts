// Money in integer minor units of the shop's currency (cents; yen have none, dinars have 1,000 fils),
// so no price is ever nudged up by floating-point error or shown with fractions the currency lacks.

import { currencyMinorDigits } from '../currency-digits.js'

/** How a currency's amounts are counted: 10^digits minor units to one major unit. */
export interface MoneyUnit {
  digits: number
  scale: number
}

const CENTS: MoneyUnit = { digits: 2, scale: 100 }
const units = new Map<number, MoneyUnit>()

/**
 * The minor unit of an ISO 4217 code (JPY 0, USD 2, KWD 3); cents when the file names no currency
 * or one that is not well-formed.
 */
export function moneyUnit (currency: string | null): MoneyUnit {
  const digits = currency === null ? null : currencyMinorDigits(currency)
  if (digits === null) return CENTS
  let unit = units.get(digits)
  if (unit === undefined) {
    unit = { digits, scale: 10 ** digits }
    units.set(digits, unit)
  }
  return unit
}

/**
 * A price in minor units, rounded DOWN: a price written finer than the currency allows (1.005 USD)
 * loses the fraction, so sums of such prices never overstate the items. Float noise
 * (2.345 · 1000 = 2344.9999999999995) is not a fraction.
 */
export function priceToMinor (amount: number, unit: MoneyUnit): number {
  return roundOff(amount * unit.scale, Math.floor)
}

/** A cost in minor units, rounded UP, so a floor built from it is never below the real cost. */
export function costToMinor (amount: number, unit: MoneyUnit): number {
  return roundOff(amount * unit.scale, Math.ceil)
}

export function fromMinor (minor: number, unit: MoneyUnit): number {
  return minor / unit.scale
}

export function formatMoney (minor: number, unit: MoneyUnit): string {
  return (minor / unit.scale).toFixed(unit.digits)
}

/**
 * How far rounding may take a discount past the one suggested: at most to twice it. Below that
 * ratio a price is too small for the suggestion (5 % off 0.05 is 0.04, 20 % off; 0.01 would become
 * free), and the offer is dropped rather than given away.
 */
export const MAX_ROUNDING_FACTOR = 2

/**
 * The discounted price in minor units, or null when the currency's minor unit is too coarse for
 * this discount on this price (rounding would more than double the discount, or make it free).
 * Otherwise it is `list · (1 − percent/100)` rounded down to the minor unit, then down again to the
 * nearest amount ending in 9 (49.83 → 49.79) when that costs under 10 minor units, the price is at
 * least one major unit and 100 minor units, and the discount stays within the factor. Rounding only
 * ever lowers a price. The cost floor wins over both: when the discounted price would fall below
 * `floor` (the known cost), the price is the floor, or the list price if the floor is above it (the
 * discount shrinks, never the margin).
 */
export function discountedMinor (list: number, percent: number, floor: number | null, unit: MoneyUnit): { minor: number, cappedByCost: boolean } | null {
  const raw = Math.floor(list * (100 - percent) / 100)
  // The cheapest price allowed: the discount at most MAX_ROUNDING_FACTOR times the suggestion, never free.
  const lowest = Math.max(1, list - Math.floor(list * Math.min(100, percent * MAX_ROUNDING_FACTOR) / 100))
  if (floor !== null && raw < floor) {
    const minor = Math.min(list, floor)
    return minor >= lowest ? { minor, cappedByCost: true } : null
  }
  if (raw < lowest) return null
  let minor = raw
  if (raw >= Math.max(100, unit.scale)) {
    const charm = raw % 10 === 9 ? raw : raw - (raw % 10) - 1
    if (charm >= lowest && (floor === null || charm >= floor)) minor = charm
  }
  return { minor: Math.min(list, minor), cappedByCost: false }
}

/** The discount a price really gives, rounded down to a tenth of a percent (never overstated). */
export function effectivePercent (list: number, price: number): number {
  if (list <= 0) return 0
  return Math.floor(((list - price) * 1000) / list) / 10
}

function roundOff (x: number, direction: (x: number) => number): number {
  const nearest = Math.round(x)
  return Math.abs(x - nearest) <= 1e-6 * Math.max(1, Math.abs(x)) ? nearest : direction(x)
}
