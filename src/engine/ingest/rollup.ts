// Shopify's orders export names a line "Product - Variant" and carries no product id. Variants are
// rolled up to their product by stripping the part after the LAST " - ", but only where the order
// lines really show variants. Two different endings of one prefix are not proof by themselves: stores
// name different products "Star Wars - Mug" and "Star Wars - Poster". The proof is one of:
// - a suffix in Shopify's multi-option shape ("M / Black");
// - two or more endings that all look like option values (sizes, colours, measures, counts: see
//   option-values.ts), "Crew Tee - S" and "Crew Tee - M";
// - two or more endings whose SKUs all share a product code and differ only in a short last segment,
//   as variant SKUs are written ("SK-0162-1" / "SK-0162-8", "0401162S" / "0401162M"); a shared brand
//   prefix ("SW-MUG" / "SW-POSTER"), sequential numbers ("0111224" / "0111225") or a missing SKU are not.
// A product of which one variant only was sold ("Crew Socks - S") is rolled up when its suffix is made
// of option values this shop's proven variants use ("S" from "Tee - S" and "Tee - M"). A title that
// merely contains " - " ("Linga Bhairavi Copper Pendant - Large", a real product title) keeps its full
// name unless "Large" is such a proven option value of the shop.
import { looksLikeOptionValue } from './option-values.js'

export interface NamedLine {
  name: string
  sku: string
}

/** Shopify writes a variant of several options as "Value1 / Value2 [/ Value3]". */
const MULTI_OPTION = /^[^/]{1,40} \/ [^/]{1,40}( \/ [^/]{1,40})?$/
/** A variant SKU's own last segment is a size, colour or number code: "1", "XL", "BLK", "500". */
const MAX_VARIANT_SEGMENT = 4
const SEPARATOR = /[-_/. ]/
const DIGIT = /\d/

interface Group {
  suffixes: Set<string>
  /** Distinct SKUs per suffix ('' when a line had none). */
  skus: Map<string, Set<string>>
}

function sharedPrefixLength (skus: string[]): number {
  let n = skus[0].length
  for (const s of skus) {
    let i = 0
    while (i < n && i < s.length && s[i] === skus[0][i]) i++
    n = i
  }
  return n
}

/** True when a SKU's segments meet before index i: a separator, or a change between digits and letters. */
function isSegmentStart (sku: string, i: number): boolean {
  if (i === 0 || i >= sku.length) return true
  const a = sku[i - 1]
  const b = sku[i]
  return SEPARATOR.test(a) || SEPARATOR.test(b) || DIGIT.test(a) !== DIGIT.test(b)
}

/**
 * True when every ending has SKUs and they are one product's variant SKUs: a shared stem holding a
 * product code (a digit, at least 3 characters) and, after it, one short segment each.
 */
function skusShowVariants (g: Group): boolean {
  const all: string[] = []
  for (const suffix of g.suffixes) {
    const skus = g.skus.get(suffix)
    if (skus === undefined || skus.has('')) return false
    all.push(...skus)
  }
  let cut = sharedPrefixLength(all)
  while (cut > 0 && !all.every(s => isSegmentStart(s, cut))) cut--
  const stem = all[0].slice(0, cut).replace(/[-_/. ]+$/, '')
  if (stem.length < 3 || !DIGIT.test(stem)) return false
  return all.every(s => {
    const tail = s.slice(cut).replace(/^[-_/. ]+/, '')
    return tail.length <= MAX_VARIANT_SEGMENT && !SEPARATOR.test(tail)
  })
}

function isOptionValues (suffix: string): boolean {
  return suffix.split(' / ').every(looksLikeOptionValue)
}

/** For each line, the product title it rolls up to (the full name when it is not a variant). */
export function rollUpVariants (lines: NamedLine[]): string[] {
  const groups = new Map<string, Group>()
  const split = lines.map(l => {
    const at = l.name.lastIndexOf(' - ')
    if (at <= 0) return null
    const prefix = l.name.slice(0, at).trim()
    const suffix = l.name.slice(at + 3).trim()
    if (prefix === '' || suffix === '') return null
    let g = groups.get(prefix)
    if (g === undefined) { g = { suffixes: new Set(), skus: new Map() }; groups.set(prefix, g) }
    g.suffixes.add(suffix)
    let skus = g.skus.get(suffix)
    if (skus === undefined) { skus = new Set(); g.skus.set(suffix, skus) }
    skus.add(l.sku.trim())
    return prefix
  })
  // Whether a group's endings are variants, decided once per group.
  const variantGroups = new Set<Group>()
  for (const g of groups.values()) {
    if (g.suffixes.size >= 2 && ([...g.suffixes].every(isOptionValues) || skusShowVariants(g))) variantGroups.add(g)
  }
  const proven = (g: Group, suffix: string): boolean => variantGroups.has(g) || MULTI_OPTION.test(suffix)
  // Option values used by proven variants: the shop's own variant vocabulary.
  const optionValues = new Set<string>()
  for (const g of groups.values()) {
    for (const suffix of g.suffixes) if (proven(g, suffix)) for (const v of suffix.split(' / ')) optionValues.add(v.trim().toLowerCase())
  }
  return lines.map((l, i) => {
    const prefix = split[i]
    if (prefix === null) return l.name
    const g = groups.get(prefix)!
    const suffix = l.name.slice(l.name.lastIndexOf(' - ') + 3).trim()
    if (proven(g, suffix)) return prefix
    const known = g.suffixes.size === 1 && suffix.split(' / ').every(v => optionValues.has(v.trim().toLowerCase()))
    return known ? prefix : l.name
  })
}
