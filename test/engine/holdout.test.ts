import t from 'tap'
import { evaluateHoldout } from '../../src/engine/bundles/index.js'
import { formatReport } from '../../src/cli/evaluate.js'
import { ordersResult, product } from './helpers/ingest-fixtures.js'
import { mulberry32, randomBaskets } from './helpers/random-baskets.js'

t.test('holdout figures equal a direct recount on the test orders', async t => {
  const lists = randomBaskets(11, { baskets: 1000, items: 30, maxBasket: 6 })
  const products = Array.from({ length: 30 }, (_, i) => product(String(i)))
  const report = evaluateHoldout(ordersResult(products, lists), { minCount: 3 })
  t.equal(report.trainOrders, 800)
  t.equal(report.testOrders, 200)
  t.equal(report.splitBy, 'file order')
  const test = lists.slice(800).map(b => new Set(b))
  const count = (x: number): number => test.filter(b => b.has(x)).length
  // In-sample leverage, recomputed by brute force on the training orders.
  const train = lists.slice(0, 800).map(b => new Set(b))
  const pairs: Array<{ a: number, b: number, lev: number }> = []
  for (let a = 0; a < 30; a++) {
    for (let b = a + 1; b < 30; b++) {
      const c = train.filter(s => s.has(a) && s.has(b)).length
      if (c < 3) continue
      pairs.push({ a, b, lev: c - train.filter(s => s.has(a)).length * train.filter(s => s.has(b)).length / 800 })
    }
  }
  t.equal(report.candidatePairs, pairs.length, 'candidate pairs')
  pairs.sort((x, y) => y.lev - x.lev || x.a - y.a || x.b - y.b)
  let expected = 0
  for (const { a, b } of pairs.slice(0, 20)) expected += test.filter(s => s.has(a) && s.has(b)).length - count(a) * count(b) / 200
  const leverage = report.rankings.find(r => r.ranking === 'in-sample leverage')
  t.ok(leverage, 'in-sample leverage ranking present')
  t.ok(Math.abs((leverage?.tops[0].holdoutLeverage ?? NaN) - expected) < 1e-9, `top-20 holdout leverage ${leverage?.tops[0].holdoutLeverage} = ${expected}`)
  // What the training orders promised for the same top-20: their excess, scaled to 200 test orders.
  const promised = pairs.slice(0, 20).reduce((sum, p) => sum + p.lev, 0) * 200 / 800
  t.ok(Math.abs((leverage?.tops[0].predictedLeverage ?? NaN) - promised) < 1e-9, `top-20 predicted leverage ${leverage?.tops[0].predictedLeverage} = ${promised}`)
  // The ceiling: the candidates' k largest test excesses, recounted by brute force.
  const excesses = pairs.map(({ a, b }) => test.filter(s => s.has(a) && s.has(b)).length - count(a) * count(b) / 200).sort((x, y) => y - x)
  report.ceiling.forEach(({ k, holdoutLeverage }, j) => {
    const best = excesses.slice(0, k).reduce((sum, x) => sum + x, 0)
    t.ok(Math.abs(holdoutLeverage - best) < 1e-9, `top-${k} ceiling ${holdoutLeverage} = ${best}`)
    for (const r of report.rankings) t.ok(r.tops[j].holdoutLeverage <= holdoutLeverage + 1e-9, `top-${k}: ${r.ranking} (${r.tops[j].holdoutLeverage}) is under the ceiling`)
  })
})

t.test('orders with dates are split by date, not file order', async t => {
  const rnd = mulberry32(3)
  const lists = randomBaskets(5, { baskets: 500, items: 20, maxBasket: 5 })
  const times = Float64Array.from(lists.map(() => Math.floor(rnd() * 1e9)))
  const report = evaluateHoldout(ordersResult(Array.from({ length: 20 }, (_, i) => product(String(i))), lists, times), { minCount: 2, randomSplits: 3 })
  t.equal(report.splitBy, 'order date')
  t.equal(report.random?.splits, 3)
  t.equal(report.random?.rankings.length, 3)
})

