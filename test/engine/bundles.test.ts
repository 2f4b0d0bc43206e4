import t from 'tap'
import { buildBundleList } from '../../src/engine/bundles/index.js'
import { isEngineInputError } from '../../src/engine/errors.js'
import type { Bundle } from '../../src/engine/types.js'
import { catalogResult, ordersResult, product } from './helpers/ingest-fixtures.js'
import { mulberry32 } from './helpers/random-baskets.js'

const titles = (b: Bundle): string => b.items.map(i => i.key).sort().join('+')

/** 2,000 orders: best-sellers A and B bought independently, a real complement C+D, a one-off E+F seen 3 times. */
function shopWithTraps (seed: number) {
  const rnd = mulberry32(seed)
  const products = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((k, i) => product(k, { price: 10 + i, cost: 4 }))
  const orders: number[][] = []
  for (let i = 0; i < 2000; i++) {
    const o: number[] = []
    if (rnd() < 0.4) o.push(0)
    if (rnd() < 0.35) o.push(1)
    for (let k = 6; k < 10; k++) if (rnd() < 0.05) o.push(k)
    if (i < 15) o.push(2, 3)
    else if (i < 35) o.push(2)
    else if (i < 55) o.push(3)
    if (i >= 100 && i < 103) o.push(4, 5)
    if (o.length === 0) o.push(6)
    orders.push(o)
  }
  return ordersResult(products, orders)
}

t.test('a real complement outranks best-sellers meeting by chance and a one-off coincidence', async t => {
  for (let seed = 1; seed <= 10; seed++) {
    const { bundles } = buildBundleList(shopWithTraps(seed), { minCount: 3 })
    const fbt = bundles.filter(b => b.type === 'FBT')
    const rankOf = (key: string): number => fbt.findIndex(b => titles(b) === key)
    const complement = rankOf('C+D')
    t.equal(complement, 0, `seed ${seed}: C+D is the top FBT bundle`)
    const chance = rankOf('A+B')
    const oneOff = rankOf('E+F')
    t.ok(chance === -1 || chance > complement, `seed ${seed}: best-sellers A+B (rank ${chance}) below the complement`)
    t.ok(oneOff === -1 || oneOff > complement, `seed ${seed}: coincidence E+F (rank ${oneOff}) below the complement`)
  }
})

t.test('statistics are exact', async t => {
  const ingested = shopWithTraps(3)
  const { bundles } = buildBundleList(ingested, { minCount: 3 })
  const cd = bundles.find(b => titles(b) === 'C+D')
  t.ok(cd, 'C+D found')
  if (!cd?.stats) return
  const n = 2000
  t.equal(cd.stats.count, 15)
  t.equal(cd.stats.support, 15 / n)
  t.same(cd.stats.confidence, [15 / 35, 15 / 35])
  t.equal(cd.stats.lift, (15 / n) / ((35 / n) * (35 / n)))
  t.equal(cd.stats.leverage, 15 / n - (35 / n) * (35 / n))
  t.equal(cd.source, 'orders')
  t.same(bundles.map(b => b.rank), bundles.map((_, i) => i + 1), 'ranks are 1..n in order')
  for (let i = 1; i < bundles.length; i++) t.ok(bundles[i].score <= bundles[i - 1].score, `bundle ${i + 1} scores no more than bundle ${i}`)
})

t.test('a triple is kept when it is bought as a unit, not when a best-seller tags along', async t => {
  const rnd = mulberry32(5)
  const products = ['A', 'B', 'C', 'X', 'Y', 'P'].map(k => product(k, { price: 12 }))
  const orders: number[][] = []
  for (let i = 0; i < 3000; i++) {
    const o: number[] = []
    if (i < 25) o.push(0, 1, 2) // A+B+C bought together
    if (i >= 25 && i < 65) o.push(3, 4) // X+Y a strong pair
    if (rnd() < 0.5) o.push(5) // P, a best-seller in half of all orders
    if (rnd() < 0.02) o.push(Math.floor(rnd() * 5))
    if (o.length === 0) o.push(5)
    orders.push(o)
  }
  const { bundles } = buildBundleList(ordersResult(products, orders), { minCount: 3, maxSize: 3 })
  const triples = bundles.filter(b => b.items.length === 3).map(titles)
  t.ok(triples.includes('A+B+C'), 'A+B+C is a bundle')
  t.notOk(triples.includes('P+X+Y'), 'X+Y plus the best-seller P is not')
  const abc = bundles.find(b => titles(b) === 'A+B+C')
  t.equal(abc?.stats?.confidence.length, 3, 'a triple reports confidence for each item')
})

