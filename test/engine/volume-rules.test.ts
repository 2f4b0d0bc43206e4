// The VOLUME rules that do not depend on how the excess over the shop's baseline is scored: a product
// qualifies only when at least one of its orders in five buys several (VOLUME_MIN_SHARE), and its
// quantity breaks are the gentle ones from a multi-unit share of 40 % (VOLUME_GENTLE_SHARE) up.
// Baskets are built by hand; outcomes are read through scoreVolume and buildBundleList, never scores.
import t from 'tap'
import { buildBundleList, scoreVolume } from '../../src/engine/bundles/index.js'
import { ordersResult, product } from './helpers/ingest-fixtures.js'

/** One single-product order per entry: `multi` of the `orders` orders of `item` buy 2 units. */
function productOrders (item: number, orders: number, multi: number): Array<Array<[number, number]>> {
  return Array.from({ length: orders }, (_, i) => [[item, i < multi ? 2 : 1]])
}
/** Single-unit orders spread over products `first`..`first + count - 1`. */
function fillerOrders (first: number, count: number, orders: number): Array<Array<[number, number]>> {
  return Array.from({ length: orders }, (_, i) => [[first + (i % count), 1]])
}

t.test('a product with fewer than one multi-unit order in five is no VOLUME candidate, however rare multiples are elsewhere', async t => {
  const check = (multi: number): boolean => {
    // Product 0: `multi` of its 100 orders buy 2; nine other products, 900 orders, always one unit.
    // Shop-wide, multi-unit lines are multi/1000: for 10, 1 %, ten times below product 0's 10 %.
    const orders = [...productOrders(0, 100, multi), ...fillerOrders(1, 9, 900)]
    const ingested = ordersResult(Array.from({ length: 10 }, (_, i) => product(`P${i}`)), orders)
    return scoreVolume(ingested.basketItems, ingested.basketQuantities, ingested.products.length, 3).some(c => c.item === 0)
  }
  t.notOk(check(10), '10 of 100 orders (10 %) is below the 20 % floor: not a candidate, although 10× the shop\'s 1 %')
  t.ok(check(30), '30 of 100 orders (30 %) against a 3 % shop-wide rate is a candidate (the floor is what kept 10 % out)')
})

t.test('quantity breaks: gentle tiers from a 40 % multi-unit share, standard ones below', async t => {
  const names = ['Sixty', 'Forty', 'ThirtyNine']
  // Each named product: 100 orders, 60, 40 and 39 of them for 2 units; 1,900 single-unit filler orders
  // keep the shop's multi-unit rate low (139 of 2,200 lines), so all three qualify. No price: the
  // tiers carry the suggested percentages unrounded.
  const orders = [...productOrders(0, 100, 60), ...productOrders(1, 100, 40), ...productOrders(2, 100, 39), ...fillerOrders(3, 19, 1900)]
  const products = [...names.map(n => product(n)), ...Array.from({ length: 19 }, (_, i) => product(`Filler${i}`))]
  const { bundles } = buildBundleList(ordersResult(products, orders))
  const tiersOf = (key: string): Array<[number, number]> | undefined => {
    const bundle = bundles.find(b => b.type === 'VOLUME' && b.items[0].key === key)
    return bundle?.pricing.tiers?.map(x => [x.quantity, x.discount_percent])
  }
  const GENTLE = [[2, 3], [3, 6], [5, 10]]
  const STANDARD = [[2, 5], [3, 10], [5, 15]]
  t.same(tiersOf('Sixty'), GENTLE, '60 % of its orders buy several: gentle breaks of 3, 6 and 10 %')
  t.same(tiersOf('Forty'), GENTLE, 'exactly 40 %: gentle')
  t.same(tiersOf('ThirtyNine'), STANDARD, '39 %: standard breaks of 5, 10 and 15 %')
  t.notOk(bundles.some(b => b.items[0].key.startsWith('Filler')), 'single-unit products get no quantity break')
})
