// Shopify's orders export names a line "Product - Variant" and carries no product id. Variants are
// rolled up to their product by stripping the part after the LAST " - ", but only where the order
// lines really show variants: the same prefix sold under two or more different suffixes with SKUs
// that agree (they share a stem, or there are none), or a suffix in Shopify's multi-option shape
// ("M / Black"). A product of which one variant only was sold ("Crew Socks - S") is rolled up when
// its suffix is made of option values this shop's proven variants use ("S" from "Tee - S" and
// "Tee - M"). A title that merely contains " - " ("Linga Bhairavi Copper Pendant - Large", a real
// product title) keeps its full name unless "Large" is such a proven option value of the shop.

export interface NamedLine {
  name: string
  sku: string
}

const MIN_SHARED_SKU_PREFIX = 3
/** Shopify writes a variant of several options as "Value1 / Value2 [/ Value3]". */
const MULTI_OPTION = /^[^/]{1,40} \/ [^/]{1,40}( \/ [^/]{1,40})?$/

function sharedPrefixLength (skus: string[]): number {
  let n = skus[0].length
  for (const s of skus) {
    let i = 0
    while (i < n && i < s.length && s[i] === skus[0][i]) i++
    n = i
  }
  return n
}

/** SKUs of one product's variants share a stem ("DR-0238-1", "DR-0238-7"); unrelated products' do not. */
function skusAgree (skus: Set<string>): boolean {
  if (skus.size <= 1) return true
  const list = [...skus]
  return sharedPrefixLength(list) >= Math.min(MIN_SHARED_SKU_PREFIX, ...list.map(s => s.length))
}

/** For each line, the product title it rolls up to (the full name when it is not a variant). */
export function rollUpVariants (lines: NamedLine[]): string[] {
  const groups = new Map<string, { suffixes: Set<string>, skus: Set<string> }>()
  const split = lines.map(l => {
    const at = l.name.lastIndexOf(' - ')
    if (at <= 0) return null
    const prefix = l.name.slice(0, at).trim()
    const suffix = l.name.slice(at + 3).trim()
    if (prefix === '' || suffix === '') return null
    let g = groups.get(prefix)
    if (g === undefined) { g = { suffixes: new Set(), skus: new Set() }; groups.set(prefix, g) }
    g.suffixes.add(suffix)
    if (l.sku !== '') g.skus.add(l.sku)
    return prefix
  })
  const proven = (g: { suffixes: Set<string>, skus: Set<string> }, suffix: string): boolean =>
    (g.suffixes.size >= 2 && skusAgree(g.skus)) || MULTI_OPTION.test(suffix)
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
