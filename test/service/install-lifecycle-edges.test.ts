// Edges of an install's life that the main quick-install tests pass over: the day the cooldown ends,
// which install is "the latest" (completed, or of any status), error_count, a failed install's file,
// and sort=score as its own order. Rows are backdated with SQL instead of waiting.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload, waitForJob } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'

// Status is read from the database at once after SQL rewrites (no status cache).
const { app } = await startTestApp(t, { STATUS_CACHE_SECONDS: 0 })
const shop = (name: string): Record<string, string> => ({ 'x-shop-domain': `${name}.myshopify.com` })
const DAY_MS = 86_400_000
/** `days` whole days and one minute ago, so the day count is exactly `days`. */
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY_MS - 60_000)
const ORDERS = readShop(300)
const SINGLES = 'order_id,product_id,quantity\n' + Array.from({ length: 30 }, (_, i) => `${i},p${i % 7},1`).join('\n') + '\n'

/** A completed install of `shop`, inserted directly, completed at `completedAt`. */
async function completedInstall (shopId: string, completedAt: Date, bundles = 4): Promise<string> {
  const id = crypto.randomUUID()
  await app.db.executeSql(`insert into csv_uploads (id, shop_id, filename, status, processing_params, processed_rows, created_at, updated_at, completed_at)
    values ($1, $2, 'quick_install_x.csv', 'completed', '{}'::jsonb, $3, $4, $4, $4)`, [id, shopId, bundles, completedAt])
  return id
}

/** Uploads `content` for the shop and waits for the job to finish; fails the test on a non-200. */
async function install (t: Tap.Test, h: Record<string, string>, content: string | Buffer, expected: 'COMPLETED' | 'FAILED'): Promise<string> {
  const res = await upload(app, { filename: 'orders.csv', content }, h)
  t.equal(res.statusCode, 200, `upload accepted: ${res.body}`)
  const jobId: string = res.json().job_id
  const done = await waitForJob(app, jobId, h)
  t.equal(done.status, expected, `install ${jobId} ends ${expected}: ${JSON.stringify(done)}`)
  return jobId
}

t.test('the cooldown ends after exactly QUICK_INSTALL_COOLDOWN_DAYS days', async (t) => {
  t.equal(app.config.QUICK_INSTALL_COOLDOWN_DAYS, 30, 'the default cooldown these numbers assume')
  // 29 days after the install: one day left.
  const recent = shop('cooldown-29')
  const id = await completedInstall('cooldown-29.myshopify.com', daysAgo(29))
  const blocked = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, recent)
  t.equal(blocked.statusCode, 409, `29 days after an install a new one is refused: ${blocked.body}`)
  const completedAt = (await app.db.executeSql('select completed_at from csv_uploads where id = $1', [id])).rows[0].completed_at as Date
  t.same(blocked.json().detail, {
    error: 'ALREADY_COMPLETED',
    job_id: id,
    completed_at: completedAt.toISOString(),
    bundles_created: 4,
    days_since_install: 29,
    can_retry_in_days: 1,
    message: 'Quick install completed 29 days ago. You can run it again in 1 day.'
  }, 'the 409 names the install and one day left')

  // 31 days after the install: the cooldown is over, the new install is a fresh one (not a retry).
  const old = shop('cooldown-31')
  await completedInstall('cooldown-31.myshopify.com', daysAgo(31))
  const allowed = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, old)
  t.equal(allowed.statusCode, 200, `31 days after an install a new one starts (cooldown over, can_retry_in_days 0): ${allowed.body}`)
  t.equal(allowed.json().is_retry, false, 'a new install after a completed one is not a retry')
  await waitForJob(app, allowed.json().job_id, old)
})

