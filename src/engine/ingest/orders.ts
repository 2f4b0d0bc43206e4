// Order-line files (Shopify orders export, Shopify GraphQL lines, generic order lines) into baskets.
// While streaming, each row becomes one line in flat typed arrays (order id, line key, signed
// quantity, price, flags); order-level fields (status, cancelled, date, currency) are kept per order,
// read from every row as soon as its order id is known (before the row may be skipped), so fields that
// Shopify writes only on an order's first row apply to all its rows, even when an order's rows are not
// contiguous. A row's own status is its line's. At the end line keys are resolved to products
// (variants rolled up), returns netted against sales, the cleaning rules applied, and the kept orders
// packed into CSR arrays; product prices are taken from the shop currency's orders only, single dot
// groups ("150.000") read as thousands or decimals as the price column decides (dot-thousands.ts).
import { EngineInputError } from '../errors.js'
import type { DropReason, Product } from '../types.js'
import { CancelledCells } from './cancelled.js'
import { dropReasonOf, OrderState, orderStateOf } from './cleaning.js'
import { OrderCurrencies } from './currency.js'
import { PriceCurrencyMarkers } from './price-currency.js'
import { asThousands, DotThousandsColumn } from './dot-thousands.js'
import { fieldDate, fieldIsEmpty, fieldIsTrue, fieldNumber, fieldText } from './fields.js'
import type { OrderLayout } from './formats.js'
import { Growable } from './growable.js'
import { ByteInterner } from './interner.js'
import { MAX_DISTINCT_PRODUCTS, MAX_ORDER_LINES, MAX_ORDERS } from './limits.js'
import { KEY_LINE_NAME, KEY_PRODUCT_ID, KEY_SKU, KEY_TITLE, KEY_VARIANT_ID, LineKeyTable, resolveProducts } from './line-products.js'
import { isBlankRecord, type CsvScanner } from './scanner.js'

/** Line flag bits: the gift card column; a sale line that stays in its basket (set in finish). */
const LINE_GIFT_CARD = 1
const LINE_KEPT_SALE = 2
/** The line's own status (an OrderState + 1) in bits 2..4; 0 when the row had none and takes its order's. */
const LINE_STATE_SHIFT = 2
const LINE_STATE_MASK = 7 << LINE_STATE_SHIFT
/** The price is a single dot group ("150.000"), read as a decimal until the column decides (dot-thousands.ts). */
const LINE_PRICE_DOT_GROUP = 1 << 5
const MAX_QUANTITY = 1_000_000

export interface Counts {
  rows_read: number
  rows_skipped: Record<string, number>
  lines_dropped: Partial<Record<DropReason, number>>
}

export interface OrderBaskets {
  products: Product[]
  basketOffsets: Int32Array
  basketItems: Int32Array
  basketQuantities: Int32Array
  orderTimes: Float64Array | null
  /**
   * Most common currency code among kept orders; when the file names none, the one every marked price
   * writes ("1,299円": JPY); else null.
   */
  currency: string | null
  /** Notes for the run summary (other currencies than the shop's). */
  warnings: string[]
  orders_read: number
  orders_used: number
  multi_product_orders: number
}

export function bump<K extends string> (counts: Partial<Record<K, number>>, key: K, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by
}

export class OrderLinesCollector {
  private readonly orders = new ByteInterner()
  private readonly orderState = new Growable(Uint8Array)
  private readonly orderStatusSeen = new Growable(Uint8Array)
  private readonly orderCancelled = new Growable(Uint8Array)
  private readonly orderTime = new Growable(Float64Array)
  private readonly lineKeys = new ByteInterner()
  private readonly lineKeyInfo = new LineKeyTable()
  private readonly lineOrder = new Growable(Int32Array, 1 << 14)
  private readonly lineKey = new Growable(Int32Array, 1 << 14)
  private readonly lineQuantity = new Growable(Int32Array, 1 << 14)
  private readonly linePrice = new Growable(Float64Array, 1 << 14)
  private readonly lineFlags = new Growable(Uint8Array, 1 << 14)
  private previousOrder = -1
  private readonly statuses = new ByteInterner()
  private readonly stateOfStatus: number[] = []
  private previousStatus = -1
  /** Null when the file has no cancelled column. */
  private readonly cancelledCells: CancelledCells | null
  /** Null when the file has no currency column. */
  private readonly currencies: OrderCurrencies | null
  private readonly priceDots = new DotThousandsColumn()
  /** The currency written around the prices, for a file that names none ("1,299円"). */
  private readonly priceMarkers = new PriceCurrencyMarkers()

