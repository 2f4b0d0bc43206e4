// How rows become orders and baskets (src/engine/ingest/orders.ts): order-level fields, per-line
// statuses, returns netted against sales, cancel cells, order ids.
import t from 'tap'
import { isCancelMark } from '../../../src/engine/ingest/cancelled.js'
import { ingest } from '../../../src/engine/ingest/index.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { basketsByTitle, sourceOf } from './helpers.js'

const run = async (text: string, size: number | 'random' = 7): Promise<IngestResult> => await ingest(sourceOf(text, size))

t.test('Shopify order fields on a first row that is itself skipped still apply to the order', async t => {
  const csv = 'Name,Financial Status,Cancelled at,Created at,Currency,Lineitem quantity,Lineitem name,Lineitem price\n' +
    '#1,voided,,2025-01-01 10:00:00 -0500,EUR,0,Mug,14.00\n' + // a removed line carries the status
    '#1,,,,,1,Coaster,5.00\n#1,,,,,1,Pen,3.00\n' +
    '#2,paid,2025-01-03 09:00:00 -0500,2025-01-02 10:00:00 -0500,EUR,two,Mug,14.00\n' + // unreadable quantity, cancel date
    '#2,,,,,1,Coaster,5.00\n#2,,,,,1,Pen,3.00\n' +
    '#3,refunded,,2025-01-03 10:00:00 -0500,EUR,1,,14.00\n' + // no product
    '#3,,,,,1,Coaster,5.00\n#3,,,,,1,Pen,3.00\n' +
    '#4,paid,,2025-01-04 10:00:00 -0500,EUR,1,Mug,abc\n' + // unreadable price: the date and currency are only here
    '#4,,,,,1,Coaster,5.00\n#4,,,,,1,Pen,3.00\n' +
    '#5,paid,,2025-01-05 10:00:00 -0500,,1,Notebook,8.00\n'
  const r = await run(csv)
  t.same(r.summary.rows_skipped, { bad_quantity: 1, missing_product: 1, bad_price: 1 }, 'the three first rows are skipped')
  t.same(r.summary.lines_dropped, { voided: 3, cancelled: 2, refunded: 2 }, 'the voided, cancelled and refunded orders are dropped whole')
  t.same(basketsByTitle(r), ['Coaster×1 | Pen×1', 'Notebook×1'], 'only the paid orders are baskets')
  t.same(Array.from(r.orderTimes ?? []), [Date.parse('2025-01-04T15:00:00Z'), Date.parse('2025-01-05T15:00:00Z')],
    "order #4's date comes from its skipped first row")
  t.equal(r.currency, 'EUR', "order #4's currency comes from its skipped first row")
})

t.test('a return (negative quantity) takes the product out of the same order', async t => {
  const csv = 'order_id,sku,quantity,price\n' +
    '1,A,1,10\n1,B,1,5\n1,B,-1,5\n' + // B bought and returned
    '2,A,2,10\n2,B,3,9\n2,B,-1,9\n' + // partly returned: 2 units of B stay
    '3,B,-1,5\n3,A,1,10\n3,B,1,5\n' + // the return written before the sale
    '4,A,1,10\n4,B,1,9\n' +
    '5,A,-2,10\n' // a refund-only order
  const r = await run(csv)
  t.same(basketsByTitle(r), ['A×1', 'A×2 | B×2', 'A×1', 'A×1 | B×1'], 'returned products leave their baskets; quantities are net')
  t.equal(r.summary.multi_product_orders, 2, 'no bundle evidence from returned items')
  t.same(r.summary.lines_dropped, { refunded: 6 }, 'return lines and the sale lines they cancel count as refunded')
  t.same(r.products.map(p => [p.key, p.price]), [['A', 10], ['B', 9]], 'the price of a returned sale does not count')
  t.equal(r.summary.orders_used, 4, 'the refund-only order is not used')
})

t.test('a line\'s own status counts for that line, whatever the row order', async t => {
  const csv = 'order_id,sku,quantity,status\n' +
    '1,A,1,completed\n1,B,1,refunded\n' +
    '2,B,1,refunded\n2,A,1,completed\n' +
    '3,A,1,refunded\n3,B,1,\n3,C,1,paid\n' // B has no status: it takes its order's (the first one written)
  const r = await run(csv)
  t.same(basketsByTitle(r), ['A×1', 'A×1', 'C×1'], 'refunded lines are dropped by line, the rest of each order is kept')
  t.same(r.summary.lines_dropped, { refunded: 4 }, 'the refunded lines, and the line that takes its order\'s status')

  const reordered = 'order_id,sku,quantity,status\n2,A,1,completed\n1,B,1,refunded\n2,B,1,refunded\n1,A,1,completed\n'
  t.same(basketsByTitle(await run(reordered)), ['A×1', 'A×1'], 'the same lines in another order give the same baskets')

  const graphql = 'order_id,productId,lineItemQuantity,displayFinancialStatus\n' +
    'g1,p1,1,PAID\ng1,p2,1,PAID\ng2,p1,1,VOIDED\ng2,p2,1,VOIDED\ng3,p1,1,PENDING\ng3,p2,1,PAID\n'
  const strict = await ingest(sourceOf(graphql), { dropPending: true })
  t.same(strict.summary.lines_dropped, { voided: 2, pending: 1 }, 'a status repeated on every row works as before; pending is per line too')
  t.same(basketsByTitle(strict), ['p1×1 | p2×1', 'p2×1'], 'only the pending line of g3 is left out')
})

t.test('placeholders in a cancel column (NULL, None, N/A, -, \\N, false, 0) do not cancel', async t => {
  const placeholders = ['NULL', 'None', 'N/A', '-', '\\N', 'null', 'false', 'FALSE', '0', 'no', '', ' ', '0000-00-00 00:00:00', 'nil']
  const marks = ['2025-01-02', '2025-01-02T10:00:00Z', '2025-01-02 10:00:00 -0500', '12/1/2010 8:26', '02.01.2025',
    'Jan 2, 2025', '1735776000', 'true', 'Yes', '1', 'cancelled', 'CANCELED']
  for (const p of placeholders) t.notOk(isCancelMark(p), `"${p}" is not a cancellation`)
  for (const m of marks) t.ok(isCancelMark(m), `"${m}" is a cancellation`)

  let csv = 'order_id,cancelled_at,sku,quantity\n'
  placeholders.forEach((p, i) => { csv += `p${i},${p},A,1\np${i},${p},B,1\n` })
  marks.forEach((m, i) => { csv += `m${i},"${m}",A,1\nm${i},,B,1\n` })
  const r = await run(csv, 'random')
  t.equal(r.summary.orders_used, placeholders.length, 'every order with a placeholder is kept')
  t.same(r.summary.lines_dropped, { cancelled: 2 * marks.length }, 'every order with a date or a flag is cancelled whole')
})

t.test('order ids are trimmed like product keys', async t => {
  const r = await run('order_id,sku,quantity\n2,A,1\n2 ,B,1\n 3,A,1\n3\t,B,1\n"3 ",C,1\n')
  t.equal(r.summary.orders_read, 2, '"2" and "2 " are one order')
  t.same(basketsByTitle(r), ['A×1 | B×1', 'A×1 | B×1 | C×1'], 'ids with spaces or tabs around, quoted or not, join their orders')
})
