// The quick-install contract against the real app and the real engine: the design's scenarios,
// every status shape, the 400/409/413 answers, .csv.gz, zero-bundle failures and cross-shop isolation.
import t from 'tap'
import zlib from 'node:zlib'
import { sql } from 'drizzle-orm'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload, waitFor, waitForJob } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'
import { runEngineInWorker } from '../../src/engine/run-in-worker.js'
import { JOB_NOT_FOUND } from '../../src/errors.js'

// These tests rewrite rows with SQL and read the status at once: status is read from the database
// (the in-memory status cache and its change announcements are tested in latest-uploads.test.ts).
const { app: firstApp } = await startTestApp(t, { MAX_UPLOAD_MB: 0.1, MAX_INFLATED_MB: 0.5, STATUS_CACHE_SECONDS: 0 })
const app = firstApp
const shop = (name: string): Record<string, string> => ({ 'x-shop-domain': `${name}.myshopify.com` })
const status = async (headers: Record<string, string>) => (await app.inject({ url: '/api/bundles/quick-install/status', headers })).json()
const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000 - 60_000)

/** A generated shop with planted bundles: enough evidence for FBT bundles. */
const ORDERS = readShop(300)
const ORDER_LINES = ORDERS.toString().trim().split('\n').length - 1

// The design's scenario 1 asserts COMPLETED 2 s after the upload. A wall-clock deadline fails on a busy
// shared machine whatever the service does, so this proves the mechanism behind that latency instead:
// the worker is woken by the enqueue, not found by its next poll. This app polls only once a minute,
// so a job finished well inside that minute was picked up because the upload woke the worker. The
// latency itself (picked up and COMPLETED on an idle server) is measured by `npm run bench:load`.
const WORKER_POLL_SECONDS = 60
t.test('design scenario 1: an upload answers PROCESSING at once and wakes the worker, which completes it without waiting for a poll', async (t) => {
  const { app: slowPoller } = await startTestApp(t, { WORKER_POLL_SECONDS, STATUS_CACHE_SECONDS: 0 })
  // Under tsx the engine thread compiles its TypeScript on first use (the compiled build does not);
  // an idle, running service has done that already.
  await runEngineInWorker((async function * () { yield Buffer.from(TINY_CATALOG) })())
  const h = shop('scenario-one')
  const res = await upload(slowPoller, { filename: 'products.csv', content: TINY_CATALOG }, h)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.match(body, { status: 'PROCESSING', message: 'Quick install started. Bundles are being generated...', is_retry: false })
  t.match(body.job_id, /^[0-9a-f-]{36}$/)
  // Half the poll interval: ample for a one-line catalog even on a loaded machine, and still before
  // the worker's first poll after its start-up fetch could have found the job.
  const done = await waitFor(`COMPLETED before the worker's next poll (${WORKER_POLL_SECONDS} s): the enqueue did not wake it`, async () => {
    const s = (await slowPoller.inject({ url: `/api/bundles/status/${body.job_id}`, headers: h })).json()
    return s.status === 'COMPLETED' ? s : undefined
  }, WORKER_POLL_SECONDS * 1000 / 2, 25)
  t.ok(done.processed_count > 0, 'COMPLETED means bundles exist')
  t.equal(done.error_message, null)
  t.match(done.processed_at, /Z$/)
})

t.test('design scenario 2: a second upload while processing or within the cooldown answers 409', async (t) => {
  const h = shop('scenario-two')
  // Processing: a row the worker has not finished yet (inserted directly, no job needed for the 409).
  const id = crypto.randomUUID()
  await app.db.orm.execute(sql`insert into csv_uploads (id, shop_id, filename, status, processing_params, created_at, updated_at)
    values (${id}, 'scenario-two.myshopify.com', 'quick_install_x.csv', 'processing', '{}'::jsonb, now() - interval '42 seconds', now())`)
  const busy = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.equal(busy.statusCode, 409)
  const detail = busy.json().detail
  t.match(detail, { error: 'ALREADY_PROCESSING', job_id: id, status: 'PROCESSING' })
  t.ok(detail.elapsed_seconds >= 42, 'elapsed_seconds counts from the upload')
  t.match(detail.started_at, /Z$/)
  t.type(detail.message, 'string')

  // Completed 3 days ago: 409 ALREADY_COMPLETED with the cooldown arithmetic.
  const completedAt = daysAgo(3)
  await app.db.orm.execute(sql`update csv_uploads set status = 'completed', processed_rows = 4, completed_at = ${completedAt} where id = ${id}`)
  const done = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.equal(done.statusCode, 409)
  t.same(done.json().detail, {
    error: 'ALREADY_COMPLETED',
    job_id: id,
    completed_at: completedAt.toISOString(),
    bundles_created: 4,
    days_since_install: 3,
    can_retry_in_days: 27,
    message: 'Quick install completed 3 days ago. You can run it again in 27 days.'
  }, 'the 409 names the install, when it completed (as stored) and the days left')
})

