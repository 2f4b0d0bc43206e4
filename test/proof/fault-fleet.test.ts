// Several instances on one Postgres database: three server processes, 30 shops uploading at once
// spread over them. Every install completes exactly once, and the scheduled sweep runs once per
// interval across the fleet (counted in pg-boss's job table, the logs and /metrics of all three).
import t from 'tap'
import { postgresUrl, SKIP_WITHOUT_POSTGRES } from './postgres.js'
import { startFleet, settledDeliveries, uploadFacts } from './fleet.js'
import { asShop, get, upload, waitForTerminal } from './client.js'
import { ordersCsv, pairedOrders } from './fixtures.js'
import { parsePrometheusText } from '../ops/prom-text.js'

const base = postgresUrl()
if (base === undefined) {
  t.plan(0, SKIP_WITHOUT_POSTGRES)
} else {
  const fleet = await startFleet(base, 'fleet', { SWEEP_CRON: '* * * * *' })
  t.teardown(fleet.close)
  const servers = await Promise.all(['A', 'B', 'C'].map(async (name) => await fleet.start(name)))
  const startedAt = Date.now()

  await t.test('30 shops upload at once over three instances: each install completes exactly once', async (t) => {
    const shops = Array.from({ length: 30 }, (_, i) => `fleet-${String(i).padStart(2, '0')}.myshopify.com`)
    const answers = await Promise.all(shops.map(async (shop, i) => {
      const server = servers[i % 3]
      const res = await upload(server.url, asShop(shop), ordersCsv(pairedOrders({ names: [`Mug ${i}`, `Spoon ${i}`, `Tray ${i}`] })))
      return { shop, server, res }
    }))
    t.same(answers.map((a) => a.res.status), Array(30).fill(200), 'all 30 uploads accepted')
    const jobs = await Promise.all(answers.map(async ({ shop, server, res }) => await waitForTerminal(server.url, asShop(shop), res.body.job_id, 120_000, 200)))
    t.same(jobs.map((j) => j.status), Array(30).fill('COMPLETED'), 'all 30 installs COMPLETED')

    const ids = answers.map((a) => a.res.body.job_id as string)
    for (const id of ids) {
      const facts = await uploadFacts(fleet.db, id)
      if (facts.jobs.length !== 1 || facts.jobs[0].state !== 'completed' || facts.jobs[0].retry_count !== 0 || facts.bundles !== facts.processedRows || facts.distinctRanks !== facts.bundles) {
        t.fail(`install ${id} was not processed exactly once: ${JSON.stringify(facts)}`)
      }
    }
    t.pass('every install: one pg-boss job, completed on its first attempt, bundles written once')
    const [{ n: rows }] = await fleet.db.query<{ n: number }>('select count(*)::int as n from csv_uploads')
    t.equal(rows, 30, 'one upload row per shop')
    const completions = fleet.logs((l) => l.event === 'completed')
    t.equal(completions.length, 30, 'thirty completions logged across the fleet')
    t.equal(new Set(completions.map((l) => l.job_id)).size, 30, 'one per install')
    const byServer = new Map<string, number>()
    for (const l of fleet.logs((l) => l.event === 'processing_started')) byServer.set(String(l.__server), (byServer.get(String(l.__server)) ?? 0) + 1)
    t.comment(`jobs run per instance: ${JSON.stringify(Object.fromEntries(byServer))}`)
    t.ok(byServer.size >= 2, 'the work was spread over the instances')
    const deliveries = await settledDeliveries(fleet)
    t.same(ids.map((id) => deliveries.get(id)), Array(30).fill(1), 'one completion webhook per install')
  })

  await t.test('the scheduled sweep runs once per interval across the fleet, not once per instance', async (t) => {
    // SWEEP_CRON fires every minute; wait until two whole minutes have been scheduled since start-up.
    const sweepsByMinute = async () => await fleet.db.query<{ minute: string, n: number }>(
      "select to_char(date_trunc('minute', created_on), 'HH24:MI') as minute, count(*)::int as n from pgboss.job where name = 'sweep-stuck-jobs' group by 1 order by 1")
    const deadline = startedAt + 200_000
    let minutes = await sweepsByMinute()
    while (minutes.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      minutes = await sweepsByMinute()
    }
    t.ok(minutes.length >= 2, `sweeps scheduled in ${minutes.length} minutes`)
    t.same(minutes.map((m) => m.n), minutes.map(() => 1), `one sweep per minute: ${JSON.stringify(minutes)}`)
    const [{ n: total }] = await fleet.db.query<{ n: number }>("select count(*)::int as n from pgboss.job where name = 'sweep-stuck-jobs'")
    // Every scheduled sweep is run by exactly one instance.
    const deadlineRun = Date.now() + 30_000
    let ran = fleet.logs((l) => l.event === 'sweep' && l.trigger === 'schedule')
    while (ran.length < total && Date.now() < deadlineRun) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      ran = fleet.logs((l) => l.event === 'sweep' && l.trigger === 'schedule')
    }
    t.equal(ran.length, total, `each of the ${total} scheduled sweeps ran once, on one instance (${ran.map((l) => l.__server).join(', ')})`)
    let metricSweeps = 0
    for (const s of servers) metricSweeps += parsePrometheusText(String((await get(s.url, '/metrics')).body)).value('bundle_api_sweeps_total') ?? 0
    t.equal(metricSweeps, total, 'bundle_api_sweeps_total summed over the instances agrees')
  })
}
