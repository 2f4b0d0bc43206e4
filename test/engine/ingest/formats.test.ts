import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ingest } from '../../../src/engine/ingest/index.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { BASKETS, basketsByTitle, comparable, enc, genShop, REAL, sourceOf } from './helpers.js'

interface Truth {
  planted: Array<{ items: Array<{ title: string }> }>
  decoys: { refundedOnly: Array<{ title: string }> }
  excluded: Array<{ title: string, skus: string[] }>
}

const run = async (bytes: Uint8Array | string, size: number | 'random' = 1 << 16): Promise<IngestResult> => await ingest(sourceOf(bytes, size))

function checkTruth (t: Tap.Test, r: IngestResult, truth: Truth, label: string): void {
  const titles = new Set(r.products.map(p => p.title))
  for (const x of truth.excluded) t.notOk(titles.has(x.title), `${label}: excluded item "${x.title}" is not a product`)
  const skus = new Set(r.products.flatMap(p => p.skus))
  for (const x of truth.excluded) for (const s of x.skus) t.notOk(skus.has(s), `${label}: excluded SKU ${s} is not used`)
  const [a, b] = truth.decoys.refundedOnly.map(d => r.products.findIndex(p => p.title === d.title))
  let together = 0
  for (let i = 0; i + 1 < r.basketOffsets.length; i++) {
    const items = Array.from(r.basketItems.subarray(r.basketOffsets[i], r.basketOffsets[i + 1]))
    if (items.includes(a) && items.includes(b)) together++
  }
  t.equal(together, 0, `${label}: the refunded-only decoy pair never co-occurs in kept baskets`)
  const pair = truth.planted[0].items.map(x => r.products.findIndex(p => p.title === x.title))
  let planted = 0
  for (let i = 0; i + 1 < r.basketOffsets.length; i++) {
    const items = Array.from(r.basketItems.subarray(r.basketOffsets[i], r.basketOffsets[i + 1]))
    if (pair.every(p => items.includes(p))) planted++
  }
  t.ok(planted >= 3, `${label}: the first planted group co-occurs in kept baskets (${planted} times)`)
}

declare global { namespace Tap { type Test = import('tap').Test } }

t.test('the three order layouts of one generated shop give the same baskets', async t => {
  const results: Record<string, IngestResult> = {}
  for (const format of ['shopify-orders', 'shopify-graphql', 'generic']) {
    const { csv, truth } = genShop(format, 1500, 11)
    const r = await run(readFileSync(csv))
    results[format] = r
    t.equal(r.kind, 'orders')
    t.equal(r.format, format === 'generic' ? 'generic-orders' : format)
    t.equal(r.summary.orders_read, 1500, `${format}: every order read`)
    t.same(r.summary.rows_skipped, {}, `${format}: no unreadable rows`)
    checkTruth(t, r, JSON.parse(readFileSync(truth, 'utf8')) as Truth, format)
    // CSR invariants: ascending distinct items per basket, positive quantities
    let ok = r.basketOffsets[0] === 0 && r.basketOffsets[r.basketOffsets.length - 1] === r.basketItems.length
    for (let b = 0; b + 1 < r.basketOffsets.length && ok; b++) {
      if (r.basketOffsets[b + 1] <= r.basketOffsets[b]) ok = false
      for (let k = r.basketOffsets[b] + 1; k < r.basketOffsets[b + 1]; k++) if (r.basketItems[k] <= r.basketItems[k - 1]) ok = false
    }
    t.ok(ok, `${format}: baskets are non-empty with distinct ascending product indexes`)
    t.ok(r.basketQuantities.every(q => q >= 1), `${format}: quantities are positive`)
    t.equal(r.orderTimes?.length, r.basketOffsets.length - 1, `${format}: one order time per basket`)
    t.ok(r.orderTimes !== null && r.orderTimes.every(x => Number.isFinite(x)), `${format}: every order time parsed`)
    const counted = Object.values(r.summary.lines_dropped).reduce((a, b) => a + (b ?? 0), 0)
    t.equal(counted + r.basketItems.length, r.summary.rows_read, `${format}: every line is kept once or counted as dropped`)
  }
  const shopify = results['shopify-orders']
  const graphql = results['shopify-graphql']
  const generic = results.generic
  t.equal(shopify.products.length, graphql.products.length, 'variants roll up to as many products as the product ids give')
  t.same(basketsByTitle(shopify), basketsByTitle(graphql), 'Shopify export baskets equal the GraphQL baskets')
  t.same(basketsByTitle(generic), basketsByTitle(graphql), 'generic baskets equal the GraphQL baskets')
  t.same(shopify.products.map(p => [p.title, p.price, [...p.skus].sort()]), graphql.products.map(p => [p.title, p.price, [...p.skus].sort()]),
    'the same titles, prices and SKUs per product')
  t.same(Array.from(shopify.orderTimes ?? []).map(x => Math.floor(x / 1000)), Array.from(graphql.orderTimes ?? []).map(x => Math.floor(x / 1000)),
    'Shopify local times with offsets equal the GraphQL UTC times')
})

