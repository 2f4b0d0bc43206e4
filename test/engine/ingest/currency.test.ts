import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildBundles } from '../../../src/engine/run.js'
import { ingest } from '../../../src/engine/ingest/index.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { genShop, REAL, sourceOf } from './helpers.js'

const run = async (bytes: Uint8Array | string, size: number | 'random' = 1 << 16): Promise<IngestResult> => await ingest(sourceOf(bytes, size))

t.test('the real Shopify orders export names its currency (INR)', async t => {
  const r = await run(readFileSync(join(REAL, 'shopify-orders-export-inr.csv')))
  t.equal(r.currency, 'INR', 'Currency column of the orders export')
})

t.test('generated Shopify orders and GraphQL lines: USD, in any chunking', async t => {
  for (const format of ['shopify-orders', 'shopify-graphql']) {
    const bytes = readFileSync(genShop(format, 300, 5).csv)
    t.equal((await run(bytes)).currency, 'USD', `${format}`)
    t.equal((await run(bytes, 'random')).currency, 'USD', `${format} in random chunks`)
  }
})

t.test('Shopify orders: order-level Currency on first rows, most common among kept orders only', async t => {
  const head = 'Name,Financial Status,Currency,Lineitem quantity,Lineitem name,Lineitem price\n'
  const order = (name: string, status: string, currency: string): string =>
    `${name},${status},${currency},1,Mug,10\n${name},,,1,Tea,5\n`
  // Three refunded GBP orders, two paid EUR ones (one written in lower case with spaces).
  const csv = head + order('#1', 'paid', 'EUR') + order('#2', 'refunded', 'GBP') + order('#3', 'refunded', 'GBP') +
    order('#4', 'paid', ' eur ') + order('#5', 'refunded', 'GBP')
  const r = await run(csv)
  t.equal(r.summary.orders_used, 2)
  t.equal(r.currency, 'EUR', 'refunded orders do not vote; the code is trimmed and upper-cased')
})

t.test('values that are not a 3-letter code are ignored', async t => {
  const head = 'order_id,product_id,quantity,currency\n'
  const csv = head + '1,A,1,€\n1,B,1,€\n2,A,1,Euro\n3,B,1,€\n4,A,1,usd\n5,B,1,12\n'
  t.equal((await run(csv)).currency, 'USD', 'only the ISO code counts, however few orders carry it')
  t.equal((await run(head + '1,A,1,€\n2,B,1,dollars\n')).currency, null, 'no ISO code at all: null')
})

t.test('generic currency and GraphQL currencyCode columns; null without one and for catalogs', async t => {
  t.equal((await run('order_id,sku,qty,Currency\n1,A,1,CAD\n1,B,1,CAD\n2,A,2,CAD\n')).currency, 'CAD', 'generic currency column')
  t.equal((await run('order_id,productId,lineItemQuantity,currencyCode\n1,7,1,AUD\n2,8,1,AUD\n')).currency, 'AUD', 'GraphQL currencyCode')
  t.equal((await run('order_id,sku,currency\n1,A,USD\n2,A,CAD\n3,B,CAD\n3,A,USD\n4,B,usd\n5,A,CAD\n')).currency, 'CAD',
    'mixed currencies: the one most orders use (an order counts once, by its first row)')
  t.equal((await run('order_id,product_id,quantity\n1,A,1\n2,B,1\n')).currency, null, 'no currency column')
  t.equal((await run('order_id,product_id,quantity,currency\n1,A,1,\n2,B,1,\n')).currency, null, 'empty currency cells')
  t.equal((await run('product_id,name,price,currency\n1,Mug,10,USD\n2,Tea,5,USD\n')).currency, null, 'generic catalog')
  t.equal((await run(readFileSync(join(REAL, 'shopify-products-export-2026.csv')))).currency, null, 'Shopify products export')
})

