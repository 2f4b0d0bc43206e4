// Every Postgres session runs with a statement, lock and idle-in-transaction limit. Before, one stuck
// holder of a shop's advisory lock made that shop's uploads wait for ever, each holding a pooled
// connection, until every shop got 503 and /readyz said "database unreachable". Now a lock wait ends
// after DATABASE_LOCK_TIMEOUT_SECONDS with a retryable 503, and other shops are served meanwhile.
import t from 'tap'
import pg from 'pg'
import { startTestApp } from '../helpers/app.js'
import { onPostgres } from '../helpers/database.js'
import { TINY_CATALOG, upload, waitFor } from '../helpers/http.js'
import { isDatabaseBusy, isDatabaseUnavailable } from '../../db/unavailable.js'
import { ConfigError, configFrom } from '../../src/config.js'
import { engineSourceFor, THREAD_READ_MIN_BYTES, type StoredUploadThreadInput } from '../../src/jobs/stored-upload.js'
import type { ThreadSource } from '../../src/engine/run-in-worker.js'

const skip = onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite has one session and no lock waits'

/**
 * A session stuck inside a transaction that holds `shop`'s upload lock (the key lockShop takes), as a
 * hung instance would; it commits when the test says so, and is closed at teardown.
 */
async function holdShopLock (t: { teardown: (fn: () => Promise<void>) => void }, url: string | undefined, shop: string): Promise<pg.Client> {
  const holder = new pg.Client({ connectionString: url })
  holder.on('error', () => {})
  await holder.connect()
  t.teardown(async () => { await holder.end() })
  await holder.query('begin')
  await holder.query('select pg_advisory_xact_lock(hashtext($1))', [`quick-install:${shop}`])
  return holder
}

t.test('a lock or statement timeout is told apart as busy, and answered as retryable', async (t) => {
  const lockTimeout = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' })
  const statementTimeout = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })
  t.ok(isDatabaseBusy(lockTimeout), 'lock_not_available is busy')
  t.ok(isDatabaseBusy(new Error('wrapped', { cause: statementTimeout })), 'query_canceled is busy, also as a cause')
  t.ok(isDatabaseUnavailable(lockTimeout), 'and retryable: the error handler answers 503, not 500')
  t.notOk(isDatabaseBusy(Object.assign(new Error('duplicate key value'), { code: '23505' })))
  t.notOk(isDatabaseBusy(Object.assign(new Error('terminating connection'), { code: '57P01' })), 'a lost connection is unavailable, not busy')
})

t.test('the session limits are settings with sane bounds', async (t) => {
  const defaults = configFrom()
  t.match(defaults, { DATABASE_STATEMENT_TIMEOUT_SECONDS: 120, DATABASE_LOCK_TIMEOUT_SECONDS: 10, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: 60 })
  t.throws(() => configFrom({ DATABASE_LOCK_TIMEOUT_SECONDS: 30, DATABASE_STATEMENT_TIMEOUT_SECONDS: 30 }), ConfigError, 'a lock limit at or above the statement limit is refused')
  t.throws(() => configFrom({ DATABASE_LOCK_TIMEOUT_SECONDS: 0 }), /DATABASE_LOCK_TIMEOUT_SECONDS must be a whole number, >= 1/)
})

t.test('every session of the pool, and the engine thread, run with the configured limits', { skip }, async (t) => {
  const { app } = await startTestApp(t, { DATABASE_STATEMENT_TIMEOUT_SECONDS: 7, DATABASE_LOCK_TIMEOUT_SECONDS: 3, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: 11 }, { workers: false })
  const show = "select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock, current_setting('idle_in_transaction_session_timeout') as idle"
  const expected = { statement: '7s', lock: '3s', idle: '11s' }
  t.same((await app.db.executeSql(show)).rows[0], expected, 'a pooled query')
  t.same(await app.db.transaction(async (tx) => (await tx.executeSql(show)).rows[0]), expected, 'a transaction')
  await app.db.exclusive(async () => {})
  // The start-up lock's session lifts limits while it waits and migrates; it goes back to the pool as it came.
  const all = await Promise.all(Array.from({ length: 10 }, async () => await app.db.transaction(async (tx) => {
    const row = (await tx.executeSql(show)).rows[0]
    await tx.executeSql('select pg_sleep(0.05)') // keep this client checked out, so the ten use ten clients
    return row
  })))
  t.same(all, Array.from({ length: 10 }, () => expected), 'every pooled client, the start-up lock\'s included')
  const source = engineSourceFor(app.db, { uploadId: 'x', gzipped: false, expectedBytes: THREAD_READ_MIN_BYTES }) as ThreadSource
  t.same((source.input as StoredUploadThreadInput).limits, { statementTimeoutMs: 7000, lockTimeoutMs: 3000, idleInTransactionTimeoutMs: 11000 }, 'the engine thread\'s own connection gets them too')

  const slow = await app.db.executeSql('select pg_sleep(30)').then(() => undefined, (err: Error) => err)
  t.ok(isDatabaseBusy(slow), `a statement past the limit is cancelled as busy: ${String(slow)}`)
})

