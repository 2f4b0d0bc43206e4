// A client that stalls in the middle of its upload (nothing times it out) while the sweep runs: the
// bytes staged so far are kept, and should some be lost anyway the upload answers 503 with nothing
// kept, never 200 for a file with a hole; on Postgres, a sweep running during the upload's transaction
// leaves the chunks it claimed. The stall is a paused request body; the time it lasts is the staged
// chunks' created_at, backdated, instead of a real wait.
import t from 'tap'
import pg from 'pg'
import { PassThrough } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import { startTestApp } from '../helpers/app.js'
import { BOUNDARY, multipartHeaders, TINY_CATALOG, upload, waitFor } from '../helpers/http.js'
import { readShop } from '../helpers/fixtures.js'
import { onPostgres } from '../helpers/database.js'
import { processQuickInstall } from '../../src/jobs/process-quick-install.js'
import { ORPHAN_CHUNK_AGE_HOURS, sweepStuckJobs } from '../../src/jobs/sweep-stuck-jobs.js'
import { CHUNK_BYTES } from '../../src/services/stage-upload.js'

// No workers: what the upload stored is what the test reads back.
const { app, database } = await startTestApp(t, {}, { workers: false })
const ORDERS = readShop(6000, 'generic', 7)
const FIRST_PART = CHUNK_BYTES + 64 * 1024

interface StalledUpload {
  /** The upload id its staged chunks carry (no upload row exists yet). */
  uploadId: string
  /** Sends the rest of the file and the closing boundary; resolves with the answer. */
  finish: () => Promise<LightMyRequestResponse>
}

