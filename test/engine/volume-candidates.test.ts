// VOLUME candidates: which products get quantity breaks, and their scores.
import t from 'tap'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { scoreVolume } from '../../src/engine/bundles/volume-candidates.js'
import { proportionExcessLowerBound } from '../../src/engine/bundles/score.js'
import { binomialLowerBound, binomialUpperTail } from '../../src/engine/bundles/binomial-bound.js'
import { runEngine } from '../../src/engine/index.js'
import { REAL } from './ingest/helpers.js'

/** Flat basket arrays for one-product orders: `shop` lists [orders, orders with 2+ units] per product. */
function oneProductOrders (shop: Array<[number, number]>): { items: Int32Array, quantities: Int32Array } {
  const items: number[] = []
  const quantities: number[] = []
  shop.forEach(([orders, multi], item) => {
    for (let i = 0; i < orders; i++) { items.push(item); quantities.push(i < multi ? 2 : 1) }
  })
  return { items: Int32Array.from(items), quantities: Int32Array.from(quantities) }
}

t.test('3 of 4 orders with 2+ units is no VOLUME candidate against a shop baseline of 0.3', async t => {
  // Product 1 sets the baseline: 300 of 1,000 orders (with product 0's: 303 of 1,004).
  const { items, quantities } = oneProductOrders([[4, 3], [1000, 300]])
  const volume = scoreVolume(items, quantities, 2, 3)
  t.same(volume.map(c => c.item), [], `at baseline 0.302, P(X ≥ 3 | n = 4) = ${binomialUpperTail(3, 4, 0.302).toFixed(3)} > 0.05: not 95 % evidence`)
})

t.test('a product bought in multiples more often than the baseline with 95 % confidence qualifies, scored n·(L − baseline)', async t => {
  const { items, quantities } = oneProductOrders([[40, 30], [1000, 300]])
  const volume = scoreVolume(items, quantities, 2, 3)
  t.same(volume.map(c => c.item), [0], 'product 0 only')
  const baseline = 330 / 1040
  const expected = 40 * (binomialLowerBound(30, 40) - baseline)
  t.ok(Math.abs(volume[0].score - expected) < 1e-9, `score ${volume[0].score}, expected ${expected}`)
})

t.test('the VOLUME test keeps its 95 % level at every small n: no accepted count is likelier than 5 % at the baseline', async t => {
  const bad: string[] = []
  for (const baseline of [0.05, 0.1, 0.3, 0.5]) {
    for (let n = 1; n <= 60; n++) {
      for (let m = 1; m <= n; m++) {
        if (proportionExcessLowerBound(m, n, baseline) <= 0) continue
        const p = binomialUpperTail(m, n, baseline)
        if (p > 0.05 + 1e-9) bad.push(`${m}/${n} at ${baseline}: P = ${p.toFixed(3)}`)
      }
    }
  }
  t.same(bad, [], 'accepted counts with P(X ≥ m | n, baseline) > 0.05')
})

t.test('a shop where everything sells in multiples: products with more than half their orders buying several qualify', async t => {
  // Shop rate (20+18+11+13+10+6) / (27+23+15+17+13+11) ≈ 0.73: no product beats it, yet most buy several.
  const shop: Array<[number, number]> = [[27, 20], [23, 18], [15, 11], [17, 13], [13, 10], [11, 6]]
  const { items, quantities } = oneProductOrders(shop)
  const volume = scoreVolume(items, quantities, shop.length, 3)
  const expected = shop.map(([n, m], item) => ({ item, score: n * (binomialLowerBound(m, n) - 0.5) })).filter(c => c.score > 0)
  t.ok(expected.length >= 3, `the fixture has products whose 95 % bound clears one half (${expected.length})`)
  t.same(volume.map(c => c.item).sort(), expected.map(c => c.item).sort(), 'exactly the products whose lower bound on the multi-unit share is above 0.5')
  for (const c of volume) {
    const e = expected.find(x => x.item === c.item)!
    t.ok(Math.abs(c.score - e.score) < 1e-9, `product ${c.item}: score ${c.score} = n·(L − 0.5) = ${e.score}`)
  }
  t.notOk(volume.some(c => c.item === 2), 'product 2, 11 of 15 orders (95 % bound 0.489), is not enough')
})

t.test('the reference stays the shop rate where that is below one half', async t => {
  // Shop rate ≈ 0.1: a product at 40 % of 50 orders beats it, though not a majority.
  const { items, quantities } = oneProductOrders([[50, 20], [2000, 190]])
  const volume = scoreVolume(items, quantities, 2, 3)
  t.same(volume.map(c => c.item), [0], 'product 0 beats the shop rate')
  const reference = 210 / 2050
  t.ok(Math.abs(volume[0].score - 50 * (binomialLowerBound(20, 50) - reference)) < 1e-9, 'scored against the shop rate, not 0.5')
})

t.test('the real INR export, where every product sells 2+ at a time in 73–78 % of its orders, gets VOLUME offers', async t => {
  const result = await runEngine(createReadStream(join(REAL, 'shopify-orders-export-inr.csv')))
  const volume = result.bundles.filter(b => b.type === 'VOLUME').map(b => b.items[0].title).sort()
  t.same(volume, ['Lavender & Vanilla Soy Candle', 'Organic Ethiopian Coffee Beans', 'Premium Eco-Friendly Yoga Mat', 'Wireless Bluetooth Headphones'],
    'the four products whose 95 % bound on the multi-unit share is above one half (the wallet, 11 of 15, is not)')
})
