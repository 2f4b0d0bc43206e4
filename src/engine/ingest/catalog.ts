// Catalog files (Shopify products export, generic product lists) into the product dictionary.
// Shopify writes one row per variant (product fields only on the first) plus rows that only add
// an image; rows are grouped by Handle. Draft/archived products, gift cards and other
// non-merchandise are left out and counted.
import { EngineInputError } from '../errors.js'
import type { DropReason, Product } from '../types.js'
import { isTruthy, nonMerchandiseReason } from './cleaning.js'
import { asThousands, DotThousandsColumn } from './dot-thousands.js'
import { fieldIsEmpty, fieldNumber, fieldText } from './fields.js'
import type { CatalogLayout } from './formats.js'
import { PriceCurrencyMarkers } from './price-currency.js'
import { bump, modeOf, type Counts } from './orders.js'
import { isBlankRecord, type CsvScanner } from './scanner.js'

interface Draft {
  key: string
  title: string
  skus: Set<string>
  prices: Map<number, number>
  /** Prices written as a single dot group ("150.000"), read as decimals until the column decides. */
  dotGroupPrices: Map<number, number>
  cost: number | null
  dotGroupCost: number | null
  inventory: number | null
  type: string | null
  vendor: string | null
  tags: string[]
  status: string
  giftCard: boolean
  /** Rows that describe the product or a variant (image-only rows excluded). */
  rows: number
}

const INACTIVE = new Set(['draft', 'archived', 'inactive', 'disabled', 'hidden', 'deleted'])
/** Shopify's order names ("#1001"): no product is called that. */
const ORDER_NAME = /^#\s?\d+$/

export class CatalogCollector {
  private readonly drafts = new Map<string, Draft>()
  private readonly priceDots = new DotThousandsColumn()
  private readonly costDots = new DotThousandsColumn()
  /** The currency written around prices and costs ("1,299円"): a catalog names none otherwise. */
  private readonly markers = new PriceCurrencyMarkers()

  constructor (private readonly layout: CatalogLayout, private readonly counts: Counts) {}

  row (s: CsvScanner): void {
    const L = this.layout
    const counts = this.counts
    const key = fieldText(s, L.key)
    if (key === '' && isBlankRecord(s)) return
    counts.rows_read++
    if (key === '') { bump(counts.rows_skipped, 'missing_product'); return }
    const title = fieldText(s, L.title)
    const describesVariant = !fieldIsEmpty(s, L.price) || !fieldIsEmpty(s, L.sku) || !fieldIsEmpty(s, L.option1)
    if (L.format === 'shopify-products' && title === '' && !describesVariant) {
      bump(counts.lines_dropped, 'image_row')
      return
    }
    let price = NaN
    if (!fieldIsEmpty(s, L.price)) {
      // "-0" equals 0 (and is not < 0), so it is a free line like "0": dropped as free_item, not skipped as bad_price.
      price = fieldNumber(s, L.price)
      if (Number.isNaN(price) || price < 0) { bump(counts.rows_skipped, 'bad_price'); return }
    }
    let cost = NaN
    if (!fieldIsEmpty(s, L.cost)) {
      cost = fieldNumber(s, L.cost)
      if (Number.isNaN(cost) || cost < 0) { bump(counts.rows_skipped, 'bad_cost'); return }
    }
    // Noted once the row is known to be read, so a skipped row is no evidence.
    const priceIsDotGroup = !Number.isNaN(price) && this.priceDots.note(s, L.price)
    const costIsDotGroup = !Number.isNaN(cost) && this.costDots.note(s, L.cost)
    if (!Number.isNaN(price)) this.markers.note(s, L.price)
    if (!Number.isNaN(cost)) this.markers.note(s, L.cost)
    const inventory = fieldIsEmpty(s, L.inventory) ? NaN : fieldNumber(s, L.inventory)

    let d = this.drafts.get(key)
    if (d === undefined) {
      d = {
        key, title: '', skus: new Set(), prices: new Map(), dotGroupPrices: new Map(), cost: null, dotGroupCost: null,
        inventory: null, type: null, vendor: null,
        tags: [], status: 'active', giftCard: false, rows: 0
      }
      this.drafts.set(key, d)
    }
    d.rows++
    if (title !== '' && d.title === '') d.title = title
    const sku = fieldText(s, L.sku)
    if (sku !== '') d.skus.add(sku)
    if (!Number.isNaN(price)) {
      const tally = priceIsDotGroup ? d.dotGroupPrices : d.prices
      tally.set(price, (tally.get(price) ?? 0) + 1)
    }
    // The highest variant cost: a bundle priced above it is above every variant's cost.
    if (costIsDotGroup) d.dotGroupCost = Math.max(d.dotGroupCost ?? 0, cost)
    else if (!Number.isNaN(cost)) d.cost = Math.max(d.cost ?? 0, cost)
    if (Number.isFinite(inventory)) d.inventory = (d.inventory ?? 0) + inventory
    d.type ??= fieldText(s, L.type) || null
    d.vendor ??= fieldText(s, L.vendor) || null
    if (d.tags.length === 0) d.tags = fieldText(s, L.tags).split(',').map(t => t.trim()).filter(t => t !== '')
    const status = fieldText(s, L.status).toLowerCase()
    if (status !== '') d.status = status
    if (isTruthy(fieldText(s, L.giftCard))) d.giftCard = true
  }