t.test('random splits: engine − in-sample leverage paired per split, with its standard error', async t => {
  const lists = randomBaskets(11, { baskets: 1000, items: 30, maxBasket: 6 })
  const products = Array.from({ length: 30 }, (_, i) => product(String(i)))
  const report = evaluateHoldout(ordersResult(products, lists), { minCount: 3, randomSplits: 8 })
  const random = report.random
  if (!random) throw new Error('random splits missing from the report')
  t.same(random.engineMinusLeverage.map(d => d.k), [20, 100])
  random.engineMinusLeverage.forEach((d, j) => {
    const engine = random.rankings.find(r => r.ranking === 'engine score')?.tops[j].holdoutLeverage ?? NaN
    const leverage = random.rankings.find(r => r.ranking === 'in-sample leverage')?.tops[j].holdoutLeverage ?? NaN
    t.ok(Math.abs(d.mean - (engine - leverage)) < 1e-9, `top-${d.k}: the paired mean ${d.mean} is the difference of the averages ${engine} − ${leverage}`)
    t.ok(d.better + d.worse <= 8, `top-${d.k}: at most one verdict per split`)
    t.ok(d.se >= 0 && (d.better + d.worse === 0 || d.se > 0), `top-${d.k}: a standard error (${d.se}) that is 0 only when every split tied`)
  })
  random.ceiling.forEach(({ k, holdoutLeverage }, j) => {
    for (const r of random.rankings) t.ok(r.tops[j].holdoutLeverage <= holdoutLeverage + 1e-9, `top-${k}: ${r.ranking} averages under the averaged ceiling ${holdoutLeverage}`)
  })
  random.leverageShortfall.forEach((d, j) => {
    const leverage = random.rankings.find(r => r.ranking === 'in-sample leverage')?.tops[j]
    const gap = (leverage?.holdoutLeverage ?? NaN) - (leverage?.predictedLeverage ?? NaN)
    t.ok(Math.abs(d.mean - gap) < 1e-9, `top-${d.k}: the mean shortfall ${d.mean} is the averaged holdout − predicted ${gap}`)
    t.ok(d.sd > 0, `top-${d.k}: the shortfall varies between splits (sd ${d.sd})`)
  })
  t.same(random.engineMinusLeverage.map(d => [d.better, d.worse]).slice(0, 1), [[random.rankings[0].top20VsLeverage.better, random.rankings[0].top20VsLeverage.worse]], 'the top-20 verdicts match the table\'s "vs leverage" column')
})

t.test('the time split reports how many top pairs the engine shares with in-sample leverage', async t => {
  // Six products: at most 15 pairs, so both top-20s hold every candidate pair and share all of them.
  const lists = randomBaskets(7, { baskets: 400, items: 6, maxBasket: 3 })
  const small = evaluateHoldout(ordersResult(Array.from({ length: 6 }, (_, i) => product(String(i))), lists), { minCount: 2 })
  t.ok(small.candidatePairs > 0 && small.candidatePairs <= 15, `${small.candidatePairs} candidate pairs`)
  t.same(small.sharedWithLeverage, [{ k: 20, shared: small.candidatePairs }, { k: 100, shared: small.candidatePairs }])
  const big = evaluateHoldout(ordersResult(Array.from({ length: 30 }, (_, i) => product(String(i))), randomBaskets(11, { baskets: 1000, items: 30, maxBasket: 6 })), { minCount: 3 })
  for (const { k, shared } of big.sharedWithLeverage) t.ok(shared >= 0 && shared <= k, `top-${k}: ${shared} shared`)
})

