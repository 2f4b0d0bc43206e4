// Bundles for a catalog without orders. Nothing was measured, so every bundle says so: source
// "catalog", stats null, and a heuristic score in [0, 1) that only orders catalog bundles.
//
// VOLUME: a quantity-break offer for every active product (a 1-product catalog still gets one);
// products that look consumable (type/title/tags like socks, candles, coffee, refills) score higher,
// as customers restock them; products the file shows with fewer than 5 units in stock score lower
// (a quantity break would empty the shelf), but still get an offer (stock counts are often stale).
// Pairings: an anchor and an add-on priced below it (or both unpriced) that share a product type,
// a vendor or a tag. What they share counts only when it is specific: a tag, vendor or type that
// covers more than a quarter of a catalog (a house brand, "sale", "new") says nothing about
// affinity. An add-on at most half the anchor's price scores higher (an accessory, an easy "add to
// cart"). Alternatives are never paired: two products whose titles end in the same noun ("Crew
// Socks", "Wrap Dress" / "Midi Dress", "Pendant - Large" / "Pendant - Medium"), or of the same type
// at a similar price (80%+). Each anchor keeps its best two add-ons.
import type { Product } from '../types.js'

export const CATALOG_ADDONS_PER_ANCHOR = 2
const LOW_STOCK = 5
/** Attributes shared by more than this share of a catalog (of 8+ products) carry no affinity. */
const SPECIFIC_SHARE = 0.25
/** Candidates looked at per shared attribute, so a catalog of 100,000 products stays near-linear. */
const CANDIDATES_PER_GROUP = 60
const WEIGHTS = { tag: 0.25, vendor: 0.15, type: 0.15 } as const
const CONSUMABLE = /\b(sock|socks|candle|candles|coffee|tea|soap|serum|cleanser|cream|toner|sunscreen|refill|refills|filter|filters|paper|papers|pack|snack|snacks|supplement|vitamin|shampoo|conditioner|lotion|wax|food|treat|treats|beverage|drink|consumable)\b/i
/**
 * A consumable's word naming a durable thing made for it ("Copper Tea Light Holder", "Coffee Mugs",
 * "Coffee Table", "Brass Candle Holder", "Soap Dish"): nothing a customer restocks. Removed before the
 * consumable test.
 */
const DURABLE_FOR_CONSUMABLE = /\b(?:tea|coffee|food|snacks?|drinks?|paper|wax|filter|soap|candles?)\s+(?:light\s+)?(?:holders?|mugs?|cups?|tables?|pots?|towels?|bowls?|trays?|grinders?|makers?|machines?|processors?|coasters?|lanterns?|strainers?|spoons?|tins?|jars?|canisters?|kettles?|press(?:es)?|dish(?:es)?|dispensers?|warmers?|racks?|stands?|snuffers?)\b/gi

type Kind = keyof typeof WEIGHTS
export interface CatalogVolume { item: number, score: number, consumable: boolean }
export interface CatalogPairing { anchor: number, addon: number, score: number, shared: string[], cheaperHalf: boolean }

export function catalogVolume (products: readonly Product[]): CatalogVolume[] {
  const prices = products.map(p => p.price).filter((x): x is number => x !== null).sort((a, b) => a - b)
  const out: CatalogVolume[] = []
  products.forEach((p, item) => {
    const consumable = CONSUMABLE.test([p.type ?? '', p.title, ...p.tags].join(' ').replace(DURABLE_FOR_CONSUMABLE, ' '))
    // Cheaper products are bought in multiples more readily: up to +0.1 for the cheapest.
    const cheapness = p.price === null || prices.length === 0 ? 0 : 1 - rankOf(prices, p.price) / prices.length
    const lowStock = typeof p.inventory === 'number' && p.inventory < LOW_STOCK
    out.push({ item, consumable, score: round4((consumable ? 0.5 : 0.3) + 0.1 * cheapness - (lowStock ? 0.2 : 0)) })
  })
  return out.sort((a, b) => b.score - a.score || a.item - b.item)
}

