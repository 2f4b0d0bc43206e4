// While the database cannot be reached: requests answer 503 with a clear message (never a stack),
// /readyz says why, the service recovers by itself when the database is back, and a job attempt that
// failed in the outage waits for it (untilDatabaseAnswers) so that its failure is recorded.
import t from 'tap'
import { startTestApp, testConfig } from '../helpers/app.js'
import { createTestDatabase, databaseOutage, onPostgres } from '../helpers/database.js'
import { buildApp } from '../../src/app.js'
import { isDatabaseUnavailable } from '../../db/unavailable.js'
import { untilDatabaseAnswers } from '../../db/wait-for-database.js'
import { upload } from '../helpers/http.js'
import { logCapture } from '../helpers/log-events.js'

t.test('connection failures are told apart from other errors', async (t) => {
  t.ok(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })))
  t.ok(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })))
  t.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')))
  t.ok(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: '08006' }) })))
  t.notOk(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' })))
  t.notOk(isDatabaseUnavailable(new Error('something else')))
})

t.test('/readyz with the database unreachable: a general reason for the caller, the detail in the log', async (t) => {
  const stream = logCapture()
  const lines = stream.lines
  const database = await createTestDatabase()
  const app = await buildApp({ config: testConfig(database), database: await database.open(), workers: false }, { logger: { level: 'warn', stream } })
  t.teardown(async () => { await app.close(); await database.drop() })
  // What node-postgres says when the database's address refuses connections (on either backend).
  const ping = app.db.ping
  app.db.ping = async () => { throw Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:15432'), { code: 'ECONNREFUSED' }) }
  const ready = await app.inject({ url: '/readyz' })
  app.db.ping = ping
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not_ready', database: `${app.db.kind}: unavailable`, queue: 'not checked', auth_mode: 'development', reason: 'database unreachable' },
    'a general reason, and the queue reported as not checked')
  t.notMatch(ready.body, /10\.20\.30\.40|15432|ECONNREFUSED/, 'no internal address, port or error in the answer')
  t.match(lines.find((l) => l.msg === 'not ready: the database did not answer'), { level: 40, err: { message: 'connect ECONNREFUSED 10.20.30.40:15432', code: 'ECONNREFUSED' } }, 'the detail is logged, as a warning')
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'ready once the database answers')
})

t.test('Postgres refusing connections: 503, not ready, then recovery', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres)' }, async (t) => {
  // Status straight from the database (latest-uploads.test.ts covers the cache during an outage).
  const { app, database } = await startTestApp(t, { DATABASE_POOL_MAX: 2, STATUS_CACHE_SECONDS: 0 }, { workers: false })
  const outage = await databaseOutage(t, database)
  const h = { 'x-shop-domain': 'outage.myshopify.com' }
  t.equal((await app.inject({ url: '/api/bundles/quick-install/status', headers: h })).statusCode, 200)

  await outage.refuseConnections()
  await outage.terminateBackends()
  const down = await app.inject({ url: '/api/bundles/quick-install/status', headers: h })
  t.equal(down.statusCode, 503, down.body)
  t.same(down.json(), { detail: 'The database is unavailable right now. Please try again in a moment.' })
  const refused = await upload(app, { filename: 'orders.csv', content: 'order_id,sku\n1,a\n1,b\n' }, h)
  t.equal(refused.statusCode, 503, `an upload (its rate limit is counted in the database) answers 503: ${refused.body}`)
  t.same(refused.json(), { detail: 'The database is unavailable right now. Please try again in a moment.' })
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not_ready', database: 'postgres: unavailable', queue: 'not checked', auth_mode: 'development', reason: 'database unreachable' },
    'not ready, in general words: the queue (in that database) was not checked')

  await outage.allowConnections()
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'ready again without a restart')
  t.equal((await app.inject({ url: '/api/bundles/quick-install/status', headers: h })).statusCode, 200)
})

t.test('untilDatabaseAnswers, which a failed job attempt uses to wait out an outage', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  let told = 0
  t.equal(await untilDatabaseAnswers(app.db, new AbortController().signal, () => { told++ }), true, 'a database that answers: true at once')
  t.equal(told, 0, 'without reporting an outage')
  const otherError = { ping: async () => { throw Object.assign(new Error('permission denied'), { code: '42501' }) } }
  t.equal(await untilDatabaseAnswers(otherError, new AbortController().signal), false, 'another error is not waited on')
})

t.test('untilDatabaseAnswers across an outage of Postgres', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres)' }, async (t) => {
  const { app, database } = await startTestApp(t, {}, { workers: false })
  let told = 0
  const outage = await databaseOutage(t, database)
  await outage.refuseConnections()
  await outage.terminateBackends()
  let reported: () => void = () => {}
  const unavailable = new Promise<void>((resolve) => { reported = resolve })
  const waiting = untilDatabaseAnswers(app.db, new AbortController().signal, () => { told++; reported() })
  await unavailable
  await outage.allowConnections()
  t.equal(await waiting, true, 'answers true once the database is back')
  t.equal(told, 1, 'the outage is reported once')

  await outage.refuseConnections()
  await outage.terminateBackends()
  const giveUp = new AbortController()
  const abandoned = untilDatabaseAnswers(app.db, giveUp.signal, () => { giveUp.abort() })
  t.equal(await abandoned, false, 'false when the caller gives up (expiry, shutdown) before the database is back')
  await outage.allowConnections()
})
