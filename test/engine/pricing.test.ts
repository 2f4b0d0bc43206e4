import t from 'tap'
import { discountedMinor, effectivePercent, moneyUnit } from '../../src/engine/bundles/money.js'
import { fbtDiscountPercent, priceSet, priceVolume, volumeTiers, VOLUME_TIERS_GENTLE, VOLUME_TIERS_STANDARD } from '../../src/engine/bundles/pricing.js'
import { mulberry32 } from './helpers/random-baskets.js'

const CENTS = moneyUnit(null)

t.test('discounted prices: never above list, rounding never raises, never below cost, never free or far past the suggestion', async t => {
  const rnd = mulberry32(42)
  let offered = 0
  for (let i = 0; i < 20000; i++) {
    const list = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 300 : 200000))
    const percent = Math.floor(rnd() * 30)
    const floor = rnd() < 0.5 ? null : Math.floor(rnd() * list * 1.2)
    const priced = discountedMinor(list, percent, floor, CENTS)
    const exact = list * (100 - percent) / 100
    const where = `list ${list}, ${percent}%, cost ${floor}`
    if (priced === null) {
      // Only when the cent is too coarse: the exact price rounded down is more than twice the discount off, or free.
      const down = Math.floor(exact)
      if (down >= 1 && list - down <= list * percent * 2 / 100 && (floor === null || floor <= down)) return t.fail(`${where}: no offer although ${down} fits`)
      continue
    }
    offered++
    const { minor, cappedByCost } = priced
    if (!Number.isInteger(minor)) return t.fail(`${where}: ${minor} is not whole cents`)
    if (minor > list) return t.fail(`${where}: bundle ${minor} above list`)
    if (minor < 1) return t.fail(`${where}: free`)
    if (list - minor > list * percent * 2 / 100 + 1e-9) return t.fail(`${where}: ${minor} is more than twice the discount off`)
    if (!cappedByCost && minor > exact) return t.fail(`${where}: rounding raised the price to ${minor} above ${exact}`)
    if (floor !== null && floor <= list && minor < floor) return t.fail(`${where}: bundle ${minor} below cost`)
    if (cappedByCost && minor !== Math.min(list, floor ?? Infinity)) return t.fail(`${where}: capped price ${minor} is not the cost floor`)
    if (effectivePercent(list, minor) > (list - minor) / list * 100 + 1e-9) return t.fail(`${where}: effective percent overstated`)
  }
  t.ok(offered > 15000, `${offered} of 20,000 random prices got an offer, every one within the invariants`)
})

t.test('charm rounding goes down to a 9 ending only', async t => {
  t.same(discountedMinor(5000, 10, null, CENTS), { minor: 4499, cappedByCost: false })
  t.same(discountedMinor(4999, 0, null, CENTS), { minor: 4999, cappedByCost: false })
  t.same(discountedMinor(99, 10, null, CENTS), { minor: 89, cappedByCost: false }, 'below 1.00 only the cent rounding')
  t.same(discountedMinor(5000, 10, 4500, CENTS), { minor: 4500, cappedByCost: false }, 'the charm step is skipped when it would cross the cost')
  t.same(discountedMinor(5000, 10, 4800, CENTS), { minor: 4800, cappedByCost: true })
  t.same(discountedMinor(5000, 10, 6000, CENTS), { minor: 5000, cappedByCost: true }, 'cost above price: no discount, never a higher price')
  t.same(discountedMinor(110, 5, null, CENTS), { minor: 99, cappedByCost: false }, '1.10 at 5%: 0.99 is 10%, within twice the suggestion')
  t.same(discountedMinor(120, 3, null, CENTS), { minor: 116, cappedByCost: false }, '1.20 at 3%: the charm to 1.09 would be 9%, so no charm')
})

t.test('a price too small for its discount gets no offer, never a free one', async t => {
  t.equal(discountedMinor(1, 5, null, CENTS), null, '0.01 at 5% would be free')
  t.equal(discountedMinor(5, 5, null, CENTS), null, '0.05 at 5% would be 0.04, 20% off')
  t.same(discountedMinor(10, 5, null, CENTS), { minor: 9, cappedByCost: false }, '0.10 at 5%: 0.09, 10% off, twice the suggestion at most')
  t.equal(priceSet([{ price: 0.01, cost: null, quantity: 1 }, { price: 0.01, cost: null, quantity: 1 }], 10, 'why', null), null)
  t.same(volumeTiers(0.01, null, VOLUME_TIERS_STANDARD), [], 'a penny product has no quantity break')
  t.same(volumeTiers(0.13, null, VOLUME_TIERS_STANDARD).map(x => [x.quantity, x.discount_percent, x.unit_price]), [[2, 7.6, 0.12], [3, 15.3, 0.11]],
    '0.13: whole cents turn 5% into 7.6% and 10% into 15.3%; the 15% tier would add nothing')
})

