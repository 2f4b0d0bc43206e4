// Start-up work (migrations, pg-boss's schema and queues) runs under one advisory lock across the
// fleet. Before, an instance whose lock was held elsewhere blocked in pg_advisory_lock without a word
// until Fastify's plugin timeout ended it with "Plugin did not start in time: 'database'". Now the
// wait is logged with the holder's backend pid, and it ends at a deadline with an error naming the
// lock and its holder; a lock released in time is taken.
import t from 'tap'
import pg from 'pg'
import { createTestDatabase, onPostgres } from '../helpers/database.js'
import { openPostgres, STARTUP_LOCK_KEY, StartupLockTimeoutError, type StartupLockHolder } from '../../db/postgres.js'
import { sessionLimits } from '../../plugins/database.js'
import { configFrom } from '../../src/config.js'

const skip = onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite serves one process and has no start-up lock'

t.test('a start-up lock held by another session: the wait names the holder, and ends at the deadline with a clear error', { skip }, async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const url = database.config.DATABASE_URL as string
  const other = new pg.Client({ connectionString: url, application_name: 'the-other-instance' })
  other.on('error', () => {})
  await other.connect()
  t.teardown(async () => { await other.end() })
  const holderPid = (await other.query('select pg_backend_pid() as pid')).rows[0].pid as number
  await other.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY])

  const waits: Array<{ holder: StartupLockHolder | undefined, description: string }> = []
  let secondWaitReported = (): void => {}
  const secondWait = new Promise<void>(resolve => { secondWaitReported = resolve })
  const db = await openPostgres({
    connectionString: url,
    max: 2,
    onIdleError: () => {},
    limits: sessionLimits(configFrom()),
    startupLock: { waitMs: 1500, onWait: (holder, description) => { waits.push({ holder, description }); if (waits.length === 2) secondWaitReported() } }
  })
  t.teardown(async () => { await db.close() })

  const started = Date.now()
  let ran = false
  const err = await db.exclusive(async () => { ran = true }).then(() => undefined, (e: Error) => e)
  const waited = Date.now() - started
  t.type(err, StartupLockTimeoutError, `start-up gives up with its own error (got ${String(err)})`)
  t.notOk(ran, 'the start-up work did not run without the lock')
  t.ok(waited >= 1500, `it waited out its deadline before giving up (${waited} ms); the error above shows it was not the plugin timeout`)
  t.match(err?.message, new RegExp(`start-up lock \\(Postgres advisory lock ${STARTUP_LOCK_KEY}`), 'the message names the lock')
  t.match(err?.message, `backend pid ${holderPid}`, 'and its holder')
  t.match(err?.message, 'the-other-instance')
  t.equal(waits.length, 1, 'the wait is reported once, when it starts')
  t.equal(waits[0]?.holder?.pid, holderPid, 'with the holder\'s pid')
  t.match(waits[0]?.description, `backend pid ${holderPid}`)

  // Released while another start-up waits: that one takes it and runs.
  const next = db.exclusive(async () => 'ran')
  await secondWait // it is waiting (not yet past its first try) before the lock is released
  await other.query('select pg_advisory_unlock($1)', [STARTUP_LOCK_KEY])
  t.equal(await next, 'ran', 'a lock released before the deadline is taken')
  // And released again by it: the other session can take it at once.
  t.equal((await other.query('select pg_try_advisory_lock($1) as ok', [STARTUP_LOCK_KEY])).rows[0].ok, true, 'exclusive released the lock')
})
