// Migrations run at start-up. On Postgres several instances start at once against one database: they
// migrate once (advisory lock) and all come up. On PGlite (one process per data directory) a restart
// finds the schema current and changes nothing.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import type { Database } from '../../db/database.js'
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database.js'
import { testConfig } from '../helpers/app.js'

t.test('three instances starting at once on one Postgres database migrate once', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite serves one process' }, async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const config = testConfig(database)
  const apps = await Promise.all([1, 2, 3].map(async () => await buildApp({ config, database: await database.open() })))
  t.teardown(async () => { await Promise.all(apps.map(async app => await app.close())) })
  for (const [i, app] of apps.entries()) {
    t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, `instance ${i + 1} is ready`)
  }
  const db = apps[0].db
  const applied = (await db.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0].n
  const files = (await import('node:fs')).readdirSync(new URL('../../db/migrations/', import.meta.url)).filter(f => f.endsWith('.sql')).length
  t.equal(applied, files, 'each migration recorded once')
  const queues = (await db.executeSql("select count(*)::int as n from pgboss.queue where name = 'quick-install'")).rows[0].n
  t.equal(queues, 1, 'the queue exists once')
})

t.test('instances starting at once with notifications on create every queue once, and a restart applies a new retry policy', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite serves one process' }, async (t) => {
  // pg-boss's create_queue deadlocks when two instances create the same queue together; it showed in
  // about half of the starts before queues were created under the start-up lock, so start several times.
  const notifying = { NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook', NOTIFY_WEBHOOK_SECRET: 'sixteen-chars-secret', SMTP_HOST: '127.0.0.1', SMTP_FROM: 'shop@example.com', SMTP_TO: 'ops@example.com' }
  const queueRows = async (db: Database): Promise<Array<{ name: string, retry_limit: number }>> =>
    (await db.executeSql("select name, retry_limit from pgboss.queue where name like 'notify-%' order by name")).rows
  let database: TestDatabase | undefined
  for (let round = 1; round <= 5; round++) {
    const fresh = database = await createTestDatabase()
    t.teardown(async () => { await fresh.drop() })
    const config = testConfig(fresh, { ...notifying, NOTIFY_RETRY_LIMIT: 8 })
    const started = await Promise.allSettled([1, 2, 3].map(async () => await buildApp({ config, database: await fresh.open() })))
    const apps = started.flatMap(s => s.status === 'fulfilled' ? [s.value] : [])
    const failures = started.flatMap(s => s.status === 'rejected' ? [String((s.reason as Error).message)] : [])
    t.same(failures, [], `round ${round}: all three instances started`)
    if (apps.length > 0) {
      t.same(await queueRows(apps[0].db), [{ name: 'notify-email', retry_limit: 8 }, { name: 'notify-webhook', retry_limit: 8 }], `round ${round}: each notification queue exists once`)
    }
    await Promise.all(apps.map(async app => await app.close()))
  }
  if (database === undefined) return
  const app = await buildApp({ config: testConfig(database, { ...notifying, NOTIFY_RETRY_LIMIT: 3 }), database: await database.open() })
  t.same((await queueRows(app.db)).map(q => q.retry_limit), [3, 3], 'a restart with NOTIFY_RETRY_LIMIT=3 applies it to both queues')
  await app.close()
})

t.test('a start that fails part-way closes what it had opened, and the database can be used again', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const db = await database.open()
  let closed = 0
  let exclusiveCalls = 0
  // The queue plugin's start-up work succeeds; the notification queues' (the second call) fails.
  const failing = Object.assign(Object.create(db) as typeof db, {
    async exclusive<T> (fn: () => Promise<T>): Promise<T> {
      if (++exclusiveCalls === 2) throw new Error('lock lost')
      return await db.exclusive(fn)
    },
    async close () { closed++; await db.close() }
  })
  const config = testConfig(database, { NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook', NOTIFY_WEBHOOK_SECRET: 'sixteen-chars-secret' })
  await t.rejects(buildApp({ config, database: failing }), /lock lost/, 'the start fails with the cause')
  t.equal(closed, 1, 'the database handle was closed')
  const app = await buildApp({ config: testConfig(database), database: await database.open() })
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'a new start on the same database is ready')
  await app.close()
})

t.test('starting again on a migrated database changes nothing', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const db = await database.open()
  await db.migrate()
  const before = (await db.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0].n
  await db.migrate()
  const after = (await db.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0].n
  await db.close()
  t.equal(after, before)
  t.ok(before >= 1)
})