  /** Pairs of (key tag, column): where a row's product key comes from, in order of preference. */
  private readonly keyChain: number[]

  constructor (private readonly layout: OrderLayout, private readonly counts: Counts) {
    const L = layout
    // The Shopify orders export has no product id: the line name is the product (its SKU only helps
    // to roll variants up), and a SKU alone is the key only when a line has no name. Other files without
    // a product id are keyed by title the same way: a SKU or variant id names a variant, so keying by it
    // would split every size and colour into its own product.
    const chain = L.format === 'shopify-orders'
      ? [KEY_LINE_NAME, L.lineName, KEY_SKU, L.sku]
      : L.productId >= 0
        ? [KEY_PRODUCT_ID, L.productId, KEY_VARIANT_ID, L.variantId, KEY_SKU, L.sku, KEY_TITLE, L.title, KEY_LINE_NAME, L.lineName]
        : [KEY_TITLE, L.title, KEY_LINE_NAME, L.lineName, KEY_VARIANT_ID, L.variantId, KEY_SKU, L.sku]
    this.keyChain = chain.filter((_, i) => i % 2 === 1 ? chain[i] >= 0 : chain[i + 1] >= 0)
    this.currencies = L.currency >= 0 ? new OrderCurrencies(L.currency) : null
    this.cancelledCells = L.cancelled >= 0 ? new CancelledCells() : null
  }

  row (s: CsvScanner): void {
    const L = this.layout
    const counts = this.counts
    if (fieldIsEmpty(s, L.order)) {
      if (isBlankRecord(s)) return
      counts.rows_read++
      bump(counts.rows_skipped, 'missing_order_id')
      return
    }
    counts.rows_read++
    // Order-level fields first: in a Shopify export they are only on an order's first row, which may
    // be a row skipped below (a removed line, an unreadable number).
    const order = this.orderOf(s)
    const lineState = this.readOrderFields(s, order)

    // The product: the first non-empty of the layout's product columns.
    const chain = this.keyChain
    let k = 0
    while (k < chain.length && fieldIsEmpty(s, chain[k + 1])) k += 2
    if (k >= chain.length) { bump(counts.rows_skipped, 'missing_product'); return }
    const tag = chain[k]
    const keyField = chain[k + 1]

    // Quantities are signed: a return (-1) is netted against the same product's sale in finish.
    let quantity = 1
    if (!fieldIsEmpty(s, L.quantity)) {
      const q = fieldNumber(s, L.quantity)
      if (Number.isNaN(q) || q > MAX_QUANTITY || q < -MAX_QUANTITY) { bump(counts.rows_skipped, 'bad_quantity'); return }
      quantity = q > 0 ? Math.max(1, Math.round(q)) : q < 0 ? Math.min(-1, Math.round(q)) : 0
    }
    // A return's price is not read: it sets no product price, so it cannot make the row unreadable.
    let price = NaN
    let priceFlag = 0
    if (quantity > 0 && !fieldIsEmpty(s, L.price)) {
      // "-0" equals 0 (and is not < 0), so it is a free line like "0": dropped as free_item, not skipped as bad_price.
      price = fieldNumber(s, L.price)
      if (Number.isNaN(price) || price < 0) { bump(counts.rows_skipped, 'bad_price'); return }
      if (this.priceDots.note(s, L.price)) priceFlag = LINE_PRICE_DOT_GROUP
      this.priceMarkers.note(s, L.price)
    }

    if (this.lineOrder.length >= MAX_ORDER_LINES) this.tooBig(`${MAX_ORDER_LINES.toLocaleString('en-US')} order lines`)
    this.lineOrder.push(order)
    this.lineKey.push(this.lineKeyOf(s, tag, keyField))
    this.lineQuantity.push(quantity)
    this.linePrice.push(price)
    this.lineFlags.push((fieldIsTrue(s, L.giftCard) ? LINE_GIFT_CARD : 0) | lineState | priceFlag)
  }

  /**
   * Takes the order's status, cancellation, date and currency from this row where the order has none
   * yet, and returns the line's own status as line flag bits (0 when the row has no status).
   */
  private readOrderFields (s: CsvScanner, order: number): number {
    const L = this.layout
    let lineState = 0
    if (!fieldIsEmpty(s, L.status)) {
      const state = this.stateOf(s)
      lineState = (state + 1) << LINE_STATE_SHIFT
      if (this.orderStatusSeen.data[order] === 0) {
        this.orderStatusSeen.data[order] = 1
        this.orderState.data[order] = state
      }
    }
    if (this.cancelledCells !== null && this.orderCancelled.data[order] === 0 && !fieldIsEmpty(s, L.cancelled) &&
      this.cancelledCells.cancelsOrder(s, L.cancelled)) this.orderCancelled.data[order] = 1
    if (L.date >= 0 && Number.isNaN(this.orderTime.data[order])) this.orderTime.data[order] = fieldDate(s, L.date)
    if (this.currencies !== null) this.currencies.read(s, order)
    return lineState
  }

