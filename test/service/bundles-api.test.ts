// GET /api/bundles (paging, sorting, ?job_id=) and the CSV export (streamed, spreadsheet-safe).
import t from 'tap'
import { parseString } from 'fast-csv'
import { sql } from 'drizzle-orm'
import { startTestApp } from '../helpers/app.js'
import { upload, waitForJob } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'
import { JOB_NOT_FOUND } from '../../src/errors.js'

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
  const unknownSort = await app.inject({ url: '/api/bundles?sort=price', headers: h })
  t.same([unknownSort.statusCode, unknownSort.json()], [400, { detail: 'querystring/sort must be equal to one of the allowed values: "rank", "score", "count", "lift"' }],
    'an unknown sort names the allowed ones')
  const farPage = await app.inject({ url: '/api/bundles?page=1e20', headers: h })
  t.same([farPage.statusCode, farPage.json()], [400, { detail: 'querystring/page must be <= 100000' }], 'a page beyond any offset the database takes is a 400, not a 500')
  const lastPage = await app.inject({ url: '/api/bundles?page=100000&page_size=200', headers: h })
  t.same([lastPage.statusCode, lastPage.json().bundles], [200, []], 'the highest page is merely empty')
})

t.test('?job_id= of an install that has no bundles says why, in both routes', async (t) => {
  const other = { 'x-shop-domain': 'no-bundles-yet.myshopify.com' }
  const failed = await upload(app, { filename: 'singles.csv', content: 'order_id,sku\n1,A\n2,B\n3,C\n' }, other)
  const failedId: string = failed.json().job_id
  t.equal((await waitForJob(app, failedId, other)).status, 'FAILED', 'an upload with no co-purchase fails')
  for (const url of [`/api/bundles?job_id=${failedId}`, `/api/bundles/export.csv?job_id=${failedId}`]) {
    const res = await app.inject({ url, headers: other })
    t.same([res.statusCode, res.json()], [404, { detail: `Install ${failedId} has no bundles: it FAILED (GET /api/bundles/status/${failedId} says why).` }], `${url.split('?')[0]}: a failed install`)
  }
  await app.db.executeSql("update csv_uploads set status = 'processing', completed_at = null where id = $1", [failedId])
  const processing = await app.inject({ url: `/api/bundles/export.csv?job_id=${failedId}`, headers: other })
  t.equal(processing.statusCode, 404, 'a processing install')
  t.match(processing.json().detail, /has no bundles yet: it is still processing\. Poll GET \/api\/bundles\/status\//)
  await app.db.executeSql("update csv_uploads set status = 'failed' where id = $1", [failedId])
})

t.test('a URL the router cannot decode answers 400 in the API\'s shape', async (t) => {
  const res = await app.inject({ url: '/api/bundles/status/%zz', headers: h })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { detail: /^Invalid URL: .*%zz.* is not a valid url component\. Percent-encode/ })
  t.same(Object.keys(res.json()), ['detail'], 'only {detail}, no framework fields')
})

