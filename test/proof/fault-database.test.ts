// The database goes away for a while under a running server process (a TCP proxy on loopback in
// front of Postgres is cut, then restored): requests get 503 with a clear message, /readyz says not
// ready, an upload cut off mid-stream leaves nothing behind, and the same process recovers by itself.
import t from 'tap'
import { postgresUrl, SKIP_WITHOUT_POSTGRES, viaPort } from './postgres.js'
import { startTcpProxy } from './tcp-proxy.js'
import { startFleet, settledDeliveries, uploadFacts } from './fleet.js'
import { generatedShop } from '../helpers/fixtures.js'
import { asShop, fileBytes, get, postMultipart, upload, waitForTerminal } from './client.js'
import { VALID_SMALL_CSV, GENERIC_HEADER } from './fixtures.js'
import { jobEvent } from './server-process.js'
import { ORPHAN_CHUNK_AGE_HOURS } from '../../src/jobs/sweep-stuck-jobs.js'

const base = postgresUrl()
if (base === undefined) {
  t.plan(0, SKIP_WITHOUT_POSTGRES)
} else {
  const target = new URL(base)
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port === '' ? 5432 : target.port) })
  const fleet = await startFleet(base, 'dbgone')
  t.teardown(async () => { await fleet.close(); await proxy.close() })
  const server = await fleet.start('A', { DATABASE_URL: viaPort(fleet.db.url, proxy.port), CRON_SECRET: 'dbgone-cron-secret-0123456789' })
  const DOWN = 'The database is unavailable right now. Please try again in a moment.'

  await t.test('before: an install works through the proxy', async (t) => {
    const res = await upload(server.url, asShop('before.myshopify.com'), VALID_SMALL_CSV)
    t.equal(res.status, 200)
    t.equal((await waitForTerminal(server.url, asShop('before.myshopify.com'), res.body.job_id)).status, 'COMPLETED')
    t.ok(proxy.open() > 0, 'the server talks to Postgres through the proxy')
  })

  await t.test('cut: 503 with a clear message, not ready, alive, an upload cut mid-stream leaves nothing', async (t) => {
    // An upload that is streaming when the database goes: its body pauses after the first rows until the cut.
    let release: () => void = () => {}
    const cutDone = new Promise<void>((resolve) => { release = resolve })
    let sentHead: () => void = () => {}
    const headSent = new Promise<void>((resolve) => { sentHead = resolve })
    const rows = '1001,A-1,Alpha Mug,1,12.00,2025-03-01T10:00:00Z\n1001,B-2,Beta Spoon,1,4.50,2025-03-01T10:00:00Z\n'
    const midStream = postMultipart(server.url, asShop('midstream.myshopify.com'), [{
      name: 'file',
      filename: 'orders.csv',
      contentType: 'text/csv',
      body: async function * () {
        yield Buffer.from(`${GENERIC_HEADER}\n`)
        for (let i = 0; i < 3000; i++) yield Buffer.from(rows.repeat(200)) // ~20 MB: several chunks stored before the cut
        sentHead()
        await cutDone
        for (let i = 0; i < 200; i++) yield Buffer.from(rows.repeat(200))
      }
    }]).catch((err: Error) => ({ status: 0, body: { error: err.message }, headers: {}, ms: 0 }))
    await headSent
    proxy.cut()
    release()

    const cutUpload = await midStream
    t.ok([503, 0].includes(cutUpload.status), `the upload cut mid-stream fails (${cutUpload.status} ${JSON.stringify(cutUpload.body)})`)
    if (cutUpload.status === 503) t.same(cutUpload.body, { detail: DOWN }, 'with the clear message')

    const status = await get(server.url, '/api/bundles/quick-install/status', asShop('before.myshopify.com'))
    t.equal(status.status, 503, 'status polling answers 503')
    t.same(status.body, { detail: DOWN }, 'with a clear message, no stack')
    const jobStatus = await get(server.url, '/api/bundles/status/00000000-0000-4000-8000-000000000000', asShop('before.myshopify.com'))
    t.equal(jobStatus.status, 503, 'job status answers 503')
    const fresh = await upload(server.url, asShop('during.myshopify.com'), VALID_SMALL_CSV)
    t.equal(fresh.status, 503, 'a new upload answers 503')
    t.same(fresh.body, { detail: DOWN })
    const ready = await get(server.url, '/readyz')
    t.equal(ready.status, 503, '/readyz: not ready')
    t.match(ready.body, { status: 'not_ready', reason: /database/ })
    t.equal((await get(server.url, '/healthz')).status, 200, '/healthz: the process is alive')
    t.equal(server.child.exitCode, null, 'the process did not exit')
  })

  await t.test('restore: the same process recovers without a restart; nothing half-written', async (t) => {
    proxy.restore()
    const deadline = Date.now() + 60_000
    let ready = await get(server.url, '/readyz')
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      ready = await get(server.url, '/readyz')
    }
    t.equal(ready.status, 200, 'ready again')
    t.equal(server.child.exitCode, null, 'same process, never restarted')
    const rows = await fleet.db.query<{ shop_id: string, status: string }>("select shop_id, status from csv_uploads where shop_id in ('midstream.myshopify.com', 'during.myshopify.com')")
    t.same(rows, [], 'no upload row from the failed requests')
    const [{ n: processing }] = await fleet.db.query<{ n: number }>("select count(*)::int as n from csv_uploads where status = 'processing'")
    t.equal(processing, 0, 'nothing PROCESSING')
    const [{ n: withoutJob }] = await fleet.db.query<{ n: number }>(
      "select count(*)::int as n from csv_uploads u where not exists (select 1 from pgboss.job j where j.name = 'quick-install' and j.data->>'upload_id' = u.id::text)")
    t.equal(withoutJob, 0, 'every upload row has its job (row and job are one transaction)')
    // Bytes staged before the cut could not be deleted while the database was gone; they belong to no
    // upload, and the sweep removes such orphans once their newest chunk is ORPHAN_CHUNK_AGE_HOURS old.
    const orphans = await fleet.db.query<{ upload_id: string }>('select distinct upload_id from upload_chunks c where not exists (select 1 from csv_uploads u where u.id = c.upload_id)')
    t.comment(`orphaned staged uploads after the cut: ${orphans.length}`)
    if (orphans.length > 0) {
      await fleet.db.query('update upload_chunks set created_at = now() - make_interval(hours => $1)', [ORPHAN_CHUNK_AGE_HOURS + 1])
      const swept = await fetch(`${server.url}/api/bundles/cron/cleanup-stuck-jobs`, { method: 'POST', headers: { authorization: 'Bearer dbgone-cron-secret-0123456789' } })
      t.equal(swept.status, 200, 'the sweep runs')
      const [{ n: left }] = await fleet.db.query<{ n: number }>('select count(*)::int as n from upload_chunks')
      t.equal(left, 0, 'the sweep removed the orphaned bytes')
    }
    const after = await upload(server.url, asShop('after.myshopify.com'), VALID_SMALL_CSV)
    t.equal(after.status, 200, 'uploads work again')
    t.equal((await waitForTerminal(server.url, asShop('after.myshopify.com'), after.body.job_id)).status, 'COMPLETED', 'and the worker processes them')
    const retry = await upload(server.url, asShop('during.myshopify.com'), VALID_SMALL_CSV)
    t.equal(retry.status, 200, 'the shop refused during the outage can upload now')
  })
}

