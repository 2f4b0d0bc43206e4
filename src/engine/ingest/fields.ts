// Turning field bytes into values: strings only for the columns a format needs, numbers and dates
// parsed straight from the bytes on the common shapes, with a careful slow path for the rest.
import { FIELD_ESCAPED, type CsvScanner } from './scanner.js'

/** The text of field f, unescaped and trimmed; '' when the record has no such field. */
export function fieldText (s: CsvScanner, f: number): string {
  if (f < 0 || f >= s.count) return ''
  const start = s.starts[f]
  const end = s.ends[f]
  if (start >= end) return ''
  let text = s.buf.toString('utf8', start, end)
  if ((s.flags[f] & FIELD_ESCAPED) !== 0) text = text.replaceAll('""', '"')
  return text.trim()
}

/** True when field f is absent, empty or only spaces. */
export function fieldIsEmpty (s: CsvScanner, f: number): boolean {
  if (f < 0 || f >= s.count) return true
  const buf = s.buf
  for (let i = s.starts[f], end = s.ends[f]; i < end; i++) {
    const b = buf[i]
    if (b !== 0x20 && b !== 0x09) return false
  }
  return true
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

/**
 * The number in field f: NaN when absent, empty or not a number. Fast path on the bytes for plain
 * decimals ("12", "-3", "29.99") and the common shop shapes: a decimal comma before one or two digits
 * ("12,50") and a currency sign $, € or £ before or after the number ("$7.00", "12,50 €"), so a
 * European file does not decode every price. It is exact because an integer below 2^53 divided by a
 * power of ten rounds the same way as parsing the decimal text. Everything else goes through
 * parseNumberText, which gives the same value for these shapes.
 */
export function fieldNumber (s: CsvScanner, f: number): number {
  if (f < 0 || f >= s.count) return NaN
  const buf = s.buf
  let i = s.starts[f]
  let end = s.ends[f]
  if (i >= end) return NaN
  let neg = false
  if (buf[i] === 0x2d) { neg = true; i++ }
  i += currencySignLength(buf, i, end)
  end = beforeTrailingSign(buf, i, end)
  let int = 0
  let digits = 0
  let scale = -1
  let comma = false
  for (; i < end; i++) {
    const b = buf[i]
    if (b >= 0x30 && b <= 0x39) { int = int * 10 + (b - 0x30); digits++; if (scale >= 0) scale++ } else if (b === 0x2e && scale < 0) scale = 0
    else if (b === 0x2c && scale < 0 && digits > 0) { scale = 0; comma = true } else break
  }
  // A comma before three digits is a thousands separator ("1,234"): left to the text rules.
  if (i === end && digits > 0 && digits <= 15 && scale !== 0 && !(comma && scale > 2)) {
    const v = scale > 0 ? int / POW10[scale] : int
    return neg && v !== 0 ? -v : v
  }
  return parseNumberText(fieldText(s, f))
}

/** Bytes of a currency sign $, € or £ at i (UTF-8), 0 when there is none. */
function currencySignLength (buf: Uint8Array, i: number, end: number): number {
  if (i >= end) return 0
  const b = buf[i]
  if (b === 0x24) return 1
  if (b === 0xc2 && i + 1 < end && buf[i + 1] === 0xa3) return 2
  if (b === 0xe2 && i + 2 < end && buf[i + 1] === 0x82 && buf[i + 2] === 0xac) return 3
  return 0
}

/** Where the number ends when the field ends with a sign $, € or £, after a space or a no-break space; else end. */
function beforeTrailingSign (buf: Uint8Array, from: number, end: number): number {
  let at = end
  if (end - from >= 1 && buf[end - 1] === 0x24) at = end - 1
  else if (end - from >= 2 && currencySignLength(buf, end - 2, end) === 2) at = end - 2
  else if (end - from >= 3 && currencySignLength(buf, end - 3, end) === 3) at = end - 3
  else return end
  if (at - from >= 1 && buf[at - 1] === 0x20) return at - 1
  if (at - from >= 2 && buf[at - 2] === 0xc2 && buf[at - 1] === 0xa0) return at - 2
  if (at - from >= 3 && buf[at - 3] === 0xe2 && buf[at - 2] === 0x80 && buf[at - 1] === 0xaf) return at - 3
  return at
}

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/
const EURO_THOUSANDS = /^[+-]?\d{1,3}(\.\d{3})+(,\d{1,2})?$/
/** Two dot groups or more can only be thousands: "1.299.000", "1.299.000,50". */
const DOT_THOUSANDS = /^[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?$/
const DECIMAL_COMMA = /^[+-]?\d+,\d{1,2}$/
/** Groups of three split by a space, a no-break space (U+00A0, U+202F, U+2009) or a Swiss apostrophe. */
const SPACE_THOUSANDS = /^[+-]?\d{1,3}([ \u00a0\u2009\u202f'\u2019]\d{3})+([.,]\d+)?$/
const SPACE_SEPARATORS = /[ \u00a0\u2009\u202f'\u2019]/g
/**
 * A currency before the number: a sign ("€", "$"), a sign with a country prefix ("US$", "R$", "C$"), or
 * letters (a code, "kr", "R", or a dotted Arabic abbreviation, "د.ك").
 */
const CURRENCY_BEFORE = /^([+-]?)\s*(\p{L}\.\p{L}\.?|\p{L}{0,3}\p{Sc}|\p{L}{1,3}\.?)\s*(?=[\d.+-])/u
/** A currency after the number: a sign ("€") or letters (a code, "kr", "zł", "円", "د.ك"). */
const CURRENCY_AFTER = /(?<=[\d.])\s*(\p{L}\.\p{L}\.?|\p{Sc}|\p{L}{1,3}\.?)$/u
/**
 * Currencies merchants write as letters: ISO 4217 codes in any case, and local abbreviations, among them
 * the ones written as a single letter (yen 円, yuan 元, won 원, rand R) or as dotted Arabic letters (dinars
 * and riyals: KWD د.ك, BHD د.ب, AED د.إ, SAR ر.س, QAR ر.ق, OMR ر.ع.). Only these: "3 m" is no price.
 */
const CURRENCY_WORDS = new Set([...Intl.supportedValuesOf('currency').map(c => c.toLowerCase()), 'kr', 'zł', 'kč', 'ft', 'rs', 'lei', 'rp',
  '円', '元', '원', 'r', 'د.ك', 'د.ب', 'د.إ', 'ر.س', 'ر.ق', 'ر.ع'])

/** True when a currency marker is a sign, or letters that name a currency ("USD", "usd", "kr"), not any word ("pcs"). */
function isCurrency (marker: string): boolean {
  return /\p{Sc}/u.test(marker) || CURRENCY_WORDS.has(marker.toLowerCase().replace(/\.$/, ''))
}

/** The currency written before or after the number, as written, and the text without it. */
function splitCurrency (t: string): { marker: string | null, rest: string } {
  let marker: string | null = null
  const before = CURRENCY_BEFORE.exec(t)
  if (before !== null && isCurrency(before[2])) {
    marker = before[2]
    t = before[1] + t.slice(before[0].length)
  }
  const after = CURRENCY_AFTER.exec(t)
  if (after !== null && isCurrency(after[1])) {
    marker ??= after[1]
    t = t.slice(0, after.index)
  }
  return { marker, rest: t }
}

/**
 * The currency written before or after a number, as written ("円" in "1,299円", "US$" in "US$12", "$" in
 * "$7", "د.ك" in "1.500 د.ك"); null when the text has none.
 */
export function currencyMarkerOf (raw: string): string | null {
  return splitCurrency(raw.trim()).marker
}

/** The text without a currency before or after the number ("US$12.00", "12,50 €", "-€5", "12.00 usd"). */
function withoutCurrency (t: string): string {
  return splitCurrency(t).rest
}

/**
 * Parses a number the way merchants write them. Decided rules: a currency before or after the number
 * is ignored, whether a sign ("$7", "12,50 €", "US$12", "R$ 12,00") or letters naming one (an ISO code
 * in any case, "USD 12", "12.00 usd", or "kr", "zł", "Kč", "Ft", "Rs", "lei", "Rp"; other words are not
 * currencies, so "3 pcs" is not a number); commas in groups of three are thousands separators
 * ("1,234.50" = 1234.5, whatever the delimiter); so are spaces, no-break spaces and apostrophes in
 * groups of three ("1 234,56" = 1234.56, "1'234.50" = 1234.5); a single comma before one or two digits
 * is a decimal comma ("12,50" = 12.5, as in ';'-delimited European exports); "1.234,50" = 1234.5; two
 * dot groups or more are thousands ("1.299.000" = 1299000). A single dot group ("150.000", "1.299") is
 * read here as a decimal (150, 1.299): whether it is thousands is the column's to decide, from its other
 * values and the shop's currency (dot-thousands.ts).
 * Infinity ("1e309"), NaN, hex and anything else is not a number (NaN). "-0" is 0.
 */
export function parseNumberText (raw: string): number {
  let t = withoutCurrency(raw.trim()).trim()
  if (t === '') return NaN
  if (SPACE_THOUSANDS.test(t)) t = t.replace(SPACE_SEPARATORS, '')
  if (THOUSANDS.test(t)) t = t.replaceAll(',', '')
  else if (DOT_THOUSANDS.test(t) || (EURO_THOUSANDS.test(t) && t.includes(','))) t = t.replaceAll('.', '').replace(',', '.')
  else if (DECIMAL_COMMA.test(t)) t = t.replace(',', '.')
  if (!PLAIN.test(t)) return NaN
  const v = Number(t)
  if (!Number.isFinite(v)) return NaN
  return v === 0 ? 0 : v
}

function digitsAt (buf: Uint8Array, i: number, n: number): number {
  let v = 0
  for (let k = 0; k < n; k++) {
    const d = buf[i + k] - 0x30
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

/**
 * Milliseconds since the epoch for the date in field f, NaN when absent or unreadable (never an
 * error: dates only order the baskets). Fast path for ISO 8601 and Shopify's
 * "2025-10-31 19:52:54 -0500"; a time without a zone is read as UTC so results do not depend on
 * the server's time zone. Other shapes go to Date.parse.
 */
export function fieldDate (s: CsvScanner, f: number): number {
  if (f < 0 || f >= s.count) return NaN
  const buf = s.buf
  const start = s.starts[f]
  const end = s.ends[f]
  if (start >= end) return NaN
  const fast = isoDate(buf, start, end)
  if (!Number.isNaN(fast)) return fast
  const text = fieldText(s, f)
  if (text === '') return NaN
  const v = Date.parse(text)
  return Number.isFinite(v) ? v : NaN
}

function isoDate (buf: Uint8Array, i: number, end: number): number {
  if (end - i < 10 || buf[i + 4] !== 0x2d || buf[i + 7] !== 0x2d) return NaN
  const y = digitsAt(buf, i, 4)
  const mo = digitsAt(buf, i + 5, 2)
  const d = digitsAt(buf, i + 8, 2)
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return NaN
  i += 10
  let h = 0; let mi = 0; let sec = 0; let ms = 0
  if (i < end && (buf[i] === 0x54 || buf[i] === 0x20) && end - i >= 6 && buf[i + 3] === 0x3a) {
    h = digitsAt(buf, i + 1, 2)
    mi = digitsAt(buf, i + 4, 2)
    if (h < 0 || h > 23 || mi < 0 || mi > 59) return NaN
    i += 6
    if (i < end && buf[i] === 0x3a) {
      sec = digitsAt(buf, i + 1, 2)
      if (sec < 0 || sec > 60) return NaN
      i += 3
      if (i < end && buf[i] === 0x2e) {
        i++
        let scale = 100
        while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) { ms += (buf[i] - 0x30) * scale; scale /= 10; i++ }
        ms = Math.floor(ms)
      }
    }
  }
  let offsetMin = 0
  if (i < end && buf[i] === 0x20) i++
  if (i < end) {
    const b = buf[i]
    if (b === 0x5a && i + 1 === end) { i++ } else if (b === 0x2b || b === 0x2d) {
      const oh = digitsAt(buf, i + 1, 2)
      const colon = buf[i + 3] === 0x3a ? 1 : 0
      const om = digitsAt(buf, i + 3 + colon, 2)
      if (oh < 0 || om < 0 || i + 5 + colon !== end) return NaN
      offsetMin = (oh * 60 + om) * (b === 0x2d ? -1 : 1)
      i = end
    } else return NaN
  }
  if (i !== end) return NaN
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60000
}

/** True when field f reads true, yes, y or 1 (any case), checked on the bytes without decoding. */
export function fieldIsTrue (s: CsvScanner, f: number): boolean {
  if (f < 0 || f >= s.count) return false
  const buf = s.buf
  let i = s.starts[f]
  let end = s.ends[f]
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++
  while (end > i && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--
  const n = end - i
  const b = buf[i] | 0x20 // lower case for letters
  if (n === 1) return b === 0x79 || buf[i] === 0x31 // y, 1
  if (n === 3) return b === 0x79 && (buf[i + 1] | 0x20) === 0x65 && (buf[i + 2] | 0x20) === 0x73 // yes
  if (n === 4) return b === 0x74 && (buf[i + 1] | 0x20) === 0x72 && (buf[i + 2] | 0x20) === 0x75 && (buf[i + 3] | 0x20) === 0x65 // true
  return false
}
