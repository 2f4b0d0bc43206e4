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

/**
 * A share as a percentage: whole above 10 %, one decimal below. A share short of all never reads
 * "100%" (250 of 251 orders is 99.6%, not every order), nor one above none "0%".
 */
export function percent (x: number): string {
  const p = x * 100
  const shown = p >= 10 ? Math.round(p) : Math.round(p * 10) / 10
  if (shown >= 100 && x < 1) return `${Math.floor(p * 10) / 10}%`
  if (shown <= 0 && x > 0) return '<0.1%'
  return `${shown}%`
}

/** A share as a whole percentage for tight columns, with the same guard: never "100%" short of all, nor "0%" above none. */
export function wholePercent (x: number): string {
  const shown = Math.round(x * 100)
  if (shown >= 100 && x < 1) return '>99%'
  if (shown <= 0 && x > 0) return '<1%'
  return `${shown}%`
}

/** A count as a merchant reads it in a sentence: "2,820 orders", not "2820 orders". */
export function count (n: number): string {
  return n.toLocaleString('en-US')
}

export function times (x: number): string {
  return `${x >= 10 ? count(Math.round(x)) : Math.round(x * 10) / 10}×`
}