export function catalogPairings (products: readonly Product[]): CatalogPairing[] {
  const groups = new Map<string, number[]>()
  const attributes = products.map(p => attributesOf(p))
  const nouns = products.map(p => headNoun(p.title))
  attributes.forEach((keys, item) => {
    for (const key of keys) {
      const list = groups.get(key)
      if (list) list.push(item)
      else groups.set(key, [item])
    }
  })
  const maxGroup = products.length >= 8 ? Math.floor(products.length * SPECIFIC_SHARE) : products.length
  // Cheapest first inside each group, so the candidate cap keeps the likeliest add-ons.
  for (const list of groups.values()) list.sort((a, b) => (products[a].price ?? Infinity) - (products[b].price ?? Infinity) || a - b)

  const out: CatalogPairing[] = []
  products.forEach((anchor, a) => {
    const shared = new Map<number, string[]>()
    for (const key of attributes[a]) {
      const group = groups.get(key) ?? []
      if (group.length > maxGroup) continue
      let looked = 0
      for (const b of group) {
        if (b === a || !isAddOn(anchor, products[b], a, b)) continue
        if (++looked > CANDIDATES_PER_GROUP) break
        const why = shared.get(b) ?? []
        why.push(key)
        shared.set(b, why)
      }
    }
    const scored: CatalogPairing[] = []
    for (const [b, keys] of shared) {
      const addon = products[b]
      const ratio = anchor.price !== null && addon.price !== null && anchor.price > 0 ? addon.price / anchor.price : null
      const sameType = keys.some(k => kindOf(k) === 'type')
      if (sameType && (ratio === null || ratio > 0.8)) continue // alternatives, not a bundle
      if (nouns[a] !== '' && nouns[a] === nouns[b]) continue // "Crew Socks" and "Ankle Socks": alternatives
      const cheaperHalf = ratio !== null && ratio <= 0.5
      let s = 0
      for (const k of keys) s += WEIGHTS[kindOf(k)]
      s = Math.min(0.6, s) + (cheaperHalf ? 0.3 : ratio !== null && ratio <= 0.8 ? 0.1 : 0)
      scored.push({ anchor: a, addon: b, score: round4(Math.min(0.95, s)), shared: keys.map(describe), cheaperHalf })
    }
    scored.sort((x, y) => y.score - x.score || x.addon - y.addon)
    out.push(...scored.slice(0, CATALOG_ADDONS_PER_ANCHOR))
  })
  return out.sort((x, y) => y.score - x.score || x.anchor - y.anchor || x.addon - y.addon)
}

/** The title's last word before any " - variant" / "(...)" / "|" suffix, lower-case, without a plural s. */
export function headNoun (title: string): string {
  const base = title.split(/\s[-–|]\s|\(/)[0].trim().toLowerCase()
  const words = base.match(/[\p{L}\p{N}]+/gu) ?? []
  const last = words[words.length - 1] ?? ''
  return last.length > 3 && last.endsWith('s') && !last.endsWith('ss') ? last.slice(0, -1) : last
}

function attributesOf (p: Product): string[] {
  const keys: string[] = []
  if (p.type && norm(p.type)) keys.push(`type\u0000${norm(p.type)}`)
  if (p.vendor && norm(p.vendor)) keys.push(`vendor\u0000${norm(p.vendor)}`)
  for (const tag of new Set(p.tags.map(norm))) if (tag) keys.push(`tag\u0000${tag}`)
  return keys
}

/** An add-on is priced below its anchor; equal or unknown prices fall back to catalog order so each pair appears once. */
function isAddOn (anchor: Product, addon: Product, a: number, b: number): boolean {
  if (anchor.price !== null && addon.price !== null) return addon.price < anchor.price || (addon.price === anchor.price && b > a)
  if (anchor.price === null && addon.price === null) return b > a
  return false
}

function kindOf (key: string): Kind {
  return key.slice(0, key.indexOf('\u0000')) as Kind
}

function describe (key: string): string {
  return `${kindOf(key)} "${key.slice(key.indexOf('\u0000') + 1)}"`
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
