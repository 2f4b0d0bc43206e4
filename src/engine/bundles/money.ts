// Money in integer cents, so no price is ever nudged up by floating-point error.

export function toCents (amount: number): number {
  return Math.round(amount * 100)
}

export function fromCents (cents: number): number {
  return cents / 100
}

/**
 * The discounted price, never above `listCents · (1 − percent/100)` rounded down to the cent, then
 * down again to the nearest cent ending in 9 (49.83 → 49.79) when that costs under 10 cents and
 * the price is at least 1.00. Rounding only ever lowers a price. The cost floor wins over both:
 * when the discounted price would fall below `floorCents` (the total cost), the price is the
 * floor, or the list price if the floor is above it (the discount shrinks, never the margin).
 */
export function discountedCents (listCents: number, percent: number, floorCents: number | null): { cents: number, cappedByCost: boolean } {
  const raw = Math.floor(listCents * (100 - percent) / 100)
  let cents = raw
  if (raw >= 100) {
    const charm = raw % 10 === 9 ? raw : raw - (raw % 10) - 1
    if (floorCents === null || charm >= floorCents) cents = charm
  }
  if (floorCents !== null && cents < floorCents) {
    return { cents: Math.min(listCents, floorCents), cappedByCost: true }
  }
  return { cents: Math.min(listCents, cents), cappedByCost: false }
}

/** The discount a price really gives, rounded down to a tenth of a percent (never overstated). */
export function effectivePercent (listCents: number, cents: number): number {
  if (listCents <= 0) return 0
  return Math.floor(((listCents - cents) * 1000) / listCents) / 10
}
