// Names that share a real SKU are one product: a product renamed over time ("Aurora Pillar Candle",
// later "Aurora Pillar Candle (Large)", both SKU CA-0004-1) keeps its history in one product. Names are
// grouped first (case and spacing, variants rolled up), then groups sharing a SKU are joined (union-find).
// Not every SKU cell is a SKU: blanks and placeholders ("-", "0", "n/a", "none", "null", "sku", a single
// character, punctuation only) are ignored, and a SKU written under 3 or more named groups (which did not
// roll up to one product) is taken for a placeholder too: a rename gives a SKU two names, a
// placeholder SKU gives it many, so a product renamed twice under one SKU stays split rather than
// risking a chain of unrelated products.

/** A SKU written under more named groups than this links none of them. */
export const MAX_NAMES_PER_SKU = 2
/** A SKU shared by more groups than this (named or not) is no product's own: it links none of them. */
const MAX_GROUPS_PER_SKU = 8

const PLACEHOLDERS = new Set(['n/a', 'na', '#n/a', 'none', 'null', 'nil', 'undefined', 'sku', 'nosku', 'no sku', 'no-sku',
  'default', 'tbd', 'tba', 'xx', 'xxx', 'test'])

/** True when a SKU cell holds no real SKU: blank, a single character, zeros, punctuation only, or a placeholder word. */
export function isPlaceholderSku (sku: string): boolean {
  const s = sku.trim().toLowerCase()
  return s.length < 2 || /^0+$/.test(s) || !/[\p{L}\p{N}]/u.test(s) || PLACEHOLDERS.has(s)
}

export interface SkuMember {
  /** The group (a product slot before linking) the SKU was seen in. */
  group: number
  sku: string
  /** The group is named by a title or line name; a group keyed by its SKU or variant id alone is not. */
  named: boolean
}

/**
 * For each of `groups` groups, the representative of its linked set (the lowest group index of it): groups
 * sharing a real SKU, written under at most MAX_NAMES_PER_SKU named groups, are one set.
 */
export function linkBySku (groups: number, members: SkuMember[]): Int32Array {
  const bySku = new Map<string, { groups: number[], named: number }>()
  for (const m of members) {
    if (isPlaceholderSku(m.sku)) continue
    const sku = m.sku.trim()
    let entry = bySku.get(sku)
    if (entry === undefined) { entry = { groups: [], named: 0 }; bySku.set(sku, entry) }
    // A placeholder's list is dropped, so a SKU cell shared by thousands of products costs nothing.
    if (entry.named > MAX_NAMES_PER_SKU || entry.groups.includes(m.group)) continue
    entry.groups.push(m.group)
    if (m.named) entry.named++
    if (entry.groups.length > MAX_GROUPS_PER_SKU) entry.named = MAX_NAMES_PER_SKU + 1
    if (entry.named > MAX_NAMES_PER_SKU) entry.groups = []
  }
  const parent = new Int32Array(groups)
  for (let g = 0; g < groups; g++) parent[g] = g
  const find = (g: number): number => {
    while (parent[g] !== g) { parent[g] = parent[parent[g]]; g = parent[g] }
    return g
  }
  for (const { groups: linked, named } of bySku.values()) {
    if (linked.length < 2 || named > MAX_NAMES_PER_SKU) continue
    for (let k = 1; k < linked.length; k++) {
      const a = find(linked[0])
      const b = find(linked[k])
      if (a !== b) { if (a < b) parent[b] = a; else parent[a] = b }
    }
  }
  for (let g = 0; g < groups; g++) parent[g] = find(g)
  return parent
}
