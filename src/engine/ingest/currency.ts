// The shop's currency, from an order-level currency column (Shopify's `Currency` on an order's first
// row, GraphQL `currencyCode`, a generic `currency`). Cells are interned, so a code is decoded once
// per distinct cell; an order costs one lookup on its first row with a currency, nothing after.
// A file may mix currencies (a shop selling in several markets): prices are only comparable within
// one, so product prices are taken from the shop's currency's orders, and the summary says so.
import { fieldIsEmpty, fieldText } from './fields.js'
import { Growable } from './growable.js'
import { ByteInterner } from './interner.js'
import type { CsvScanner } from './scanner.js'

const ISO_CODE = /^[A-Z]{3}$/
/** Order values: no currency cell yet, a cell that is not an ISO code; codes[k] is stored as k + FIRST_CODE. */
const NONE = 0
const NOT_A_CODE = 1
const FIRST_CODE = 2
const MAX_CODES = 0xffff - FIRST_CODE
const UNKNOWN = -2

export class OrderCurrencies {
  private readonly ofOrder = new Growable(Uint16Array)
  private readonly cells = new ByteInterner()
  private readonly valueOfCell: number[] = []
  private readonly codes: string[] = []
  private readonly codeIndex = new Map<string, number>()
  private tally: Int32Array | null = null
  /** shopValue()'s answer, UNKNOWN until asked after the last countKept. */
  private shop = UNKNOWN

  constructor (private readonly column: number) {}

  /** Called once per new order, in order of first appearance (ids are dense). */
  addOrder (): void {
    this.ofOrder.push(NONE)
  }

  /** Takes the currency of `order` from this row, unless the order already has one or the cell is empty. */
  read (s: CsvScanner, order: number): void {
    const f = this.column
    if (this.ofOrder.data[order] !== NONE || fieldIsEmpty(s, f)) return
    const id = this.cells.intern(s.buf, 0, s.starts[f], s.ends[f])
    if (this.cells.created) this.valueOfCell.push(this.valueOf(fieldText(s, f)))
    this.ofOrder.data[order] = this.valueOfCell[id]
  }

  private valueOf (text: string): number {
    const code = text.toUpperCase()
    if (!ISO_CODE.test(code)) return NOT_A_CODE
    let k = this.codeIndex.get(code)
    if (k === undefined) {
      if (this.codes.length >= MAX_CODES) return NOT_A_CODE
      k = this.codes.length
      this.codes.push(code)
      this.codeIndex.set(code, k)
    }
    return k + FIRST_CODE
  }

  /** Counts a kept order's currency toward the shop's. */
  countKept (order: number): void {
    const value = this.ofOrder.data[order]
    if (value < FIRST_CODE) return
    this.tally ??= new Int32Array(this.codes.length + FIRST_CODE)
    this.tally[value]++
    this.shop = UNKNOWN
  }

  /** The most common code among the kept orders (ties: the one seen first), or null when none had one. */
  shopCurrency (): string | null {
    const best = this.shopValue()
    return best < 0 ? null : this.codes[best - FIRST_CODE]
  }

  /**
   * Whether `order`'s prices are in the shop's currency: it names that currency, or none (a blank or
   * unreadable cell is taken to be the shop's). Call after every kept order was counted.
   */
  inShopCurrency (order: number): boolean {
    const value = this.ofOrder.data[order]
    return value < FIRST_CODE || value === this.shopValue()
  }

  /** A note for the run summary when kept orders name other currencies than the shop's, else null. */
  otherCurrenciesNote (): string | null {
    const tally = this.tally
    const shop = this.shopValue()
    if (tally === null || shop < 0) return null
    const others: string[] = []
    let orders = 0
    for (let v = FIRST_CODE; v < tally.length; v++) {
      if (v === shop || tally[v] === 0) continue
      others.push(`${this.codes[v - FIRST_CODE]} ${tally[v].toLocaleString('en-US')}`)
      orders += tally[v]
    }
    if (orders === 0) return null
    const code = this.codes[shop - FIRST_CODE]
    return `${orders.toLocaleString('en-US')} of the orders used ${orders === 1 ? 'is' : 'are'} in another currency than ${code}, ` +
      `the file's most common (${others.join(', ')}). They count as evidence of products bought together, but product ` +
      `and bundle prices come from the ${code} orders only.`
  }

  /** The tally's most common value (ties: the code seen first), or -1 when no kept order named a code. */
  private shopValue (): number {
    if (this.shop !== UNKNOWN) return this.shop
    const tally = this.tally
    let best = -1
    if (tally !== null) for (let v = FIRST_CODE; v < tally.length; v++) if (tally[v] > 0 && (best < 0 || tally[v] > tally[best])) best = v
    this.shop = best
    return best
  }
}