t.test('a quad of two strong pairs that meet by chance is not a bundle; a quad bought as a unit is', async t => {
  const rnd = mulberry32(9)
  const products = ['A', 'B', 'C', 'D', 'Q', 'R', 'S', 'T', 'Z'].map(k => product(k, { price: 15 }))
  const orders: number[][] = []
  for (let i = 0; i < 1000; i++) {
    const o: number[] = []
    if (rnd() < 0.3) o.push(0, 1) // A+B always together, in 30% of orders
    if (rnd() < 0.3) o.push(2, 3) // C+D likewise, independent of A+B
    if (i < 30) o.push(4, 5, 6, 7) // Q+R+S+T bought as one kit
    if (o.length === 0) o.push(8)
    orders.push(o)
  }
  const { bundles } = buildBundleList(ordersResult(products, orders), { minCount: 3, maxSize: 4 })
  const quads = bundles.filter(b => b.items.length === 4).map(titles)
  t.ok(quads.includes('Q+R+S+T'), 'the kit Q+R+S+T is a bundle')
  t.notOk(quads.includes('A+B+C+D'), 'A+B and C+D together are two pairs meeting by chance, not a bundle')
  const kit = bundles.find(b => titles(b) === 'Q+R+S+T')
  t.match(kit?.reason, /more orders than its strongest split explains/)
})

t.test('VOLUME bundles for products bought several at a time', async t => {
  const rnd = mulberry32(9)
  const products = ['Socks', 'Dress', 'Mug', 'Hat'].map(k => product(k, { price: 15, cost: 5 }))
  const orders: Array<Array<[number, number]>> = []
  for (let i = 0; i < 1000; i++) {
    const item = Math.floor(rnd() * 4)
    const multiple = item === 0 ? rnd() < 0.6 : rnd() < 0.05
    orders.push([[item, multiple ? 2 + Math.floor(rnd() * 3) : 1]])
  }
  const { bundles } = buildBundleList(ordersResult(products, orders))
  const volume = bundles.filter(b => b.type === 'VOLUME')
  t.same(volume.map(b => b.items[0].key), ['Socks'], 'only Socks')
  const socks = volume[0]
  let withSocks = 0
  let multi = 0
  for (const o of orders) if (o[0][0] === 0) { withSocks++; if (o[0][1] >= 2) multi++ }
  t.equal(socks.stats?.count, multi, 'count = orders with 2+ units')
  t.same(socks.stats?.confidence, [multi / withSocks], 'confidence = share of the product\'s orders with 2+ units')
  t.equal(socks.stats?.lift, null)
  t.ok(socks.pricing.tiers && socks.pricing.tiers.length >= 2, 'quantity breaks')
})

t.test('orders that yield nothing fail with NO_BUNDLES saying why', async t => {
  const products = ['A', 'B', 'C'].map(k => product(k))
  const ingested = ordersResult(products, [[0], [1], [2], [0], [1]])
  try {
    buildBundleList(ingested)
    t.fail('expected NO_BUNDLES')
  } catch (err) {
    t.ok(isEngineInputError(err), 'an EngineInputError')
    if (!isEngineInputError(err)) return
    t.equal(err.code, 'NO_BUNDLES')
    t.match(err.message, /No order had two or more products, and no product was bought several at a time/)
    t.equal(err.details.orders_used, 5)
  }
})

