// The stuck-job sweep: rows are backdated instead of waiting; an attempt is timed from its worker's
// start, an upload still waiting in the queue is not stuck; a worker that finishes after its upload
// was swept loses (its result is discarded, the upload stays FAILED).
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload } from '../helpers/http.js'
import { INTERNAL_FAILURE, processQuickInstall } from '../../src/jobs/process-quick-install.js'
import { ORPHAN_CHUNK_AGE_HOURS, QUEUE_WAIT_LIMIT_HOURS, sweepStuckJobs } from '../../src/jobs/sweep-stuck-jobs.js'
import crypto from 'node:crypto'
import { pino } from 'pino'
import { logCapture } from '../helpers/log-events.js'
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
/** A worker started the upload `minutes` ago (and it was created then). */
const backdate = async (id: string, minutes: number): Promise<void> => {
  await app.db.executeSql(`update csv_uploads set created_at = now() - make_interval(mins => $2), attempt_started_at = now() - make_interval(mins => $2) where id = $1`, [id, minutes])
}
/** The upload was created `minutes` ago and has waited in the queue since (no worker started it). */
const waitingSince = async (id: string, minutes: number): Promise<void> => {
  await app.db.executeSql(`update csv_uploads set created_at = now() - make_interval(mins => $2), attempt_started_at = null where id = $1`, [id, minutes])
}
const attemptStartedAt = async (id: string): Promise<Date | null> =>
  (await app.db.executeSql('select attempt_started_at from csv_uploads where id = $1', [id])).rows[0].attempt_started_at
const jobState = async (id: string): Promise<string> =>
  (await app.db.executeSql("select state::text as state from pgboss.job where name = 'quick-install' and data->>'upload_id' = $1", [id])).rows[0].state
const minutesFrom = (at: Date, minutes: number): Date => new Date(at.getTime() + minutes * 60_000)
const row = async (id: string) => (await app.db.executeSql('select status, error_message from csv_uploads where id = $1', [id])).rows[0]
const chunks = async (id: string) => (await app.db.executeSql('select count(*)::int as n from upload_chunks where upload_id = $1', [id])).rows[0].n

t.test('the cron endpoint fails only uploads processing past the timeout, and deletes their bytes', async (t) => {
  const stuck = await startUpload('stuck')
  const fresh = await startUpload('fresh')
  await backdate(stuck, 11)
  await backdate(fresh, 9)
  // Bytes of a request that died, before its upload row was written, longer ago than the cleanup's cutoff...
  const dayAndHour = ORPHAN_CHUNK_AGE_HOURS + 1
  await app.db.executeSql("insert into upload_chunks (upload_id, seq, data, created_at) values ($1, 0, '\\x00'::bytea, now() - make_interval(hours => $2))", [crypto.randomUUID(), dayAndHour])
  // ...and of a slow upload still streaming: its first chunk is old, its newest is not.
  const streaming = crypto.randomUUID()
  await app.db.executeSql("insert into upload_chunks (upload_id, seq, data, created_at) values ($1, 0, '\\x00'::bytea, now() - make_interval(hours => $2)), ($1, 1, '\\x00'::bytea, now())", [streaming, dayAndHour])

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
  // Past the timeout the upload left alone is swept too: no test after this one finds it running.
  await backdate(fresh, 11)
  t.same((await cron()).json(), { cleaned: 1, message: 'Marked 1 stuck jobs as FAILED' }, 'the 9-minute-old upload, once 11 minutes old')
  t.same(await row(fresh), { status: 'failed', error_message: 'Processing timed out after 10 minutes' })
})

