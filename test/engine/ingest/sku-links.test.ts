// Names sharing a real SKU are one product (src/engine/ingest/sku-links.ts, line-products.ts): a product
// renamed over time is not split, and placeholder SKUs link nothing.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { ingest } from '../../../src/engine/ingest/index.js'
import { isPlaceholderSku, linkBySku } from '../../../src/engine/ingest/sku-links.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { basketsByTitle, genShop, sourceOf } from './helpers.js'

const run = async (text: string): Promise<IngestResult> => await ingest(sourceOf(text, 'random'))
const SHOPIFY = 'Name,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n'

t.test('placeholder SKUs are recognised', async t => {
  for (const p of ['', ' ', '-', '--', '0', '000', 'n/a', 'N/A', 'none', 'NULL', 'sku', 'x', '?', '#N/A']) t.ok(isPlaceholderSku(p), `"${p}" is a placeholder`)
  for (const s of ['CA-0004-1', '85123A', '12', 'AB']) t.notOk(isPlaceholderSku(s), `"${s}" is a SKU`)
})

t.test('linkBySku joins groups sharing a SKU, but not through a SKU of 3 named groups', async t => {
  const root = linkBySku(6, [
    { group: 0, sku: 'A-1', named: true }, { group: 1, sku: 'A-1', named: true }, // a rename
    { group: 2, sku: 'P', named: true }, { group: 3, sku: 'P', named: true }, { group: 4, sku: 'P', named: true }, // a placeholder
    { group: 5, sku: 'A-1', named: false } // a line known only by its SKU
  ])
  t.same(Array.from(root), [0, 0, 2, 3, 4, 0])
})

t.test('a product renamed over time (same SKU) is one product, shown under its latest name', async t => {
  const rows = [
    '#1,2025-01-01 10:00:00 -0500,1,Aurora Pillar Candle,25.99,CA-0004-1', '#1,,1,Cedar Night Cream,70.99,SC-0172-1',
    '#2,2025-02-01 10:00:00 -0500,1,Aurora Pillar Candle (Large),25.99,CA-0004-1', '#2,,1,Cedar Night Cream,70.99,SC-0172-1'
  ]
  const r = await run(SHOPIFY + rows.join('\n') + '\n')
  t.same(r.products.map(p => [p.title, p.skus]), [['Aurora Pillar Candle (Large)', ['CA-0004-1']], ['Cedar Night Cream', ['SC-0172-1']]],
    'the two names are one product, called by the later one')
  t.same(basketsByTitle(r), ['Aurora Pillar Candle (Large)×1 | Cedar Night Cream×1', 'Aurora Pillar Candle (Large)×1 | Cedar Night Cream×1'])
  const newestFirst = await run(SHOPIFY + [...rows.slice(2), ...rows.slice(0, 2)].join('\n') + '\n')
  t.equal(newestFirst.products[0].title, 'Aurora Pillar Candle (Large)', 'a newest-first export shows the latest name by date, not by row')
  const undated = await run(SHOPIFY + rows.map(r => r.replace(/,2025-\d\d-01 10:00:00 -0500,/, ',,')).join('\n') + '\n')
  t.equal(undated.products[0].title, 'Aurora Pillar Candle (Large)', 'without dates the last name in the file is shown')
})

t.test('placeholder and widely shared SKUs do not join products', async t => {
  let csv = SHOPIFY
  for (const [k, sku] of ['-', '0', 'n/a', 'None', ' '].entries()) csv += `#${k},,1,Mug ${k},10,${sku}\n#${k},,1,Pen ${k},3,${sku}\n`
  csv += '#9,,1,Tea,4,SHARED\n#9,,1,Cup,5,SHARED\n#10,,1,Spoon,2,SHARED\n'
  const r = await run(csv)
  t.equal(r.products.length, 13, 'every name stays its own product')
})

t.test('the Shopify variant roll-up still holds beside SKU links', async t => {
  const csv = SHOPIFY +
    '#1,2025-01-01,1,Crew Tee - S,20,TS-1-S\n#1,,1,Mug,9,MG-1\n' +
    '#2,2025-01-02,1,Crew Tee - M,20,TS-1-M\n#2,,1,Star Wars - Mug,9,SW-MUG\n' +
    '#3,2025-01-03,1,Classic Crew Tee - M,20,TS-1-M\n#3,,1,Star Wars - Poster,9,SW-POSTER\n'
  const r = await run(csv)
  t.same(r.products.map(p => [p.title, p.skus]).sort(), [
    ['Classic Crew Tee', ['TS-1-S', 'TS-1-M']], ['Mug', ['MG-1']], ['Star Wars - Mug', ['SW-MUG']], ['Star Wars - Poster', ['SW-POSTER']]
  ], 'the tee sizes roll up, its renamed size joins it by SKU, and the Star Wars products stay apart')
})

t.test('generic titles sharing a SKU are one product; product ids are never joined', async t => {
  const lines = '1,2025-01-01,p1,SOCK-1,Tidal Ankle Socks,1\n1,2025-01-01,p2,MAT-1,Mat Bag,1\n' +
    '2,2025-03-01,p3,SOCK-1,Tidal Ankle Socks (3 pack),1\n2,2025-03-01,p2,MAT-1,Mat Bag,1\n'
  const titles = await run('order_id,created_at,sku,product_title,quantity\n' + lines.replace(/,p\d,/g, ','))
  t.same(titles.products.map(p => p.title), ['Tidal Ankle Socks (3 pack)', 'Mat Bag'], 'without a product id, the renamed title joins its product')
  const ids = await run('order_id,created_at,product_id,sku,product_title,quantity\n' + lines)
  t.equal(ids.products.length, 3, 'with a product id column, two product ids stay two products')
})

t.test('a generated Shopify export with a product renamed halfway gives the products and baskets of the original', async t => {
  const original = readFileSync(genShop('shopify-orders', 600, 3).csv, 'utf8')
  const name = 'Aurora Pillar Candle'
  const rows = original.split('\n')
  const half = rows.length >> 1
  const renamed = [...rows.slice(0, half), ...rows.slice(half).map(r => r.replace(`,${name},`, `,${name} (Large),`))].join('\n')
  t.ok(renamed.includes(`,${name} (Large),`) && renamed.includes(`,${name},`), 'both names are in the file')
  const before = await run(original)
  const after = await run(renamed)
  t.equal(after.products.length, before.products.length, 'no extra product')
  t.same(basketsByTitle(after), basketsByTitle(before).map(b => b.replaceAll(`${name}×`, `${name} (Large)×`)), 'the same baskets, under the new name')
})
