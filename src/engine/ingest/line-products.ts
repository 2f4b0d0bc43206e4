// From line keys to products, once the scan is over. Each distinct line key (a product id, variant
// id, SKU, title or line name, with its SKU) is grouped: ids and SKUs by their text, titles and line
// names by their normalised text after rolling variants up (rollup.ts). Named groups that share a real
// SKU are then one product (sku-links.ts): a product renamed over time stays one, shown under the name
// of its latest line, by order date (the file's order between lines of equal or missing dates).
import type { DropReason } from '../types.js'
import { nonMerchandiseReason } from './cleaning.js'
import { rollUpVariants } from './rollup.js'
import { linkBySku, type SkuMember } from './sku-links.js'

/** Which column a line key came from (part of the key, so an id "12" and a SKU "12" stay apart). */
export const KEY_PRODUCT_ID = 1
export const KEY_VARIANT_ID = 2
export const KEY_SKU = 3
export const KEY_TITLE = 4
export const KEY_LINE_NAME = 5

const MAX_SKUS_PER_PRODUCT = 1000

/** What the first row of each distinct line key said, in parallel arrays: no object per key. */
export class LineKeyTable {
  readonly tags: number[] = []
  readonly keys: string[] = []
  readonly titles: string[] = []
  readonly lineNames: string[] = []
  readonly skus: string[] = []
  readonly vendors: Array<string | null> = []
  readonly types: Array<string | null> = []

  get size (): number { return this.tags.length }
}

/** Products being assembled from line keys, in parallel arrays. */
export class ProductSlots {
  readonly keys: string[] = []
  readonly titles: string[] = []
  /** Distinct SKUs, null until the first one (most products of a big catalog have one or none). */
  readonly skus: Array<string[] | null> = []
  readonly vendors: Array<string | null> = []
  readonly types: Array<string | null> = []

  add (key: string, title: string, vendor: string | null, type: string | null): number {
    this.keys.push(key)
    this.titles.push(title)
    this.skus.push(null)
    this.vendors.push(vendor)
    this.types.push(type)
    return this.keys.length - 1
  }

  addSku (slot: number, sku: string): void {
    const list = this.skus[slot]
    if (list === null) this.skus[slot] = [sku]
    else if (list.length < MAX_SKUS_PER_PRODUCT && !list.includes(sku)) list.push(sku)
  }

  get size (): number { return this.keys.length }
}

export interface ResolvedProducts {
  slots: ProductSlots
  /** Product slot per line key. */
  slotOfKey: Int32Array
  /** Non-merchandise reason per line key, null for merchandise. */
  reasons: Array<DropReason | null>
}

/** The order lines, to tell which name of a product is the latest. */
export interface LineRecency {
  count: number
  keyOf: Int32Array
  /** The line's order date in ms, NaN when unknown. */
  timeOf: (line: number) => number
}

/** Key for a product known only by its title: case and spacing do not make a different product. */
export function normaliseTitle (title: string): string {
  return title.toLowerCase().replace(/\s+/g, ' ').trim()
}

/**
 * Maps every line key to a product slot and a non-merchandise reason. Line names are rolled up to their
 * product on evidence; titles too when `titlesMayNameVariants` (no variant title column says otherwise).
 */
export function resolveProducts (info: LineKeyTable, titlesMayNameVariants: boolean, lines: LineRecency): ResolvedProducts {
  const n = info.size
  const named: number[] = []
  for (let i = 0; i < n; i++) {
    const tag = info.tags[i]
    if (tag === KEY_LINE_NAME || (tag === KEY_TITLE && titlesMayNameVariants)) named.push(i)
  }
  const rolled = rollUpVariants(named.map(i => ({ name: info.keys[i], sku: info.skus[i] })))
  const rolledTitle = new Map<number, string>()
  named.forEach((i, k) => rolledTitle.set(i, rolled[k]))

  // Groups: one key space per source column (titles and line names share one): an id "12" is not SKU "12".
  const groupByKey = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>(), new Map<string, number>()]
  const groups = new ProductSlots()
  const groupNamed: boolean[] = []
  const groupOfKey = new Int32Array(n)
  const reasons: Array<DropReason | null> = new Array(n)
  const members: SkuMember[] = []
  for (let i = 0; i < n; i++) {
    const tag = info.tags[i]
    let key = info.keys[i]
    let title = info.titles[i]
    let space = 0
    const isName = tag === KEY_LINE_NAME || tag === KEY_TITLE
    if (isName) {
      title = rolledTitle.get(i) ?? key
      key = normaliseTitle(title)
    } else {
      space = tag // KEY_PRODUCT_ID, KEY_VARIANT_ID or KEY_SKU: 1..3
    }
    const map = groupByKey[space]
    let group = map.get(key)
    if (group === undefined) {
      group = groups.add(key, title, info.vendors[i], info.types[i])
      groupNamed.push(isName)
      map.set(key, group)
    }
    groupOfKey[i] = group
    reasons[i] = nonMerchandiseReason({ title, lineName: info.lineNames[i] || info.keys[i], vendor: info.vendors[i], type: info.types[i] })
    // A product id is the product: its SKUs link nothing. Nor do gift cards, tips and the like.
    if (tag !== KEY_PRODUCT_ID && reasons[i] === null && info.skus[i] !== '') members.push({ group, sku: info.skus[i], named: isName })
  }

  const root = linkBySku(groups.size, members)
  const shown = shownGroups(root, groupNamed, groupOfKey, lines)
  const slots = new ProductSlots()
  const slotOfGroup = new Int32Array(groups.size).fill(-1)
  for (let g = 0; g < groups.size; g++) {
    const r = root[g]
    if (slotOfGroup[r] < 0) {
      const s = shown[r]
      slotOfGroup[r] = slots.add(groups.keys[s], groups.titles[s], groups.vendors[r], groups.types[r])
    }
    const slot = slotOfGroup[r]
    slots.vendors[slot] ??= groups.vendors[g]
    slots.types[slot] ??= groups.types[g]
  }
  const slotOfKey = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const slot = slotOfGroup[root[groupOfKey[i]]]
    slotOfKey[i] = slot
    if (info.skus[i] !== '') slots.addSku(slot, info.skus[i])
  }
  return { slots, slotOfKey, reasons }
}

/**
 * For each linked set's root, the group whose key and title the product shows: the set's only group, or
 * the named group of its latest line (order date first, file position second); a group keyed by a SKU
 * alone is shown only when no group of the set is named.
 */
function shownGroups (root: Int32Array, groupNamed: boolean[], groupOfKey: Int32Array, lines: LineRecency): Int32Array {
  const shown = Int32Array.from(root)
  let linked = false
  for (let g = 0; g < root.length && !linked; g++) linked = root[g] !== g
  if (!linked) return shown
  const latestTime = new Float64Array(root.length).fill(-Infinity)
  const latestLine = new Int32Array(root.length).fill(-1)
  for (let line = 0; line < lines.count; line++) {
    const g = groupOfKey[lines.keyOf[line]]
    const t = lines.timeOf(line)
    if (t > latestTime[g]) latestTime[g] = t
    latestLine[g] = line
  }
  const later = (a: number, b: number): boolean =>
    groupNamed[a] !== groupNamed[b] ? groupNamed[a] : latestTime[a] !== latestTime[b] ? latestTime[a] > latestTime[b] : latestLine[a] > latestLine[b]
  for (let g = 0; g < root.length; g++) {
    const r = root[g]
    if (r !== g && later(g, shown[r])) shown[r] = g
  }
  return shown
}
