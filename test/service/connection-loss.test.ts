// A Postgres connection that breaks while the app holds it (a terminated backend, a restart, a
// failover) fails what ran on it and nothing else: the process lives, the broken connection is
// discarded, and the next transaction works. Before, the checked-out client's 'error' event had no
// listener and killed the process ("Unhandled 'error' event ... Connection terminated unexpectedly").
import t from 'tap'
import pg from 'pg'
import { startTestApp } from '../helpers/app.js'
import { onPostgres, postgresUrl } from '../helpers/database.js'
import { TINY_CATALOG, upload, waitFor } from '../helpers/http.js'

const skip = onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite has no connection to lose'

/** Uncaught exceptions during the test: one would have killed a server. */
function watchUncaught (t: Tap.Test): Error[] {
  const uncaught: Error[] = []
  const onUncaught = (err: Error): void => { uncaught.push(err) }
  process.on('uncaughtException', onUncaught)
  t.teardown(() => { process.off('uncaughtException', onUncaught) })
  return uncaught
}

async function admin (t: Tap.Test): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: postgresUrl() })
  client.on('error', () => {})
  await client.connect()
  t.teardown(async () => { await client.end() })
  return client
}

/** The pid of this database's backend running a query like `queryLike` (in state `state`), once it shows. */
async function backendRunning (client: pg.Client, dbName: string, queryLike: string, waiting = false): Promise<number> {
  return await waitFor(`a backend running ${queryLike}`, async () => {
    const { rows } = await client.query(`select pid from pg_stat_activity where datname = $1 and query ilike $2 and pid <> pg_backend_pid()
      and state = 'active' ${waiting ? "and wait_event_type = 'Lock'" : ''}`, [dbName, queryLike])
    return rows[0]?.pid as number | undefined
  })
}

const dbNameOf = (url: string): string => new URL(url).pathname.slice(1)

t.test('a transaction whose backend is terminated rejects; the process and the pool carry on', { skip }, async (t) => {
  const uncaught = watchUncaught(t)
  const { app, config } = await startTestApp(t, {}, { workers: false })
  const sql = await admin(t)
  const open = app.db.transaction(async (tx) => { await tx.executeSql("select 'conn-loss-marker', pg_sleep(60)") })
  const outcome = open.then(() => 'committed', (err: Error) => err)
  const pid = await backendRunning(sql, dbNameOf(config.DATABASE_URL as string), '%conn-loss-marker%')
  await sql.query('select pg_terminate_backend($1)', [pid])
  const err = await outcome
  t.type(err, Error, 'the transaction rejects')
  t.match((err as Error).message, /terminat/i, 'with the connection loss as its reason')
  // The client's 'error' event follows the socket's close; let the loop turn so it is delivered.
  await waitFor('the terminated backend to be gone', async () =>
    (await sql.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0)
  await new Promise(resolve => setImmediate(resolve))
  t.same(uncaught.map(e => e.message), [], 'no uncaught error: the process would have died')
  for (let i = 0; i < 12; i++) {
    // More than the pool holds: a broken client handed out again would fail one of them.
    t.equal(await app.db.transaction(async (tx) => (await tx.executeSql('select 1 as one')).rows[0].one), 1)
  }
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'the app is ready')
})

t.test("an upload waiting on its shop's lock, its backend terminated: 503, and the shop can upload again", { skip }, async (t) => {
  const uncaught = watchUncaught(t)
  const { app, config } = await startTestApp(t, {}, { workers: false })
  const sql = await admin(t)
  const lockHolder = new pg.Client({ connectionString: config.DATABASE_URL })
  lockHolder.on('error', () => {})
  await lockHolder.connect()
  t.teardown(async () => { await lockHolder.end() })
  await lockHolder.query("select pg_advisory_lock(hashtext('quick-install:shop-x.myshopify.com'))")

  const h = { 'x-shop-domain': 'shop-x.myshopify.com' }
  const pending = upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  const pid = await backendRunning(sql, dbNameOf(config.DATABASE_URL as string), '%pg_advisory_xact_lock%', true)
  await sql.query('select pg_terminate_backend($1)', [pid])
  const res = await pending
  t.equal(res.statusCode, 503, `a retryable answer: ${res.body}`)
  t.match(res.json(), { detail: /try again/i })
  t.same(uncaught.map(e => e.message), [], 'no uncaught error: the process would have died')

  await lockHolder.query("select pg_advisory_unlock(hashtext('quick-install:shop-x.myshopify.com'))")
  const again = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.equal(again.statusCode, 200, `the next upload is accepted: ${again.body}`)
})

t.test('the start-up lock session terminated mid-start-up: exclusive rejects, naming the lock, and the next one works', { skip }, async (t) => {
  const uncaught = watchUncaught(t)
  const { app, config } = await startTestApp(t, {}, { workers: false })
  const sql = await admin(t)
  const dbName = dbNameOf(config.DATABASE_URL as string)
  const outcome = app.db.exclusive(async () => {
    const { rows } = await sql.query("select pid from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = $1)", [dbName])
    t.equal(rows.length, 1, 'one session holds the start-up lock')
    await sql.query('select pg_terminate_backend($1)', [rows[0].pid])
    await waitFor('the terminated backend to be gone', async () =>
      (await sql.query('select 1 from pg_stat_activity where pid = $1', [rows[0].pid])).rowCount === 0)
    await new Promise(resolve => setImmediate(resolve))
    return 'done'
  }).then(v => v, (err: Error) => err)
  const err = await outcome
  t.type(err, Error, 'exclusive rejects: the work ran without the lock for a while')
  t.match((err as Error).message, /start-up lock/)
  t.same(uncaught.map(e => e.message), [], 'no uncaught error: the process would have died')
  t.equal(await app.db.exclusive(async () => 'again'), 'again', 'the next exclusive section works')
})
