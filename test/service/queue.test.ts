// pg-boss behaviour on this file's database: the scheduled sweep fires by itself (short intervals via
// configuration), a shutdown in the middle of a job hands the upload back to the queue as a fresh job
// (whatever its retries), where the next instance finishes it exactly once, an attempt stopped at its
// expiry is retried or, on its last attempt, failed at once, and a job fetched just as the workers stop
// still runs before the database closes.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { pino } from 'pino'
import { QUICK_INSTALL_QUEUE } from '../../src/jobs/queues.js'
import { processQuickInstall } from '../../src/jobs/process-quick-install.js'
import type { Database } from '../../db/database.js'
import { startTestApp, testConfig } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'
import { TINY_CATALOG, upload, waitFor, waitForJob } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'
import { logCapture } from '../helpers/log-events.js'

t.test('the scheduled sweep runs without any outside scheduler', async (t) => {
  // The stuck row exists before the instance starts: pg-boss fires a due schedule at start-up, and
  // then at most once per minute.
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const id = crypto.randomUUID()
  const db = await database.open()
  await db.migrate()
  // An attempt that started 11 minutes ago and never finished.
  await db.executeSql(`insert into csv_uploads (id, shop_id, filename, status, processing_params, created_at, attempt_started_at, updated_at)
    values ($1, 'scheduled.myshopify.com', 'quick_install_x.csv', 'processing', '{}'::jsonb, now() - interval '11 minutes', now() - interval '11 minutes', now())`, [id])
  await db.close()
  const { app } = await startTestApp(t, { SWEEP_CRON: '* * * * *', BOSS_CRON_INTERVAL_SECONDS: 1 }, { database })
  const swept = await waitFor('the scheduled sweep to fail the backdated upload', async () => {
    const row = (await app.db.executeSql('select status, error_message from csv_uploads where id = $1', [id])).rows[0]
    return row.status === 'failed' ? row : undefined
  }, 30_000, 200)
  t.same(swept, { status: 'failed', error_message: 'Processing timed out after 10 minutes' })
  const schedules = (await app.db.executeSql('select name, cron from pgboss.schedule')).rows
  t.same(schedules, [{ name: 'sweep-stuck-jobs', cron: '* * * * *' }], 'one schedule, whatever the number of instances')
})

t.test('shutdown mid-job hands the job back, even on its last attempt; the next instance completes it exactly once', async (t) => {
  // No retries at all: a hand-back must not need one (it is not the upload's failure).
  const settings = { SHUTDOWN_TIMEOUT_SECONDS: 1, QUEUE_RETRY_LIMIT: 0 }
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  // The worker logs processing_started once it has stamped its attempt: the job is running from then.
  const stream = logCapture('processing_started')
  const logs = stream.lines
  const app = await buildApp({ config: testConfig(database, settings), database: await database.open() }, { logger: { level: 'info', stream } })
  const h = { 'x-shop-domain': 'restarting.myshopify.com' }
  const res = await upload(app, { filename: 'orders.csv', content: readShop(30000, 'shopify-orders', 5) }, h)
  t.equal(res.statusCode, 200, res.body)
  const jobId = res.json().job_id
  let noStart: NodeJS.Timeout | undefined
  await Promise.race([stream.seen, new Promise((_resolve, reject) => { noStart = setTimeout(() => reject(new Error('the job never started: no processing_started log line within 60 s')), 60_000) })])
  clearTimeout(noStart)
  t.equal(app.workers.active(), 1, 'the job is running when the instance shuts down')
  await app.close()

  const afterStop = (await database.open())
  try {
    const upload = (await afterStop.executeSql('select status, attempt_started_at from csv_uploads where id = $1', [jobId])).rows[0]
    t.equal(upload.status, 'processing', 'the upload is neither completed nor failed by the shutdown')
    t.equal(upload.attempt_started_at, null, 'it waits in the queue again: the sweep does not time it as running')
    const jobs = (await afterStop.executeSql(`select state, retry_count, retry_limit, output from pgboss.job
      where name = 'quick-install' and data->>'upload_id' = $1 order by created_on`, [jobId])).rows
    t.match(jobs, [
      { state: 'completed', retry_count: 0, retry_limit: 0, output: { handed_back: true } },
      { state: 'created', retry_count: 0, retry_limit: 0 }
    ], 'the interrupted job is completed (no retry used) and a fresh job waits for the next instance')
    t.equal(jobs[0].output.next_job !== null, true, 'the completed job names its successor')
    const bundles = (await afterStop.executeSql('select count(*)::int as n from bundle_recommendations where upload_id = $1', [jobId])).rows[0].n
    t.equal(bundles, 0, 'nothing half-written')
  } finally {
    await afterStop.close()
  }
  const aborted = logs.filter(l => l.event === 'attempt_aborted')
  t.match(aborted, [{ level: 40, job_id: jobId, reason: 'shutdown', requeued: true, final_attempt: true, msg: /queued again/ }], 'one warning names the upload and why its attempt stopped')

  const next = await startTestApp(t, settings, { database })
  const done = await waitForJob(next.app, jobId, h, 60_000)
  t.equal(done.status, 'COMPLETED', JSON.stringify(done))
  const counts = (await next.app.db.executeSql(`select count(*)::int as bundles, count(distinct rank)::int as ranks
    from bundle_recommendations where upload_id = $1`, [jobId])).rows[0]
  t.equal(counts.bundles, done.processed_count, 'processed_count is the number of stored bundles')
  t.equal(counts.ranks, counts.bundles, 'no bundle stored twice')
})