t.test('the currency decides the minor unit: no fractional yen, three decimals for dinars', async t => {
  t.same([moneyUnit('JPY').digits, moneyUnit('USD').digits, moneyUnit('KWD').digits, moneyUnit('EUR').digits], [0, 2, 3, 2])
  t.same(moneyUnit('not a code'), CENTS, 'an unknown code counts in cents')
  const yen = priceSet([{ price: 1500, cost: null, quantity: 1 }, { price: 800, cost: null, quantity: 1 }], 5, 'why', 'JPY')
  t.same([yen?.list_price, yen?.bundle_price, yen?.discount_percent], [2300, 2179, 5.2], '2300 yen at 5% is 2185, charm to 2179, whole yen')
  t.match(yen?.explanation, /rounded down to 2179\./)
  const yenTiers = volumeTiers(340, null, VOLUME_TIERS_STANDARD, 'JPY')
  t.ok(yenTiers.every(x => Number.isInteger(x.unit_price)), `whole yen: ${yenTiers.map(x => x.unit_price).join(', ')}`)
  const dinar = priceSet([{ price: 2.345, cost: null, quantity: 1 }, { price: 1.235, cost: null, quantity: 1 }], 5, 'why', 'KWD')
  t.equal(dinar?.list_price, 3.58, 'fils add up exactly; the list is not rounded up to 3.59')
  t.equal(dinar?.bundle_price, 3.399, '3.580 at 5% is 3.401, charm to 3.399')
  t.match(dinar?.explanation, /3\.399/)
  const tiny = volumeTiers(0.125, null, VOLUME_TIERS_STANDARD, 'KWD')
  t.same(tiny.map(x => [x.quantity, x.unit_price]), [[2, 0.118], [3, 0.112], [5, 0.106]], '0.125 KWD: 5/10/15% in fils')
  t.equal(priceSet([{ price: 1.005, cost: null, quantity: 2 }], 10, 'why', 'USD')?.list_price, 2, 'a price finer than the cent is rounded down, never up')
})

t.test('FBT sets: sum of items, null prices keep the suggested percent', async t => {
  const p = priceSet([{ price: 20, cost: 8, quantity: 1 }, { price: 9.99, cost: 4, quantity: 1 }], 10, 'why', null)
  t.equal(p?.list_price, 29.99)
  t.ok(p?.bundle_price != null && p.bundle_price <= 29.99 * 0.9)
  t.equal(p?.currency, null)
  const unknown = priceSet([{ price: null, cost: null, quantity: 1 }, { price: 5, cost: null, quantity: 1 }], 8, 'why', null)
  t.same([unknown?.list_price, unknown?.bundle_price, unknown?.discount_percent], [null, null, 8])
  const capped = priceSet([{ price: 10, cost: 9.5, quantity: 1 }, { price: 10, cost: 9.5, quantity: 1 }], 10, 'why', 'USD')
  t.equal(capped?.bundle_price, 19)
  t.equal(capped?.discount_percent, 5)
  t.match(capped?.explanation, /reduced to 5% \(19\.00\) so the bundle does not sell below its cost\./)
})

t.test('FBT sets: a known cost is a floor even when another item\'s cost is unknown', async t => {
  const p = priceSet([{ price: 100, cost: 99, quantity: 1 }, { price: 5, cost: null, quantity: 1 }], 10, 'why', 'USD')
  t.equal(p?.bundle_price, 99, 'never below the machine\'s known cost of 99')
  t.match(p?.explanation, /below the cost of the items whose cost is known/)
})

t.test('FBT sets: no offer when the costs leave no room for a discount', async t => {
  t.equal(priceSet([{ price: 10, cost: 12, quantity: 1 }, { price: 4, cost: 3, quantity: 1 }], 10, 'why', 'USD'), null, 'costs 15 above list 14')
  t.equal(priceSet([{ price: 10, cost: 10, quantity: 1 }, { price: 4, cost: 4, quantity: 1 }], 10, 'why', 'USD'), null, 'costs equal to list')
})

t.test('FBT explanation states the discount applied when rounding changed it', async t => {
  const p = priceSet([{ price: 0.7, cost: null, quantity: 1 }, { price: 0.54, cost: null, quantity: 1 }], 10, 'why', 'USD')
  t.same([p?.list_price, p?.bundle_price, p?.discount_percent], [1.24, 1.09, 12.0])
  t.equal(p?.explanation, 'why: 10% off suggested, 12% once rounded down to 1.09.')
  const exact = priceSet([{ price: 20, cost: null, quantity: 1 }, { price: 30, cost: null, quantity: 1 }], 10, 'why', 'USD')
  t.equal(exact?.explanation, 'why: 10% off, rounded down to 44.99.')
})