  private tooBig (what: string): never {
    throw new EngineInputError('MALFORMED_CSV',
      `The file holds more than ${what}, past what one analysis can hold. Split the export by date range and upload a part.`)
  }

  /** The order state a status cell means; a shop has a handful of distinct statuses, decoded once each. */
  private stateOf (s: CsvScanner): number {
    const f = this.layout.status
    const start = s.starts[f]
    const end = s.ends[f]
    // Files that write a status on every row mostly repeat the previous row's.
    let id = this.previousStatus
    if (id < 0 || !this.statuses.sameAs(id, s.buf, 0, start, end)) {
      id = this.statuses.intern(s.buf, 0, start, end)
      if (this.statuses.created) this.stateOfStatus.push(orderStateOf(fieldText(s, f)))
      this.previousStatus = id
    }
    return this.stateOfStatus[id]
  }

  private orderOf (s: CsvScanner): number {
    const f = this.layout.order
    const buf = s.buf
    // Trimmed like product keys, so "2" and "2 " are one order.
    let start = s.starts[f]
    let end = s.ends[f]
    while (start < end && (buf[start] === 0x20 || buf[start] === 0x09)) start++
    while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--
    // Rows of one order are usually adjacent: compare with the previous row's order before hashing.
    if (this.previousOrder >= 0 && this.orders.sameAs(this.previousOrder, s.buf, 0, start, end)) return this.previousOrder
    const id = this.orders.intern(s.buf, 0, start, end)
    if (this.orders.created) { // ids are dense and new ones come in order: push
      if (id >= MAX_ORDERS) this.tooBig(`${MAX_ORDERS.toLocaleString('en-US')} orders`)
      this.orderState.push(OrderState.Kept)
      this.orderStatusSeen.push(0)
      this.orderCancelled.push(0)
      this.orderTime.push(NaN)
      this.currencies?.addOrder()
    }
    this.previousOrder = id
    return id
  }

  private lineKeyOf (s: CsvScanner, tag: number, keyField: number): number {
    const L = this.layout
    const sku = tag === KEY_SKU ? -1 : L.sku
    const hasSku = sku >= 0 && sku < s.count
    const id = this.lineKeys.intern(s.buf, tag, s.starts[keyField], s.ends[keyField],
      hasSku ? s.starts[sku] : -1, hasSku ? s.ends[sku] : -1)
    if (this.lineKeys.created) {
      if (this.lineKeys.size > MAX_DISTINCT_PRODUCTS) this.tooBig(`${MAX_DISTINCT_PRODUCTS.toLocaleString('en-US')} distinct products (or product/SKU pairs)`)
      const info = this.lineKeyInfo
      const key = fieldText(s, keyField)
      const lineName = keyField === L.lineName ? key : fieldText(s, L.lineName)
      info.tags.push(tag)
      info.keys.push(key)
      info.titles.push(keyField === L.title ? key : (fieldText(s, L.title) || lineName || key))
      info.lineNames.push(lineName)
      info.skus.push(keyField === L.sku ? key : fieldText(s, L.sku))
      info.vendors.push(fieldText(s, L.vendor) || null)
      info.types.push(fieldText(s, L.type) || null)
    }
    return id
  }