if (base !== undefined) {
  // The job's expiry is set far beyond the wait below: if the failed attempt were not recorded (pg-boss
  // writes it when the handler throws, lost while the database is gone), the job would sit until its
  // expiry and this test would time out. Recorded, it is retried after the 1 s retry delay. The long
  // expiry also leaves the retried attempt as long as a loaded machine needs.
  const EXPIRY_SECONDS = 300
  await t.test('cut while a job runs: the attempt waits for the database, records its failure, is retried at once, and completes once', async (t) => {
    const fleet = await startFleet(base, 'dbjob')
    const target = new URL(base)
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port === '' ? 5432 : target.port) })
    t.teardown(async () => { await fleet.close(); await proxy.close() })
    const server = await fleet.start('J', { DATABASE_URL: viaPort(fleet.db.url, proxy.port), QUEUE_EXPIRY_SECONDS: String(EXPIRY_SECONDS), PROCESSING_TIMEOUT_MINUTES: '10' })
    const shop = asShop('outage-job.myshopify.com')
    const res = await upload(server.url, shop, fileBytes(generatedShop(150_000, 'shopify-orders', 17)))
    t.equal(res.status, 200)
    const jobId: string = res.body.job_id
    await server.waitForLog(jobEvent(jobId, 'processing_started'))
    proxy.cut()
    t.equal((await get(server.url, '/readyz')).status, 503, 'not ready while the database is gone')
    await server.waitForLog(jobEvent(jobId, 'waiting_for_database'), 60_000)
      .catch(() => { throw new Error('the attempt that met the outage did not wait for the database (no waiting_for_database log line)') })
    t.pass('the attempt met the outage and waits for the database')
    proxy.restore()
    const job = await waitForTerminal(server.url, shop, jobId, EXPIRY_SECONDS * 1000 / 3, 500)
    t.equal(job.status, 'COMPLETED', `completed after the outage, long before the ${EXPIRY_SECONDS} s expiry (error: ${job.error_message})`)
    t.ok(server.logs.some(jobEvent(jobId, 'attempt_failed', { attempt: 1 })), 'the first attempt\'s failure was logged once the database was back')
    t.ok(server.logs.some(jobEvent(jobId, 'processing_started', { attempt: 2 })), 'a second attempt ran')
    const facts = await uploadFacts(fleet.db, jobId)
    t.same(facts.jobs.map((j) => [j.state, j.retry_count]), [['completed', 1]], 'pg-boss recorded one failed attempt and one retry')
    t.equal(facts.distinctRanks, facts.bundles, 'bundles written once')
    t.equal(facts.bundles, facts.processedRows)
    t.equal(fleet.logs(jobEvent(jobId, 'completed')).length, 1, 'one completion')
    t.equal((await settledDeliveries(fleet)).get(jobId), 1, 'one completion webhook')
    t.equal(server.child.exitCode, null, 'the same process, never restarted')
  })
}
