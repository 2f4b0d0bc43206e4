// Every Postgres session of the service names itself in pg_stat_activity.application_name (README,
// Scaling out), so an operator can tell its sessions apart: the LISTEN connection of the status cache
// too. Before, it connected with no name at all.
import t from 'tap'
import pg from 'pg'
import { createTestDatabase, onPostgres } from '../helpers/database.js'
import { listenOnPostgres } from '../../db/postgres-listener.js'

const skip = onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite has no sessions to name'

t.test('the LISTEN connection names itself bundle-api listener', { skip }, async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const url = database.config.DATABASE_URL as string
  const stop = await listenOnPostgres(url, 'rv_listener_name', { onNotification: () => {}, onLost: () => {}, onListening: () => {} })
  t.teardown(async () => { await stop() })
  const observer = new pg.Client({ connectionString: url })
  await observer.connect()
  t.teardown(async () => { await observer.end() })
  const { rows } = await observer.query("select application_name from pg_stat_activity where datname = current_database() and query = 'LISTEN \"rv_listener_name\"'")
  t.same(rows, [{ application_name: 'bundle-api listener' }], 'one LISTEN session, named')
})