t.test('bootstrap noise: the spread of each top-k figure over resampled test orders, reproducible', async t => {
  const lists = randomBaskets(11, { baskets: 1000, items: 30, maxBasket: 6 })
  const products = Array.from({ length: 30 }, (_, i) => product(String(i)))
  const report = evaluateHoldout(ordersResult(products, lists), { minCount: 3, bootstrapResamples: 50 })
  t.equal(report.noise?.resamples, 50)
  t.same(report.noise?.tops.map(x => x.k), [20, 100])
  for (const top of report.noise?.tops ?? []) {
    t.same(Object.keys(top.sd).sort(), ['engine score', 'in-sample leverage', 'raw count'])
    for (const sd of Object.values(top.sd)) t.ok(sd > 0, `top-${top.k}: resampling the test orders moves the figure (sd ${sd})`)
    t.ok(top.engineMinusLeverage.better + top.engineMinusLeverage.worse <= 50)
  }
  const again = evaluateHoldout(ordersResult(products, lists), { minCount: 3, bootstrapResamples: 50 })
  t.same(again.noise, report.noise, 'same data, same figures')
  t.equal(evaluateHoldout(ordersResult(products, lists), { minCount: 3 }).noise, undefined, 'off unless asked')
})

// With no more candidate pairs than k, every ranking's top-k is all of them: the ceiling then is
// exactly each ranking's figure, on the time split and averaged over the random splits, and the
// evaluate report gives each ranking 100.0 % of it. Three groups of 7 products, each basket within
// one group: 63 candidate pairs (more than 20, fewer than 100), with real affinity, so the ceiling is
// positive (a share of a ceiling at or below zero is not printed).
t.test('with fewer candidates than k, the ceiling equals every ranking\'s top-k, per split and averaged', async t => {
  const lists = randomBaskets(7, { baskets: 1500, items: 21, maxBasket: 5 }).map(b => [...new Set(b.map(x => Math.floor(b[0] / 7) * 7 + (x % 7)))])
  const products = Array.from({ length: 21 }, (_, i) => product(String(i)))
  const report = evaluateHoldout(ordersResult(products, lists), { minCount: 3, randomSplits: 5 })
  t.ok(report.candidatePairs > 20 && report.candidatePairs < 100, `${report.candidatePairs} candidate pairs, between 20 and 100`)
  t.ok(report.ceiling.every(c => c.holdoutLeverage > 0), 'a positive ceiling')
  const last = report.ceiling.length - 1
  t.equal(report.ceiling[last].k, 100)
  for (const r of report.rankings) {
    t.ok(Math.abs(r.tops[last].holdoutLeverage - report.ceiling[last].holdoutLeverage) < 1e-9,
      `time split: ${r.ranking} top-100 ${r.tops[last].holdoutLeverage} = ceiling ${report.ceiling[last].holdoutLeverage}`)
  }
  const random = report.random
  if (!random) throw new Error('random splits missing from the report')
  for (const r of random.rankings) {
    t.ok(Math.abs(r.tops[last].holdoutLeverage - random.ceiling[last].holdoutLeverage) < 1e-9,
      `averaged over the splits: ${r.ranking} top-100 ${r.tops[last].holdoutLeverage} = averaged ceiling ${random.ceiling[last].holdoutLeverage}`)
  }
  const text = formatReport('orders.csv', report)
  t.match(text, /^ceiling, .*, top-100 -?\d+\.\d \(engine score 100\.0%, in-sample leverage 100\.0%\)$/m, 'the report gives each ranking 100.0 % of the top-100 ceiling')
  t.match(text, /^ {2}ceiling averaged over the splits: .*, top-100 -?\d+\.\d \(engine score 100\.0%, in-sample leverage 100\.0%\)$/m, 'and 100.0 % of the averaged one')
})

t.test('a ceiling at or below zero (no real affinity) gets no share printed', async t => {
  const lists = randomBaskets(7, { baskets: 600, items: 10, maxBasket: 5 })
  const report = evaluateHoldout(ordersResult(Array.from({ length: 10 }, (_, i) => product(String(i))), lists), { minCount: 3 })
  const top100 = report.ceiling.find(c => c.k === 100)
  t.ok(top100 !== undefined && top100.holdoutLeverage < 0, `random baskets: a negative top-100 ceiling (${top100?.holdoutLeverage})`)
  t.match(formatReport('orders.csv', report), /, top-100 -\d+\.\d \(engine score -, in-sample leverage -\)$/m, 'no percentage of a negative ceiling')
})
