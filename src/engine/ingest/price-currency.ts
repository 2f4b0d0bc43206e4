// A file that names no currency may still write one around its prices ("1,299円", "15,000원", "1.500 د.ك",
// "10 ر.س"). Priced in cents, a yen shop would get fractional yen ("2229.99"), so the shop's currency is
// taken from those markers, but only when every price that carries one carries the same marker and it
// belongs to one currency alone. "$", "¥", "£", "R", "kr", "Rs", "lei", "元" and "C$" are each written by
// several currencies: a file with one of them anywhere, or with two different markers, stays unnamed.
import { currencyMarkerOf, fieldText } from './fields.js'
import type { CsvScanner } from './scanner.js'

/** Markers one currency alone writes (lower case, without a final dot). ISO codes are added below. */
const SOLE_CURRENCY = new Map<string, string>([
  ['円', 'JPY'], ['원', 'KRW'], ['₩', 'KRW'], ['₫', 'VND'], ['₹', 'INR'], ['₺', 'TRY'], ['₽', 'RUB'], ['₴', 'UAH'],
  ['₪', 'ILS'], ['₦', 'NGN'], ['฿', 'THB'], ['€', 'EUR'], ['zł', 'PLN'], ['kč', 'CZK'], ['ft', 'HUF'], ['rp', 'IDR'],
  ['us$', 'USD'], ['r$', 'BRL'], ['a$', 'AUD'], ['au$', 'AUD'], ['nz$', 'NZD'], ['hk$', 'HKD'], ['s$', 'SGD'],
  ['nt$', 'TWD'], ['mx$', 'MXN'], ['ca$', 'CAD'],
  ['د.ك', 'KWD'], ['د.ب', 'BHD'], ['د.إ', 'AED'], ['ر.س', 'SAR'], ['ر.ق', 'QAR'], ['ر.ع', 'OMR']
])

/** ISO 4217 codes the platform knows ("lei" is letters, not a code). */
const ISO_CODES = new Set(Intl.supportedValuesOf('currency'))

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39

/** The one currency a marker names ("円" JPY, "usd" USD), or null when it is shared or unknown. */
export function soleCurrencyOf (marker: string): string | null {
  const m = marker.toLowerCase().replace(/\.$/, '')
  const known = SOLE_CURRENCY.get(m)
  if (known !== undefined) return known
  const code = m.toUpperCase()
  return ISO_CODES.has(code) ? code : null
}

/** The currency markers of one price column, noted per price read. */
export class PriceCurrencyMarkers {
  private code: string | null = null
  private marker = ''
  /** A shared marker, or two currencies: nothing can be inferred, and nothing more is looked at. */
  private undecidable = false

  /** Notes the marker of field f (a price already read). Plain numbers are told apart on their first and last byte. */
  note (s: CsvScanner, f: number): void {
    if (this.undecidable) return
    const buf = s.buf
    let i = s.starts[f]
    let end = s.ends[f]
    while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++
    while (end > i && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--
    if (i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) i++
    if (i >= end || ((isDigit(buf[i]) || buf[i] === 0x2e) && isDigit(buf[end - 1]))) return
    const marker = currencyMarkerOf(fieldText(s, f))
    if (marker === null) return
    const code = soleCurrencyOf(marker)
    if (code === null || (this.code !== null && code !== this.code)) {
      this.undecidable = true
      this.code = null
      return
    }
    if (this.code === null) this.marker = marker
    this.code = code
  }

  /** The currency every marked price names, or null (no marker, a shared one, or several). */
  currency (): string | null {
    return this.undecidable ? null : this.code
  }

  /** The run summary's note for an inferred currency. */
  inferredNote (): string | null {
    const code = this.currency()
    if (code === null) return null
    return `The file names no currency, but every price that shows one writes it as ${this.marker}: prices are read as ${code}.`
  }
}
