// One CSV row per bundle, safe to open in a spreadsheet: text cells starting with = + - @ (or a tab or
// carriage return) are prefixed with ' so they are shown, not run as formulas.
import type { BundleRecommendation } from '../../db/schema.js'
import type { BundleItem, BundlePricing, BundleStats } from '../engine/types.js'

export const exportColumns = [
  'rank', 'type', 'source', 'products', 'product_keys', 'skus', 'orders_together', 'support', 'lift', 'confidence',
  'list_price', 'discount_percent', 'bundle_price', 'currency', 'score', 'reason', 'pricing_explanation'
]

export function neutralise (text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

const num = (n: number | null | undefined): number | string => (n === null || n === undefined ? '' : n)

export function exportRow (bundle: BundleRecommendation): Record<string, string | number> {
  const items = (bundle.items ?? []) as BundleItem[]
  const stats = bundle.stats as BundleStats | null
  const pricing = (bundle.pricing ?? {}) as Partial<BundlePricing>
  const label = (i: BundleItem): string => (i.quantity > 1 ? `${i.quantity} × ${i.title}` : i.title)
  return {
    rank: bundle.rank,
    type: bundle.type,
    source: bundle.source,
    products: neutralise(items.map(label).join(' + ')),
    product_keys: neutralise(items.map(i => i.key).join(' | ')),
    skus: neutralise(items.flatMap(i => i.skus ?? []).join(' | ')),
    orders_together: num(stats?.count),
    support: num(stats?.support),
    lift: num(stats?.lift),
    confidence: stats?.confidence?.join(' | ') ?? '',
    list_price: num(pricing.list_price),
    discount_percent: num(pricing.discount_percent),
    bundle_price: num(pricing.bundle_price),
    currency: neutralise(pricing.currency ?? ''),
    score: bundle.score,
    reason: neutralise(bundle.reason),
    pricing_explanation: neutralise(pricing.explanation ?? '')
  }
}
