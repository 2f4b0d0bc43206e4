// Dot-grouped thousands (src/engine/ingest/dot-thousands.ts, fields.ts): two dot groups are always
// thousands; a single one ("150.000") is decided per column, from its other values and the shop's currency.
import t from 'tap'
import { hasNoMinorUnit } from '../../../src/engine/ingest/dot-thousands.js'
import { parseNumberText } from '../../../src/engine/ingest/fields.js'
import { ingest } from '../../../src/engine/ingest/index.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { sourceOf } from './helpers.js'

const run = async (text: string): Promise<IngestResult> => await ingest(sourceOf(text, 'random'))
const prices = (r: IngestResult): Array<[string, number | null]> => r.products.map(p => [p.title, p.price])

t.test('two dot groups or more are thousands; "Rp" is a currency', async t => {
  const cases: Array<[string, number]> = [['1.299.000', 1299000], ['Rp 1.299.000', 1299000], ['Rp. 1.299.000', 1299000],
    ['Rp150.000', 150], ['1.299.000,50', 1299000.5], ['IDR 12.500.000', 12500000]]
  for (const [text, value] of cases) t.equal(parseNumberText(text), value, `"${text}" reads ${value}`)
})

t.test('currencies without a minor unit', async t => {
  for (const c of ['IDR', 'JPY', 'KRW', 'VND', 'HUF', 'CLP']) t.ok(hasNoMinorUnit(c), `${c} has no decimals`)
  for (const c of ['USD', 'EUR', 'KWD', 'XYZ1']) t.notOk(hasNoMinorUnit(c), `${c} has decimals (or is unknown)`)
})

t.test('an IDR order file reads "1.299.000" and "150.000" as thousands', async t => {
  const csv = 'order_id;product_title;quantity;price;currency\n' +
    '1;Batik Shirt;1;1.299.000;IDR\n1;Sarong;1;150.000;IDR\n2;Batik Shirt;1;Rp 1.299.000;IDR\n2;Sarong;2;Rp. 150.000;IDR\n' +
    '3;Kopi Luwak;1;85.000;IDR\n3;Sarong;1;150.000;IDR\n'
  const r = await run(csv)
  t.same(r.summary.rows_skipped, {}, 'no row skipped as bad_price')
  t.same(prices(r), [['Batik Shirt', 1299000], ['Sarong', 150000], ['Kopi Luwak', 85000]], 'prices in rupiah')
  const noDoubleGroups = await run(csv.replaceAll('1.299.000', '299.000'))
  t.same(prices(noDoubleGroups), [['Batik Shirt', 299000], ['Sarong', 150000], ['Kopi Luwak', 85000]],
    'a currency without decimals decides alone')
})

t.test('a single dot group follows the rest of its column', async t => {
  const header = 'order_id;product_title;quantity;price\n'
  const evidenceAfter = await run(header + '1;Sarong;1;150.000\n2;Batik Shirt;1;1.299.000\n')
  t.same(prices(evidenceAfter), [['Sarong', 150000], ['Batik Shirt', 1299000]], 'dot thousands later in the column decide earlier rows')
  const decimalComma = await run(header + '1;Sarong;1;150.000\n2;Pin;1;12,50\n')
  t.same(prices(decimalComma), [['Sarong', 150000], ['Pin', 12.5]], 'a decimal comma elsewhere makes dots thousands')
  const usd = await run('order_id,product_title,quantity,price,currency\n1,Sample,1,1.234,USD\n2,Mug,1,12.50,USD\n')
  t.same(prices(usd), [['Sample', 1.234], ['Mug', 12.5]], 'USD "1.234" stays 1.234')
  const kwd = await run('order_id,product_title,quantity,price,currency\n1,Dates,1,1.250,KWD\n')
  t.same(prices(kwd), [['Dates', 1.25]], 'KWD has three decimals')
})

t.test('catalog prices and costs follow their columns too', async t => {
  const csv = 'product_id;name;price;cost\np1;Batik Shirt;1.299.000;650.000\np2;Sarong;150.000;75.000\np3;Pin;12,50;4,25\n'
  const r = await run(csv)
  t.same(r.products.map(p => [p.title, p.price, p.cost]), [['Batik Shirt', 1299000, 650000], ['Sarong', 150000, 75000], ['Pin', 12.5, 4.25]])
  const plain = await run('product_id,name,price,cost\np1,Mug,1.250,0.500\n')
  t.same(plain.products.map(p => [p.price, p.cost]), [[1.25, 0.5]], 'without evidence a catalog keeps decimals')
})
