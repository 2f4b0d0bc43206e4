// Bundles for a catalog without orders. Nothing was measured, so every bundle says so: source
// "catalog", stats null, and a heuristic score in [0, 1) that only orders catalog bundles.
//
// VOLUME: a quantity-break offer for every active product (a 1-product catalog still gets one);
// products that look consumable (type/title/tags like socks, candles, coffee, refills) score higher,
// as customers restock them.
// Pairings: an anchor and an add-on priced below it (or both unpriced) that share a product type,
// a vendor or a tag; the score adds up what they share and rewards an add-on at most half the
// anchor's price (an easy "add to cart"). Each anchor keeps its best two add-ons.
import type { Product } from '../types.js'

export const CATALOG_ADDONS_PER_ANCHOR = 2
/** Candidates looked at per shared attribute, so a catalog of 100,000 products stays near-linear. */
const CANDIDATES_PER_GROUP = 60
const CONSUMABLE = /\b(sock|socks|candle|candles|coffee|tea|soap|serum|cleanser|cream|toner|sunscreen|refill|refills|filter|filters|paper|papers|pack|snack|snacks|supplement|vitamin|shampoo|conditioner|lotion|wax|food|treat|treats|beverage|drink|consumable)\b/i

export interface CatalogVolume { item: number, score: number, consumable: boolean }
export interface CatalogPairing { anchor: number, addon: number, score: number, shared: string[], cheaperHalf: boolean }

export function catalogVolume (products: readonly Product[]): CatalogVolume[] {
  const prices = products.map(p => p.price).filter((x): x is number => x !== null).sort((a, b) => a - b)
  const out: CatalogVolume[] = []
  products.forEach((p, item) => {
    const consumable = CONSUMABLE.test([p.type ?? '', p.title, ...p.tags].join(' '))
    // Cheaper products are bought in multiples more readily: up to +0.1 for the cheapest.
    const cheapness = p.price === null || prices.length === 0 ? 0 : 1 - rankOf(prices, p.price) / prices.length
    out.push({ item, consumable, score: round4((consumable ? 0.5 : 0.3) + 0.1 * cheapness) })
  })
  return out.sort((a, b) => b.score - a.score || a.item - b.item)
}

export function catalogPairings (products: readonly Product[]): CatalogPairing[] {
  const groups = new Map<string, number[]>()
  const join = (key: string, item: number): void => {
    const list = groups.get(key)
    if (list) list.push(item)
    else groups.set(key, [item])
  }
  products.forEach((p, item) => {
    if (p.type) join(`type\u0000${norm(p.type)}`, item)
    if (p.vendor) join(`vendor\u0000${norm(p.vendor)}`, item)
    for (const tag of new Set(p.tags.map(norm))) if (tag) join(`tag\u0000${tag}`, item)
  })
  // Cheapest first inside each group, so the candidate cap keeps the likeliest add-ons.
  for (const list of groups.values()) list.sort((a, b) => (products[a].price ?? Infinity) - (products[b].price ?? Infinity) || a - b)

  const out: CatalogPairing[] = []
  products.forEach((anchor, a) => {
    const shared = new Map<number, string[]>()
    const keys = [
      anchor.type ? `type\u0000${norm(anchor.type)}` : null,
      anchor.vendor ? `vendor\u0000${norm(anchor.vendor)}` : null,
      ...[...new Set(anchor.tags.map(norm))].filter(Boolean).map(t => `tag\u0000${t}`)
    ].filter((k): k is string => k !== null)
    for (const key of keys) {
      let looked = 0
      for (const b of groups.get(key) ?? []) {
        if (b === a || !isAddOn(anchor, products[b], a, b)) continue
        if (++looked > CANDIDATES_PER_GROUP) break
        const why = shared.get(b) ?? []
        why.push(describe(key))
        shared.set(b, why)
      }
    }
    const scored: CatalogPairing[] = []
    for (const [b, why] of shared) {
      const addon = products[b]
      const cheaperHalf = anchor.price !== null && addon.price !== null && addon.price <= anchor.price / 2
      let s = 0
      for (const w of why) s += w.startsWith('type') ? 0.15 : w.startsWith('vendor') ? 0.2 : 0.25
      s = Math.min(0.8, s) + (cheaperHalf ? 0.15 : 0)
      scored.push({ anchor: a, addon: b, score: round4(Math.min(0.95, s)), shared: why, cheaperHalf })
    }
    scored.sort((x, y) => y.score - x.score || x.addon - y.addon)
    out.push(...scored.slice(0, CATALOG_ADDONS_PER_ANCHOR))
  })
  return out.sort((x, y) => y.score - x.score || x.anchor - y.anchor || x.addon - y.addon)
}

/** An add-on is priced below its anchor; unpriced pairs fall back to catalog order so each pair appears once. */
function isAddOn (anchor: Product, addon: Product, a: number, b: number): boolean {
  if (anchor.price !== null && addon.price !== null) return addon.price < anchor.price || (addon.price === anchor.price && b > a)
  if (anchor.price === null && addon.price === null) return b > a
  return false
}

function describe (key: string): string {
  const [kind, value] = key.split('\u0000')
  return kind === 'type' ? `type "${value}"` : kind === 'vendor' ? `vendor "${value}"` : `tag "${value}"`
}

function norm (s: string): string {
  return s.trim().toLowerCase()
}

function rankOf (sorted: number[], x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] < x) lo = m + 1; else hi = m }
  return lo
}

function round4 (x: number): number {
  return Math.round(x * 10000) / 10000
}
