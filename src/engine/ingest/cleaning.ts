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

/** A status as the table keys it: lower case, letters only, WooCommerce's `wc-` prefix ignored. */
export function statusKey (status: string): string {
  return status.trim().toLowerCase().replace(/^wc-/, '').replace(/[^a-z]+/g, '')
}

/** Every status the cleaner knows (by `statusKey`), so the rules' table test covers each one. */
export function knownStatusKeys (): string[] {
  return [...STATE_BY_STATUS.keys()]
}

/** The state a financial/order status text puts an order in (unknown statuses are kept). */
export function orderStateOf (status: string): OrderState {
  return STATE_BY_STATUS.get(statusKey(status)) ?? OrderState.Kept
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

// Non-merchandise is judged by narrow patterns on each name (title, line name): a name that merely
// mentions a gift card, a tip, Route, a warranty, a donation, gift wrap or a free gift is a product
// ("Gift Card Holder", "Route 66 Mug", "Warranty Card Holder", "Gluten Free Gift Basket"). A $0 line
// is free whatever its name (judged per line by price).

/** What a gift card is called, in English and the languages of the larger European shops. */
const GIFT_CARD_TERM = String.raw`(?:e-?\s?)?gift\s*-?\s*cards?|gift\s+certificates?|gift\s+vouchers?|\p{L}*gutscheine?|geschenkkarten?|` +
  String.raw`(?:cartes?|ch[eè]ques?|bons?)[-\s]cadeaux?|tarjetas?\s+(?:de\s+)?regalo|vales?\s+(?:de\s+)?regalo|buon[oi]\s+regalo|` +
  String.raw`cadeaukaart(?:en)?|cadeaubon(?:nen)?|presentkort|gavekort|(?:cart[aã]o|vale)[-\s]presente`
/** The gift card itself: not a product named after one ("Gift Card Holder", "Wallet for Gift Cards"). */
const GIFT_CARD = new RegExp(String.raw`(?<!\p{L})(?<!\bfor\s+(?:an?\s+|the\s+|your\s+)?)(?:${GIFT_CARD_TERM})(?![ \t]*\p{L}|-\p{L})`, 'iu')
/** A tip named as one: "Tip", "Add a tip", "Driver tip", "Tip for driver", "Tip - 15%", "Gratuity ($5)". */
const TIP = /^(?:(?:add\s+an?|driver|staff|team|delivery|courier)\s+)?(?:tips?|gratuity)(?:\s+(?:for|to)\s+(?:the\s+|your\s+|our\s+)?(?:driver|courier|rider|staff|team|crew|store|shop|us))?(?:\s*[-–:]?\s*\(?\s*\p{Sc}?\s*\d+(?:[.,]\d+)?\s*%?\s*\)?)?$/iu
/** Shipping protection and insurance; Route (the app) only as "Route" alone or "Route protection/package/shipping". */
const PROTECTION = /\b(shipping|package|parcel|delivery|order|shipment)\s+(protection|insurance|guarantee)\b|\binsurance\b|^route\+?$|\broute\+?\s+(protection|package|shipping|insurance)\b/i
/**
 * Postage, fees and bookkeeping that some stores export as order lines (as in the UCI Online Retail
 * data: POSTAGE, DOTCOM POSTAGE, CARRIAGE, Bank Charges, AMAZON FEE, Manual). Whole names only:
 * "Postage Stamp Print" and "Shipping Box" are products.
 */
const FEE = /^(?:(?:dotcom\s+)?postage(?:\s*(?:&|and)\s*packing)?|p\s*&\s*p|carriage|shipping(?:\s*(?:&|and)\s*handling)?(?:\s+(?:fee|charges?|costs?))?|(?:delivery|handling)\s+(?:fee|charges?)|bank\s+charges?|(?:amazon|ebay|etsy|marketplace|paypal|transaction|payment)\s*fees?|manual|adjust(?:ment)?\s+bad\s+debt)$/i
/**
 * A free gift or sample named as such: "free" starts the name or follows a separator ("Free Sample
 * Pack", "Soap - Free Sample", "[FREE GIFT] Tote", "Sample (free)"). "Gluten Free Gift Basket" and
 * "Dairy-Free Sample Box" are paid products whose "free" describes them.
 */
const FREE_ITEM = /(?:^|[([]\s*|[:,|+/]\s*|\s[-–—]\s+)free\s+(?:gifts?|samples?)\b|\b(?:gifts?|samples?)\s*(?:[([]|\s[-–—])\s*free\b/i
const PROTECTION_VENDORS = new Set(['route', 'navidium', 'corso', 'seel'])

// Service add-ons sold at checkout beside the merchandise: product protection plans, carbon offsets,
// donations, gift wrap and gift messages. Each is judged by a precise name (or its app as the vendor),
// never by a word a product may carry: "Warranty Card Holder", "Lotion with Mulberry Extract", "Carbon
// Neutral Coffee", "Donation Box", "Gift Wrap Paper Roll" and "Wrap Dress" are merchandise.

/** An amount or share after a name: "Donation - $5", "Gift wrap (+$4.99)", "Round up: 1%". */
const AMOUNT = String.raw`(?:\s*[-–:]?\s*\(?\s*\+?\s*\p{Sc}?\s*\d+(?:[.,]\d+)?\s*%?\s*\)?)?`
/**
 * Product protection and extended warranties (Extend, Clyde, Mulberry, XCover): "Extend Protection Plan",
 * "3 Year Protection Plan", "Extended Warranty", "Warranty plan", "2-Year Warranty", "Accident Protection",
 * "Clyde Protection - 2 years". "Lifetime Warranty Knife" and "Warranty Card Holder" are products.
 */
const PROTECTION_PLAN = new RegExp(String.raw`\bprotection\s+plans?\b|\bextended\s+warrant(?:y|ies)\b|\bwarranty\s+(?:plans?|coverage|extension)\b|` +
  String.raw`^(?:\d+[-\s]*(?:years?|yrs?|months?)\s+)?(?:limited\s+|product\s+|accident(?:al)?\s+)?warranty(?:\s*[-–:(]\s*\d+[-\s]*(?:years?|yrs?|months?)\)?)?$|` +
  String.raw`^accident(?:al)?(?:\s+damage)?\s+protection\b|` +
  String.raw`^(?:extend|clyde|mulberry|x-?cover)\s+(?:product\s+)?(?:protection|warranty|coverage)(?:\s+plans?)?(?:\s*[-–:(|].*)?$`, 'iu')
/** Carbon offsets (EcoCart, Cloverly, Shopify Planet): "Carbon offset", "Carbon Neutral Shipping", "Offset my carbon footprint". */
const CARBON_OFFSET = /\bcarbon[-\s]+(?:offset(?:s|ting)?|neutral\s+(?:shipping|delivery|order|checkout|package))\b|\boffset\s+(?:my|your|the|this)\s+(?:order'?s?\s+)?(?:carbon|emissions|footprint)\b|\b(?:ecocart|cloverly)\b|^shopify\s+planet\b/i
/**
 * A donation named as one: "Donation", "Donation - $5", "Charity donation", "Donation to the Red Cross",
 * "Add a donation", "Donate $1", "Round up for charity". "Donation Box" and "Round Up Cap" are products.
 */
const DONATION = new RegExp(String.raw`^(?:(?:add|make|leave)\s+an?\s+|my\s+|optional\s+)?(?:charit(?:y|able)\s+)?donations?(?:\s+(?:to|for)\s+[^\d(]+?)?${AMOUNT}$|` +
  String.raw`^donate(?:\s+\p{Sc}?\s*\d[\d.,]*|\s+(?:to|for)\s+.+)?$|` +
  String.raw`^round[-\s]?up\b.*\b(?:charit\w*|donat\w*|cause|non-?profit|foundation)\b`, 'iu')
/**
 * Gift wrap and gift messages as the service, the whole name: "Gift Wrap", "Gift wrapping service", "Add gift
 * wrap", "Gift Wrap & Message", "Gift message", "Gift wrap (+$5)". Not by product type: a stationery shop's
 * "Gift Wrap" type sells paper ("Gift Wrap Paper Roll", "Kraft Gift Wrap" are products).
 */
const GIFT_WRAP = new RegExp(String.raw`^(?:add\s+(?:an?\s+)?)?(?:gift[-\s]?wrap(?:ped|ping)?|gift\s+(?:message|note))(?:\s+(?:service|option|add-?on))?` +
  String.raw`(?:\s*(?:&|and|\+|/|with)\s*(?:an?\s+)?(?:gift\s+)?(?:message|note|card|wrap(?:ping)?))?${AMOUNT}$`, 'iu')
/** The apps' own vendor names: any line they sell is the service (carbon offsets, donations). */
const SERVICE_VENDORS = new Set(['ecocart', 'cloverly', 'shopify planet'])
/**
 * Protection-plan apps as vendors, when the line names a plan: "Mulberry" is also a brand of handbags, and
 * a "Clyde" or "Extend" vendor may sell merchandise.
 */
const PLAN_VENDORS = new Set(['extend', 'clyde', 'mulberry', 'xcover', 'x-cover'])
const PLAN_WORD = /\b(?:protection|warrant(?:y|ies)|plans?|coverage)\b/i

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
 * protection, a service add-on, postage and fees, free sample), or null when it is merchandise.
 * $0 lines are judged per line by price.
 */
export function nonMerchandiseReason (l: LineLabels): DropReason | null {
  const title = l.title.trim()
  const names = l.lineName !== undefined && l.lineName.trim() !== title ? [title, l.lineName.trim()] : [title]
  const type = (l.type ?? '').trim()
  const vendor = (l.vendor ?? '').toLowerCase().trim()
  const any = (rule: RegExp): boolean => names.some(n => rule.test(n))
  if (l.giftCardFlag === true || any(GIFT_CARD) || /^gift\s*cards?$/i.test(type)) return 'gift_card'
  if (TIP.test(title) || /^tips?$/i.test(type)) return 'tip'
  if (any(PROTECTION) || /^(insurance|shipping protection)$/i.test(type) || PROTECTION_VENDORS.has(vendor)) return 'shipping_protection'
  if (any(PROTECTION_PLAN) || any(CARBON_OFFSET) || any(DONATION) || any(GIFT_WRAP) ||
    PROTECTION_PLAN.test(type) || CARBON_OFFSET.test(type) || DONATION.test(type) ||
    SERVICE_VENDORS.has(vendor) || (PLAN_VENDORS.has(vendor) && any(PLAN_WORD))) return 'service_add_on'
  if (any(FEE)) return 'fee'
  if (any(FREE_ITEM)) return 'free_item'
  return null
}

/** A yes/true/1 flag cell. */
export function isTruthy (text: string): boolean {
  const t = text.trim().toLowerCase()
  return t === 'true' || t === 'yes' || t === '1' || t === 'y'
}