t.test('VOLUME explanation states each tier\'s applied discount when rounding or the cost changed it, as FBT does', async t => {
  const p = priceVolume(4.99, null, VOLUME_TIERS_GENTLE, 'why', 'USD')
  t.same(p?.tiers?.map(x => [x.quantity, x.discount_percent, x.unit_price]), [[2, 4, 4.79], [3, 6, 4.69], [5, 10, 4.49]], '3% suggested for 2+, 4% applied')
  t.equal(p?.explanation, 'why: 2+ units 3% off suggested, 4% once rounded down to 4.79 each; 3+ units 6% off; 5+ units 10% off; unit prices rounded down.',
    'the old explanation listed "2+ units 4% off" without saying 3% was suggested')
  const yen = priceVolume(1299, null, VOLUME_TIERS_GENTLE, 'why', 'JPY')
  t.match(yen?.explanation, /3\+ units 6% off suggested, 6\.1% once rounded down to 1219 each;/, 'whole yen, no decimals')
  const capped = priceVolume(20, 17.5, VOLUME_TIERS_STANDARD, 'why', 'USD')
  t.equal(capped?.explanation, 'why: 2+ units 5% off; 3+ units 10% off; 5+ units 15% off suggested, reduced to 12.5% (17.50 each) so it does not sell below its cost; ' +
    'unit prices rounded down, never below cost.')
  t.equal(priceVolume(20, null, VOLUME_TIERS_STANDARD, 'why', 'USD')?.explanation, 'why: 2+ units 5% off, 3+ units 10% off, 5+ units 15% off, unit prices rounded down.',
    'nothing changed: the ladder as before')
  for (const price of [0.7, 1.24, 4.99, 9.99, 19.99, 23.45, 129]) {
    const v = priceVolume(price, null, VOLUME_TIERS_STANDARD, 'why', 'USD')
    for (const tier of v?.tiers ?? []) {
      const suggested = VOLUME_TIERS_STANDARD.find(([q]) => q === tier.quantity)?.[1]
      if (tier.discount_percent !== suggested) t.match(v?.explanation, `${tier.quantity}+ units ${suggested}% off suggested, ${tier.discount_percent}% once rounded down`, `price ${price}, ${tier.quantity}+ says rounding changed it`)
    }
  }
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

t.test('a missing price is explained: none in the file, or none in the shop\'s currency', async t => {
  const inFile = priceSet([{ price: null, cost: null, quantity: 1, title: 'Candle' }, { price: 5, cost: null, quantity: 1 }], 5, 'why', 'USD')
  t.equal(inFile?.explanation, 'why: 5% off suggested (no price in the file, so no bundle price).', 'truly no price: the file has none')
  const elsewhere = priceSet([{ price: null, cost: null, quantity: 1, title: 'Candle', priceInOtherCurrencyOnly: true }, { price: 5, cost: null, quantity: 1, title: 'Cream' }], 5, 'why', 'USD')
  t.equal(elsewhere?.explanation, 'why: 5% off suggested (no price in the shop\'s currency (USD) for Candle, so no bundle price).',
    'priced in other currencies only: the shop\'s currency lacks it')
  const both = priceSet([
    { price: null, cost: null, quantity: 1, title: 'Candle', priceInOtherCurrencyOnly: true },
    { price: null, cost: null, quantity: 1, title: 'Wick' },
    { price: null, cost: null, quantity: 1, title: 'Lid', priceInOtherCurrencyOnly: true }
  ], 7, 'why', 'EUR')
  t.match(both?.explanation, /\(no price in the shop's currency \(EUR\) for Candle and Lid, and no price in the file for Wick, so no bundle price\)/, 'several unpriced items: each named under its reason')
  const volume = priceVolume(null, null, VOLUME_TIERS_STANDARD, 'why', 'USD', { title: 'Candle', priceInOtherCurrencyOnly: true })
  t.match(volume?.explanation, /\(no price in the shop's currency \(USD\) for Candle, so no tier prices\)\.$/, 'VOLUME: the same')
  t.match(priceVolume(null, null, VOLUME_TIERS_STANDARD, 'why', 'USD')?.explanation, /\(no price in the file, so no tier prices\)/, 'VOLUME without other-currency prices')
})

t.test('VOLUME with unknown price suggests percents; with no room above cost, no offer', async t => {
  const unknown = priceVolume(null, null, VOLUME_TIERS_STANDARD, 'why', null)
  t.same(unknown?.tiers?.map(x => [x.quantity, x.discount_percent, x.unit_price]), [[2, 5, null], [3, 10, null], [5, 15, null]])
  t.equal(unknown?.bundle_price, null)
  t.equal(priceVolume(10, 10, VOLUME_TIERS_STANDARD, 'why', null), null)
})
