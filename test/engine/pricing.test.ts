import t from 'tap'
import { discountedCents, effectivePercent } from '../../src/engine/bundles/money.js'
import { fbtDiscountPercent, priceSet, priceVolume, volumeTiers, VOLUME_TIERS_STANDARD } from '../../src/engine/bundles/pricing.js'
import { mulberry32 } from './helpers/random-baskets.js'

t.test('discounted prices: never above list, rounding never raises, never below cost', async t => {
  const rnd = mulberry32(42)
  for (let i = 0; i < 20000; i++) {
    const listCents = 1 + Math.floor(rnd() * 200000)
    const percent = Math.floor(rnd() * 30)
    const floor = rnd() < 0.5 ? null : Math.floor(rnd() * listCents * 1.2)
    const { cents, cappedByCost } = discountedCents(listCents, percent, floor)
    const exact = listCents * (100 - percent) / 100
    const where = `list ${listCents}, ${percent}%, cost ${floor}`
    if (!Number.isInteger(cents)) return t.fail(`${where}: ${cents} is not whole cents`)
    if (cents > listCents) return t.fail(`${where}: bundle ${cents} above list`)
    if (!cappedByCost && cents > exact) return t.fail(`${where}: rounding raised the price to ${cents} above ${exact}`)
    if (floor !== null && floor <= listCents && cents < floor) return t.fail(`${where}: bundle ${cents} below cost`)
    if (cappedByCost && cents !== Math.min(listCents, floor ?? Infinity)) return t.fail(`${where}: capped price ${cents} is not the cost floor`)
    if (effectivePercent(listCents, cents) > (listCents - cents) / listCents * 100 + 1e-9) return t.fail(`${where}: effective percent overstated`)
  }
  t.pass('20,000 random prices hold every invariant')
})

t.test('charm rounding goes down to a 9 ending only', async t => {
  t.same(discountedCents(5000, 10, null), { cents: 4499, cappedByCost: false })
  t.same(discountedCents(4999, 0, null), { cents: 4999, cappedByCost: false })
  t.same(discountedCents(99, 10, null), { cents: 89, cappedByCost: false }, 'below 1.00 only the cent rounding')
  t.same(discountedCents(5000, 10, 4500), { cents: 4500, cappedByCost: false }, 'the charm step is skipped when it would cross the cost')
  t.same(discountedCents(5000, 10, 4800), { cents: 4800, cappedByCost: true })
  t.same(discountedCents(5000, 10, 6000), { cents: 5000, cappedByCost: true }, 'cost above price: no discount, never a higher price')
})

t.test('FBT sets: sum of items, null prices keep the suggested percent', async t => {
  const p = priceSet([{ price: 20, cost: 8, quantity: 1 }, { price: 9.99, cost: 4, quantity: 1 }], 10, 'why', null)
  t.equal(p.list_price, 29.99)
  t.ok(p.bundle_price !== null && p.bundle_price <= 29.99 * 0.9)
  t.equal(p.currency, null)
  const unknown = priceSet([{ price: null, cost: null, quantity: 1 }, { price: 5, cost: null, quantity: 1 }], 8, 'why', null)
  t.same([unknown.list_price, unknown.bundle_price, unknown.discount_percent], [null, null, 8])
  const capped = priceSet([{ price: 10, cost: 9.5, quantity: 1 }, { price: 10, cost: 9.5, quantity: 1 }], 10, 'why', 'USD')
  t.equal(capped.bundle_price, 19)
  t.equal(capped.discount_percent, 5)
  t.match(capped.explanation, /below its cost/)
})

t.test('FBT discount: stronger attach, smaller discount; three items a little more', async t => {
  const attaches = [0.9, 0.5, 0.3, 0.2, 0.15, 0.1, 0.05, 0.01, 0]
  const discounts = attaches.map(a => fbtDiscountPercent(a, 2))
  for (let i = 1; i < discounts.length; i++) t.ok(discounts[i] >= discounts[i - 1], `attach ${attaches[i]} gets at least the discount of ${attaches[i - 1]}`)
  t.ok(fbtDiscountPercent(0.2, 3) > fbtDiscountPercent(0.2, 2))
})

t.test('VOLUME tiers are monotone on random prices and costs', async t => {
  const rnd = mulberry32(7)
  for (let i = 0; i < 5000; i++) {
    const price = Math.floor(rnd() * 50000) / 100 + 0.01
    const cost = rnd() < 0.3 ? null : Math.floor(rnd() * price * 110) / 100
    const tiers = volumeTiers(price, cost, VOLUME_TIERS_STANDARD)
    for (let k = 0; k < tiers.length; k++) {
      const tier = tiers[k]
      const where = `price ${price}, cost ${cost}, tier ${tier.quantity}`
      if (tier.unit_price === null || tier.total_price === null) return t.fail(`${where}: null price`)
      if (tier.unit_price > price) return t.fail(`${where}: unit price above list`)
      if (cost !== null && cost <= price && tier.unit_price < cost) return t.fail(`${where}: unit price below cost`)
      if (Math.abs(tier.total_price - tier.unit_price * tier.quantity) > 1e-6) return t.fail(`${where}: total is not unit × quantity`)
      if (k > 0) {
        const prev = tiers[k - 1]
        if (!(tier.quantity > prev.quantity && tier.discount_percent > prev.discount_percent && tier.unit_price <= (prev.unit_price ?? Infinity))) {
          return t.fail(`${where}: not monotone after tier ${prev.quantity}`)
        }
      }
    }
  }
  t.pass('5,000 random products get monotone tiers')
})

t.test('VOLUME with unknown price suggests percents; with no room above cost, no offer', async t => {
  const unknown = priceVolume(null, null, VOLUME_TIERS_STANDARD, 'why', null)
  t.same(unknown?.tiers?.map(x => [x.quantity, x.discount_percent, x.unit_price]), [[2, 5, null], [3, 10, null], [5, 15, null]])
  t.equal(unknown?.bundle_price, null)
  t.equal(priceVolume(10, 10, VOLUME_TIERS_STANDARD, 'why', null), null)
})