t.test('one day of cooldown left is "1 day", not "1 days", in the status and in the 409', async (t) => {
  const h = shop('one-day-left')
  const id = crypto.randomUUID()
  // Completed 30 days minus a minute ago: 29 whole days since, 1 left.
  await app.db.orm.execute(sql`insert into csv_uploads (id, shop_id, filename, status, processing_params, processed_rows, completed_at, created_at, updated_at)
    values (${id}, 'one-day-left.myshopify.com', 'quick_install_x.csv', 'completed', '{}'::jsonb, 1, now() - interval '30 days' + interval '1 minute', now() - interval '30 days', now())`)
  t.match(await status(h), { can_run: false, days_since_install: 29, can_retry_in_days: 1, message: 'Quick install completed - Can retry in 1 day' }, 'the status message')
  const refused = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.equal(refused.statusCode, 409, refused.body)
  t.match(refused.json().detail, { can_retry_in_days: 1, message: 'Quick install completed 29 days ago. You can run it again in 1 day.' }, 'the 409 message')
  await app.db.orm.execute(sql`update csv_uploads set completed_at = now() - interval '1 day' - interval '1 minute' where id = ${id}`)
  const dayOld = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.match(dayOld.json().detail, { days_since_install: 1, message: 'Quick install completed 1 day ago. You can run it again in 29 days.' }, 'one day since the install')
  await app.db.orm.execute(sql`update csv_uploads set completed_at = now() - interval '1 hour' where id = ${id}`)
  const sameDay = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.match(sameDay.json().detail, { days_since_install: 0, message: 'Quick install completed today. You can run it again in 30 days.' }, 'an install of today is not "0 days ago"')
})

t.test('design scenario 3: the status endpoint walks through its five shapes', async (t) => {
  const h = shop('five-shapes')
  t.same(await status(h), { has_quick_install: false, can_run: true, message: 'Quick install has not been run for this shop' }, 'never run')

  const id = crypto.randomUUID()
  await app.db.orm.execute(sql`insert into csv_uploads (id, shop_id, filename, status, processing_params, created_at, updated_at)
    values (${id}, 'five-shapes.myshopify.com', 'quick_install_x.csv', 'processing', '{}'::jsonb, now() - interval '5 seconds', now())`)
  t.match(await status(h), { has_quick_install: true, can_run: false, status: 'PROCESSING', job_id: id, elapsed_seconds: Number }, 'processing')

  await app.db.orm.execute(sql`update csv_uploads set status = 'completed', processed_rows = 7, completed_at = ${daysAgo(10)} where id = ${id}`)
  t.match(await status(h), { has_quick_install: true, can_run: false, status: 'COMPLETED', days_since_install: 10, can_retry_in_days: 20, bundles_created: 7, message: 'Quick install completed - Can retry in 20 days' }, 'completed within cooldown')

  await app.db.orm.execute(sql`update csv_uploads set completed_at = ${daysAgo(31)} where id = ${id}`)
  t.match(await status(h), { has_quick_install: true, can_run: true, status: 'COMPLETED', days_since_install: 31, can_retry_in_days: 0 }, 'completed after cooldown')

  await app.db.orm.execute(sql`update csv_uploads set status = 'failed', error_message = 'Processing timed out after 10 minutes' where id = ${id}`)
  t.match(await status(h), { has_quick_install: true, can_run: true, status: 'FAILED', error_message: 'Processing timed out after 10 minutes', message: 'Quick install failed. You can try again.', last_completed_job_id: null }, 'failed, and no install ever completed')

  // After a failure a new upload is allowed at once and flagged as a retry.
  const retry = await upload(app, { filename: 'again.csv', content: ORDERS }, h)
  t.equal(retry.statusCode, 200, retry.body)
  t.equal(retry.json().is_retry, true)
  const finished = await waitForJob(app, retry.json().job_id, h)
  t.equal(finished.status, 'COMPLETED', JSON.stringify(finished))

  // A later run fails after the cooldown: the status names the install whose bundles are still served.
  const later = crypto.randomUUID()
  await app.db.orm.execute(sql`update csv_uploads set completed_at = ${daysAgo(31)} where id = ${retry.json().job_id as string}`)
  await app.db.orm.execute(sql`insert into csv_uploads (id, shop_id, filename, status, processing_params, error_message, created_at, updated_at)
    values (${later}, 'five-shapes.myshopify.com', 'quick_install_y.csv', 'failed', '{}'::jsonb, 'No order had two or more products', now(), now())`)
  t.match(await status(h), { status: 'FAILED', job_id: later, last_completed_job_id: retry.json().job_id }, 'failed after an earlier completed install: its job id')
  const served = await app.inject({ url: '/api/bundles', headers: h })
  t.equal(served.json().job_id, retry.json().job_id, 'the very install GET /api/bundles serves')
})