  finish (dropPending: boolean): OrderBaskets {
    const orderTime = this.orderTime.data
    const lineOrderOf = this.lineOrder.data
    const resolved = resolveProducts(this.lineKeyInfo, this.layout.variantTitle < 0,
      { count: this.lineOrder.length, keyOf: this.lineKey.data, timeOf: line => orderTime[lineOrderOf[line]] })
    const nOrders = this.orders.size
    const nLines = this.lineOrder.length
    const lineOrder = this.lineOrder.data
    const lineKey = this.lineKey.data
    const lineQuantity = this.lineQuantity.data
    const linePrice = this.linePrice.data
    const lineFlags = this.lineFlags.data
    const dropped = this.counts.lines_dropped

    // Lines grouped by order (a stable counting sort), orders in order of first appearance.
    const orderStart = new Int32Array(nOrders + 1)
    for (let i = 0; i < nLines; i++) orderStart[lineOrder[i] + 1]++
    for (let o = 0; o < nOrders; o++) orderStart[o + 1] += orderStart[o]
    const fill = orderStart.slice(0, nOrders)
    const byOrder = new Int32Array(nLines)
    for (let i = 0; i < nLines; i++) byOrder[fill[lineOrder[i]]++] = i

    const nSlots = resolved.slots.size
    const seenInOrder = new Int32Array(nSlots).fill(-1)
    const positionInBasket = new Int32Array(nSlots)
    const finalIndex = new Int32Array(nSlots).fill(-1)
    const finalSlots: number[] = []
    const prices = new PriceTally(nSlots)
    const offsets = new Growable(Int32Array, 1 << 12)
    const items = new Growable(Int32Array, 1 << 14)
    const quantities = new Growable(Int32Array, 1 << 14)
    const times = new Growable(Float64Array, 1 << 12)
    offsets.push(0)
    let multi = 0
    let anyTime = false
    const basketSlots: number[] = []
    /** Net quantity per basket position: sales less returns. */
    const basketQty: number[] = []
    const returns = new ReturnNetting()

    for (let o = 0; o < nOrders; o++) {
      const from = orderStart[o]
      const to = orderStart[o + 1]
      if (from === to) continue
      if (this.orderCancelled.data[o] === 1) { bump(dropped, 'cancelled', to - from); continue }
      const orderDrop = dropReasonOf(this.orderState.data[o], dropPending)
      basketSlots.length = 0
      basketQty.length = 0
      let sales = 0
      let hasReturns = false
      for (let k = from; k < to; k++) {
        const line = byOrder[k]
        const flags = lineFlags[line]
        // A row's own status, else its order's (Shopify writes it only on an order's first row).
        const own = flags & LINE_STATE_MASK
        const statusDrop = own === 0 ? orderDrop : dropReasonOf((own >> LINE_STATE_SHIFT) - 1, dropPending)
        if (statusDrop !== null) { bump(dropped, statusDrop); continue }
        const key = lineKey[line]
        const quantity = lineQuantity[line]
        const named = resolved.reasons[key]
        if (quantity <= 0) {
          // A return or a removed line: dropped as refunded, and netted against the product's sales below.
          bump(dropped, 'refunded')
          if (named !== null) continue
          hasReturns = true
        } else {
          const reason = named ?? ((flags & LINE_GIFT_CARD) !== 0 ? 'gift_card' : linePrice[line] === 0 ? 'free_item' : null)
          if (reason !== null) { bump(dropped, reason); continue }
          lineFlags[line] = flags | LINE_KEPT_SALE
          sales++
        }
        const slot = resolved.slotOfKey[key]
        if (seenInOrder[slot] === o) {
          basketQty[positionInBasket[slot]] += quantity
          continue
        }
        seenInOrder[slot] = o
        positionInBasket[slot] = basketSlots.length
        basketSlots.push(slot)
        basketQty.push(quantity)
      }
      let size = basketSlots.length
      if (hasReturns) size = returns.settle(byOrder, from, to, lineKey, lineFlags, resolved.slotOfKey, positionInBasket, basketSlots, basketQty, dropped)
      else if (sales > size) bump(dropped, 'duplicate_line', sales - size)
      if (size === 0) continue
      // Product indexes in order of first use; each basket sorted ascending (insertion sort: baskets are small).
      const base = items.length
      for (let i = 0; i < size; i++) {
        const slot = basketSlots[i]
        if (finalIndex[slot] < 0) { finalIndex[slot] = finalSlots.length; finalSlots.push(slot) }
        const item = finalIndex[slot]
        const q = Math.min(0x7fffffff, basketQty[i])
        items.push(item)
        quantities.push(q)
        let j = base + i
        while (j > base && items.data[j - 1] > item) {
          items.data[j] = items.data[j - 1]
          quantities.data[j] = quantities.data[j - 1]
          j--
        }
        items.data[j] = item
        quantities.data[j] = q
      }
      offsets.push(items.length)
      this.currencies?.countKept(o)
      if (size >= 2) multi++
      const t = this.orderTime.data[o]
      if (!Number.isNaN(t)) anyTime = true
      times.push(t)
    }

    // Prices of the kept sale lines, in the shop's currency only (an order naming none is taken to be in it).
    // A file that names none may write it around every price ("1,299円"): then that is the shop's.
    const currencies = this.currencies
    const named = currencies?.shopCurrency() ?? null
    const currency = named ?? this.priceMarkers.currency()
    const dotGroupsAreThousands = this.priceDots.groupsAreThousands(currency)
    const pricedInOtherCurrency = new Set<number>()
    for (let line = 0; line < nLines; line++) {
      const price = linePrice[line]
      const flags = lineFlags[line]
      if ((flags & LINE_KEPT_SALE) === 0 || !(price > 0)) continue
      if (currencies !== null && !currencies.inShopCurrency(lineOrder[line])) { pricedInOtherCurrency.add(resolved.slotOfKey[lineKey[line]]); continue }
      prices.add(resolved.slotOfKey[lineKey[line]], dotGroupsAreThousands && (flags & LINE_PRICE_DOT_GROUP) !== 0 ? asThousands(price) : price)
    }
    const currencyNote = named === null ? this.priceMarkers.inferredNote() : currencies?.otherCurrenciesNote() ?? null

    const slots = resolved.slots
    const products: Product[] = finalSlots.map(slot => ({
      key: slots.keys[slot],
      title: slots.titles[slot],
      skus: slots.skus[slot] ?? [],
      price: prices.mode(slot),
      cost: null,
      type: slots.types[slot],
      vendor: slots.vendors[slot],
      tags: []
    }))
    // So pricing can say the shop's currency lacks a price, not the file.
    finalSlots.forEach((slot, i) => { if (products[i].price === null && pricedInOtherCurrency.has(slot)) products[i].priceInOtherCurrencyOnly = true })
    return {
      products,
      basketOffsets: offsets.toArray(),
      basketItems: items.toArray(),
      basketQuantities: quantities.toArray(),
      orderTimes: this.layout.date >= 0 && anyTime ? times.toArray() : null,
      currency,
      warnings: currencyNote === null ? [] : [currencyNote],
      orders_read: nOrders,
      orders_used: offsets.length - 1,
      multi_product_orders: multi
    }
  }
}

