import t from 'tap'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { genShop } from './helpers/gen-shop.js'
import { toTable } from '../../src/cli/bundles.js'
import type { Bundle, EngineResult } from '../../src/engine/types.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function cli (name: 'bundles' | 'evaluate', ...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli', `${name}.ts`), ...args], { cwd: ROOT, encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

t.test('bundles with the json flag prints the documented shape', async t => {
  const { file } = genShop(t.testdir(), { orders: 1200, seed: 3 })
  const r = cli('bundles', file, '--json', '--max-size', '3', '--min-count', '4')
  t.equal(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout) as { summary: Record<string, unknown>, bundles: Array<Record<string, unknown>> }
  t.equal(out.summary.format, 'shopify-orders')
  t.same(out.summary.options, { maxSize: 3, minCount: 4, maxBundles: 100 })
  t.ok(out.bundles.length > 0)
  const b = out.bundles[0]
  t.hasProps(b, ['type', 'items', 'stats', 'pricing', 'score', 'source'])
  t.hasProps((b.items as object[])[0], ['key', 'title', 'skus', 'price'])
  t.hasProps(b.stats as object, ['count', 'support', 'confidence', 'lift', 'leverage'])
  t.ok(out.bundles.every(x => x.source === 'orders'))
})

t.test('bundles reads gzip and prints a table', async t => {
  const dir = t.testdir()
  const { file } = genShop(dir, { orders: 800, seed: 5 })
  const gz = join(dir, 'orders.csv.gz')
  writeFileSync(gz, gzipSync(readFileSync(file)))
  const r = cli('bundles', gz)
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /shopify-orders \(orders\)/)
  t.match(r.stdout, /#\s+type\s+source\s+items/)
  t.match(r.stdout, /FBT\s+orders/)
})

t.test('the one-product catalog yields a catalog VOLUME offer', async t => {
  const file = join(t.testdir(), 'catalog.csv')
  writeFileSync(file, 'product_id,name\n1,Product A\n')
  const r = cli('bundles', file, '--json')
  t.equal(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout) as { bundles: Array<{ type: string, source: string, stats: unknown }> }
  t.same(out.bundles.map(b => [b.type, b.source, b.stats]), [['VOLUME', 'catalog', null]])
})

t.test('bad input: a clear message and exit code 2', async t => {
  const dir = t.testdir()
  const unknown = join(dir, 'unknown.csv')
  writeFileSync(unknown, 'colour,shape\nred,round\n')
  const r1 = cli('bundles', unknown)
  t.equal(r1.status, 2)
  t.match(r1.stderr, /UNRECOGNISED_FORMAT/)
  const r2 = cli('bundles', join(dir, 'missing.csv'))
  t.equal(r2.status, 2)
  t.match(r2.stderr, /no such file/)
  const r3 = cli('bundles', unknown, '--max-size', '7')
  t.equal(r3.status, 2)
  t.match(r3.stderr, /--max-size must be 2, 3 or 4/)
  const lonely = join(dir, 'lonely.csv')
  writeFileSync(lonely, 'order_id,product_id,quantity\n1,A,1\n2,B,1\n')
  const r4 = cli('bundles', lonely)
  t.equal(r4.status, 2)
  t.match(r4.stderr, /NO_BUNDLES.*No order had two or more products/)
})

t.test('evaluate prints the three rankings at top 20 and top 100', async t => {
  const { file } = genShop(t.testdir(), { orders: 3000, seed: 2 })
  const r = cli('evaluate', file)
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /split by order date/)
  for (const name of ['engine score', 'raw count', 'in-sample leverage']) t.match(r.stdout, new RegExp(`^${name}\\s+-?\\d`, 'm'))
  t.match(r.stdout, /test-set noise \(200 bootstrap resamples/, 'the test set\'s own noise is printed')
  t.match(r.stdout, /^ {2}top-20: sd engine score ±\d+\.\d.*engine − in-sample leverage [+-]\d+\.\d ± \d+\.\d/m)
  t.match(r.stdout, /^the engine and in-sample leverage share \d+ of their top-20 pairs, \d+ of their top-100 pairs$/m)
  t.match(r.stdout, /^predicted by the training orders \(their excess × test\/train orders\) and delivered: engine score top-20 -?\d+\.\d → -?\d+\.\d, top-100 .*; in-sample leverage top-20 -?\d+\.\d → -?\d+\.\d/m)
  t.match(r.stdout, /^ceiling, the best any ranking of these \d+ candidate pairs could do \(the top pairs chosen knowing the test orders\): top-20 -?\d+\.\d \(engine score -?\d+\.\d%, in-sample leverage -?\d+\.\d%\), top-100 /m, 'the ceiling and each ranking\'s share of it')
  t.match(r.stdout, /^ {2}ceiling averaged over the splits: top-20 -?\d+\.\d \(engine score/m)
  t.match(r.stdout, /averaged over 200 random 80\/20 splits/, '200 random splits by default')
  t.match(r.stdout, /^ {2}top-20: in-sample leverage delivered − predicted [+-]\d+\.\d on average \(sd \d+\.\d over the splits\)$/m)
  t.match(r.stdout, /^ {2}top-20: engine − in-sample leverage [+-]\d+\.\d ± \d+\.\d \(standard error over the splits; engine better in \d+, worse in \d+\)$/m)
  const bad = cli('evaluate', file, '--bootstrap', 'many')
  t.equal(bad.status, 2)
  t.match(bad.stderr, /--bootstrap must be a whole number, got "many"/)
})

t.test('evaluate reads a basket-per-line file with --basket-lines, with the same figures as its order-lines form', async t => {
  const baskets = join(ROOT, '../shared/data/baskets/groceries.csv')
  const orderLines = join(ROOT, '../shared/data/baskets/groceries-order-lines.csv')
  const quick = ['--random-splits', '5', '--bootstrap', '5']
  const a = cli('evaluate', baskets, '--basket-lines', ...quick)
  t.equal(a.status, 0, a.stderr)
  const b = cli('evaluate', orderLines, ...quick)
  t.equal(b.status, 0, b.stderr)
  const body = (out: string): string => out.slice(out.indexOf(':'))
  t.match(a.stdout, /: train 7868 orders, test 1967 \(split by file order\); 4822 pairs/)
  t.equal(body(a.stdout), body(b.stdout), 'the same 9,835 baskets in two layouts give the same report')
  const without = cli('evaluate', baskets, ...quick)
  t.equal(without.status, 2)
  t.match(without.stderr, /UNRECOGNISED_FORMAT[^]*add --basket-lines/, 'a headerless basket file points to --basket-lines')
})

/** A run result around the given bundles, as the table reads it. */
function resultWith (bundles: Bundle[], summary: Partial<EngineResult['summary']> = {}): EngineResult {
  return {
    summary: {
      format: 'generic-orders', kind: 'orders', delimiter: ',', rows_read: 606, rows_skipped: {}, lines_dropped: { duplicate_line: 34 },
      orders_read: 300, orders_used: 290, multi_product_orders: 120, products: 12,
      bundles: { FBT: 1, VOLUME: 1 }, ms: { total: 1 }, options: { maxSize: 3, minCount: 3, maxBundles: 100 },
      ...summary
    },
    bundles
  }
}

function pricedBundle (type: 'FBT' | 'VOLUME', pricing: Bundle['pricing']): Bundle {
  return { type, items: [{ key: 'a', title: 'A', skus: [], price: null, quantity: 1 }], stats: null, pricing, score: 1, rank: 1, source: 'orders', reason: '' }
}

t.test('the table shows money in the currency\'s minor unit: fils for KWD, whole yen, cents for USD and no currency', async t => {
  const kwd = pricedBundle('FBT', { currency: 'KWD', list_price: 29.773, discount_percent: 5, bundle_price: 28.279, explanation: '' })
  const jpy = pricedBundle('VOLUME', {
    currency: 'JPY', list_price: 29092, discount_percent: 3, bundle_price: 28218, explanation: '',
    tiers: [{ quantity: 2, discount_percent: 3, unit_price: 14109, total_price: 28218 }, { quantity: 3, discount_percent: 6, unit_price: 13673, total_price: 41019 }]
  })
  const usd = pricedBundle('FBT', { currency: 'USD', list_price: 20.3, discount_percent: 10, bundle_price: 18.19, explanation: '' })
  const none = pricedBundle('FBT', { currency: null, list_price: 0.3, discount_percent: 10, bundle_price: 0.27, explanation: '' })
  const table = toTable(resultWith([kwd, jpy, usd, none]))
  t.match(table, /KWD 29\.773 → 28\.279 \(5% off\)/, 'KWD in fils: 28.279, not 28.28 (above the real price)')
  t.match(table, /2\+: 3% \(JPY 14109 ea\), 3\+: 6%/, 'JPY in whole yen: no ".00"')
  t.notMatch(table, /JPY \d+\.\d/, 'no fraction of a yen anywhere')
  t.match(table, /USD 20\.30 → 18\.19 \(10% off\)/, 'USD in cents')
  t.match(table, /0\.30 → 0\.27 \(10% off\)/, 'no currency: cents')
})

t.test('bundles prints a KWD file\'s prices to the fils', async t => {
  const file = join(t.testdir(), 'kwd.csv')
  const rows = ['order_id,sku,quantity,price,currency']
  for (let i = 0; i < 10; i++) rows.push(`m${i},Mug,1,12.345,KWD`, `m${i},Pen,1,17.428,KWD`)
  for (let i = 0; i < 30; i++) rows.push(`t${i},Tea,1,4.250,KWD`)
  writeFileSync(file, rows.join('\n') + '\n')
  const r = cli('bundles', file)
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /KWD 29\.773 → 28\.279 \(5% off\)/, `Mug + Pen at list 29.773 KWD, bundle 28.279 KWD:\n${r.stdout}`)
})

t.test('the table header shows the rows skipped, by reason, and each summary note', async t => {
  const table = toTable(resultWith([], {
    rows_skipped: { bad_price: 121, missing_product: 3 },
    warnings: ['12 of the orders used are in another currency than USD.', 'Two columns are named "Lineitem price".']
  }))
  t.match(table, /^dropped: duplicate_line 34; skipped: bad_price 121, missing_product 3; min count 3/m, 'skipped rows by reason beside the dropped lines')
  t.match(table, /^note: 12 of the orders used are in another currency than USD\.$/m, 'the first note on its own line')
  t.match(table, /^note: Two columns are named "Lineitem price"\.$/m, 'the second note on its own line')
  const clean = toTable(resultWith([]))
  t.match(clean, /skipped: nothing;/, 'nothing skipped says so')
  t.notMatch(clean, /^note:/m, 'no note line without notes')
})

t.test('bundles on a file with unreadable prices and two currencies: the table says so', async t => {
  const file = join(t.testdir(), 'mixed.csv')
  const rows = ['order_id,sku,quantity,price,currency']
  for (let i = 0; i < 10; i++) rows.push(`m${i},Mug,1,12.00,USD`, `m${i},Pen,1,3.50,USD`)
  for (let i = 0; i < 3; i++) rows.push(`e${i},Mug,1,11.00,EUR`, `e${i},Pen,1,3.20,EUR`)
  for (let i = 0; i < 30; i++) rows.push(`t${i},Tea,1,4.00,USD`)
  for (let i = 0; i < 7; i++) rows.push(`x${i},Tea,1,four,USD`)
  writeFileSync(file, rows.join('\n') + '\n')
  const r = cli('bundles', file)
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /skipped: bad_price 7;/, `the 7 rows with a price of "four" are counted:\n${r.stdout}`)
  t.match(r.stdout, /^note: 3 of the orders used are in another currency than USD/m, 'the other-currency note is printed')
})
