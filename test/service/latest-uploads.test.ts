// The status cache: GET /api/bundles/quick-install/status answered from memory, and dropped on every
// instance the moment any writer changes the shop's uploads (a trigger NOTIFYs at commit). First the
// cache's own rules without a database, then the app on the suite's database: a write by another
// connection, a write that skipped the announcement (proves answers come from memory), two instances
// on one Postgres, and the announcement connection breaking.
import t from 'tap'
import { once } from 'node:events'
import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { LatestUploadCache } from '../../src/services/latest-upload-cache.js'
import { mock } from 'node:test'
import pg from 'pg'
import { listenOnPostgres, RETRY_FIRST_MS } from '../../db/postgres-listener.js'
import type { CsvUpload } from '../../db/schema.js'
import { startTestApp } from '../helpers/app.js'
import { databaseOutage, onPostgres } from '../helpers/database.js'
import { upload, waitForJob } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'

const row = (status: string): CsvUpload => ({ id: crypto.randomUUID(), status } as unknown as CsvUpload)

function counting (answers: Array<CsvUpload | undefined>): { load: (shop: string) => Promise<CsvUpload | undefined>, calls: string[] } {
  const calls: string[] = []
  return { calls, load: async (shop) => { calls.push(shop); return answers[Math.min(calls.length, answers.length) - 1] } }
}

t.test('cache rules, without a database', async (t) => {
  t.test('nothing is kept until announcements are known to flow', async (t) => {
    const db = counting([row('processing')])
    const cache = new LatestUploadCache({ load: db.load, maxAgeMs: 10_000, maxEntries: 10 })
    await cache.get('a'); await cache.get('a')
    t.same(db.calls, ['a', 'a'], 'untrusted: every get reads the database')
    cache.trust()
    await cache.get('a'); await cache.get('a')
    t.same(db.calls, ['a', 'a', 'a'], 'trusted: one read, then memory')
  })

  t.test('invalidate drops one shop; distrust drops all and stops caching', async (t) => {
    const db = counting([row('processing')])
    const cache = new LatestUploadCache({ load: db.load, maxAgeMs: 10_000, maxEntries: 10 })
    cache.trust()
    await cache.get('a'); await cache.get('b')
    cache.invalidate('a')
    await cache.get('a'); await cache.get('b')
    t.same(db.calls, ['a', 'b', 'a'], 'only the invalidated shop is read again')
    cache.distrust()
    t.equal(cache.size, 0)
    await cache.get('b'); await cache.get('b')
    t.same(db.calls.slice(3), ['b', 'b'], 'after distrust nothing is cached')
  })

  t.test('a read in flight when its shop changes is answered but not kept', async (t) => {
    let release: (u: CsvUpload) => void = () => {}
    const calls: string[] = []
    const cache = new LatestUploadCache({
      load: async (shop) => { calls.push(shop); return await new Promise<CsvUpload>((resolve) => { release = resolve }) },
      maxAgeMs: 10_000,
      maxEntries: 10
    })
    cache.trust()
    const first = cache.get('a')
    const shared = cache.get('a')
    cache.invalidate('a')
    const old = row('processing')
    release(old)
    t.equal(await first, old)
    t.equal(await shared, old, 'concurrent gets of one shop share one read')
    t.equal(cache.size, 0, 'the read that raced a change was not kept')
    const next = cache.get('a')
    release(row('completed'))
    await next
    t.same(calls, ['a', 'a'])
  })

  t.test('entries expire after maxAgeMs; the oldest goes first past maxEntries', async (t) => {
    let now = 0
    const db = counting([row('processing')])
    const cache = new LatestUploadCache({ load: db.load, maxAgeMs: 1000, maxEntries: 2, now: () => now })
    cache.trust()
    await cache.get('a')
    now = 999
    await cache.get('a')
    now = 1000
    await cache.get('a')
    t.same(db.calls, ['a', 'a'], 'read again once maxAgeMs has passed')
    await cache.get('b'); await cache.get('c')
    t.equal(cache.size, 2)
    await cache.get('b'); await cache.get('c')
    await cache.get('a')
    t.same(db.calls, ['a', 'a', 'b', 'c', 'a'], 'a (oldest) was evicted; b and c stayed')
  })
})

const status = async (app: FastifyInstance, shop: string): Promise<Record<string, any>> =>
  (await app.inject({ url: '/api/bundles/quick-install/status', headers: { 'x-shop-domain': shop } })).json()

/** Runs `write` and resolves once `app` has heard that `shop` changed (at once on PGlite, ms on Postgres). */
async function announced (app: FastifyInstance, shop: string, write: () => Promise<unknown>): Promise<void> {
  const heard = new Promise<void>((resolve) => {
    const on = (changed: string): void => { if (changed === shop) { app.latestUploads.off('invalidate', on); resolve() } }
    app.latestUploads.on('invalidate', on)
  })
  await write()
  await heard
}