/**
 * Settles an order with returns (rare: kept off the common path). A product whose net quantity is 0 or
 * less leaves the basket, and its sale lines count as refunded (their prices no longer count); the others
 * keep their net quantity, and their sale lines past the first count as duplicate_line.
 */
class ReturnNetting {
  private readonly sales: number[] = []

  /** Compacts basketSlots/basketQty in place and returns the basket's new size. */
  settle (byOrder: Int32Array, from: number, to: number, lineKey: Int32Array, lineFlags: Uint8Array, slotOfKey: Int32Array,
    positionInBasket: Int32Array, basketSlots: number[], basketQty: number[], dropped: Counts['lines_dropped']): number {
    const sales = this.sales
    sales.length = 0
    for (let p = 0; p < basketSlots.length; p++) sales.push(0)
    let returned = 0
    for (let k = from; k < to; k++) {
      const line = byOrder[k]
      if ((lineFlags[line] & LINE_KEPT_SALE) === 0) continue
      const p = positionInBasket[slotOfKey[lineKey[line]]]
      if (basketQty[p] > 0) sales[p]++
      else { lineFlags[line] &= ~LINE_KEPT_SALE; returned++ }
    }
    if (returned > 0) bump(dropped, 'refunded', returned)
    let size = 0
    for (let p = 0; p < basketSlots.length; p++) {
      if (basketQty[p] <= 0) continue
      if (sales[p] > 1) bump(dropped, 'duplicate_line', sales[p] - 1)
      basketSlots[size] = basketSlots[p]
      basketQty[size] = basketQty[p]
      size++
    }
    return size
  }
}

/**
 * Counts unit prices per product for the most common one. Nearly every product has a single price:
 * it is kept in typed arrays, and a Map is made only for products seen at a second price.
 */
class PriceTally {
  private readonly first: Float64Array
  private readonly firstCount: Int32Array
  private readonly more = new Map<number, Map<number, number>>()

  constructor (n: number) {
    this.first = new Float64Array(n)
    this.firstCount = new Int32Array(n)
  }

  add (slot: number, price: number): void {
    if (this.firstCount[slot] === 0) { this.first[slot] = price; this.firstCount[slot] = 1 } else if (this.first[slot] === price) this.firstCount[slot]++
    else {
      let m = this.more.get(slot)
      if (m === undefined) { m = new Map(); this.more.set(slot, m) }
      m.set(price, (m.get(price) ?? 0) + 1)
    }
  }

  mode (slot: number): number | null {
    if (this.firstCount[slot] === 0) return null
    const m = this.more.get(slot)
    if (m === undefined) return this.first[slot]
    const all = new Map(m)
    all.set(this.first[slot], this.firstCount[slot])
    return modeOf(all)
  }
}

/** The most common price (ties: the lower one), or null when none was seen. */
export function modeOf (counts: Map<number, number> | undefined): number | null {
  if (counts === undefined) return null
  let best: number | null = null
  let bestCount = 0
  for (const [price, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== null && price < best)) { best = price; bestCount = n }
  }
  return best
}
