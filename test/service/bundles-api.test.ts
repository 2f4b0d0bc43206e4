// GET /api/bundles (paging, sorting, ?job_id=) and the CSV export (streamed, spreadsheet-safe).
import t from 'tap'
import { parseString } from 'fast-csv'
import { startTestApp } from '../helpers/app.js'
import { upload, waitForJob } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'

const { app } = await startTestApp(t)
const h = { 'x-shop-domain': 'bundles.myshopify.com' }

const started = await upload(app, { filename: 'orders.csv', content: readShop(3000, 'generic', 11) }, h)
const jobId: string = started.json().job_id
const finished = await waitForJob(app, jobId, h, 60_000)

async function parseCsv (text: string): Promise<string[][]> {
  return await new Promise((resolve, reject) => {
    const rows: string[][] = []
    parseString(text, { headers: false }).on('data', (r: string[]) => rows.push(r)).on('end', () => resolve(rows)).on('error', reject)
  })
}

t.test('the latest completed install, paged and sorted', async (t) => {
  t.equal(finished.status, 'COMPLETED', JSON.stringify(finished))
  const first = (await app.inject({ url: '/api/bundles?page_size=5', headers: h })).json()
  t.equal(first.job_id, jobId)
  t.equal(first.status, 'COMPLETED')
  t.equal(first.total, finished.processed_count, 'total is the number of bundles created')
  t.equal(first.bundles.length, Math.min(5, first.total))
  t.same(first.bundles.map((b: { rank: number }) => b.rank), [1, 2, 3, 4, 5].slice(0, first.bundles.length), 'rank order by default')
  t.match(first.summary, { format: 'generic-orders', kind: 'orders', orders_used: Number, bundles: { FBT: Number, VOLUME: Number } }, 'the engine summary is kept with the upload')
  const b = first.bundles[0]
  t.match(b, { id: String, type: /^(FBT|VOLUME)$/, items: Array, pricing: Object, score: Number, rank: 1, source: 'orders', reason: String, created_at: String })
  t.match(b.items[0], { key: String, title: String, skus: Array, quantity: Number })

  const second = (await app.inject({ url: '/api/bundles?page_size=5&page=2', headers: h })).json()
  t.same(second.bundles.map((x: { rank: number }) => x.rank), [6, 7, 8, 9, 10].slice(0, second.bundles.length), 'page 2 continues')

  for (const sort of ['score', 'count', 'lift'] as const) {
    const page = (await app.inject({ url: `/api/bundles?page_size=50&sort=${sort}`, headers: h })).json()
    const key = (x: Record<string, any>): number => (sort === 'score' ? x.score : x.stats?.[sort] ?? -Infinity)
    const values = page.bundles.map(key)
    t.same(values, [...values].sort((a: number, b: number) => b - a), `sorted by ${sort}, descending`)
  }
  const byJob = (await app.inject({ url: `/api/bundles?job_id=${jobId}&page_size=1`, headers: h })).json()
  t.equal(byJob.job_id, jobId)
  t.equal((await app.inject({ url: '/api/bundles?page_size=201', headers: h })).statusCode, 400, 'page_size has a maximum')
  t.equal((await app.inject({ url: '/api/bundles?sort=price', headers: h })).statusCode, 400, 'unknown sort')
})

t.test('the export has one row per bundle, items joined', async (t) => {
  const res = await app.inject({ url: '/api/bundles/export.csv', headers: h })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.match(res.headers['content-disposition'], new RegExp(`attachment; filename="bundles-${jobId}.csv"`))
  const rows = await parseCsv(res.body)
  t.equal(rows[0][0], 'rank')
  t.equal(rows.length - 1, finished.processed_count, 'one row per bundle')
  const products = rows[0].indexOf('products')
  t.ok(rows.slice(1).some(r => r[products].includes(' + ')), 'FBT items are joined in one cell')
})

t.test('cells that a spreadsheet would run as formulas are neutralised', async (t) => {
  const hostile = { 'x-shop-domain': 'formulas.myshopify.com' }
  const catalog = 'product_id,name,price\n' +
    '"=HYPERLINK(""http://evil.example"",""x"")",=SUM(A1:A9),10\n' +
    '+cmd,@import,12\n' +
    '-2+3,-minus,8\n' +
    'safe,Plain Mug,9\n'
  const res = await upload(app, { filename: 'catalog.csv', content: catalog }, hostile)
  t.equal(res.statusCode, 200, res.body)
  const done = await waitForJob(app, res.json().job_id, hostile)
  t.equal(done.status, 'COMPLETED', JSON.stringify(done))
  const csv = await app.inject({ url: '/api/bundles/export.csv', headers: hostile })
  const rows = await parseCsv(csv.body)
  const cells = rows.slice(1).flat()
  t.ok(cells.length > 0)
  t.same(cells.filter(c => /^[=+\-@]/.test(c)), [], 'no cell starts with = + - @')
  const keys = rows.slice(1).map(r => r[rows[0].indexOf('product_keys')]).join(' ')
  t.match(keys, /'=HYPERLINK/, 'the formula is kept as text behind a quote')
})
