// IngestResult values built by hand, for testing mining/ranking/pricing without going through a file.
import type { IngestResult, Product } from '../../../src/engine/types.js'

export function product (key: string, extra: Partial<Product> = {}): Product {
  return { key, title: extra.title ?? `Product ${key}`, skus: [], price: null, cost: null, type: null, vendor: null, tags: [], ...extra }
}

/** Orders as lists of [productIndex, quantity] (or bare indexes for quantity 1). */
export function ordersResult (products: Product[], orders: Array<Array<number | [number, number]>>, orderTimes: Float64Array | null = null): IngestResult {
  const offsets = new Int32Array(orders.length + 1)
  const items: number[] = []
  const quantities: number[] = []
  orders.forEach((order, i) => {
    const merged = new Map<number, number>()
    for (const line of order) {
      const [item, q] = Array.isArray(line) ? line : [line, 1]
      merged.set(item, (merged.get(item) ?? 0) + q)
    }
    for (const [item, q] of [...merged].sort((a, b) => a[0] - b[0])) { items.push(item); quantities.push(q) }
    offsets[i + 1] = items.length
  })
  const multi = orders.filter(o => new Set(o.map(l => Array.isArray(l) ? l[0] : l)).size >= 2).length
  return {
    kind: 'orders',
    format: 'generic-orders',
    products,
    basketOffsets: offsets,
    basketItems: Int32Array.from(items),
    basketQuantities: Int32Array.from(quantities),
    orderTimes,
    summary: {
      format: 'generic-orders', kind: 'orders', delimiter: ',', rows_read: items.length, rows_skipped: {}, lines_dropped: {},
      orders_read: orders.length, orders_used: orders.length, multi_product_orders: multi, products: products.length, ms_ingest: 0
    }
  }
}

export function catalogResult (products: Product[]): IngestResult {
  return {
    kind: 'catalog',
    format: 'generic-catalog',
    products,
    basketOffsets: new Int32Array(1),
    basketItems: new Int32Array(0),
    basketQuantities: new Int32Array(0),
    orderTimes: null,
    summary: {
      format: 'generic-catalog', kind: 'catalog', delimiter: ',', rows_read: products.length, rows_skipped: {}, lines_dropped: {},
      orders_read: 0, orders_used: 0, multi_product_orders: 0, products: products.length, ms_ingest: 0
    }
  }
}