t.test('mixed currencies: prices come from the shop currency\'s orders only, and the summary says so', async t => {
  const csv = 'order_id,sku,quantity,price,currency\n' +
    'j1,Mug,1,2000,JPY\nj1,Pen,1,300,JPY\nj2,Mug,1,2000,JPY\nj2,Pen,1,300,JPY\nj3,Mug,1,2000,JPY\nj3,Pen,1,300,JPY\n' +
    'u1,Mug,1,20,USD\nu1,Coaster,1,5,USD\nu2,Mug,1,20,USD\nu2,Coaster,1,5,USD\n' +
    'n1,Mug,1,2000,\nn1,Pen,1,300,\n' // no currency named: taken to be the shop's
  const r = await run(csv)
  t.equal(r.currency, 'JPY', 'the currency of most kept orders')
  t.same(r.products.map(p => [p.key, p.price]), [['Mug', 2000], ['Pen', 300], ['Coaster', null]],
    'no product is priced from a USD order (Coaster was only sold in USD)')
  t.equal(r.summary.multi_product_orders, 6, 'the USD orders still count as bought together')
  t.equal(r.summary.warnings?.length, 1, 'one note')
  t.match(r.summary.warnings?.[0], /2 of the orders used are in another currency than JPY.*USD 2/, 'the note names the other currency')

  const single = await run('order_id,sku,quantity,price,currency\n1,A,1,10,EUR\n1,B,1,5,EUR\n2,A,1,10,\n')
  t.equal(single.summary.warnings, undefined, 'no note when every order is in the shop currency or names none')
})

