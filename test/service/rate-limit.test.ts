// The upload rate limit is counted in the database (upload_rate_limits): the counting itself, a
// restart that keeps the count, instances sharing one budget (Postgres), and the sweep removing
// ended windows. The limit's answers (429, its detail, Retry-After, per shop) are in
// test/proof/security.test.ts.
import t from 'tap'
import { sql } from 'drizzle-orm'
import { countAttempt, deleteEndedWindows } from '../../src/repositories/rate-limits.js'
import { sweepStuckJobs } from '../../src/jobs/sweep-stuck-jobs.js'
import { startTestApp } from '../helpers/app.js'
import { onPostgres } from '../helpers/database.js'
import { upload } from '../helpers/http.js'

const NOT_A_CSV = { filename: 'x.txt', content: 'not a csv' }
const WINDOW_MS = 600_000

t.test('counting: one window per key, counted exactly once each, restarted after it ends', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  const orm = app.db.orm
  const first = await countAttempt(orm, 'k1', WINDOW_MS)
  t.equal(first.hits, 1, 'the first attempt opens a window')
  t.ok(first.msLeft > WINDOW_MS - 5_000 && first.msLeft <= WINDOW_MS, `the window has about ${WINDOW_MS} ms left (${first.msLeft})`)
  const second = await countAttempt(orm, 'k1', WINDOW_MS)
  t.equal(second.hits, 2)
  t.ok(second.msLeft <= first.msLeft, 'the second attempt does not extend the window')
  t.equal((await countAttempt(orm, 'k2', WINDOW_MS)).hits, 1, 'another key has its own window')

  const concurrent = await Promise.all(Array.from({ length: 12 }, async () => (await countAttempt(orm, 'k1', WINDOW_MS)).hits))
  t.same([...concurrent].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 3), 'concurrent attempts are each counted once')

  await app.db.orm.execute(sql`update upload_rate_limits set window_ends_at = now() - interval '1 second' where key = 'k1'`)
  const fresh = await countAttempt(orm, 'k1', WINDOW_MS)
  t.equal(fresh.hits, 1, 'after the window ended, the count starts again')
  t.ok(fresh.msLeft > WINDOW_MS - 5_000, 'in a new full window')

  await app.db.orm.execute(sql`update upload_rate_limits set window_ends_at = now() - interval '1 second' where key = 'k2'`)
  t.equal(await deleteEndedWindows(orm, new Date()), 1, 'only the ended window is deleted')
  const keys = await app.db.executeSql('select key from upload_rate_limits order by key')
  t.same(keys.rows.map((r: { key: string }) => r.key), ['k1'])
})

t.test('the sweep deletes ended windows', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  await countAttempt(app.db.orm, 'ended', 1)
  await countAttempt(app.db.orm, 'open', WINDOW_MS)
  await sweepStuckJobs(app.db, new Date(Date.now() + 1_000), 10)
  const keys = await app.db.executeSql('select key from upload_rate_limits')
  t.same(keys.rows.map((r: { key: string }) => r.key), ['open'])
})

t.test('a restarted instance keeps counting the same window', async (t) => {
  const limits = { UPLOAD_RATE_LIMIT_MAX: 2, UPLOAD_RATE_LIMIT_WINDOW_SECONDS: 600 }
  const handle = await startTestApp(t, limits, { workers: false })
  const h = { 'x-shop-domain': 'restarting.myshopify.com' }
  t.same([(await upload(handle.app, NOT_A_CSV, h)).statusCode, (await upload(handle.app, NOT_A_CSV, h)).statusCode], [400, 400], 'two uploads answered')
  t.equal((await upload(handle.app, NOT_A_CSV, h)).statusCode, 429, 'the third is limited')
  const app = await handle.restart(limits, { workers: false })
  const after = await upload(app, NOT_A_CSV, h)
  t.equal(after.statusCode, 429, 'still limited after the restart')
  t.ok(Number(after.headers['retry-after']) > 590, `Retry-After counts down the same window (${String(after.headers['retry-after'])} s)`)
  t.equal((await upload(app, NOT_A_CSV, { 'x-shop-domain': 'other.myshopify.com' })).statusCode, 400, 'another shop is not limited')
})

t.test('a one-second window is "per second" in the 429, not "per 1 seconds"', async (t) => {
  const { app } = await startTestApp(t, { UPLOAD_RATE_LIMIT_MAX: 1, UPLOAD_RATE_LIMIT_WINDOW_SECONDS: 1 }, { workers: false })
  const h = { 'x-shop-domain': 'per-second.myshopify.com' }
  t.equal((await upload(app, NOT_A_CSV, h)).statusCode, 400, 'the first upload is answered')
  // The window is stretched in the database so that the second upload lands in it however slow the machine.
  await app.db.orm.execute(sql`update upload_rate_limits set window_ends_at = now() + interval '10 minutes'`)
  const limited = await upload(app, NOT_A_CSV, h)
  t.equal(limited.statusCode, 429, limited.body)
  t.match(limited.json(), { detail: /^Too many uploads: at most 1 per second for a shop\. Try again in \d+ minutes?\.$/ })
})

t.test('two instances on one Postgres share one budget per shop', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite serves one process' }, async (t) => {
  const limits = { UPLOAD_RATE_LIMIT_MAX: 4, UPLOAD_RATE_LIMIT_WINDOW_SECONDS: 600 }
  const a = await startTestApp(t, limits, { workers: false })
  const b = await startTestApp(t, limits, { workers: false, database: a.database })
  const h = { 'x-shop-domain': 'fleet.myshopify.com' }
  const answers = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await upload(i % 2 === 0 ? a.app : b.app, NOT_A_CSV, h)).statusCode))
  t.equal(answers.filter(s => s === 400).length, 4, `4 of 10 concurrent uploads across both instances are answered (${answers.join(' ')})`)
  t.equal(answers.filter(s => s === 429).length, 6, 'the other 6 are limited')
})
