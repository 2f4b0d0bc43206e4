// "150.000" is 150 in a US export and 150,000 in an Indonesian one: a single dot group of three digits
// cannot be read alone. It is decided per column, after the scan: the values are read as decimals
// (fieldNumber), those of a single dot group are marked, and the column reads them as thousands when it
// shows dots as thousands elsewhere ("1.299.000", "1.234,50") or a decimal comma ("12,50"), or when the
// shop's currency has no minor unit (IDR, JPY, KRW, VND, HUF, CLP, ...). Otherwise they stay decimals:
// USD "1.234" is 1.234, and KWD has three decimals.
import type { CsvScanner } from './scanner.js'
import { currencyMinorDigits } from '../currency-digits.js'

const DOT = 0x2e
const COMMA = 0x2c

const SHAPE_NONE = 0
/** A single dot group, "150.000" or "1.299": thousands or a three-digit decimal. */
const SHAPE_DOT_GROUP = 1
/** Dots can only be thousands here: "1.299.000", "1.234,50", "12,50". */
const SHAPE_DOTS_ARE_THOUSANDS = 2

const SINGLE_DOT_GROUP = /^\d{1,3}\.\d{3}$/
const DOTS_ARE_THOUSANDS = /^(\d{1,3}(\.\d{3}){2,}(,\d+)?|\d{1,3}(\.\d{3})+,\d+|\d+,\d{1,2})$/

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39

/**
 * The shape of the number in field f, judged on its digits, dots and commas (a currency or sign around
 * them is ignored). `wantEvidence` false skips the text check of values with a comma, which can only be
 * evidence. Most values are told apart on the bytes, without decoding.
 */
function shapeOf (s: CsvScanner, f: number, wantEvidence: boolean): number {
  const buf = s.buf
  let start = s.starts[f]
  let end = s.ends[f]
  while (start < end && !isDigit(buf[start])) start++
  while (end > start && !isDigit(buf[end - 1])) end--
  let lastDot = -1
  let comma = false
  for (let i = start; i < end; i++) {
    if (buf[i] === DOT) lastDot = i
    else if (buf[i] === COMMA) comma = true
  }
  // Plain integers and decimals such as "29.99" are the common case: no text made.
  if (comma ? !wantEvidence : lastDot < 0 || end - lastDot !== 4) return SHAPE_NONE
  const core = buf.toString('latin1', start, end)
  if (SINGLE_DOT_GROUP.test(core)) return SHAPE_DOT_GROUP
  return wantEvidence && DOTS_ARE_THOUSANDS.test(core) ? SHAPE_DOTS_ARE_THOUSANDS : SHAPE_NONE
}

/** One number column's evidence about dots. */
export class DotThousandsColumn {
  private evidence = false

  /** Notes the shape of field f (a number already read); true when it is a single dot group, to be decided later. */
  note (s: CsvScanner, f: number): boolean {
    const shape = shapeOf(s, f, !this.evidence)
    if (shape === SHAPE_DOTS_ARE_THOUSANDS) this.evidence = true
    return shape === SHAPE_DOT_GROUP
  }

  /** Whether the column's single dot groups are thousands, given the shop's currency (null when unknown). */
  groupsAreThousands (currency: string | null): boolean {
    return this.evidence || (currency !== null && hasNoMinorUnit(currency))
  }
}

/** The thousands reading of a single dot group read as a decimal: 1.299 is 1299. */
export function asThousands (decimalReading: number): number {
  return Math.round(decimalReading * 1000)
}

/** True when a currency is written without decimals (IDR, JPY, KRW, ...); false for an unknown code. */
export function hasNoMinorUnit (currency: string): boolean {
  return currencyMinorDigits(currency) === 0
}