t.test('catalog only: the one-product catalog gets a VOLUME offer', async t => {
  const { bundles } = buildBundleList(catalogResult([product('1', { title: 'Product A' })]))
  t.equal(bundles.length, 1)
  t.equal(bundles[0].type, 'VOLUME')
  t.equal(bundles[0].source, 'catalog')
  t.equal(bundles[0].stats, null)
  t.equal(bundles[0].pricing.bundle_price, null, 'no price, no bundle price')
  t.ok(bundles[0].pricing.discount_percent > 0, 'a discount is still suggested')
})

t.test('catalog only: heuristic pairings, labelled, never with statistics', async t => {
  const products = [
    product('kettle', { title: 'Gooseneck Kettle', price: 89, cost: 40, type: 'Brewing', vendor: 'Kettle & Crane', tags: ['coffee'] }),
    product('filters', { title: 'Filter Papers', price: 9, cost: 3, type: 'Brewing', vendor: 'Kettle & Crane', tags: ['coffee'] }),
    product('beans', { title: 'Whole Bean Coffee', price: 18, cost: 7, type: 'Coffee', vendor: 'Maple & Co.', tags: ['coffee'] }),
    product('dress', { title: 'Wrap Dress', price: 99, cost: 30, type: 'Dress', vendor: 'Common Thread', tags: ['apparel'] })
  ]
  const { bundles } = buildBundleList(catalogResult(products))
  t.ok(bundles.every(b => b.source === 'catalog' && b.stats === null), 'every bundle: source catalog, stats null')
  const pairs = bundles.filter(b => b.type === 'FBT')
  t.ok(pairs.length > 0, 'some pairings')
  for (const b of pairs) {
    t.match(b.reason, /Heuristic pairing from the catalog, not measured on orders/)
    t.ok((b.items[1].price ?? 0) <= (b.items[0].price ?? 0), `${titles(b)}: the add-on is not dearer than the anchor`)
    t.ok(b.score >= 0 && b.score < 1, 'heuristic score in [0, 1)')
  }
  t.ok(pairs.some(b => titles(b) === 'filters+kettle'), 'kettle + filter papers (same type, vendor and tag)')
  t.notOk(pairs.some(b => b.items.some(i => i.key === 'dress')), 'the dress shares nothing, so it is not paired')
  t.equal(bundles.filter(b => b.type === 'VOLUME').length, 4, 'a VOLUME offer per product')
})

t.test('catalog only: a pairing whose costs leave no room for a discount is not offered', async t => {
  const products = [
    product('kettle', { title: 'Gooseneck Kettle', price: 10, cost: 12, type: 'Brewing', vendor: 'Kettle & Crane', tags: ['coffee'] }),
    product('tin', { title: 'Tea Tin', price: 4, cost: 3, type: 'Brewing', vendor: 'Kettle & Crane', tags: ['coffee'] })
  ]
  const { bundles } = buildBundleList(catalogResult(products))
  t.same(bundles.filter(b => b.type === 'FBT'), [], 'kettle + tin: costs 15 above their prices 14, so no pairing at 0% off')
  t.same(bundles.map(b => titles(b)), ['tin'], 'the tin keeps its quantity break; the kettle sells below cost, so none')
})

t.test('bundle prices hold their invariants across a run', async t => {
  const { bundles } = buildBundleList(shopWithTraps(2), { minCount: 3 })
  for (const b of bundles) {
    const p = b.pricing
    if (p.list_price === null || p.bundle_price === null) continue
    t.ok(p.bundle_price <= p.list_price, `${titles(b)}: bundle price ${p.bundle_price} ≤ list ${p.list_price}`)
    t.ok(p.bundle_price >= 4 * b.items.reduce((s, i) => s + i.quantity, 0) - 1e-9, `${titles(b)}: not below cost`)
  }
})

t.test('options are validated', async t => {
  const ingested = shopWithTraps(1)
  t.throws(() => buildBundleList(ingested, { maxSize: 5 }), /maxSize/)
  t.throws(() => buildBundleList(ingested, { minCount: 0 }), /minCount/)
  t.equal(buildBundleList(ingested, { maxBundles: 2 }).bundles.length, 2)
})