t.test('across seeds, excluded items never reach baskets and the refunded-only decoy never co-occurs', async t => {
  for (let seed = 1; seed <= 8; seed++) {
    const { csv, truth } = genShop(seed % 2 === 0 ? 'shopify-orders' : 'generic', 400, seed)
    const r = await run(readFileSync(csv))
    const tr = JSON.parse(readFileSync(truth, 'utf8')) as Truth
    const titles = new Set(r.products.map(p => p.title))
    const leaked = tr.excluded.filter(x => titles.has(x.title)).map(x => x.title)
    const [a, b] = tr.decoys.refundedOnly.map(d => r.products.findIndex(p => p.title === d.title))
    let together = 0
    for (let i = 0; i + 1 < r.basketOffsets.length; i++) {
      const items = Array.from(r.basketItems.subarray(r.basketOffsets[i], r.basketOffsets[i + 1]))
      if (a >= 0 && b >= 0 && items.includes(a) && items.includes(b)) together++
    }
    t.same(leaked, [], `seed ${seed}: no excluded item among the products`)
    t.equal(together, 0, `seed ${seed}: the refunded-only decoy pair is never together in a kept basket`)
  }
})

t.test('chunk boundaries anywhere give the same result', async t => {
  const files = [
    join(REAL, 'shopify-orders-export-inr.csv'),
    join(REAL, 'shopify-products-export-2021.csv'),
    join(REAL, 'shopify-products-export-2026.csv'),
    genShop('shopify-orders', 120, 4).csv,
    genShop('shopify-graphql', 120, 4).csv
  ]
  for (const file of files) {
    const bytes = readFileSync(file)
    const whole = comparable(await run(bytes, bytes.length))
    const sizes: Array<number | 'random'> = file.includes('2026') ? [7919, 'random'] : [1, 7, 'random']
    for (const size of sizes) t.same(comparable(await run(bytes, size)), whole, `${file.split('/').pop()} in ${size}-byte chunks`)
  }
  // CRLF split between \r and \n, and a UTF-8 character split across chunks
  const text = enc('order_id,product\r\n1,Crème brûlée\r\n1,Café\r\n2,Crème brûlée\r\n')
  const whole = comparable(await run(text, text.length))
  for (let cut = 1; cut < text.length; cut++) {
    const r = await ingest((async function * () { yield text.slice(0, cut); yield text.slice(cut) })())
    if (JSON.stringify(comparable(r)) !== JSON.stringify(whole)) { t.fail(`split at byte ${cut} changes the result`); return }
  }
  t.pass('every two-chunk split of a CRLF UTF-8 file gives the same result')
})

t.test('the real Shopify orders export (INR)', async t => {
  const r = await run(readFileSync(join(REAL, 'shopify-orders-export-inr.csv')))
  t.equal(r.format, 'shopify-orders')
  t.equal(r.summary.rows_read, 121)
  t.equal(r.summary.orders_read, 51)
  t.equal(r.summary.orders_used, 51, 'all 51 paid orders are real sales (draft-order sources included)')
  t.equal(r.products.length, 5)
  t.same(r.products.map(p => p.title).sort(), ['Lavender & Vanilla Soy Candle', 'Minimalist Leather Wallet', 'Organic Ethiopian Coffee Beans',
    'Premium Eco-Friendly Yoga Mat', 'Wireless Bluetooth Headphones'])
  t.equal(r.products.find(p => p.title === 'Minimalist Leather Wallet')?.price, 3499)
  t.same(r.products.find(p => p.title === 'Minimalist Leather Wallet')?.skus, ['LW-MIN-BRN'])
  // #1045 has three coffee lines (1 + 2 + 3): one entry, quantity 6
  const coffee = r.products.findIndex(p => p.title === 'Organic Ethiopian Coffee Beans')
  const sixes = Array.from(r.basketItems).filter((x, k) => x === coffee && r.basketQuantities[k] === 6).length
  t.ok(sixes >= 1, 'repeated lines of one product in an order are summed')
  t.equal(r.summary.lines_dropped.duplicate_line, 26)
  t.equal(r.summary.multi_product_orders, 30)
  t.equal(r.orderTimes?.[0], Date.parse('2025-12-06T15:37:33Z'), 'Created at with its -0500 offset')
  const json = JSON.stringify(r)
  for (const pii of ['customer.one@example.com', 'Customer One', '560029']) t.notOk(json.includes(pii), `no customer data (${pii}) in the result`)
})

