// A header naming a column twice (src/engine/ingest/duplicate-columns.ts): on each row the first copy
// with a value is read, so an empty first copy does not hide the column.
import t from 'tap'
import { ingest } from '../../../src/engine/ingest/index.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { sourceOf } from './helpers.js'

const run = async (text: string): Promise<IngestResult> => await ingest(sourceOf(text, 'random'))

t.test('an empty first copy of a repeated column gives way to the copy with values', async t => {
  const csv = 'Name,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem price\n' +
    '#1,1,Mug,,MG-1,12.00\n#1,1,Tea,,TE-1,4.50\n#2,1,Mug,,MG-1,12.00\n'
  const r = await run(csv)
  t.same(r.products.map(p => [p.title, p.price]), [['Mug', 12], ['Tea', 4.5]], 'prices come from the second copy')
  t.same(r.summary.warnings, ['Column "Lineitem price" repeats "Lineitem price"; on each row the first of them with a value is used.'],
    'the warning says which copy is read')
})

t.test('the first copy wins where it has a value; a row falls back only where it is empty', async t => {
  const csv = 'order_id,product_title,price,quantity,price\n1,Mug,10,1,99\n1,Tea,,1,4\n2,Tea,,1,4\n2,Mug,10,1,\n'
  const r = await run(csv)
  t.same(r.products.map(p => [p.title, p.price]), [['Mug', 10], ['Tea', 4]])
})

t.test('a catalog with a repeated empty column reads its copy too', async t => {
  const r = await run('product_id,name,price,price\np1,Mug,,12.00\n')
  t.same(r.products.map(p => [p.title, p.price]), [['Mug', 12]])
})
