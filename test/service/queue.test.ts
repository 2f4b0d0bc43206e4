// pg-boss behaviour on this file's database: the scheduled sweep fires by itself (short intervals via
// configuration), a shutdown in the middle of a job hands the job back to the queue, where the
// next instance finishes it exactly once, and a job fetched just as the workers stop still runs before
// the database closes.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { QUICK_INSTALL_QUEUE } from '../../src/jobs/queues.js'
import type { Database } from '../../db/database.js'
import { startTestApp, testConfig } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'
import { TINY_CATALOG, upload, waitFor, waitForJob } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'

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

t.test('shutdown mid-job hands the job back; the next instance completes it exactly once', async (t) => {
  const settings = { SHUTDOWN_TIMEOUT_SECONDS: 1, QUEUE_RETRY_DELAY_SECONDS: 0, QUEUE_RETRY_BACKOFF: false }
  const handle = await startTestApp(t, settings)
  let app = handle.app
  const h = { 'x-shop-domain': 'restarting.myshopify.com' }
  const res = await upload(app, { filename: 'orders.csv', content: readShop(30000, 'shopify-orders', 5) }, h)
  t.equal(res.statusCode, 200, res.body)
  const jobId = res.json().job_id
  await waitFor('the job to be running', async () => app.workers.active() > 0, 20_000, 10)
  await app.close()

  const afterStop = (await handle.database.open())
  try {
    const upload = (await afterStop.executeSql('select status, attempt_started_at from csv_uploads where id = $1', [jobId])).rows[0]
    t.equal(upload.status, 'processing', 'the upload is neither completed nor failed by the shutdown')
    t.equal(upload.attempt_started_at, null, 'it waits in the queue again: the sweep does not time it as running')
    const job = (await afterStop.executeSql("select state, retry_count from pgboss.job where name = 'quick-install' and data->>'upload_id' = $1", [jobId])).rows[0]
    t.equal(job.state, 'retry', 'the job is handed back to the queue for another attempt')
    const bundles = (await afterStop.executeSql('select count(*)::int as n from bundle_recommendations where upload_id = $1', [jobId])).rows[0].n
    t.equal(bundles, 0, 'nothing half-written')
  } finally {
    await afterStop.close()
  }

  app = await handle.restart(settings)
  const done = await waitForJob(app, jobId, h, 60_000)
  t.equal(done.status, 'COMPLETED', JSON.stringify(done))
  const counts = (await app.db.executeSql(`select count(*)::int as bundles, count(distinct rank)::int as ranks
    from bundle_recommendations where upload_id = $1`, [jobId])).rows[0]
  t.equal(counts.bundles, done.processed_count, 'processed_count is the number of stored bundles')
  t.equal(counts.ranks, counts.bundles, 'no bundle stored twice')
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