t.test('bad files answer 400 with what was wrong', async (t) => {
  const h = shop('bad-files')
  const required = 'Invalid file: CSV file required: '
  const missing = await app.inject({ method: 'POST', url: '/api/bundles/quick-install', headers: h })
  t.same([missing.statusCode, missing.json()], [400, { detail: `${required}send it as multipart/form-data, in the field "file".` }], 'not multipart at all')
  const rawCsv = await app.inject({ method: 'POST', url: '/api/bundles/quick-install', headers: { ...h, 'content-type': 'text/csv' }, payload: TINY_CATALOG })
  t.same([rawCsv.statusCode, rawCsv.json()], [400, missing.json()], 'a raw text/csv body: the same, it must be multipart')
  const bigJson = await app.inject({ method: 'POST', url: '/api/bundles/quick-install', headers: { ...h, 'content-type': 'application/json' }, payload: JSON.stringify({ csv: 'x'.repeat(2 * 1024 * 1024) }) })
  t.same([bigJson.statusCode, bigJson.json()], [400, missing.json()], 'a JSON body over the body limit: the same, not "File too large" (the file limit is far higher)')
  const noFile = await upload(app, [], h)
  t.same([noFile.statusCode, noFile.json()], [400, { detail: `${required}the request has no file; send one in the multipart field "file".` }], 'no file part')
  const otherField = await upload(app, { field: 'upload', filename: 'a.csv', content: TINY_CATALOG }, h)
  t.same([otherField.statusCode, otherField.json()], [400, { detail: `${required}the file came in the multipart field "upload"; send it in the field "file".` }], 'file under another field name')
  const txt = await upload(app, { filename: 'orders.txt', content: TINY_CATALOG }, h)
  t.same([txt.statusCode, txt.json()], [400, { detail: `${required}the file name "orders.txt" does not end in .csv or .csv.gz; export the orders as CSV.` }], 'not a .csv name')
  const two = await upload(app, [{ filename: 'a.csv', content: TINY_CATALOG }, { filename: 'b.csv', content: TINY_CATALOG }], h)
  t.equal(two.statusCode, 400, 'two files')

  const empty = await upload(app, { filename: 'empty.csv', content: '' }, h)
  t.equal(empty.statusCode, 400, 'empty file')
  t.match(empty.json().detail, /empty/i)
  const headerOnly = await upload(app, { filename: 'header.csv', content: 'order_id,product_id,quantity\n' }, h)
  t.equal(headerOnly.statusCode, 400, 'header only')
  t.match(headerOnly.json().detail, /no data rows/i)
  const unknown = await upload(app, { filename: 'weird.csv', content: 'colour,mood\nred,happy\n' }, h)
  t.equal(unknown.statusCode, 400, 'unrecognised columns')
  t.match(unknown.json().detail, /colour/, 'names the columns found')
  t.match(unknown.json().detail, /product/i, 'says what was expected')

  t.same(await status(h), { has_quick_install: false, can_run: true, message: 'Quick install has not been run for this shop' }, 'no rejected file left an upload behind')
  const chunks = await app.db.executeSql('select count(*)::int as n from upload_chunks')
  t.equal(chunks.rows[0].n, 0, 'no rejected file left bytes behind')
})

