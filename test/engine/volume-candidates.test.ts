// VOLUME candidates: which products get quantity breaks, and their scores.
import t from 'tap'
import { scoreVolume } from '../../src/engine/bundles/volume-candidates.js'
import { proportionExcessLowerBound } from '../../src/engine/bundles/score.js'
import { binomialLowerBound, binomialUpperTail } from '../../src/engine/bundles/binomial-bound.js'

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
