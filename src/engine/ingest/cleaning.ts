// The cleaning rules: which orders are real sales and which lines are merchandise. Everything left
// out is counted by reason in the summary.
//
// Decided where the issue left it open:
// - partially_refunded orders are KEPT. The customer chose those products together and most of the
//   order stood; the export does not say which line was refunded, and dropping the whole order would
//   throw away real co-purchases.
// - pending orders are KEPT by default (options.dropPending leaves them out, counted as `pending`).
//   "Pending" means payment not captured yet: cash on delivery, bank transfer and other manual payment
//   methods (the norm for many stores, e.g. INR stores where COD dominates) and draft orders. The
//   basket is what the customer put together either way, and a store whose orders are mostly pending
//   must not end up with no evidence. Pending orders that were then cancelled are dropped as cancelled.
// - authorized, partially_paid, paid and unknown statuses are kept; expired and failed payments count
//   as voided; a status of "cancelled" counts like a Cancelled at date.
// - A line with a negative or zero quantity (a return or a removed line) is dropped as `refunded`.
// - WooCommerce writes statuses with a `wc-` prefix (`wc-cancelled`, `wc-refunded`): it is ignored.
import type { DropReason } from '../types.js'

/** Order states as small integers, stored per order in a typed array. */
export const OrderState = { Kept: 0, Pending: 1, Cancelled: 2, Voided: 3, Refunded: 4 } as const
export type OrderState = typeof OrderState[keyof typeof OrderState]

const STATE_BY_STATUS = new Map<string, OrderState>([
  ['cancelled', OrderState.Cancelled], ['canceled', OrderState.Cancelled], ['trash', OrderState.Cancelled],
  ['voided', OrderState.Voided], ['void', OrderState.Voided], ['expired', OrderState.Voided], ['failed', OrderState.Voided],
  ['declined', OrderState.Voided],
  ['refunded', OrderState.Refunded], ['fullyrefunded', OrderState.Refunded], ['returned', OrderState.Refunded],
  ['pending', OrderState.Pending], ['onhold', OrderState.Pending], ['awaitingpayment', OrderState.Pending],
  ['pendingpayment', OrderState.Pending], ['unpaid', OrderState.Pending], ['checkoutdraft', OrderState.Pending]
])

/** The state a financial/order status text puts an order in (unknown statuses are kept). */
export function orderStateOf (status: string): OrderState {
  return STATE_BY_STATUS.get(status.trim().toLowerCase().replace(/^wc-/, '').replace(/[^a-z]+/g, '')) ?? OrderState.Kept
}

export function dropReasonOf (state: number, dropPending: boolean): DropReason | null {
  switch (state) {
    case OrderState.Cancelled: return 'cancelled'
    case OrderState.Voided: return 'voided'
    case OrderState.Refunded: return 'refunded'
    case OrderState.Pending: return dropPending ? 'pending' : null
    default: return null
  }
}

const GIFT_CARD = /\b(e-?)?gift\s*-?\s*cards?\b|\bgiftcards?\b|\bgift\s+certificates?\b|\bgift\s+vouchers?\b/i
const TIP = /^(tips?|gratuity|(add\s+an?|driver|staff|team|delivery)\s+tips?)(\s*[-(:].*)?$/i
const PROTECTION = /\b(shipping|package|parcel|delivery|order|shipment)\s+(protection|insurance|guarantee)\b|\binsurance\b|^route\b|\broute\s+(protection|package|shipping)\b/i
const FREE_SAMPLE = /\bfree\b.*\bsamples?\b|\bsamples?\b.*\bfree\b|\bfree\s+gift\b/i
const PROTECTION_VENDORS = new Set(['route', 'navidium', 'corso', 'seel'])

export interface LineLabels {
  /** Product or line title as written. */
  title: string
  /** The full line name when it differs (Shopify "Product - Variant"). */
  lineName?: string
  vendor?: string | null
  type?: string | null
  giftCardFlag?: boolean
}

/**
 * Why a product or line is not merchandise, from its names alone (gift card, tip, shipping
 * protection, free sample), or null when it is merchandise. $0 lines are judged per line by price.
 */
export function nonMerchandiseReason (l: LineLabels): DropReason | null {
  const names = l.lineName !== undefined && l.lineName !== l.title ? `${l.title}\n${l.lineName}` : l.title
  const type = l.type ?? ''
  const vendor = (l.vendor ?? '').toLowerCase().trim()
  if (l.giftCardFlag === true || GIFT_CARD.test(names) || /^gift\s*cards?$/i.test(type)) return 'gift_card'
  if (TIP.test(l.title.trim()) || /^tips?$/i.test(type)) return 'tip'
  if (PROTECTION.test(names) || /^(insurance|shipping protection)$/i.test(type) || PROTECTION_VENDORS.has(vendor)) return 'shipping_protection'
  if (FREE_SAMPLE.test(names)) return 'free_item'
  return null
}

/** A yes/true/1 flag cell. */
export function isTruthy (text: string): boolean {
  const t = text.trim().toLowerCase()
  return t === 'true' || t === 'yes' || t === '1' || t === 'y'
}