t.test('on the app: answers come from memory until the shop\'s uploads change', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  t.ok(app.latestUploads.trusted, 'listening for changes')
  const shop = 'cached.myshopify.com'
  t.same(await status(app, shop), { has_quick_install: false, can_run: true, message: 'Quick install has not been run for this shop' })

  const id = crypto.randomUUID()
  await announced(app, shop, async () => await app.db.orm.execute(sql`insert into csv_uploads (id, shop_id, filename, status, processing_params)
    values (${id}, ${shop}, 'x.csv', 'processing', '{}'::jsonb)`))
  t.match(await status(app, shop), { status: 'PROCESSING', job_id: id }, 'an insert by another writer is seen')

  // A change that skips the trigger (replica mode) is not announced: the cached answer stays. This is
  // what proves the status is served from memory, and why every writer must go through the table.
  await app.db.transaction(async (tx) => {
    await tx.executeSql("SET LOCAL session_replication_role = 'replica'")
    await tx.executeSql("UPDATE csv_uploads SET status = 'failed' WHERE id = $1", [id])
  })
  t.match(await status(app, shop), { status: 'PROCESSING' }, 'unannounced change: still the cached answer')

  await announced(app, shop, async () => await app.db.executeSql("UPDATE csv_uploads SET status = 'completed', completed_at = now() WHERE id = $1", [id]))
  t.match(await status(app, shop), { status: 'COMPLETED', can_run: false }, 'an announced update is seen at once')

  await announced(app, shop, async () => await app.db.executeSql('DELETE FROM csv_uploads WHERE id = $1', [id]))
  t.match(await status(app, shop), { has_quick_install: false }, 'a delete is announced too')
})

t.test('STATUS_CACHE_SECONDS=0 reads the database on every poll', async (t) => {
  const { app } = await startTestApp(t, { STATUS_CACHE_SECONDS: 0 }, { workers: false })
  const shop = 'uncached.myshopify.com'
  await status(app, shop)
  t.equal(app.latestUploads.trusted, false)
  t.equal(app.latestUploads.size, 0)
  const id = crypto.randomUUID()
  await app.db.transaction(async (tx) => {
    await tx.executeSql("SET LOCAL session_replication_role = 'replica'")
    await tx.executeSql("INSERT INTO csv_uploads (id, shop_id, filename, status, processing_params) VALUES ($1, $2, 'x.csv', 'processing', '{}'::jsonb)", [id, shop])
  })
  t.match(await status(app, shop), { status: 'PROCESSING', job_id: id }, 'even an unannounced change is seen')
})

t.test('two instances on one Postgres: an upload and its completion on one are seen by the other', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres)' }, async (t) => {
  const a = await startTestApp(t, {}, { workers: true })
  const b = await startTestApp(t, {}, { workers: false, database: a.database })
  const shop = 'two-instances.myshopify.com'
  t.match(await status(b.app, shop), { has_quick_install: false }, 'b has cached "never run"')
  let jobId = ''
  await announced(b.app, shop, async () => {
    const res = await upload(a.app, { filename: 'orders.csv', content: readShop(300) }, { 'x-shop-domain': shop })
    t.equal(res.statusCode, 200, res.body)
    jobId = res.json().job_id
  })
  t.match(await status(b.app, shop), { status: 'PROCESSING', job_id: jobId }, 'b sees the upload made on a')
  const done = new Promise<void>((resolve) => {
    const on = (changed: string): void => {
      if (changed !== shop) return
      void status(b.app, shop).then((s) => { if (s.status !== 'PROCESSING') { b.app.latestUploads.off('invalidate', on); resolve() } })
    }
    b.app.latestUploads.on('invalidate', on)
  })
  t.equal((await waitForJob(a.app, jobId, { 'x-shop-domain': shop })).status, 'COMPLETED')
  await done
  t.match(await status(b.app, shop), { status: 'COMPLETED', job_id: jobId }, 'b sees the completion made by a\'s worker')
})

t.test('the announcement connection breaking: nothing cached until it is back', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres)' }, async (t) => {
  const { app, database } = await startTestApp(t, {}, { workers: false })
  const outage = await databaseOutage(t, database)
  const shop = 'listener-lost.myshopify.com'
  await status(app, shop)
  t.equal(app.latestUploads.size, 1, 'cached while listening')

  const distrusted = once(app.latestUploads, 'distrust')
  await outage.refuseConnections()
  await outage.terminateBackends('LISTEN%')
  await distrusted
  t.equal(app.latestUploads.size, 0, 'everything cached was dropped')
  await outage.terminateBackends()
  const down = await app.inject({ url: '/api/bundles/quick-install/status', headers: { 'x-shop-domain': shop } })
  t.equal(down.statusCode, 503, 'with the database gone the status says so instead of answering from memory')

  const trusted = once(app.latestUploads, 'trust')
  await outage.allowConnections()
  await trusted
  t.match(await status(app, shop), { has_quick_install: false }, 'answers again once the database is back')
  t.equal(app.latestUploads.size, 1, 'and caches again once announcements flow')
})

t.test('a LISTEN that cannot connect at all rejects and leaves no retry behind', async (t) => {
  // Fake setTimeout (the retry's timer): time is moved past any retry delay at once, and a retry
  // left behind would start its connection attempt synchronously when its timer fires.
  mock.timers.enable({ apis: ['setTimeout'] })
  t.teardown(() => { mock.timers.reset() })
  const connects = mock.method(pg.Client.prototype, 'connect')
  t.teardown(() => { connects.mock.restore() })
  const heard: string[] = []
  const closedPort = 'postgres://nobody@127.0.0.1:1/none'
  await t.rejects(listenOnPostgres(closedPort, 'csv_uploads_changed', {
    onNotification: () => { heard.push('notification') },
    onLost: () => { heard.push('lost') },
    onListening: () => { heard.push('listening') }
  }), /ECONNREFUSED|connect/)
  t.same(heard, ['lost'], 'reported once, never listening')
  t.equal(connects.mock.callCount(), 1, 'one connection attempt')
  // Far past the first retry's delay (RETRY_FIRST_MS) and any backoff after it.
  mock.timers.tick(1000 * RETRY_FIRST_MS)
  t.equal(connects.mock.callCount(), 1, `no reconnect attempt after the rejection, even ${1000 * RETRY_FIRST_MS} ms on`)
  t.same(heard, ['lost'], 'nothing more reported')
})
