// An empty upload is refused with what was wrong AND what to send instead, like every other 400.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { upload } from '../helpers/http.js'

const EXPECTED = /Export the orders \(or the product catalog\) again as CSV, with its header row and at least one order or product under it/

t.test('empty files: the 400 says what was wrong and what to send', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  const cases = [
    { name: 'no bytes', content: '', wrong: /The file is empty: it has no header row and no data\./ },
    { name: 'whitespace only', content: ' \r\n\n', wrong: /The file is empty/ },
    { name: 'a header only', content: 'order_id,product_id,quantity\n', wrong: /header row but no data rows/ },
    { name: 'a header and blank lines', content: 'order_id,product_id,quantity\n\n\n', wrong: /header row but no data rows/ }
  ]
  for (const [i, c] of cases.entries()) {
    const res = await upload(app, { filename: 'orders.csv', content: c.content }, { 'x-shop-domain': `empty-${i}.myshopify.com` })
    t.equal(res.statusCode, 400, `${c.name}: 400`)
    const detail = String(res.json().detail)
    t.match(detail, c.wrong, `${c.name}: says what was wrong (${detail})`)
    t.match(detail, EXPECTED, `${c.name}: says what to send instead`)
  }
})
