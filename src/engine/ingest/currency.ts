// The shop's currency, from an order-level currency column (Shopify's `Currency` on an order's first
// row, GraphQL `currencyCode`, a generic `currency`). Cells are interned, so a code is decoded once
// per distinct cell; an order costs one lookup on its first row with a currency, nothing after.
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

export class OrderCurrencies {
  private readonly ofOrder = new Growable(Uint16Array)
  private readonly cells = new ByteInterner()
  private readonly valueOfCell: number[] = []
  private readonly codes: string[] = []
  private readonly codeIndex = new Map<string, number>()
  private tally: Int32Array | null = null

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
  }

  /** The most common code among the kept orders (ties: the one seen first), or null when none had one. */
  shopCurrency (): string | null {
    const tally = this.tally
    if (tally === null) return null
    let best = -1
    for (let v = FIRST_CODE; v < tally.length; v++) if (tally[v] > 0 && (best < 0 || tally[v] > tally[best])) best = v
    return best < 0 ? null : this.codes[best - FIRST_CODE]
  }
}
