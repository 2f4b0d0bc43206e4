// What the stuck-job sweep must leave alone: an install whose attempt is running is neither failed by
// the queue-wait rule (however old the upload) nor stripped of its file by the orphan-chunk cleanup
// (however old its chunks). Rows are backdated; the sweep is called with the real clock.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload } from '../helpers/http.js'
import { ORPHAN_CHUNK_AGE_HOURS, QUEUE_WAIT_LIMIT_HOURS, sweepStuckJobs } from '../../src/jobs/sweep-stuck-jobs.js'

const TIMEOUT_MINUTES = 10
// No workers: uploads stay PROCESSING, and the test says when their attempt started.
const { app } = await startTestApp(t, { PROCESSING_TIMEOUT_MINUTES: TIMEOUT_MINUTES }, { workers: false })
const shop = (name: string): Record<string, string> => ({ 'x-shop-domain': `${name}.myshopify.com` })

async function startUpload (name: string): Promise<string> {
  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, shop(name))
  if (res.statusCode !== 200) throw new Error(`upload for ${name} failed: ${res.body}`)
  return res.json().job_id
}
const row = async (id: string) => (await app.db.executeSql('select status, error_message from csv_uploads where id = $1', [id])).rows[0]
const chunks = async (id: string): Promise<number> => (await app.db.executeSql('select count(*)::int as n from upload_chunks where upload_id = $1', [id])).rows[0].n
/** Created `hours` ago; a worker started its attempt one minute ago (well inside the timeout). */
const runningSinceOneMinute = async (id: string, hours: number): Promise<void> => {
  await app.db.executeSql("update csv_uploads set created_at = now() - make_interval(hours => $2), attempt_started_at = now() - interval '1 minute' where id = $1", [id, hours])
}

t.test('an upload older than the queue-wait limit whose attempt is running is not failed as never started', async (t) => {
  const id = await startUpload('old-but-running')
  await runningSinceOneMinute(id, QUEUE_WAIT_LIMIT_HOURS + 1)
  const stored = await chunks(id)
  t.ok(stored > 0, 'the upload has its file')
  t.equal(await sweepStuckJobs(app.db, new Date(), TIMEOUT_MINUTES), 0, `created ${QUEUE_WAIT_LIMIT_HOURS + 1} h ago but running for a minute: nothing to sweep`)
  t.same(await row(id), { status: 'processing', error_message: null }, 'still processing: the queue-wait rule is for uploads no worker runs')
  t.equal(await chunks(id), stored, 'its file is kept for the running attempt')
})

t.test('the orphan-chunk cleanup keeps the old chunks of an upload that is processing', async (t) => {
  const id = await startUpload('old-chunks-running')
  const hours = Math.max(QUEUE_WAIT_LIMIT_HOURS, ORPHAN_CHUNK_AGE_HOURS) + 1
  await runningSinceOneMinute(id, hours)
  // Its chunks are as old as the upload: older than the orphan cutoff.
  await app.db.executeSql('update upload_chunks set created_at = now() - make_interval(hours => $2) where upload_id = $1', [id, hours])
  const stored = await chunks(id)
  t.ok(stored > 0, 'the upload has its file')
  t.equal(await sweepStuckJobs(app.db, new Date(), TIMEOUT_MINUTES), 0, 'nothing to sweep')
  t.same(await row(id), { status: 'processing', error_message: null }, 'still processing')
  t.equal(await chunks(id), stored, `chunks ${hours} h old of a processing upload are not orphans: the running attempt reads them`)
})
