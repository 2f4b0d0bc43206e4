// The stuck-job sweep: rows are backdated instead of waiting; a worker that finishes after its upload
// was swept loses (its result is discarded, the upload stays FAILED).
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload } from '../helpers/http.js'
import { processQuickInstall } from '../../src/jobs/process-quick-install.js'
import { sweepStuckJobs } from '../../src/jobs/sweep-stuck-jobs.js'
import crypto from 'node:crypto'
import { engineSourceFor, THREAD_READ_MIN_BYTES } from '../../src/jobs/stored-upload.js'

const CRON_SECRET = 'cron-secret-0123456789abcdef'
// No workers: uploads stay PROCESSING until the test moves them.
const { app, database } = await startTestApp(t, { CRON_SECRET, PROCESSING_TIMEOUT_MINUTES: 10 }, { workers: false })
const shop = (name: string): Record<string, string> => ({ 'x-shop-domain': `${name}.myshopify.com` })
const cron = async (secret = CRON_SECRET) => await app.inject({ method: 'POST', url: '/api/bundles/cron/cleanup-stuck-jobs', headers: { authorization: `Bearer ${secret}` } })

async function startUpload (name: string): Promise<string> {
  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, shop(name))
  if (res.statusCode !== 200) throw new Error(`upload for ${name} failed: ${res.body}`)
  return res.json().job_id
}
const backdate = async (id: string, minutes: number): Promise<void> => {
  await app.db.executeSql(`update csv_uploads set created_at = now() - make_interval(mins => $2) where id = $1`, [id, minutes])
}
const row = async (id: string) => (await app.db.executeSql('select status, error_message from csv_uploads where id = $1', [id])).rows[0]
const chunks = async (id: string) => (await app.db.executeSql('select count(*)::int as n from upload_chunks where upload_id = $1', [id])).rows[0].n

t.test('the cron endpoint fails only uploads processing past the timeout, and deletes their bytes', async (t) => {
  const stuck = await startUpload('stuck')
  const fresh = await startUpload('fresh')
  await backdate(stuck, 11)
  await backdate(fresh, 9)
  // Bytes of a request that died before its upload row was written...
  await app.db.executeSql("insert into upload_chunks (upload_id, seq, data, created_at) values ($1, 0, '\\x00'::bytea, now() - interval '1 hour')", [crypto.randomUUID()])
  // ...and of a slow upload still streaming: its first chunk is old, its newest is not.
  const streaming = crypto.randomUUID()
  await app.db.executeSql("insert into upload_chunks (upload_id, seq, data, created_at) values ($1, 0, '\\x00'::bytea, now() - interval '1 hour'), ($1, 1, '\\x00'::bytea, now())", [streaming])

  const res = await cron()
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json(), { cleaned: 1, message: 'Marked 1 stuck jobs as FAILED' })
  t.same(await row(stuck), { status: 'failed', error_message: 'Processing timed out after 10 minutes' })
  t.equal(await chunks(stuck), 0, 'the swept upload\'s file is deleted')
  t.same(await row(fresh), { status: 'processing', error_message: null }, 'a 9-minute-old upload is left alone')
  t.ok(await chunks(fresh) > 0, 'a running upload keeps its file')
  const orphans = (await app.db.executeSql('select count(*)::int as n from upload_chunks where upload_id not in (select id from csv_uploads)')).rows[0].n
  t.equal(orphans, 2, 'orphaned bytes are deleted; the upload still streaming keeps both its chunks')
  t.equal((await app.db.executeSql('select count(*)::int as n from upload_chunks where upload_id = $1', [streaming])).rows[0].n, 2)
  await app.db.executeSql('delete from upload_chunks where upload_id = $1', [streaming])

  const status = (await app.inject({ url: `/api/bundles/status/${stuck}`, headers: shop('stuck') })).json()
  t.match(status, { status: 'FAILED', error_message: 'Processing timed out after 10 minutes' })
  t.same((await cron()).json(), { cleaned: 0, message: 'Marked 0 stuck jobs as FAILED' }, 'a second sweep finds nothing')
})

