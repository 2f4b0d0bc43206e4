// One lookup of a currency's minor unit, shared by ingest (reading "150.000" as thousands) and
// pricing (rounding to what the currency can show), so the two never disagree about a code.

const digitsByCode = new Map<string, number | null>()

/**
 * How many decimals an ISO 4217 code is written with, as the platform's Intl data gives it
 * (JPY 0, USD 2, KWD 3); null for a code that is not well-formed.
 */
export function currencyMinorDigits (currency: string): number | null {
  let digits = digitsByCode.get(currency)
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      digits = null
    }
    digitsByCode.set(currency, digits)
  }
  return digits
}