t.test('413 over MAX_UPLOAD_MB and for a .csv.gz that inflates past MAX_INFLATED_MB', async (t) => {
  const h = shop('too-big')
  const big = 'product_id,name\n' + Array.from({ length: 10000 }, (_, i) => `${i},Product number ${i}`).join('\n') + '\n'
  t.ok(big.length > 0.1 * 1024 * 1024, 'fixture is over the 0.1 MB test limit')
  const res = await upload(app, { filename: 'big.csv', content: big }, h)
  t.equal(res.statusCode, 413, res.body)
  t.match(res.json().detail, /too large.*0\.1 MB/i)

  const bomb = zlib.gzipSync(Buffer.concat([Buffer.from('product_id,name\n'), Buffer.alloc(1024 * 1024, 0x61)]))
  t.ok(bomb.length < 0.1 * 1024 * 1024, 'the bomb itself is small')
  const inflated = await upload(app, { filename: 'bomb.csv.gz', content: bomb, contentType: 'application/gzip' }, h)
  t.equal(inflated.statusCode, 413, inflated.body)
  t.match(inflated.json().detail, /inflates past/)
  const notGzip = await upload(app, { filename: 'fake.csv.gz', content: TINY_CATALOG }, h)
  t.same([notGzip.statusCode, notGzip.json()], [400, { detail: 'Invalid file: the file is named .gz but is not gzip data. Name a plain CSV export .csv, or compress it (gzip) to send it as .csv.gz.' }], 'plain text named .csv.gz')
  const chunks = await app.db.executeSql('select count(*)::int as n from upload_chunks')
  t.equal(chunks.rows[0].n, 0, 'nothing staged is left')
})

t.test('a .csv.gz upload is stored compressed, inflated by the worker, and completes', async (t) => {
  const h = shop('gzipped')
  const gz = zlib.gzipSync(ORDERS)
  const res = await upload(app, { filename: 'orders.csv.gz', content: gz, contentType: 'application/gzip' }, h)
  t.equal(res.statusCode, 200, res.body)
  const done = await waitForJob(app, res.json().job_id, h)
  t.equal(done.status, 'COMPLETED', JSON.stringify(done))
  const row = (await app.db.executeSql('select gzipped, bytes_received, total_rows, filename, csv_type, processing_params from csv_uploads where id = $1', [res.json().job_id])).rows[0]
  t.equal(row.gzipped, true)
  t.equal(Number(row.bytes_received), gz.length, 'bytes as received')
  t.equal(row.total_rows, ORDER_LINES)
  t.match(row.filename, /^quick_install_\d{8}T\d{6}Z\.csv$/)
  t.equal(row.csv_type, 'quick_install')
  t.match(row.processing_params, { source: 'quick_install', file_name: 'orders.csv.gz', row_count: ORDER_LINES, content_encoding: 'gzip' })
  const chunks = await app.db.executeSql('select count(*)::int as n from upload_chunks where upload_id = $1', [res.json().job_id])
  t.equal(chunks.rows[0].n, 0, 'the file is deleted once the install completes')
})

t.test('a gzip file named .csv is inflated as if named .csv.gz; broken or doubled gzip says so', async (t) => {
  const h = shop('gzip-named-csv')
  const gz = zlib.gzipSync(ORDERS)
  const res = await upload(app, { filename: 'orders.csv', content: gz }, h)
  t.equal(res.statusCode, 200, `a valid gzip under a .csv name is accepted: ${res.body}`)
  const done = await waitForJob(app, res.json().job_id, h)
  t.equal(done.status, 'COMPLETED', JSON.stringify(done))
  const row = (await app.db.executeSql('select gzipped, bytes_received, total_rows, processing_params from csv_uploads where id = $1', [res.json().job_id])).rows[0]
  t.same([row.gzipped, Number(row.bytes_received), row.total_rows], [true, gz.length, ORDER_LINES], 'stored as received, gzip, every row counted')
  t.match(row.processing_params, { file_name: 'orders.csv', content_encoding: 'gzip' })

  const other = shop('gzip-named-csv-refused')
  const corrupt = await upload(app, { filename: 'orders.csv', content: Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), crypto.getRandomValues(Buffer.alloc(3000))]) }, other)
  t.same([corrupt.statusCode, corrupt.json()], [400, { detail: 'Invalid file: the file is gzip-compressed but could not be unpacked: it is damaged or cut off. Compress the CSV export again, or send it uncompressed as .csv.' }],
    'a corrupt gzip under a .csv name')
  const bomb = zlib.gzipSync(Buffer.concat([Buffer.from('product_id,name\n'), Buffer.alloc(1024 * 1024, 0x61)]))
  const inflated = await upload(app, { filename: 'bomb.csv', content: bomb }, other)
  t.equal(inflated.statusCode, 413, `MAX_INFLATED_MB holds under a .csv name too: ${inflated.body}`)
  t.match(inflated.json().detail, /inflates past the 0\.5 MB limit/)
  const twice = await upload(app, { filename: 'orders.csv.gz', content: zlib.gzipSync(gz) }, other)
  t.equal(twice.statusCode, 400, twice.body)
  t.match(twice.json().detail, /compressed twice\?\)\. Unpack it to the plain \.csv export/, 'gzip inside gzip says so, not "save it as CSV"')
  t.notMatch(twice.json().detail, /spreadsheet/)
  const chunks = await app.db.executeSql('select count(*)::int as n from upload_chunks')
  t.equal(chunks.rows[0].n, 0, 'nothing refused is left staged')
})