t.test('an over-long job id answers like any unknown job; only a broken escape gets the percent-encoding advice', async (t) => {
  const long = await app.inject({ url: `/api/bundles/status/${'a'.repeat(150)}`, headers: h })
  t.same([long.statusCode, long.json()], [404, { detail: JOB_NOT_FOUND }], 'a 150-character id is an unknown job, not a 414')
  const huge = await app.inject({ url: `/api/bundles/status/${'a'.repeat(20_000)}`, headers: h })
  t.same([huge.statusCode, huge.json()], [404, { detail: JOB_NOT_FOUND }], 'so is an id as long as a URL Node accepts')
  // Past what any client can send through Node's parsers the router still refuses before routing.
  const absurd = await app.inject({ url: `/api/bundles/status/${'a'.repeat(70_000)}`, headers: h })
  t.same([absurd.statusCode, absurd.json()], [414, { detail: 'Invalid URL: a path parameter (such as a job id) is too long.' }], 'beyond that, a 414 that says what is too long')
  t.notMatch(absurd.body, /Percent-encode/, 'without advice about escapes')
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

/** Paths of `value` that `schema` (as published: properties, items, nullable) does not describe. */
function undescribed (schema: any, value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object') return []
  if (Array.isArray(value)) return value.flatMap((v, i) => undescribed(schema.items ?? {}, v, `${path}[${i}]`))
  if (schema.properties === undefined) return []
  return Object.entries(value).flatMap(([k, v]) => k in schema.properties ? undescribed(schema.properties[k], v, `${path}.${k}`) : [`${path}.${k}`])
}

t.test('every field of a bundle, its pricing and its tiers included, is described by the published schema', async (t) => {
  const doc = app.swagger() as any
  const page = doc.paths['/api/bundles'].get.responses['200'].content['application/json'].schema
  const bundleSchema = page.properties.bundles.items
  const bundles: Array<Record<string, any>> = (await app.inject({ url: '/api/bundles?page_size=200', headers: h })).json().bundles
  t.ok(bundles.some(b => b.type === 'VOLUME' && Array.isArray(b.pricing.tiers) && b.pricing.tiers.length > 0), 'the page has VOLUME bundles with tiers')
  t.ok(bundles.some(b => b.type === 'FBT'), 'and FBT bundles')
  t.same(bundles.flatMap((b, i) => undescribed(bundleSchema, b, `bundles[${i}]`)), [], 'no field a generated client would not know')
  t.same(bundleSchema.properties.type.enum, ['FBT', 'VOLUME'], 'type is one of the two kinds')
  t.same(bundleSchema.properties.source.enum, ['orders', 'catalog'], 'source is one of the two origins')
  for (const b of bundles) {
    if (!bundleSchema.properties.type.enum.includes(b.type) || !bundleSchema.properties.source.enum.includes(b.source)) t.fail(`bundle ${b.rank}: type ${b.type}, source ${b.source} not in the enums`)
  }
})

// The serializer follows the published pricing schema: a field it typed as a plain number would turn
// an unknown price (null) into 0, and the page would show a bundle for $0.00. What GET /api/bundles
// serves must be the stored pricing, field for field, nulls included.
t.test('a bundle\'s pricing is served as stored, an unknown price as null (not 0)', async (t) => {
  const shop = { 'x-shop-domain': 'no-prices.myshopify.com' }
  const lines = ['order_id,product_id,quantity']
  for (let i = 1; i <= 120; i++) {
    lines.push(`${i},A,${1 + (i % 3)}`, `${i},B,1`)
    if (i % 2 === 0) lines.push(`${i},C,1`)
    if (i % 3 === 0) lines.push(`${i},D,2`)
  }
  const run = await upload(app, { filename: 'no-prices.csv', content: lines.join('\n') + '\n' }, shop)
  t.equal(run.statusCode, 200, run.body)
  const done = await waitForJob(app, run.json().job_id as string, shop, 60_000)
  t.equal(done.status, 'COMPLETED', JSON.stringify(done))
  const served: Array<{ id: string, pricing: Record<string, unknown> }> = (await app.inject({ url: '/api/bundles?page_size=200', headers: shop })).json().bundles
  t.ok(served.length > 0, `${served.length} bundles`)
  t.ok(served.some(b => b.pricing.list_price === null && b.pricing.bundle_price === null), 'a file without prices: list and bundle price unknown (null)')
  t.ok(served.some(b => Array.isArray(b.pricing.tiers) && (b.pricing.tiers as Array<Record<string, unknown>>).some(x => x.unit_price === null && x.total_price === null)), 'and a volume tier\'s prices unknown too')
  const stored = await app.db.orm.execute(sql`select id, pricing from bundle_recommendations where upload_id = ${run.json().job_id as string}`)
  const byId = new Map((stored as unknown as { rows: Array<{ id: string, pricing: unknown }> }).rows.map(r => [r.id, r.pricing]))
  t.same(served.map(b => b.pricing), served.map(b => byId.get(b.id)), 'every bundle\'s pricing as stored')
})