/** Starts an upload of ORDERS that stops after its first chunk is stored, until finish() is called. */
async function stalledUpload (shop: string): Promise<StalledUpload> {
  const body = new PassThrough()
  const answer = app.inject({ method: 'POST', url: '/api/bundles/quick-install', payload: body, headers: { ...multipartHeaders, 'x-shop-domain': shop } })
  body.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n`)
  body.write(ORDERS.subarray(0, FIRST_PART))
  const uploadId = await waitFor('the first chunk of the stalled upload to be stored', async () =>
    (await app.db.executeSql('select upload_id from upload_chunks where upload_id not in (select id from csv_uploads) limit 1')).rows[0]?.upload_id as string | undefined)
  return {
    uploadId,
    async finish () {
      body.end(Buffer.concat([ORDERS.subarray(FIRST_PART), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]))
      return await answer
    }
  }
}

const stalledFor = async (uploadId: string, minutes: number): Promise<void> => {
  await app.db.executeSql('update upload_chunks set created_at = now() - make_interval(mins => $2) where upload_id = $1', [uploadId, minutes])
}
const stored = async (uploadId: string): Promise<{ chunks: number, bytes: number }> =>
  (await app.db.executeSql('select count(*)::int as chunks, coalesce(sum(octet_length(data)), 0)::int as bytes from upload_chunks where upload_id = $1', [uploadId])).rows[0]
const uploadRows = async (uploadId: string): Promise<number> =>
  (await app.db.executeSql('select count(*)::int as n from csv_uploads where id = $1', [uploadId])).rows[0].n
const jobs = async (uploadId: string): Promise<number> =>
  (await app.db.executeSql("select count(*)::int as n from pgboss.job where name = 'quick-install' and data->>'upload_id' = $1", [uploadId])).rows[0].n

t.test('a client stalling mid-upload while the sweep runs keeps the bytes it already sent', async (t) => {
  const stalled = await stalledUpload('stalling.myshopify.com')
  // Stalled for just under a day: far longer than any client stays connected in silence.
  await stalledFor(stalled.uploadId, ORPHAN_CHUNK_AGE_HOURS * 60 - 1)
  await sweepStuckJobs(app.db, new Date(), 10)
  t.equal((await stored(stalled.uploadId)).chunks, 1, 'the sweep left the chunk of the upload still arriving')

  const res = await stalled.finish()
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().job_id, stalled.uploadId)
  t.same(await stored(stalled.uploadId), { chunks: 2, bytes: ORDERS.length }, 'the whole file is stored, its beginning included')
  const outcome = await processQuickInstall({ db: app.db, log: app.log, signal: new AbortController().signal },
    { id: 'slow', data: { upload_id: stalled.uploadId, shop_id: 'stalling.myshopify.com' }, retryCount: 0, retryLimit: 2 })
  t.equal(outcome, 'completed', 'the install runs on the whole file')
})

t.test('chunks lost while the upload was arriving: 503 with nothing kept, never 200 for a file with a hole', async (t) => {
  const stalled = await stalledUpload('lost-chunk.myshopify.com')
  // A stall longer than the cleanup's cutoff: the sweep takes the first chunk.
  await stalledFor(stalled.uploadId, ORPHAN_CHUNK_AGE_HOURS * 60 + 1)
  await sweepStuckJobs(app.db, new Date(), 10)
  t.equal((await stored(stalled.uploadId)).chunks, 0, 'the sweep deleted the stalled chunk')

  const res = await stalled.finish()
  t.equal(res.statusCode, 503, `the upload is refused, not accepted with a hole: ${res.body}`)
  t.same(res.json(), { detail: 'Upload failed: the file could not be stored completely, so nothing was kept. Please send it again.' })
  t.same({ rows: await uploadRows(stalled.uploadId), jobs: await jobs(stalled.uploadId), chunks: (await stored(stalled.uploadId)).chunks },
    { rows: 0, jobs: 0, chunks: 0 }, 'no upload row, no job, and the chunks written after the loss are deleted too')

  const again = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, { 'x-shop-domain': 'lost-chunk.myshopify.com' })
  t.equal(again.statusCode, 200, `the shop can send the file again at once: ${again.body}`)
  t.equal(again.json().is_retry, false, 'the refused upload left no install behind')
})

t.test('a sweep racing the upload\'s transaction leaves the chunks that transaction claimed', { skip: onPostgres() ? false : 'needs DATABASE_URL (Postgres): PGlite runs one query at a time' }, async (t) => {
  // The race needs chunks that look orphaned while the upload's transaction runs (a client silent for
  // a day before its closing boundary). This test holds the transaction twice with advisory locks: at
  // its per-shop lock, while the chunks are backdated, and after it claimed them (a trigger on the
  // upload row), while the sweep runs: the sweep sees the chunks as before the claim and waits.
  const shop = 'racing-sweep.myshopify.com'
  const admin = new pg.Client({ connectionString: database.config.DATABASE_URL })
  await admin.connect()
  t.teardown(async () => {
    await admin.query('select pg_advisory_unlock_all()')
    await admin.query('drop trigger if exists test_hold_upload on csv_uploads')
    await admin.end()
  })
  await admin.query(`create or replace function test_hold_upload() returns trigger language plpgsql as $$
    begin perform pg_advisory_xact_lock(4242); return new; end $$`)
  await admin.query('create trigger test_hold_upload before insert on csv_uploads for each row execute function test_hold_upload()')
  await admin.query('select pg_advisory_lock(4242), pg_advisory_lock(hashtext($1))', [`quick-install:${shop}`])
  const waitsForLock = async (queryLike: string): Promise<boolean> => (await admin.query(`select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock' and query ilike $1`, [queryLike])).rows[0].n > 0
  const waiting = async (what: string, queryLike: string): Promise<void> => { await waitFor(what, async () => await waitsForLock(queryLike), 10_000, 10) }

  const stalled = await stalledUpload(shop)
  const answer = stalled.finish()
  await waiting('the upload transaction to wait for its shop lock', '%pg_advisory_xact_lock%')
  await stalledFor(stalled.uploadId, ORPHAN_CHUNK_AGE_HOURS * 60 + 1)
  await admin.query('select pg_advisory_unlock(hashtext($1))', [`quick-install:${shop}`])
  await waiting('the upload transaction to hold its claimed chunks', 'insert into "csv_uploads"%')
  let sweepDone = false
  const sweep = sweepStuckJobs(app.db, new Date(), 10).finally(() => { sweepDone = true })
  // A sweep that does not wait (nothing stops it) finishes instead, having taken the chunks.
  await waitFor('the sweep to wait for those chunks', async () => sweepDone || await waitsForLock('delete from "upload_chunks"%'), 10_000, 10)
  await admin.query('select pg_advisory_unlock(4242)')

  const res = await answer
  await sweep
  t.equal(res.statusCode, 200, res.body)
  t.same(await stored(stalled.uploadId), { chunks: 2, bytes: ORDERS.length }, 'the sweep left every chunk of the committed upload')
})