t.test('a run with no co-purchase evidence ends FAILED with the reason, and does not start the cooldown', async (t) => {
  const h = shop('single-items')
  const singles = 'order_id,product_id,quantity\n' + Array.from({ length: 30 }, (_, i) => `${i},p${i % 7},1`).join('\n') + '\n'
  const res = await upload(app, { filename: 'singles.csv', content: singles }, h)
  t.equal(res.statusCode, 200, res.body)
  const done = await waitForJob(app, res.json().job_id, h)
  t.equal(done.status, 'FAILED')
  t.match(done.error_message, /two or more/i, 'says why')
  t.equal(done.processed_count, 0)
  t.match(await status(h), { status: 'FAILED', can_run: true })
})

t.test('another shop\'s job answers 404 exactly like an unknown id', async (t) => {
  const owner = shop('owner')
  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, owner)
  const jobId = res.json().job_id
  await waitForJob(app, jobId, owner)
  const theirs = await app.inject({ url: `/api/bundles/status/${jobId}`, headers: shop('intruder') })
  const unknown = await app.inject({ url: `/api/bundles/status/${crypto.randomUUID()}`, headers: shop('intruder') })
  const garbage = await app.inject({ url: '/api/bundles/status/not-a-uuid', headers: shop('intruder') })
  t.equal(theirs.statusCode, 404)
  t.same([theirs.statusCode, theirs.json()], [unknown.statusCode, unknown.json()], 'same answer as an unknown id')
  t.same([garbage.statusCode, garbage.json()], [unknown.statusCode, unknown.json()], 'same answer for a malformed id')
  const bundles = await app.inject({ url: `/api/bundles?job_id=${jobId}`, headers: shop('intruder') })
  t.same([bundles.statusCode, bundles.json()], [404, { detail: JOB_NOT_FOUND }], 'bundles of another shop\'s job are not found either')
  const csv = await app.inject({ url: `/api/bundles/export.csv?job_id=${jobId}`, headers: shop('intruder') })
  t.equal(csv.statusCode, 404)
})

t.test('a job id is found in any case, by its owner only', async (t) => {
  const owner = shop('uppercase-owner')
  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, owner)
  const jobId: string = res.json().job_id
  await waitForJob(app, jobId, owner)
  const upper = jobId.toUpperCase()
  const byUpper = await app.inject({ url: `/api/bundles/status/${upper}`, headers: owner })
  t.equal(byUpper.statusCode, 200, `GET /api/bundles/status/${upper} finds the owner's job: ${byUpper.body}`)
  t.equal(byUpper.json().job_id, jobId, 'and names it in lower case')
  const bundles = await app.inject({ url: `/api/bundles?job_id=${upper}`, headers: owner })
  t.equal(bundles.statusCode, 200, `GET /api/bundles?job_id=${upper} serves the owner's bundles: ${bundles.body}`)
  const theirs = await app.inject({ url: `/api/bundles/status/${upper}`, headers: shop('intruder') })
  t.same([theirs.statusCode, theirs.json()], [404, { detail: JOB_NOT_FOUND }], 'another shop gets 404 in upper case too')
})
