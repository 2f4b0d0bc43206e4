// A bundle as the cells of the page's table. Pure: no DOM, unit-tested. A statistic the engine did
// not measure (catalog heuristics, lift of a volume tier) is shown as "—", never as a number.
import type { Bundle } from './api-types.js'

export const MISSING = '—'

export interface BundleRow {
  rank: string
  products: string
  type: string
  heuristic: boolean
  together: string
  lift: string
  discount: string
  /** FBT: the bundle's price. VOLUME: each tier's total, "2 for $46.38, 3 for $67.17", so no price reads as one unit's. */
  price: string
  /** FBT: the items' full price, shown struck through. */
  listPrice: string | null
  /** VOLUME: one unit at full price, the yardstick for the tiers ("was $23.99 each"). */
  unitPrice: string | null
  reason: string
}

export function formatMoney (amount: number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return MISSING
  if (currency !== null && currency !== undefined && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount)
    } catch { /* unknown code: plain number below */ }
  }
  // No currency (a file that names none): the same grouping as every other figure on the page.
  return amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

function percent (p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`
}

/** "2", "2 or 3", "2, 3 or 5". */
function orList (words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`
}

function products (b: Bundle): string {
  if (b.type === 'VOLUME') {
    const title = b.items[0]?.title ?? MISSING
    const tiers = b.pricing.tiers ?? []
    const quantities = tiers.length > 0 ? tiers.map(t => t.quantity) : [b.items[0]?.quantity ?? 2]
    return `${title}, buy ${orList(quantities.map(String))}`
  }
  return b.items.map(i => i.title).join(' + ')
}

function discount (b: Bundle): string {
  const tiers = b.pricing.tiers ?? []
  if (b.type === 'VOLUME' && tiers.length > 0) return tiers.map(t => percent(t.discount_percent)).join(' / ')
  return percent(b.pricing.discount_percent)
}

// A tier's words never split across lines; a long ladder wraps between tiers.
const NBSP = '\u00a0'

/** "2 for $46.38, 3 for $67.17, 5 for $107.95"; MISSING when the file gave no price. */
function volumePrice (b: Bundle): string {
  const currency = b.pricing.currency
  const tiers = b.pricing.tiers ?? []
  const priced = tiers.length > 0
    ? tiers.map(t => [t.quantity, t.total_price] as const)
    : [[b.items[0]?.quantity ?? 2, b.pricing.bundle_price] as const] // no tiers (an older run): the one offer
  if (priced.some(([, total]) => total === null)) return MISSING
  return priced.map(([quantity, total]) => `${quantity} for ${formatMoney(total, currency)}`.replace(/ /g, NBSP)).join(', ')
}

/** Catalog-only bundles were never bought together: they say what they are, not what they are not. */
export const SUGGESTED_PAIRING = 'Suggested pairing (from your catalog, not from orders)'
export const SUGGESTED_VOLUME = 'Volume discount (suggested from your catalog, not from orders)'

function typeLabel (type: Bundle['type'], heuristic: boolean): string {
  if (type === 'VOLUME') return heuristic ? SUGGESTED_VOLUME : 'Volume discount'
  return heuristic ? SUGGESTED_PAIRING : 'Bought together'
}

export function bundleRow (b: Bundle): BundleRow {
  const heuristic = b.source === 'catalog' || b.stats === null
  const currency = b.pricing.currency
  const volume = b.type === 'VOLUME'
  const price = volume ? volumePrice(b) : formatMoney(b.pricing.bundle_price, currency)
  const list = b.pricing.list_price
  const unit = b.items[0]?.price ?? null
  return {
    rank: String(b.rank),
    products: products(b),
    type: typeLabel(b.type, heuristic),
    heuristic,
    together: heuristic || b.stats === null ? MISSING : b.stats.count.toLocaleString('en-US'),
    lift: heuristic || b.stats?.lift === null || b.stats?.lift === undefined ? MISSING : b.stats.lift.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    discount: discount(b),
    price,
    listPrice: !volume && list !== null && price !== MISSING && b.pricing.bundle_price !== list ? formatMoney(list, currency) : null,
    unitPrice: volume && unit !== null && price !== MISSING ? formatMoney(unit, currency) : null,
    reason: b.reason
  }
}

/** Rows in rank order (the service sorts too; the page does not rely on it). */
export function bundleRows (bundles: Bundle[]): BundleRow[] {
  return [...bundles].sort((a, b) => a.rank - b.rank).map(bundleRow)
}