t.test("a shop's upload lock held by a stuck session: its uploads answer 503 within the lock timeout, other shops keep working", { skip, timeout: 60_000 }, async (t) => {
  const { app, config } = await startTestApp(t, { DATABASE_LOCK_TIMEOUT_SECONDS: 1 }, { workers: false })
  const holder = await holdShopLock(t, config.DATABASE_URL, 'stuck-shop.myshopify.com')

  const stuck = { 'x-shop-domain': 'stuck-shop.myshopify.com' }
  // Without the lock timeout these would wait for the holder, which commits only after they answer:
  // the test would then hang until tap's timeout.
  const waiting = Array.from({ length: 4 }, async (_, i) => await upload(app, { filename: `a${i}.csv`, content: TINY_CATALOG }, stuck))
  // While those wait on the lock, another shop is served.
  await waitFor('the stuck shop\'s uploads to wait on its lock', async () =>
    Number((await holder.query("select count(*) as n from pg_locks where locktype = 'advisory' and not granted")).rows[0].n) > 0, 5000, 20)
  const other = await upload(app, { filename: 'b.csv', content: TINY_CATALOG }, { 'x-shop-domain': 'other-shop.myshopify.com' })
  t.equal(other.statusCode, 200, `another shop's upload is accepted: ${other.body}`)
  for (const res of await Promise.all(waiting)) {
    t.equal(res.statusCode, 503, `the stuck shop's upload is a retryable 503, not a 500 or a hang: ${res.body}`)
    t.same(res.json(), { detail: 'The service is busy right now. Please try again in a moment.' }, 'a lock timeout is a busy database, not a lost one')
  }
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'the service stays ready')

  await holder.query('commit')
  const after = await upload(app, { filename: 'c.csv', content: TINY_CATALOG }, stuck)
  t.equal(after.statusCode, 200, `once the lock is free the shop uploads: ${after.body}`)
})

t.test("a burst of uploads for a shop whose lock is stuck holds one pooled connection, not the pool: other shops and /readyz are served", { skip, timeout: 60_000 }, async (t) => {
  // A pool of 4 and a lock wait of 3 s, below the pool's 5 s connection wait (the README's advice).
  // Before, each upload of the burst waited on the lock on a connection of its own: the pool ran dry,
  // and another shop's upload and /readyz failed waiting for a connection.
  const { app, config } = await startTestApp(t, { DATABASE_POOL_MAX: 4, DATABASE_LOCK_TIMEOUT_SECONDS: 3 }, { workers: false })
  const holder = await holdShopLock(t, config.DATABASE_URL, 'burst-shop.myshopify.com')

  const stuck = { 'x-shop-domain': 'burst-shop.myshopify.com' }
  const burst = Array.from({ length: 12 }, async (_, i) => await upload(app, { filename: `a${i}.csv`, content: TINY_CATALOG }, stuck))
  await waitFor('the burst to wait on its shop\'s lock', async () =>
    Number((await holder.query("select count(*) as n from pg_locks where locktype = 'advisory' and not granted")).rows[0].n) > 0, 10_000, 20)
  const [other, ready] = await Promise.all([
    upload(app, { filename: 'b.csv', content: TINY_CATALOG }, { 'x-shop-domain': 'calm-shop.myshopify.com' }),
    app.inject({ url: '/readyz' })
  ])
  t.equal(other.statusCode, 200, `another shop's upload is accepted during the burst: ${other.body}`)
  t.equal(ready.statusCode, 200, `the service stays ready during the burst: ${ready.body}`)
  const waiting = Number((await holder.query("select count(*) as n from pg_locks where locktype = 'advisory' and not granted")).rows[0].n)
  t.ok(waiting <= 1, `at most one connection of the instance waits on the shop's lock (${waiting})`)
  for (const res of await Promise.all(burst)) {
    t.equal(res.statusCode, 503, `the stuck shop's upload is a retryable 503: ${res.body}`)
    t.same(res.json(), { detail: 'The service is busy right now. Please try again in a moment.' }, 'busy, not unavailable')
  }
  await holder.query('commit')
  const after = await upload(app, { filename: 'c.csv', content: TINY_CATALOG }, stuck)
  t.equal(after.statusCode, 200, `once the lock is free the shop uploads: ${after.body}`)
})
