// Which column names a product in order-line files (src/engine/ingest/orders.ts): a product id when the
// file has one, else the product title (variant SKUs and ids only kept in `skus`), else a SKU or variant id.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { ingest } from '../../../src/engine/ingest/index.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { basketsByTitle, genShop, sourceOf } from './helpers.js'

const run = async (text: string): Promise<IngestResult> => await ingest(sourceOf(text, 'random'))

/** The CSV with only the named columns, in that order (gen-shop's generic files have no quoted fields). */
function keepColumns (csv: string, names: string[]): string {
  const rows = csv.trimEnd().split('\n').map(l => l.split(','))
  const at = names.map(n => rows[0].indexOf(n))
  return rows.map(r => at.map(i => r[i]).join(',')).join('\n') + '\n'
}

t.test('generic lines without a product id are one product per title, whatever their SKUs', async t => {
  const csv = 'order_id,sku,product_title,variant_title,quantity,price\n' +
    '1,TS-1-S,Coastal Henley,S,1,30\n1,TS-1-M,Coastal Henley,M,1,30\n1,MB-2,Mat Bag,Default Title,1,20\n' +
    '2,TS-1-M,Coastal Henley,M,1,30\n2,MB-2,Mat Bag,Default Title,1,20\n'
  const r = await run(csv)
  t.same(r.products.map(p => [p.title, p.skus]), [['Coastal Henley', ['TS-1-S', 'TS-1-M']], ['Mat Bag', ['MB-2']]],
    'the two Henley sizes are one product holding both SKUs')
  t.same(basketsByTitle(r), ['Coastal Henley×2 | Mat Bag×1', 'Coastal Henley×1 | Mat Bag×1'], 'no "Henley + Henley" basket')
  t.same(r.summary.lines_dropped, { duplicate_line: 1 }, 'the second Henley line of order 1 counts as a duplicate line')
})

t.test('titles of "Product - Variant" lines roll up on evidence; a variant title column keeps titles whole', async t => {
  const lines = '1,T1,Crew Tee - S,1\n1,M1,Star Wars - Mug,1\n2,T2,Crew Tee - M,1\n2,P1,Star Wars - Poster,1\n'
  const rolled = await run('order_id,sku,product_title,quantity\n' + lines)
  t.same(rolled.products.map(p => p.title), ['Crew Tee', 'Star Wars - Mug', 'Star Wars - Poster'],
    'sizes roll up to their product; "Mug" and "Poster" are not variants')
  const withVariants = await run('order_id,sku,product_title,quantity,variant_title\n' + lines.replaceAll(',1\n', ',1,Default Title\n'))
  t.same(withVariants.products.map(p => p.title), ['Crew Tee - S', 'Star Wars - Mug', 'Crew Tee - M', 'Star Wars - Poster'],
    'beside a variant_title column the title column names products: nothing is cut')
})

t.test('a SKU or variant id names the product only when there is no title', async t => {
  const r = await run('order_id,variant_id,sku,product_title,quantity\n1,v1,A,,1\n1,v2,B,Mug,1\n2,,C,,1\n')
  t.same(r.products.map(p => [p.key, p.title]), [['v1', 'v1'], ['mug', 'Mug'], ['C', 'C']],
    'the variant id, else the SKU, keys a line without a title')
  const ids = await run('order_id,product_id,sku,product_title,quantity\n1,p1,A-S,Tee,1\n1,p2,B,Tee,1\n')
  t.same(ids.products.map(p => p.key), ['p1', 'p2'], 'a product id column still names the product')
})

t.test('a generated generic file without product ids gives the products and baskets of the file with them', async t => {
  const full = readFileSync(genShop('generic', 600, 3).csv, 'utf8')
  const withIds = await run(full)
  const noIds = await run(keepColumns(full,
    ['order_id', 'created_at', 'sku', 'product_title', 'variant_title', 'quantity', 'price', 'financial_status', 'cancelled_at']))
  t.equal(noIds.products.length, withIds.products.length, 'as many products as product ids')
  t.same(noIds.products.map(p => [p.title, p.price, [...p.skus].sort()]), withIds.products.map(p => [p.title, p.price, [...p.skus].sort()]),
    'the same titles, prices and SKUs')
  t.same(noIds.summary.lines_dropped, withIds.summary.lines_dropped, 'the same drop counts, duplicate_line included')
  t.same(basketsByTitle(noIds), basketsByTitle(withIds), 'the same baskets')
})
