// Migrations run at start-up. On Postgres several instances start at once against one database: they
// migrate once (advisory lock) and all come up. On PGlite (one process per data directory) a restart
// finds the schema current and changes nothing.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { createTestDatabase, onPostgres } from '../helpers/database.js'
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
