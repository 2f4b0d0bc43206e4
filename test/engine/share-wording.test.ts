import t from 'tap'
import { buildBundleList } from '../../src/engine/bundles/index.js'
import { toTable } from '../../src/cli/bundles.js'
import { count, percent, times, wholePercent } from '../../src/engine/bundles/describe.js'
import { ordersResult, product } from './helpers/ingest-fixtures.js'

t.test('a share short of all never reads 100%, nor one above none 0%', async t => {
  t.equal(percent(250 / 251), '99.6%')
  t.equal(percent(0.9996), '99.9%')
  t.equal(percent(1), '100%')
  t.equal(percent(0.0004), '<0.1%')
  t.equal(percent(0), '0%')
  t.equal(percent(0.47), '47%')
  t.equal(percent(0.056), '5.6%')
  t.equal(wholePercent(250 / 251), '>99%')
  t.equal(wholePercent(1), '100%')
  t.equal(wholePercent(0.004), '<1%')
  t.equal(wholePercent(0.47), '47%')
})

t.test('an FBT explanation and the table do not claim every anchor order holds the add-on when one did not', async t => {
  // 250 orders Lamp + Bulb, one Lamp alone: 99.6% of Lamp orders include the Bulb, not 100%.
  const products = [product('lamp', { title: 'Desk Lamp', price: 40 }), product('bulb', { title: 'Lamp Bulb', price: 5 }),
    ...Array.from({ length: 7 }, (_, i) => product(`o${i}`, { price: 3 }))]
  const orders: number[][] = []
  for (let i = 0; i < 250; i++) orders.push([0, 1])
  orders.push([0])
  for (let i = 0; i < 300; i++) orders.push([2 + (i % 7)])
  const { bundles } = buildBundleList(ordersResult(products, orders))
  const fbt = bundles.find(b => b.type === 'FBT')
  if (fbt === undefined) throw new Error('no FBT bundle')
  t.equal(fbt.items[0].key, 'lamp', 'the lamp anchors the bundle')
  t.match(fbt.pricing.explanation, /^99\.6% of Desk Lamp orders already include Lamp Bulb/, fbt.pricing.explanation)
  const table = toTable({
    summary: {
      format: 'generic-orders', kind: 'orders', delimiter: ',', rows_read: 801, rows_skipped: {}, lines_dropped: {},
      orders_read: 551, orders_used: 551, multi_product_orders: 250, products: 9,
      bundles: { FBT: 1, VOLUME: 0 }, ms: { total: 1 }, options: { maxSize: 3, minCount: 3, maxBundles: 100 }
    },
    bundles: [fbt]
  })
  t.match(table, />99%\/100%/, 'the confidence column: >99% for the lamp, 100% for the bulb')
  t.notMatch(table, /100%\/100%/)
})

t.test('counts in explanations are grouped by thousands, as a merchant reads them', async t => {
  t.equal(count(2820), '2,820')
  t.equal(count(999), '999')
  t.equal(times(1234.4), '1,234×')
  t.equal(times(4.25), '4.3×')
  // 1,200 orders Lamp + Bulb among 2,400: the reason names both counts with a separator.
  const products = [product('lamp', { title: 'Desk Lamp', price: 40 }), product('bulb', { title: 'Lamp Bulb', price: 5 }),
    ...Array.from({ length: 7 }, (_, i) => product(`o${i}`, { price: 3 }))]
  const orders: number[][] = []
  for (let i = 0; i < 1200; i++) orders.push([0, 1])
  for (let i = 0; i < 1200; i++) orders.push([2 + (i % 7)])
  const { bundles } = buildBundleList(ordersResult(products, orders))
  const fbt = bundles.find(b => b.type === 'FBT')
  if (fbt === undefined) throw new Error('no FBT bundle')
  t.match(fbt.reason, /^Bought together in 1,200 of 2,400 orders, /, fbt.reason)
})
