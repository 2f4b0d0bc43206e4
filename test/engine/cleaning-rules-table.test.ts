// The cleaning rules as tables: every order status the cleaner knows and the state it puts an order
// in, and every non-merchandise rule decided by vendor or product type rather than by name.
import t from 'tap'
import { dropReasonOf, knownStatusKeys, nonMerchandiseReason, OrderState, orderStateOf, statusKey } from '../../src/engine/ingest/cleaning.js'

// Every status cleaning.ts knows, spelled as exports write them; the first test checks none is missing.
const STATES: ReadonlyArray<readonly [string, OrderState, string]> = [
  ['cancelled', OrderState.Cancelled, 'cancelled'],
  ['canceled', OrderState.Cancelled, 'cancelled'],
  ['trash', OrderState.Cancelled, 'cancelled'],
  ['voided', OrderState.Voided, 'voided'],
  ['void', OrderState.Voided, 'voided'],
  ['expired', OrderState.Voided, 'voided'],
  ['failed', OrderState.Voided, 'voided'],
  ['declined', OrderState.Voided, 'voided'],
  ['refunded', OrderState.Refunded, 'refunded'],
  ['fully_refunded', OrderState.Refunded, 'refunded'],
  ['returned', OrderState.Refunded, 'refunded'],
  ['pending', OrderState.Pending, 'pending'],
  ['on-hold', OrderState.Pending, 'pending'],
  ['awaiting_payment', OrderState.Pending, 'pending'],
  ['pending payment', OrderState.Pending, 'pending'],
  ['unpaid', OrderState.Pending, 'pending'],
  ['checkout-draft', OrderState.Pending, 'pending']
]
const STATE_NAMES = Object.fromEntries(Object.entries(OrderState).map(([name, value]) => [value, name]))

t.test('the table lists every status the cleaner knows', async t => {
  const listed = new Set(STATES.map(([status]) => statusKey(status)))
  t.same(knownStatusKeys().filter(k => !listed.has(k)), [], 'statuses cleaning.ts knows but this table does not test')
  t.same([...listed].filter(k => !knownStatusKeys().includes(k)), [], 'statuses this table tests but cleaning.ts does not know')
})

t.test('every known order status maps to its state', async t => {
  for (const [status, state, name] of STATES) {
    t.equal(orderStateOf(status), state, `"${status}" is ${STATE_NAMES[state]}`)
    t.equal(orderStateOf(`wc-${status.toUpperCase()}`), state, `WooCommerce's "wc-${status.toUpperCase()}" is ${STATE_NAMES[state]} too`)
    t.equal(dropReasonOf(state, true), name, `a ${STATE_NAMES[state]} order is dropped as "${name}" (pending ones when dropPending)`)
  }
  t.equal(dropReasonOf(OrderState.Pending, false), null, 'pending orders are kept by default')
  for (const kept of ['paid', 'partially_refunded', 'authorized', 'partially_paid', '', 'something new']) {
    t.equal(orderStateOf(kept), OrderState.Kept, `"${kept}" is kept`)
  }
})

t.test('non-merchandise by vendor and by product type', async t => {
  // Shipping-protection apps, whatever the line is called.
  for (const vendor of ['Route', 'Navidium', 'Corso', 'Seel', ' route ']) {
    t.equal(nonMerchandiseReason({ title: 'Package Care', vendor }), 'shipping_protection', `vendor "${vendor}" sells shipping protection`)
  }
  t.equal(nonMerchandiseReason({ title: 'Package Care', vendor: 'Acme' }), null, 'the same title from another vendor is merchandise')
  t.equal(nonMerchandiseReason({ title: 'Route 66 Mug', vendor: 'Acme' }), null, 'a product named after Route 66 is merchandise')

  for (const type of ['Tip', 'tips', ' TIP ']) {
    t.equal(nonMerchandiseReason({ title: 'Thank the team', type }), 'tip', `product type "${type}" is a tip`)
  }
  t.equal(nonMerchandiseReason({ title: 'Thank the team', type: 'Tipi tent' }), null, 'a type that only starts with "tip" is merchandise')
  for (const type of ['Gift Card', 'gift cards']) {
    t.equal(nonMerchandiseReason({ title: 'Holiday Special', type }), 'gift_card', `product type "${type}" is a gift card`)
  }
  for (const type of ['Insurance', 'Shipping Protection']) {
    t.equal(nonMerchandiseReason({ title: 'Peace of mind', type }), 'shipping_protection', `product type "${type}" is shipping protection`)
  }

  // Service add-on apps: carbon offsets whatever the line is called; protection plans when the line names one.
  for (const vendor of ['EcoCart', 'Cloverly', 'Shopify Planet', ' ecocart ']) {
    t.equal(nonMerchandiseReason({ title: 'Make my order greener', vendor }), 'service_add_on', `vendor "${vendor}" sells carbon offsets`)
  }
  for (const vendor of ['Extend', 'Clyde', 'Mulberry', 'XCover']) {
    t.equal(nonMerchandiseReason({ title: 'Product Protection', vendor }), 'service_add_on', `vendor "${vendor}" sells protection plans`)
    t.equal(nonMerchandiseReason({ title: 'Bayswater Bag', vendor }), null, `a "${vendor}" line that names no plan is merchandise (Mulberry also makes handbags)`)
  }
  for (const type of ['Warranty', 'Extended Warranty', 'Protection Plan', 'Donation', 'Carbon Offset']) {
    t.equal(nonMerchandiseReason({ title: 'Peace of mind', type }), 'service_add_on', `product type "${type}" is a service add-on`)
  }
  for (const type of ['Gift Wrap', 'Gift Wrapping', 'Charity']) {
    t.equal(nonMerchandiseReason({ title: 'Kraft Roll', type }), null, `product type "${type}" alone is merchandise (a stationery shop's paper, charity goods)`)
  }
  t.equal(nonMerchandiseReason({ title: 'Peace of mind', type: 'Candles', vendor: 'Acme' }), null, 'an ordinary type and vendor: merchandise')
})
