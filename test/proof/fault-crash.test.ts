// Crashes on real Postgres with real server processes: SIGKILL mid-job, then a restart; SIGTERM
// mid-job, then the next process. Each upload must end exactly once (one terminal write, one
// notification), with its bundles written once, and never stay PROCESSING.
import t from 'tap'
import { postgresUrl, SKIP_WITHOUT_POSTGRES } from './postgres.js'
import { startFleet, settledDeliveries, uploadFacts } from './fleet.js'
import { asShop, fileBytes, upload, waitForTerminal } from './client.js'
import { generatedShop } from '../helpers/fixtures.js'
import { jobEvent } from './server-process.js'

const base = postgresUrl()
if (base === undefined) {
  t.plan(0, SKIP_WITHOUT_POSTGRES)
} else {
  // ~100 MB, several seconds of work: long enough to be stopped in the middle.
  const bigExport = generatedShop(150_000, 'shopify-orders', 17)
  // After kill -9 only the expiry gives the job back, so it is short; but each attempt must also fit in
  // it on a loaded machine (an attempt past its expiry is abandoned and retried), and the retried attempt
  // must end before the sweep's timeout. 60 s and 10 minutes leave room for both.
  const fleet = await startFleet(base, 'crash', { QUEUE_EXPIRY_SECONDS: '60', PROCESSING_TIMEOUT_MINUTES: '10' })
  // The kill test waits for that expiry by design: more than tap's 300 s per file on a loaded machine.
  t.setTimeout(600_000)
  t.teardown(fleet.close)
  const processingStarted = (jobId: string) => jobEvent(jobId, 'processing_started')
  const completedEvent = (jobId: string) => jobEvent(jobId, 'completed')

  await t.test('kill -9 mid-job, restart: the upload ends exactly once, bundles not duplicated', async (t) => {
    const shop = asShop('crash-kill.myshopify.com')
    const a = await fleet.start('A')
    const res = await upload(a.url, shop, fileBytes(bigExport))
    t.equal(res.status, 200, JSON.stringify(res.body))
    const jobId: string = res.body.job_id
    await a.waitForLog(processingStarted(jobId))
    const killed = await a.kill('SIGKILL')
    t.equal(killed.signal, 'SIGKILL', 'A was killed mid-job')
    const mid = await uploadFacts(fleet.db, jobId)
    t.equal(mid.status, 'processing', 'the job had not finished when A died')
    t.same(mid.jobs.map((j) => j.state), ['active'], 'pg-boss still thinks A is running it')

    const b = await fleet.start('B')
    const job = await waitForTerminal(b.url, shop, jobId, 180_000, 250)
    t.equal(job.status, 'COMPLETED', `B finished it after the expiry (error: ${job.error_message})`)
    const facts = await uploadFacts(fleet.db, jobId)
    t.equal(facts.bundles, facts.processedRows, 'bundles stored = bundles reported')
    t.equal(facts.distinctRanks, facts.bundles, 'no bundle written twice (ranks unique)')
    t.same(facts.jobs.map((j) => j.state), ['completed'], 'one pg-boss job, completed')
    t.ok(facts.jobs[0].retry_count >= 1, `it was retried after the crash (retry_count ${facts.jobs[0].retry_count})`)
    t.equal(facts.chunks, 0, 'the stored file is deleted')
    t.equal(fleet.logs(completedEvent(jobId)).length, 1, 'one completion across both processes')
    t.equal(b.logs.filter(processingStarted(jobId)).length >= 1, true, 'B ran it')
    const deliveries = await settledDeliveries(fleet)
    t.equal(deliveries.get(jobId), 1, 'exactly one completion webhook')
    const [{ n }] = await fleet.db.query<{ n: number }>("select count(*)::int as n from csv_uploads where status = 'processing'")
    t.equal(n, 0, 'nothing left PROCESSING')
    await b.kill('SIGTERM')
  })

  await t.test('SIGTERM mid-job: handed back at once and finished by the next process', async (t) => {
    const shop = asShop('crash-term.myshopify.com')
    // A one-second budget: the job cannot finish in it, so it must be handed back.
    const c = await fleet.start('C', { SHUTDOWN_TIMEOUT_SECONDS: '1' })
    const res = await upload(c.url, shop, fileBytes(bigExport))
    t.equal(res.status, 200, JSON.stringify(res.body))
    const jobId: string = res.body.job_id
    await c.waitForLog(processingStarted(jobId))
    const t0 = Date.now()
    const exit = await c.kill('SIGTERM')
    const tookMs = Date.now() - t0
    t.equal(exit.code, 0, 'C shut down cleanly')
    // The bound is Cloud Run's SIGTERM grace (10 s), not a speed target: the hand-back itself is shown
    // below by the job's state, and a tighter wall-clock bound would only measure how busy the machine is.
    t.ok(tookMs < 10_000, `exited inside Cloud Run's 10 s SIGTERM grace (${tookMs} ms, budget SHUTDOWN_TIMEOUT_SECONDS=1)`)
    const mid = await uploadFacts(fleet.db, jobId)
    if (fleet.logs(completedEvent(jobId)).length === 0) {
      t.equal(mid.status, 'processing', 'the upload is still PROCESSING, not failed by the shutdown')
      t.ok(c.logs.some((l) => /handing running jobs back/.test(String(l.message))), 'C said it handed the job back')
      t.same(mid.jobs.map((j) => j.state), ['completed', 'created'], 'the interrupted job is completed (no retry used up) and a fresh job waits for the next instance, not for an expiry')
      t.equal(mid.bundles, 0, 'nothing half-written')
    } else {
      t.fail('C finished the job inside its shutdown budget: the file is too small to test a hand-back')
    }

    const d = await fleet.start('D')
    const job = await waitForTerminal(d.url, shop, jobId, 120_000, 250)
    t.equal(job.status, 'COMPLETED', `D finished it (error: ${job.error_message})`)
    t.ok(d.logs.some(completedEvent(jobId)), 'D wrote the completion')
    t.equal(fleet.logs(completedEvent(jobId)).length, 1, 'exactly one completion')
    const facts = await uploadFacts(fleet.db, jobId)
    t.equal(facts.distinctRanks, facts.bundles, 'bundles written once')
    t.equal(facts.bundles, facts.processedRows)
    const deliveries = await settledDeliveries(fleet)
    t.equal(deliveries.get(jobId), 1, 'exactly one completion webhook')
    await d.kill('SIGTERM')
  })
}