t.test('the timeout message uses the configured number of minutes', async (t) => {
  const id = await startUpload('custom-timeout')
  await backdate(id, 4)
  t.equal(await sweepStuckJobs(app.db, new Date(), 3), 2, 'this upload and the 9-minute-old one from the previous test')
  t.equal((await row(id)).error_message, 'Processing timed out after 3 minutes')
})

t.test('a late worker never turns a swept upload into COMPLETED', async (t) => {
  const id = await startUpload('late-worker')
  await backdate(id, 30)
  t.equal((await cron()).json().cleaned, 1)
  const outcome = await processQuickInstall({ db: app.db, log: app.log, signal: new AbortController().signal },
    { id: 'job', data: { upload_id: id, shop_id: 'late-worker.myshopify.com' }, retryCount: 0, retryLimit: 2 })
  t.equal(outcome, 'skipped', 'a worker starting after the sweep does nothing')

  // A worker already past its start when the sweep runs: its final write finds the row failed.
  const racing = await startUpload('late-worker-2')
  const run = processQuickInstall({ db: app.db, log: app.log, signal: new AbortController().signal, now: () => new Date() },
    { id: 'job2', data: { upload_id: racing, shop_id: 'late-worker-2.myshopify.com' }, retryCount: 0, retryLimit: 2 })
  await backdate(racing, 30)
  await sweepStuckJobs(app.db, new Date(), 10)
  const result = await run
  t.ok(result === 'lost' || result === 'skipped', `the late worker lost (${result})`)
  t.same(await row(racing), { status: 'failed', error_message: 'Processing timed out after 10 minutes' })
  const bundles = (await app.db.executeSql('select count(*)::int as n from bundle_recommendations where upload_id = $1', [racing])).rows[0].n
  t.equal(bundles, 0, 'no bundles of the late worker were kept')
})

t.test('without CRON_SECRET the cron endpoint refuses every call', async (t) => {
  const other = await startTestApp(t, {}, { workers: false, database })
  for (const authorization of [undefined, 'Bearer ', 'Bearer undefined', `Bearer ${CRON_SECRET}`]) {
    const res = await other.app.inject({ method: 'POST', url: '/api/bundles/cron/cleanup-stuck-jobs', headers: authorization === undefined ? {} : { authorization } })
    t.equal(res.statusCode, 401, `refused: ${String(authorization)}`)
    t.match(res.json().detail, /no CRON_SECRET is configured/)
  }
})

t.test('a stored file that lost bytes fails with a reason instead of running on a short file', async (t) => {
  const id = await startUpload('short-file')
  await app.db.executeSql('delete from upload_chunks where upload_id = $1', [id])
  await t.rejects(processQuickInstall({ db: app.db, log: app.log, signal: new AbortController().signal },
    { id: 'job3', data: { upload_id: id, shop_id: 'short-file.myshopify.com' }, retryCount: 2, retryLimit: 2 }), /incomplete/)
  const failed = await row(id)
  t.equal(failed.status, 'failed', 'the last attempt records the failure')
  t.match(failed.error_message, /stored file is incomplete \(0 of \d+ bytes\)/)
})

t.test('on Postgres the engine thread reads a large upload itself; a stored file that lost bytes still fails', async (t) => {
  const large = { uploadId: crypto.randomUUID(), gzipped: false, expectedBytes: THREAD_READ_MIN_BYTES }
  t.equal('module' in engineSourceFor(app.db, large), app.db.kind === 'postgres', `${app.db.kind}: the thread reads large uploads only on Postgres`)
  t.notOk('module' in engineSourceFor(app.db, { ...large, expectedBytes: THREAD_READ_MIN_BYTES - 1 }), 'a small upload is read by the main thread')
  // An upload row claiming more bytes than were stored: the thread-side reader finds it short.
  const id = await startUpload('short-large-file')
  await app.db.executeSql('update csv_uploads set bytes_received = $2 where id = $1', [id, THREAD_READ_MIN_BYTES])
  await t.rejects(processQuickInstall({ db: app.db, log: app.log, signal: new AbortController().signal },
    { id: 'job4', data: { upload_id: id, shop_id: 'short-large-file.myshopify.com' }, retryCount: 2, retryLimit: 2 }), /incomplete/)
  t.match((await row(id)).error_message, new RegExp(`stored file is incomplete \\(\\d+ of ${THREAD_READ_MIN_BYTES} bytes\\)`))
})