t.test('catalog only: alternatives are not paired, broad attributes carry no affinity', async t => {
  const products = [
    product('crew', { title: 'Canyon Crew Socks', price: 20, type: 'Socks', vendor: 'House', tags: ['socks', 'sale'] }),
    product('ankle', { title: 'Aurora Ankle Socks', price: 9, type: 'Socks', vendor: 'House', tags: ['socks', 'sale'] }),
    product('mat', { title: 'Alpine Yoga Mat', price: 60, type: 'Yoga', vendor: 'House', tags: ['yoga', 'sale'] }),
    product('strap', { title: 'Nordic Yoga Strap', price: 12, type: 'Yoga', vendor: 'House', tags: ['yoga', 'sale'] }),
    ...Array.from({ length: 8 }, (_, i) => product(`x${i}`, { title: `Gizmo ${i}`, price: 30 + i, type: `T${i}`, vendor: 'House', tags: ['sale'] }))
  ]
  const { bundles } = buildBundleList(catalogResult(products))
  const pairs = bundles.filter(b => b.type === 'FBT').map(titles)
  t.ok(pairs.includes('mat+strap'), 'yoga mat + strap (same type, add-on under half the price)')
  t.notOk(pairs.includes('ankle+crew'), 'two kinds of socks are alternatives')
  t.notOk(pairs.some(p => p.includes('x')), 'a vendor and tag shared by the whole catalog pair nothing')
})

t.test('catalog only: a pairing reason states the add-on\'s price as it is (equal or unknown is not "below")', async t => {
  const products = [
    product('jar', { title: 'Glass Jar', price: 10, type: 'Jar', tags: ['pantry'] }),
    product('lid', { title: 'Bamboo Lid', price: 10, type: 'Lid', tags: ['pantry'] }),
    product('cup', { title: 'Tea Cup', type: 'Cup', tags: ['tea'] }),
    product('pot', { title: 'Clay Pot', type: 'Pot', tags: ['tea'] }),
    product('lamp', { title: 'Desk Lamp', price: 50, type: 'Lamp', tags: ['study'] }),
    product('bulb', { title: 'LED Bulb', price: 40, type: 'Bulb', tags: ['study'] })
  ]
  const { bundles } = buildBundleList(catalogResult(products))
  const reasonOf = (key: string): string => bundles.find(b => b.type === 'FBT' && titles(b) === key)?.reason ?? 'no such pairing'
  t.notMatch(reasonOf('jar+lid'), /priced below/, 'equal prices: not "priced below"')
  t.match(reasonOf('jar+lid'), /at the same price\.$/)
  t.notMatch(reasonOf('cup+pot'), /priced below/, 'no prices: nothing said about price')
  t.match(reasonOf('cup+pot'), /with (Tea Cup|Clay Pot)\.$/)
  t.match(reasonOf('bulb+lamp'), /LED Bulb shares .* with Desk Lamp and is priced below it\./, 'a cheaper add-on is still "priced below"')
})

t.test('catalog only: a holder, mug or table named after a consumable is not "something customers restock"', async t => {
  const titlesOf = ['Copper Tea Light Holder', 'Set of 2 Coffee Mugs In Wooden Tray', 'Oak Coffee Table', 'Brass Candle Holder', 'Ceramic Soap Dish',
    'Lavender Soy Candle', 'Tea Light Candles (Pack of 12)', 'Whole Bean Coffee', 'Filter Papers', 'Green Tea']
  const { bundles } = buildBundleList(catalogResult(titlesOf.map((title, i) => product(`p${i}`, { title, price: 10 + i }))))
  const restock = (title: string): boolean => /restock/.test(bundles.find(b => b.type === 'VOLUME' && b.items[0].title === title)?.reason ?? '')
  for (const title of titlesOf.slice(0, 5)) t.notOk(restock(title), `${title}: not a restock`)
  for (const title of titlesOf.slice(5)) t.ok(restock(title), `${title}: a restock`)
})