  finish (): Product[] {
    this.refuseOrderLines()
    const products: Product[] = []
    const dropped = this.counts.lines_dropped
    // A catalog names no currency but the one its prices may be written in ("1,299円").
    const currency = this.markers.currency()
    const pricesInThousands = this.priceDots.groupsAreThousands(currency)
    const costsInThousands = this.costDots.groupsAreThousands(currency)
    for (const d of this.drafts.values()) {
      const title = d.title || d.key
      for (const [p, n] of d.dotGroupPrices) {
        const value = pricesInThousands ? asThousands(p) : p
        d.prices.set(value, (d.prices.get(value) ?? 0) + n)
      }
      if (d.dotGroupCost !== null) d.cost = Math.max(d.cost ?? 0, costsInThousands ? asThousands(d.dotGroupCost) : d.dotGroupCost)
      const price = modeOf(d.prices)
      let reason: DropReason | null = INACTIVE.has(d.status) ? 'inactive_product' : null
      reason ??= nonMerchandiseReason({ title, vendor: d.vendor, type: d.type, giftCardFlag: d.giftCard })
      if (reason === null && price === 0) reason = 'free_item'
      if (reason !== null) { bump(dropped, reason, d.rows); continue }
      products.push({
        key: d.key, title, skus: [...d.skus], price, cost: d.cost, type: d.type, vendor: d.vendor, tags: d.tags, inventory: d.inventory
      })
    }
    return products
  }

  /** The currency every marked price and cost writes ("1,299円": JPY), or null. */
  currency (): string | null {
    return this.markers.currency()
  }

  /** The run summary's note when the currency was taken from the prices, else null. */
  currencyNote (): string | null {
    return this.markers.inferredNote()
  }

  /**
   * Order lines whose columns were not recognised as such ("name,createdAt,productId,quantity", where
   * `name` is the order) read as a catalog of products called "#1001": refuse them with what to rename.
   */
  private refuseOrderLines (): void {
    let orderNames = 0
    for (const d of this.drafts.values()) if (ORDER_NAME.test(d.title)) orderNames++
    if (orderNames < 3 || orderNames * 2 <= this.drafts.size) return
    const examples = [...new Set([...this.drafts.values()].map(d => d.title).filter(t => ORDER_NAME.test(t)))].slice(0, 3)
    throw new EngineInputError('UNRECOGNISED_FORMAT',
      `The file was read as a product catalog, but its product names are order numbers (${examples.join(', ')}${orderNames > 3 ? ', …' : ''}): it looks like order lines. ` +
      'Name the order column order_id (or order_number) and the product column product_id or product_title, and upload it again.',
      { format: 'generic-catalog', order_names: orderNames, products: this.drafts.size })
  }
}
