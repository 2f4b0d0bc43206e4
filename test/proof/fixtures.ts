// Small valid order files for the proof tests, written out explicitly so each test shows its data.

export const GENERIC_HEADER = 'order_id,product_id,product_name,quantity,price,created_at'

export interface Line { order: string, product: string, name: string, quantity?: string, price?: string, date?: string }

function cell (value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

export function ordersCsv (lines: Line[], header = GENERIC_HEADER): string {
  const rows = lines.map((l) => [l.order, l.product, l.name, l.quantity ?? '1', l.price ?? '10.00', l.date ?? '2025-03-01T10:00:00Z'].map(cell).join(','))
  return `${header}\n${rows.join('\n')}\n`
}

/**
 * `orders` orders that buy products A and B together, plus as many orders of C alone and of D alone,
 * so A + B is bought together far more often than chance: an FBT bundle. Names, prices and dates can
 * be overridden per product.
 */
export function pairedOrders (opts: {
  orders?: number
  names?: [string, string, string]
  prices?: [string, string, string]
  date?: (i: number) => string
  prefix?: string
} = {}): Line[] {
  const n = opts.orders ?? 24
  const names = opts.names ?? ['Alpha Mug', 'Beta Spoon', 'Gamma Tray']
  const prices = opts.prices ?? ['12.00', '4.50', '30.00']
  const prefix = opts.prefix ?? ''
  const lines: Line[] = []
  for (let i = 0; i < n; i++) {
    const date = opts.date?.(i) ?? `2025-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`
    const pair = `${prefix}${1001 + 3 * i}`
    lines.push({ order: pair, product: 'A-1', name: names[0], price: prices[0], date })
    lines.push({ order: pair, product: 'B-2', name: names[1], price: prices[1], date })
    lines.push({ order: `${prefix}${1002 + 3 * i}`, product: 'C-3', name: names[2], price: prices[2], date })
    lines.push({ order: `${prefix}${1003 + 3 * i}`, product: 'D-4', name: 'Delta Cloth', price: '8.00', date })
  }
  return lines
}

export const VALID_SMALL_CSV = ordersCsv(pairedOrders())
