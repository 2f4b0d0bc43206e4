// Prices written finer than the currency allows are rounded DOWN to its minor unit, never to the
// nearest: a sum of such prices must never overstate the items (money.ts).
import t from 'tap'
import { costToMinor, moneyUnit, priceToMinor } from '../../src/engine/bundles/money.js'
import { priceSet, volumeTiers, VOLUME_TIERS_STANDARD } from '../../src/engine/bundles/pricing.js'

const CENTS = moneyUnit(null)
const KWD = moneyUnit('KWD')

t.test('priceToMinor rounds a price down to the minor unit; costToMinor rounds a cost up', async t => {
  t.equal(priceToMinor(1.009, CENTS), 100, '1.009 is 1.00, not the nearest 1.01')
  t.equal(priceToMinor(1.005, CENTS), 100, '1.005 is 1.00')
  t.equal(priceToMinor(19.999, CENTS), 1999, '19.999 is 19.99, not 20.00')
  t.equal(priceToMinor(2.345, KWD), 2345, 'float noise (2.345 · 1000 = 2344.999…) is not a fraction to drop')
  t.equal(priceToMinor(2.3459, KWD), 2345, 'three decimals for dinars: 2.3459 is 2.345')
  t.equal(costToMinor(1.001, CENTS), 101, 'a cost finer than a cent rounds up, so a floor is never below it')
})

t.test('a bundle\'s list price is the rounded-down unit price times the quantity', async t => {
  const pricing = priceSet([{ price: 1.009, cost: null, quantity: 2 }], 10, 'why', null)
  t.ok(pricing, 'two items at 1.009 get an offer')
  t.equal(pricing?.list_price, 2, 'list price 2 × 1.00 = 2.00, not 2 × 1.01 = 2.02')
  t.equal(pricing?.bundle_price, 1.79, '10% off 2.00 is 1.80, then down to the 9 ending')

  const mixed = priceSet([{ price: 9.999, cost: null, quantity: 1 }, { price: 5.005, cost: null, quantity: 1 }], 5, 'why', null)
  t.equal(mixed?.list_price, 14.99, '9.99 + 5.00, each rounded down before the sum')

  const tiers = volumeTiers(10.009, null, VOLUME_TIERS_STANDARD)
  t.same(tiers.map(x => [x.quantity, x.discount_percent, x.unit_price]), [[2, 5.1, 9.49], [3, 10.1, 8.99], [5, 15.1, 8.49]],
    'volume tiers start from 10.00, not 10.01')
})