t.test('the timeout message uses the configured number of minutes', async (t) => {
  const over = await startUpload('custom-timeout')
  const under = await startUpload('custom-timeout-under')
  await backdate(over, 4)
  await backdate(under, 2)
  t.equal(await sweepStuckJobs(app.db, new Date(), 3), 1, 'only the upload started 4 minutes ago is past a 3-minute timeout')
  t.equal((await row(over)).error_message, 'Processing timed out after 3 minutes')
  t.same(await row(under), { status: 'processing', error_message: null }, 'the one started 2 minutes ago is left alone')
  t.equal(await sweepStuckJobs(app.db, minutesFrom(new Date(), 2), 3), 1, 'and swept once past the timeout: no test after this one finds it running')
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
  // The worker logs processing_started once it has stamped its start (the sweep times attempts from there).
  const started = logCapture('processing_started')
  const log = pino({ level: 'info' }, started)
  const run = processQuickInstall({ db: app.db, log, signal: new AbortController().signal, now: () => new Date() },
    { id: 'job2', data: { upload_id: racing, shop_id: 'late-worker-2.myshopify.com' }, retryCount: 0, retryLimit: 2 })
  await Promise.race([started.seen, run.then((outcome) => { throw new Error(`the worker ended (${outcome}) without logging processing_started`) })])
  t.not(await attemptStartedAt(racing), null, 'the worker stamped its start before it said so')
  // Move that start back.
  await backdate(racing, 30)
  await sweepStuckJobs(app.db, new Date(), 10)
  const result = await run
  // Past its start the worker can only lose (skipping happens before the start, never after it).
  t.equal(result, 'lost', 'the late worker lost its final write to the sweep')
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

t.test('an unexpected error on the last attempt tells the merchant no internals', async (t) => {
  const id = await startUpload('internal-error')
  // Plain CSV bytes marked as gzip: inflating them fails inside the engine with zlib's own words.
  await app.db.executeSql('update csv_uploads set gzipped = true where id = $1', [id])
  await t.rejects(processQuickInstall({ db: app.db, log: app.log, signal: new AbortController().signal },
    { id: 'job-internal', data: { upload_id: id, shop_id: 'internal-error.myshopify.com' }, retryCount: 2, retryLimit: 2 }), /header/)
  t.same(await row(id), { status: 'failed', error_message: INTERNAL_FAILURE }, 'the generic sentence, not zlib\'s "incorrect header check"')
})

t.test('a result that cannot be written on the last attempt fails the upload and is logged', async (t) => {
  const id = await startUpload('unwritable')
  // The engine succeeds; writing its bundles fails, as a constraint or a lost connection would.
  await app.db.executeSql("create function refuse_bundles () returns trigger language plpgsql as $$ begin raise exception 'bundles refused by the test'; end $$")
  await app.db.executeSql(`create trigger refuse_bundles before insert on bundle_recommendations for each row when (new.upload_id = '${id}') execute function refuse_bundles()`)
  t.teardown(async () => { await app.db.executeSql('drop trigger refuse_bundles on bundle_recommendations; drop function refuse_bundles()') })
  const captured = logCapture()
  const logs = captured.lines
  const log = pino({ level: 'info' }, captured)
  await t.rejects(processQuickInstall({ db: app.db, log, signal: new AbortController().signal },
    { id: 'job-unwritable', data: { upload_id: id, shop_id: 'unwritable.myshopify.com' }, retryCount: 2, retryLimit: 2 }), /bundle_recommendations/)
  t.same(await row(id), { status: 'failed', error_message: INTERNAL_FAILURE }, 'nothing retries the last attempt: the upload is failed now, not left processing for the sweep')
  t.equal(await chunks(id), 0, 'the failed upload\'s file is deleted')
  t.match(logs.filter(l => l.event === 'attempt_failed'), [{ level: 50, job_id: id, final_attempt: true }], 'the failed write is logged for the operator')
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

t.test('an upload still waiting in the queue is not timed out: no worker has started it', async (t) => {
  // The reviewer's reproduction: workers off (a backlog), one upload, a sweep 11 minutes later.
  const id = await startUpload('queued')
  const uploadedAt = new Date()
  t.equal(await sweepStuckJobs(app.db, minutesFrom(uploadedAt, 11), 10), 0, 'no upload is stuck')
  t.same(await row(id), { status: 'processing', error_message: null }, 'an upload waiting 11 minutes in the queue is still processing')
  t.ok(await chunks(id) > 0, 'its file is kept for the worker that will start it')
  t.equal(await jobState(id), 'created', 'its job still waits in the queue')
  t.equal(await sweepStuckJobs(app.db, minutesFrom(uploadedAt, QUEUE_WAIT_LIMIT_HOURS * 60 - 1), 10), 0, `still waiting just under ${QUEUE_WAIT_LIMIT_HOURS} hours`)

  // A queue that never starts it (lost job): failed after the waiting limit, so the shop is not blocked forever.
  t.equal(await sweepStuckJobs(app.db, minutesFrom(uploadedAt, QUEUE_WAIT_LIMIT_HOURS * 60 + 1), 10), 1)
  t.same(await row(id), { status: 'failed', error_message: `Processing never started: the install waited ${QUEUE_WAIT_LIMIT_HOURS} hours in the queue` })
  t.equal(await chunks(id), 0, 'its file is deleted')
  const outcome = await processQuickInstall({ db: app.db, log: app.log, signal: new AbortController().signal },
    { id: 'job5', data: { upload_id: id, shop_id: 'queued.myshopify.com' }, retryCount: 0, retryLimit: 2 })
  t.equal(outcome, 'skipped', 'a worker reaching the job afterwards does nothing')
})

t.test('an attempt is timed from its own start: a handed-back attempt waits again, a retry restarts the clock', async (t) => {
  const id = await startUpload('attempts')
  const data = { upload_id: id, shop_id: 'attempts.myshopify.com' }
  const handedBack = AbortSignal.abort(new Error('instance shutting down'))
  await waitingSince(id, 30)

  // The first attempt starts and is handed back (its instance shut down): pg-boss will retry it.
  await t.rejects(processQuickInstall({ db: app.db, log: app.log, signal: handedBack, shutdown: handedBack }, { id: 'job6', data, retryCount: 0, retryLimit: 2 }))
  t.equal(await attemptStartedAt(id), null, 'a handed-back attempt is no longer timed as running')
  t.equal(await sweepStuckJobs(app.db, minutesFrom(new Date(), 11), 10), 0, 'waiting for its retry is not being stuck')

  // An earlier attempt's instance died without handing it back (kill -9): its start stays behind...
  await app.db.executeSql("update csv_uploads set attempt_started_at = now() - interval '9 minutes' where id = $1", [id])
  // ...until the retry starts: the clock restarts there (this last attempt is lost with its instance too).
  const retryStart = new Date()
  await t.rejects(processQuickInstall({ db: app.db, log: app.log, signal: handedBack, shutdown: handedBack, now: () => retryStart }, { id: 'job6', data, retryCount: 2, retryLimit: 2 }))
  t.equal((await attemptStartedAt(id))?.getTime(), retryStart.getTime(), 'the retry stamped its own start')
  t.equal(await sweepStuckJobs(app.db, minutesFrom(retryStart, 9), 10), 0, 'created 30 minutes ago, but its attempt started 9 minutes before this sweep')
  t.same(await row(id), { status: 'processing', error_message: null })
  t.equal(await sweepStuckJobs(app.db, minutesFrom(retryStart, 11), 10), 1, 'the last attempt, lost with its instance, is failed 10 minutes after it started')
  t.same(await row(id), { status: 'failed', error_message: 'Processing timed out after 10 minutes' })
})

t.test('the cron endpoint ignores whatever body a scheduler sends with the call', async (t) => {
  const url = '/api/bundles/cron/cleanup-stuck-jobs'
  const authorization = `Bearer ${CRON_SECRET}`
  const bodies: Array<[string, Record<string, string>, string | Buffer | undefined]> = [
    ['an empty application/octet-stream body (Cloud Scheduler)', { 'content-type': 'application/octet-stream' }, undefined],
    ['an application/octet-stream body', { 'content-type': 'application/octet-stream' }, Buffer.from('run')],
    ['malformed JSON', { 'content-type': 'application/json' }, '{not json'],
    ['a JSON object', { 'content-type': 'application/json' }, '{"any":"thing"}'],
    ['text/plain', { 'content-type': 'text/plain' }, 'sweep please'],
    ['a body without a content type', {}, 'x']
  ]
  for (const [what, headers, payload] of bodies) {
    const res = await app.inject({ method: 'POST', url, headers: { authorization, ...headers }, payload })
    t.equal(res.statusCode, 200, `${what}: the sweep runs`)
    t.match(res.json(), { cleaned: Number, message: /^Marked \d+ stuck jobs as FAILED$/ })
  }
  const big = await app.inject({ method: 'POST', url, headers: { authorization, 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(2 * 1024 * 1024) })
  t.equal(big.statusCode, 413, 'a body over the body limit is still refused')
  t.match(big.json(), { detail: String })
  const wrong = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' }, payload: '{not json' })
  t.equal(wrong.statusCode, 401, 'without the secret: refused before the body is read')
  const responses = (app.swagger() as any).paths[url].post.responses
  t.same(Object.keys(responses).sort(), ['200', '401', '413', '503'], 'the document lists what the route answers')
})