t.test('the real Shopify products exports (multi-line quoted HTML bodies)', async t => {
  const old = await run(readFileSync(join(REAL, 'shopify-products-export-2021.csv')))
  t.equal(old.format, 'shopify-products')
  t.equal(old.kind, 'catalog')
  t.equal(old.summary.rows_read, 21)
  t.equal(old.products.length, 20)
  t.equal(old.basketOffsets.length, 1, 'catalogs have zero baskets')
  t.equal(old.products.find(p => p.key === 'floor-lamp')?.price, 69.99)
  const cur = await run(readFileSync(join(REAL, 'shopify-products-export-2026.csv')))
  t.equal(cur.summary.rows_read, 2921, 'newlines inside quoted bodies do not split rows')
  t.equal(cur.summary.lines_dropped.image_row, 807)
  t.ok((cur.summary.lines_dropped.inactive_product ?? 0) > 0, 'draft and archived products are left out')
  t.equal(cur.products.length, cur.summary.products)
  const handles = new Set(readFileSync(join(REAL, 'shopify-products-export-2026.csv'), 'utf8').split('\n').map(l => l.split(',')[0]))
  t.ok(cur.products.every(p => handles.has(p.key)), 'every product key is a Handle from the file')
  t.ok(cur.products.every(p => p.title !== '' && !p.title.includes('<')), 'titles are titles, not HTML bodies')
})

t.test('generated Shopify products export', async t => {
  const { csv, truth } = genShop('shopify-products', 10, 2)
  const r = await run(readFileSync(csv))
  const excluded = (JSON.parse(readFileSync(truth, 'utf8')) as Truth).excluded.map(x => x.title)
  t.equal(r.format, 'shopify-products')
  for (const title of excluded) t.notOk(r.products.some(p => p.title === title), `"${title}" is not a catalog product`)
  t.ok(r.products.every(p => p.cost !== null && p.price !== null && p.cost < p.price), 'cost per item and price are read')
  t.ok(r.products.some(p => p.skus.length > 1), 'variants are grouped under their handle')
  t.ok(r.products.every(p => p.tags.length === 2 && p.type !== null && p.vendor !== null), 'type, vendor, tags are read')
  t.equal((r.summary.lines_dropped.gift_card ?? 0), 3, 'the gift card variants are dropped')
})

t.test('generic catalog, including the 2-line example', async t => {
  const tiny = await run('product_id,name\n1,Product A')
  t.equal(tiny.kind, 'catalog')
  t.equal(tiny.format, 'generic-catalog')
  t.same(tiny.products, [{ key: '1', title: 'Product A', skus: [], price: null, cost: null, type: null, vendor: null, tags: [], inventory: null }])
  t.equal(tiny.summary.products, 1)
  const full = await run('name,product_id,price,type,vendor,tags,cost\r\n"Mug, large",m1,12.50,Mug,Acme,"kitchen, gift",4\r\nGift Card,g1,25,,,,\r\n')
  t.same(full.products.map(p => [p.key, p.title, p.price, p.cost, p.type, p.vendor, p.tags]), [['m1', 'Mug, large', 12.5, 4, 'Mug', 'Acme', ['kitchen', 'gift']]])
  t.equal(full.summary.lines_dropped.gift_card, 1)
})

