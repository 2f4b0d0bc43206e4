// Bundle items and statistics as the contract spells them, from product indexes and counts.
import type { BundleItem, BundleStats, Product } from '../types.js'

export function bundleItem (product: Product, quantity: number): BundleItem {
  return { key: product.key, title: product.title, skus: [...product.skus], price: product.price, quantity }
}

/**
 * FBT statistics, exact from the counts. `items` are in bundle order; confidence[k] is
 * P(all the other items | item k), lift = support / Π support(item), leverage = support − Π support(item).
 */
export function fbtStats (count: number, itemCounts: readonly number[], orders: number): BundleStats {
  const support = count / orders
  let independent = 1
  for (const n of itemCounts) independent *= n / orders
  return {
    count,
    support,
    confidence: itemCounts.map(n => count / n),
    lift: support / independent,
    leverage: support - independent
  }
}

export function volumeStats (multiUnitOrders: number, productOrders: number, orders: number): BundleStats {
  return {
    count: multiUnitOrders,
    support: multiUnitOrders / orders,
    confidence: [multiUnitOrders / productOrders],
    lift: null,
    leverage: null
  }
}

export function percent (x: number): string {
  const p = x * 100
  return `${p >= 10 ? Math.round(p) : Math.round(p * 10) / 10}%`
}

export function times (x: number): string {
  return `${x >= 10 ? Math.round(x) : Math.round(x * 10) / 10}×`
}