t.test('a product priced only in another currency: flagged, and its bundles say the shop\'s currency lacks the price', async t => {
  const rows: string[] = ['order_id,sku,quantity,price,currency']
  for (let i = 0; i < 5; i++) rows.push(`j${i},Mug,1,2000,JPY`, `j${i},Pen,1,300,JPY`)
  for (let i = 0; i < 30; i++) rows.push(`t${i},Tea,1,500,JPY`)
  for (let i = 0; i < 8; i++) rows.push(`u${i},Mug,1,20,USD`, `u${i},Coaster,2,5,USD`)
  rows.push('f1,Lid,1,,JPY', 'f2,Lid,1,,JPY') // no price anywhere in the file
  const ingested = await run(rows.join('\n') + '\n')
  t.equal(ingested.currency, 'JPY')
  const flagged = ingested.products.filter(p => p.priceInOtherCurrencyOnly === true).map(p => p.key)
  t.same(flagged, ['Coaster'], 'only Coaster (priced in USD alone) is flagged; not Mug (JPY price), not Lid (no price at all)')
  const { bundles } = buildBundles(ingested, { minCount: 3 })
  const pair = bundles.find(b => b.type === 'FBT' && b.items.some(i => i.key === 'Coaster'))
  t.ok(pair, 'Mug + Coaster is a bundle')
  t.match(pair?.pricing.explanation, /\(no price in the shop's currency \(JPY\) for Coaster, so no bundle price\)\.$/,
    `the explanation names the missing currency, not a missing price: ${pair?.pricing.explanation}`)
  t.notMatch(pair?.pricing.explanation, /no price in the file/, 'the explanation does not say the file has no price')
  const volume = bundles.find(b => b.type === 'VOLUME' && b.items[0].key === 'Coaster')
  t.match(volume?.pricing.explanation, /\(no price in the shop's currency \(JPY\) for Coaster, so no tier prices\)/,
    `the VOLUME explanation too: ${volume?.pricing.explanation}`)
})

t.test('bundles built from an orders export carry its currency in their pricing', async t => {
  const ingested = await run(readFileSync(genShop('shopify-orders', 3000, 7).csv))
  const { bundles } = buildBundles(ingested)
  t.ok(bundles.length > 0, 'the shop yields bundles')
  t.same([...new Set(bundles.map(b => b.pricing.currency))], ['USD'], 'every bundle is priced in USD')
  const without = buildBundles({ ...ingested, currency: undefined })
  t.ok(without.bundles.every(b => b.pricing.currency === null), 'an ingest result without a currency prices without one')
})

t.test('a file that names no currency takes it from its prices when every marked one agrees on a marker of one currency', async t => {
  let yen = 'order_id,product,quantity,price\n'
  for (let o = 1; o <= 30; o++) yen += `${o},Matcha Tin,1,"1,299円"\n${o},Chasen Whisk,1,"2,229円"\n`
  for (let o = 31; o <= 60; o++) yen += `${o},Tea Towel,${o % 2 + 1},980円\n${o},Incense,1,"1,540円"\n${o + 100},Kyusu Teapot,1,"4,400円"\n`
  const r = await run(yen)
  t.equal(r.currency, 'JPY', '円 is the yen')
  t.match(r.summary.warnings ?? [], [/names no currency.*円.*JPY/], 'the summary says the currency was read from the prices')
  const { bundles } = buildBundles(r)
  const fbt = bundles.find(b => b.type === 'FBT')
  t.ok(fbt, 'the pair is a bundle')
  t.equal(fbt?.pricing.currency, 'JPY')
  t.ok(bundles.every(b => [b.pricing.list_price, b.pricing.bundle_price, ...(b.pricing.tiers ?? []).map(x => x.unit_price)]
    .every(p => p === null || Number.isInteger(p))), 'whole yen everywhere (the old engine priced in cents: "2229.99"-style yen)')

  for (const [price, code] of [['"15,000원"', 'KRW'], ['1.500 د.ك', 'KWD'], ['10 ر.س', 'SAR'], ['USD 12', 'USD'], ['"Rp 150.000"', 'IDR']] as const) {
    const csv = `order_id,product,quantity,price\n1,A,1,${price}\n1,B,1,${price}\n2,A,1,${price}\n`
    t.equal((await run(csv)).currency, code, `${price} is ${code}`)
  }
  const kwd = await run('order_id,product,quantity,price\n1,A,1,1.500 د.ك\n1,B,1,0.250 د.ك\n')
  t.same(kwd.products.map(p => p.price), [1.5, 0.25], 'KWD keeps its three decimals')
  const idr = await run('order_id,product,quantity,price\n1,A,1,Rp 150.000\n1,B,1,Rp 25.000\n')
  t.same(idr.products.map(p => p.price), [150000, 25000], 'IDR has no minor unit: a single dot group is thousands')

  const catalog = await run('product_id,name,price\n1,Matcha Tin,"1,299円"\n2,Chasen Whisk,"2,229円"\n')
  t.equal(catalog.currency, 'JPY', 'a catalog too')
  t.match(catalog.summary.warnings ?? [], [/JPY/])
})

t.test('no currency is inferred from a shared marker, from two markers, or over a currency column', async t => {
  const file = (...prices: string[]): string => 'order_id,product,quantity,price\n' + prices.map((p, i) => `${i % 2 + 1},P${i},1,"${p}"`).join('\n') + '\n'
  for (const shared of ['$12.00', '¥1299', '£12', 'R 150', '150 kr', 'Rs 450', '12 lei', '15元', 'C$ 12']) {
    const r = await run(file(shared, shared, '1,299円'))
    t.equal(r.currency, null, `"${shared}" is written by several currencies: no currency`)
    t.equal(r.summary.warnings, undefined, 'and no note')
    t.equal((await run(file(shared, shared))).currency, null, `"${shared}" alone decides nothing either`)
  }
  t.equal((await run(file('1,299円', '15,000원'))).currency, null, 'two currencies: none')
  t.equal((await run(file('12.00', '9.50'))).currency, null, 'plain numbers: none')
  t.equal((await run(file('1,299円', '980', '2,480'))).currency, 'JPY', 'unmarked prices do not disagree')
  const named = await run('order_id,product,quantity,price,currency\n1,A,1,"1,299円",USD\n1,B,1,"2,229円",USD\n')
  t.equal(named.currency, 'USD', 'a currency column decides, whatever the prices show')
})