t.test('an attempt stopped at its expiry: retried while retries are left, failed at once on the last one', async (t) => {
  // The handler is driven by hand with its expiry already passed (what AbortSignal.timeout does at
  // QUEUE_EXPIRY_SECONDS), so no test waits for a clock.
  const { app } = await startTestApp(t, {}, { workers: false })
  const captured = logCapture()
  const logs = captured.lines
  const log = pino({ level: 'warn' }, captured)
  const expired = (): AbortSignal => AbortSignal.abort(new DOMException('The operation timed out.', 'TimeoutError'))
  const finished: string[] = []
  const deps = { db: app.db, log, expirySeconds: 480, onFinished: async (_tx: unknown, f: { status: string }) => { finished.push(f.status) } }
  const start = async (shopName: string): Promise<string> => {
    const res = await upload(app, { filename: 'orders.csv', content: readShop(300) }, { 'x-shop-domain': `${shopName}.myshopify.com` })
    t.equal(res.statusCode, 200, res.body)
    return res.json().job_id
  }
  const row = async (id: string): Promise<Record<string, unknown>> =>
    (await app.db.executeSql('select status, error_message, attempt_started_at, (select count(*)::int from upload_chunks where upload_id = $1) as chunks from csv_uploads where id = $1', [id])).rows[0]

  const retried = await start('expiry-retried')
  const job = (id: string, retryCount: number, retryLimit: number) => ({ id: crypto.randomUUID(), data: { upload_id: id, shop_id: 'x' }, retryCount, retryLimit })
  await t.rejects(processQuickInstall({ ...deps, signal: expired() }, job(retried, 0, 1)), 'with a retry left the attempt fails to pg-boss, which retries it')
  t.match(await row(retried), { status: 'processing', attempt_started_at: null }, 'the upload waits for its retry, not timed as running')

  const last = await start('expiry-last')
  t.equal(await processQuickInstall({ ...deps, signal: expired() }, job(last, 1, 1)), 'failed')
  t.match(await row(last), { status: 'failed', error_message: 'Processing timed out after 8 minutes', chunks: 0 }, 'the last attempt fails the upload at once, in the sweep\'s words, and deletes its file')
  t.same(finished, ['FAILED'], 'the failure is announced like any other (notifications, metrics)')
  t.equal(await processQuickInstall({ ...deps, signal: expired() }, job(last, 1, 1)), 'skipped', 'a second delivery of the job changes nothing')

  t.match(logs.filter(l => l.event === 'attempt_aborted'), [
    { level: 40, job_id: retried, reason: 'expired', final_attempt: false },
    { level: 40, job_id: last, reason: 'expired', final_attempt: true, msg: /Processing timed out after 8 minutes/ }
  ], 'each stopped attempt is a warning naming the upload and why')
})

t.test('a job fetched just as the workers stop still runs, and nothing is written to a closed database', async (t) => {
  // pg-boss's offWork only flags its workers: a fetch already sent still returns its job afterwards.
  // The quick-install fetch is held here until offWork has returned, which is that moment exactly.
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const db = await database.open()
  let releaseFetch = (): void => {}
  let holdNextFetch = false
  let fetchHeld = (): void => {}
  const held = new Promise<void>(resolve => { fetchHeld = resolve })
  const gated: Database = {
    ...db,
    executeSql: async (text, values) => {
      if (holdNextFetch && values?.[0] === QUICK_INSTALL_QUEUE && text.includes('SKIP LOCKED')) {
        holdNextFetch = false
        fetchHeld()
        await new Promise<void>(resolve => { releaseFetch = resolve })
      }
      return await db.executeSql(text, values)
    }
  }
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => { process.off('unhandledRejection', onUnhandled) })

  const app = await buildApp({ config: testConfig(database, { SHUTDOWN_TIMEOUT_SECONDS: 5 }), database: gated })
  holdNextFetch = true
  await held
  const res = await upload(app, { filename: 'products.csv', content: TINY_CATALOG }, { 'x-shop-domain': 'late-fetch.myshopify.com' })
  t.equal(res.statusCode, 200, res.body)
  const jobId = res.json().job_id as string
  const offWork = app.queue.boss.offWork.bind(app.queue.boss)
  app.queue.boss.offWork = (async (name: string) => {
    await offWork(name)
    if (name === QUICK_INSTALL_QUEUE) releaseFetch()
  }) as typeof offWork
  await app.close()

  const afterStop = await database.open()
  try {
    const upload = (await afterStop.executeSql('select status from csv_uploads where id = $1', [jobId])).rows[0]
    const job = (await afterStop.executeSql("select state from pgboss.job where name = 'quick-install' and data->>'upload_id' = $1", [jobId])).rows[0]
    t.same({ upload: upload.status, job: job.state }, { upload: 'completed', job: 'completed' },
      'the job the held fetch returned ran to its end before the database closed (not left active until its expiry)')
  } finally {
    await afterStop.close()
  }
  t.same(unhandled.map(String), [], 'no write met a closed database while closing (an unhandled rejection would crash the server)')
})