t.test('GraphQL order lines with camelCase columns but none of the GraphQL-only names are orders, not a catalog', async t => {
  const csv = 'name,createdAt,productId,productTitle,quantity\n' +
    '#1001,2025-01-01,gid://shopify/Product/1,Mug,1\n#1001,2025-01-01,gid://shopify/Product/2,Tea,2\n#1002,2025-01-02,gid://shopify/Product/1,Mug,1\n'
  const r = await run(csv)
  t.equal(r.kind, 'orders', 'read as orders')
  t.equal(r.format, 'shopify-graphql', '`name` beside a productTitle column is the order name')
  t.same(r.products.map(p => [p.key, p.title]), [['gid://shopify/Product/1', 'Mug'], ['gid://shopify/Product/2', 'Tea']], 'products are titled by productTitle, not "#1001"')
  t.same(basketsByTitle(r), ['Mug×1 | Tea×2', 'Mug×1'], 'one basket per order name')
  t.equal((await run('name,variantTitle,variantId,quantity\n#1,S,v1,1\n#1,M,v2,1\n')).kind, 'orders', 'variantTitle shows it too')
  t.equal((await run('productId,name,price\np1,Mug,12\n')).kind, 'catalog', 'a camelCase catalog without a product title column stays a catalog')
})

t.test('a "catalog" whose product names are order numbers is refused with what to rename', async t => {
  const csv = 'name,createdAt,productId,quantity\n#1001,2025-01-01,p1,1\n#1001,2025-01-01,p2,1\n#1002,2025-01-02,p3,1\n#1003,2025-01-02,p4,1\n'
  try {
    await run(csv)
    t.fail('expected UNRECOGNISED_FORMAT')
  } catch (err) {
    t.match(err, { code: 'UNRECOGNISED_FORMAT' }, 'refused as unrecognised')
    t.match((err as Error).message, /product names are order numbers \(#1001, #1002, #1003, …\).*order_id/, 'the message names examples and the column to rename')
  }
  const numbered = await run('product_id,name\np1,#1 Dad Mug\np2,#5\np3,Tea\n')
  t.equal(numbered.products.length, 3, 'a catalog with a few "#" titles is still a catalog')
})

t.test('generic order lines without a quantity column (groceries)', async t => {
  const r = await run(readFileSync(join(BASKETS, 'groceries-order-lines.csv')))
  t.equal(r.format, 'generic-orders')
  t.equal(r.summary.rows_read, 43367)
  t.equal(r.summary.orders_used, 9835, 'one basket per order, as in groceries.csv')
  t.equal(r.products.length, 169)
  t.ok(r.basketQuantities.every(q => q === 1), 'quantity defaults to 1')
  t.equal(r.orderTimes, null, 'no date column: no order times')
  const lines = readFileSync(join(BASKETS, 'groceries.csv'), 'utf8').trim().split('\n')
  t.same(basketsByTitle(r).slice(0, 50), lines.slice(0, 50).map(l => [...new Set(l.split(',').map(x => x.trim()))].map(x => `${x}×1`).sort().join(' | ')),
    'the first baskets equal groceries.csv (names trimmed)')
})

t.test('headers in another order, BOM, CRLF, ; and tab delimiters give the same baskets', async t => {
  const text = readFileSync(genShop('generic', 200, 9).csv, 'utf8')
  const rows = text.trimEnd().split('\n').map(l => l.split(','))
  const base = await run(text)
  const perm = [10, 7, 2, 0, 5, 9, 1, 4, 8, 3, 6]
  const reordered = rows.map(r => perm.map(i => r[i]).join(',')).join('\n') + '\n'
  t.same(basketsByTitle(await run(reordered)), basketsByTitle(base), 'columns in another order')
  const bomCrlf = new Uint8Array([0xef, 0xbb, 0xbf, ...enc(rows.map(r => r.join(',')).join('\r\n') + '\r\n')])
  t.same(basketsByTitle(await run(bomCrlf, 'random')), basketsByTitle(base), 'BOM and CRLF')
  for (const d of [';', '\t']) {
    const r = await run(rows.map(x => x.join(d)).join('\n'))
    t.equal(r.summary.delimiter, d)
    t.same(basketsByTitle(r), basketsByTitle(base), `delimiter ${JSON.stringify(d)}`)
  }
})

t.test('quoted fields with delimiters, quotes and newlines', async t => {
  const csv = 'order_id,product_title,quantity,price\n' +
    '1,"Mug, ""large""",1,10\n' +
    '1,"Tea\ntowel",2,"1,234.50"\n' +
    '2,"Mug, ""large""",1,10\n' +
    '2,Plain,1,3\n'
  const r = await run(csv, 3)
  t.same(r.products.map(p => p.title), ['Mug, "large"', 'Tea\ntowel', 'Plain'])
  t.equal(r.products[1].price, 1234.5, 'a quoted "1,234.50" is 1234.5')
  t.equal(r.summary.multi_product_orders, 2)
})