t.test('"latest" means the newest: completed installs for the bundles, any upload for the status', async (t) => {
  const h = shop('two-installs')
  const first = await install(t, h, ORDERS, 'COMPLETED')
  // The first install is 40 days old: past the cooldown, and clearly older than the second.
  await app.db.executeSql('update csv_uploads set created_at = $2, updated_at = $2, completed_at = $2 where id = $1', [first, daysAgo(40)])
  const second = await install(t, h, ORDERS, 'COMPLETED')

  const page = await app.inject({ url: '/api/bundles?page_size=1', headers: h })
  t.equal(page.statusCode, 200, page.body)
  t.equal(page.json().job_id, second, 'GET /api/bundles serves the newest completed install, not the 40-day-old one')
  const csv = await app.inject({ url: '/api/bundles/export.csv', headers: h })
  t.equal(csv.statusCode, 200)
  t.equal(csv.headers['content-disposition'], `attachment; filename="bundles-${second}.csv"`, 'the export is of the newest completed install')

  // A failed install (an hour ago) and its retry: the status follows the retry.
  const r = shop('failed-then-retry')
  const failed = await install(t, r, SINGLES, 'FAILED')
  await app.db.executeSql("update csv_uploads set created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' where id = $1", [failed])
  const retryRes = await upload(app, { filename: 'orders.csv', content: ORDERS }, r)
  t.equal(retryRes.statusCode, 200, retryRes.body)
  t.equal(retryRes.json().is_retry, true, 'the upload after a failure is a retry')
  const retry: string = retryRes.json().job_id
  t.match((await app.inject({ url: '/api/bundles/quick-install/status', headers: r })).json(), { job_id: retry, status: 'PROCESSING' },
    'while the retry runs the status is the retry\'s, not the failed install\'s')
  t.equal((await waitForJob(app, retry, r)).status, 'COMPLETED', 'the retry completes')
  t.match((await app.inject({ url: '/api/bundles/quick-install/status', headers: r })).json(), { job_id: retry, status: 'COMPLETED' },
    'after it the status is the retry\'s')
})

t.test('error_count is the number of rows skipped as unreadable', async (t) => {
  const h = shop('unreadable-rows')
  const text = ORDERS.toString()
  const header = text.slice(0, text.indexOf('\n')).split(',')
  t.same(header.slice(7, 9), ['quantity', 'price'], 'the generated file\'s quantity and price columns, which the bad rows spoil')
  const good = text.split('\n')[1].split(',')
  const spoil = (order: string, column: number, value: string): string => good.map((cell, i) => i === 0 ? order : i === column ? value : cell).join(',')
  const withBadRows = text.trimEnd() + '\n' + spoil('990001', 7, 'two') + '\n' + spoil('990002', 8, 'cheap') + '\n'
  const jobId = await install(t, h, withBadRows, 'COMPLETED')
  const status = (await app.inject({ url: `/api/bundles/status/${jobId}`, headers: h })).json()
  const summary = (await app.db.executeSql('select summary from csv_uploads where id = $1', [jobId])).rows[0].summary
  t.same(summary.rows_skipped, { bad_quantity: 1, bad_price: 1 }, 'ingest skipped the two spoiled rows')
  t.equal(status.error_count, 2, 'error_count sums summary.rows_skipped over its reasons')
})

t.test('a failed install\'s file is deleted', async (t) => {
  const h = shop('failed-file')
  const jobId = await install(t, h, SINGLES, 'FAILED')
  const chunks = (await app.db.executeSql('select count(*)::int as n from upload_chunks where upload_id = $1', [jobId])).rows[0].n
  t.equal(chunks, 0, 'no stored bytes of the failed install are left (the file holds customer data)')
})

t.test('sort=score orders by score, not by rank', async (t) => {
  const h = shop('sort-by-score')
  const jobId = await install(t, h, ORDERS, 'COMPLETED')
  // Scores now rise with rank (strictly: no tie for the rank tiebreak to decide), so by score the
  // ranks come out in reverse.
  await app.db.executeSql('update bundle_recommendations set score = rank where upload_id = $1', [jobId])
  const total = (await app.db.executeSql('select count(*)::int as n from bundle_recommendations where upload_id = $1', [jobId])).rows[0].n
  t.ok(total >= 2, `at least two bundles to order (${total})`)
  const page = (await app.inject({ url: '/api/bundles?sort=score&page_size=200', headers: h })).json()
  const ranks = page.bundles.map((b: { rank: number }) => b.rank)
  t.same(ranks, Array.from({ length: total }, (_, i) => total - i), 'highest score first, which is the last rank')
})
