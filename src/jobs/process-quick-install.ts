// The quick-install job: read the stored file back, run the real engine off the main thread, and write
// the bundles, the summary and the final status in one transaction that only lands while the upload is
// still processing (a late worker never overrides the sweep). Delivery is at least once: a retry
// replaces its own partial output.
import type { FastifyBaseLogger } from 'fastify'
import type { Database, Transaction } from '../../db/database.js'
import { untilDatabaseAnswers } from '../../db/wait-for-database.js'
import type { CsvUpload, NewBundleRecommendation } from '../../db/schema.js'
import { runEngineInWorker } from '../engine/run-in-worker.js'
import { isEngineInputError } from '../engine/errors.js'
import type { EngineResult, RunSummary } from '../engine/types.js'
import { completeUpload, endAttempt, failUpload, findUpload, startAttempt } from '../repositories/uploads.js'
import { deleteChunks } from '../repositories/upload-chunks.js'
import { engineSourceFor, isStoredFileIncomplete } from './stored-upload.js'
import { replaceUploadBundles } from '../repositories/bundles.js'
import type { QuickInstallJobData } from './queues.js'
import { attemptTimeoutMessage } from './sweep-stuck-jobs.js'
import type { UploadFinishedHook } from '../notifications/payload.js'

export interface QuickInstallJob {
  id: string
  data: QuickInstallJobData
  retryCount: number
  retryLimit: number
}

export interface QuickInstallDeps {
  db: Database
  log: FastifyBaseLogger
  /** Aborted when the attempt must stop (the instance shuts down, or the attempt's expiry passed): the engine stops. */
  signal: AbortSignal
  /**
   * Aborted when the instance shuts down (`signal` is then aborted too). The attempt is handed back
   * through `requeue` without using up a retry; without `requeue` the error is thrown to pg-boss.
   */
  shutdown?: AbortSignal
  /**
   * Inside the hand-back's transaction: enqueues a fresh job for the upload (only when this attempt
   * still owned it) and completes this one. `queued` false: completes this job only.
   */
  requeue?: (tx: Transaction, queued: boolean) => Promise<void>
  /** How long an attempt may run (QUEUE_EXPIRY_SECONDS): the timeout the merchant is told about. */
  expirySeconds?: number
  now?: () => Date
  /** Runs inside the terminal-status transaction (completion notifications, metrics). */
  onFinished?: UploadFinishedHook
}

/** handed_back: a shutdown stopped the attempt and the upload waits in the queue again. */
export type QuickInstallOutcome = 'completed' | 'failed' | 'skipped' | 'lost' | 'handed_back'

/** What the merchant is told when the last attempt ends in an unexpected error (its details are logged). */
export const INTERNAL_FAILURE = 'Bundle generation failed because of an internal error (it was logged for the operator). Please upload the file again.'

class LostToSweep extends Error {}

function bundleRows (uploadId: string, shop: string, result: EngineResult, now: Date): NewBundleRecommendation[] {
  return result.bundles.map(b => ({
    upload_id: uploadId,
    shop_id: shop,
    type: b.type,
    items: b.items,
    stats: b.stats,
    pricing: b.pricing,
    score: b.score,
    rank: b.rank,
    source: b.source,
    reason: b.reason,
    created_at: now
  }))
}

/** Marks the upload failed (while processing) and deletes its stored file. */
async function markFailed (db: Database, uploadId: string, message: string, now: Date, summary?: RunSummary, onFailed?: (tx: Transaction) => Promise<void>): Promise<boolean> {
  return await db.transaction(async (tx) => {
    const changed = await failUpload(tx.orm, uploadId, message, now, summary as unknown as Record<string, unknown> | undefined)
    if (changed) {
      await deleteChunks(tx.orm, [uploadId])
      await onFailed?.(tx)
    }
    return changed
  })
}

/**
 * pg-boss records a failed attempt, and schedules its retry after QUEUE_RETRY_DELAY_SECONDS, only if the
 * database answers when the handler throws. During an outage that write is lost and the job waits for
 * its expiry (8 minutes by default), the merchant with it. So an attempt that failed while the database
 * is unreachable waits for it to come back (until this attempt's expiry or shutdown) before it reports
 * the failure: a short outage then costs a retry delay, not an expiry.
 */
async function waitOutOutage (db: Database, signal: AbortSignal, log: FastifyBaseLogger): Promise<void> {
  await untilDatabaseAnswers(db, signal, (err) => {
    log.warn({ event: 'waiting_for_database', err: { message: err instanceof Error ? err.message : String(err) } },
      'quick install attempt failed while the database is unreachable; waiting for it before recording the failure')
  })
}

export async function processQuickInstall (deps: QuickInstallDeps, job: QuickInstallJob): Promise<QuickInstallOutcome> {
  const { db } = deps
  const now = deps.now ?? (() => new Date())
  const { upload_id: uploadId, shop_id: shop } = job.data
  const log = deps.log.child({ job_id: uploadId, shop, attempt: job.retryCount + 1 })
  // The sweep times this attempt from here, however long the upload waited in the queue before.
  const attemptStart = now()
  const upload = await startAttempt(db.orm, uploadId, attemptStart)
  if (upload === undefined) {
    log.info({ status: (await findUpload(db.orm, uploadId))?.status ?? 'missing' }, 'quick install job skipped: upload is no longer processing')
    return 'skipped'
  }
  try {
    return await runAttempt(deps, job, upload, log)
  } catch (err) {
    if (deps.signal.aborted) return await abortedAttempt(deps, job, upload, attemptStart, log, err)
    // pg-boss will retry: until a worker starts the job again the upload is waiting, not stuck. After
    // the last attempt the clock keeps running, so an attempt its instance lost is failed by the sweep.
    if (job.retryCount < job.retryLimit) await handBackForRetry(db, uploadId, attemptStart, now(), log)
    throw err
  }
}

async function handBackForRetry (db: Database, uploadId: string, attemptStart: Date, now: Date, log: FastifyBaseLogger): Promise<void> {
  await endAttempt(db.orm, uploadId, attemptStart, now).catch((endErr: unknown) =>
    log.warn({ err: { message: endErr instanceof Error ? endErr.message : String(endErr) } }, 'could not mark the attempt as handed back; the sweep may time it out'))
}

/** The attempt was stopped from outside: by the instance shutting down, or by its expiry. */
async function abortedAttempt (deps: QuickInstallDeps, job: QuickInstallJob, upload: CsvUpload, attemptStart: Date, log: FastifyBaseLogger, err: unknown): Promise<QuickInstallOutcome> {
  const { db } = deps
  const now = deps.now ?? (() => new Date())
  const uploadId = upload.id
  const finalAttempt = job.retryCount >= job.retryLimit
  const shuttingDown = deps.shutdown?.aborted === true
  if (shuttingDown && deps.requeue !== undefined) {
    const requeue = deps.requeue
    // A shutdown is not the upload's fault: it goes back to the queue as a fresh job (the next instance
    // takes it, whatever this job's retry count), and this job ends completed, not failed. One
    // transaction: the upload is never both waiting and without a job. Only the attempt that still
    // owns the upload re-enqueues it: a duplicate delivery or a later attempt leaves it alone.
    try {
      const queued = await db.transaction(async (tx) => {
        const owned = await endAttempt(tx.orm, uploadId, attemptStart, now())
        await requeue(tx, owned)
        return owned
      })
      log.warn({ event: 'attempt_aborted', reason: 'shutdown', requeued: queued, final_attempt: finalAttempt },
        queued ? 'quick install attempt stopped by the shutdown; the upload is queued again for the next instance' : 'quick install attempt stopped by the shutdown; the upload was no longer this attempt\'s to queue again')
      return 'handed_back'
    } catch (requeueErr) {
      log.warn({ event: 'requeue_failed', err: { message: requeueErr instanceof Error ? requeueErr.message : String(requeueErr) } },
        'could not queue the upload again while shutting down; the job goes back to pg-boss instead')
    }
  }
  const reason = shuttingDown ? 'shutdown' : 'expired'
  if (!finalAttempt || shuttingDown) {
    // pg-boss retries it; or, a shutdown's last attempt that could not be queued again: the sweep fails it.
    log.warn({ event: 'attempt_aborted', reason, final_attempt: finalAttempt },
      finalAttempt ? `quick install attempt stopped (${reason}) on its last attempt; the sweep will fail the upload` : `quick install attempt stopped (${reason}); it will be retried`)
    if (!finalAttempt) await handBackForRetry(db, uploadId, attemptStart, now(), log)
    throw err
  }
  // The last attempt ran out of time: nothing will retry it, so fail it now rather than leave the
  // shop at 409 until the sweep finds it.
  const message = attemptTimeoutMessage(deps.expirySeconds)
  const changed = await markFailed(db, uploadId, message, now(), undefined,
    async (tx) => await deps.onFinished?.(tx, { job_id: uploadId, shop: upload.shop_id, status: 'FAILED', bundles_created: 0, error_message: message, rows_read: upload.total_rows, bytes: upload.bytes_received, duration_ms: Date.now() - attemptStart.getTime() }))
  log.warn({ event: 'attempt_aborted', reason, final_attempt: true, changed }, `quick install attempt stopped (${reason}) on its last attempt; the upload is failed: ${message}`)
  return changed ? 'failed' : 'lost'
}

/**
 * An attempt ended in an unexpected error (the engine's, or the write of its result): logged for the
 * operator; on the last attempt the upload is failed now with `message`, since nothing will retry it.
 */
async function attemptFailed (deps: QuickInstallDeps, job: QuickInstallJob, log: FastifyBaseLogger, err: unknown, message: string, onFailed: (tx: Transaction) => Promise<void>): Promise<void> {
  const finalAttempt = job.retryCount >= job.retryLimit
  log.error({ event: 'attempt_failed', err, final_attempt: finalAttempt }, 'quick install attempt failed')
  if (!finalAttempt) return
  const now = deps.now ?? (() => new Date())
  const changed = await markFailed(deps.db, job.data.upload_id, message, now(), undefined, onFailed)
  log.info({ event: 'failed', reason: message, changed }, 'quick install failed')
}

async function runAttempt (deps: QuickInstallDeps, job: QuickInstallJob, upload: CsvUpload, log: FastifyBaseLogger): Promise<QuickInstallOutcome> {
  const { db, signal } = deps
  const now = deps.now ?? (() => new Date())
  const { upload_id: uploadId, shop_id: shop } = job.data
  log.info({ event: 'processing_started' }, 'quick install processing started')
  const started = Date.now()
  const finished = (status: 'COMPLETED' | 'FAILED', bundles: number, errorMessage: string | null, rows: number) =>
    async (tx: Transaction): Promise<void> => await deps.onFinished?.(tx, {
      job_id: uploadId, shop, status, bundles_created: bundles, error_message: errorMessage, rows_read: rows, bytes: upload.bytes_received, duration_ms: Date.now() - started
    })
  let result: EngineResult
  try {
    result = await runEngineInWorker(engineSourceFor(db, { uploadId, gzipped: upload.gzipped, expectedBytes: upload.bytes_received }), {}, signal)
  } catch (err) {
    if (signal.aborted) throw err // stopped from outside: processQuickInstall decides (abortedAttempt)
    await waitOutOutage(db, signal, log)
    if (signal.aborted) throw err
    if (isEngineInputError(err)) {
      // The file will not read differently next time: fail now, no retry.
      const changed = await markFailed(db, uploadId, err.message, now(), undefined, finished('FAILED', 0, err.message, upload.total_rows))
      log.info({ event: 'failed', code: err.code, reason: err.message, changed }, 'quick install failed')
      return changed ? 'failed' : 'lost'
    }
    // The sweep may have failed the upload (and deleted its bytes) while this attempt ran.
    if ((await findUpload(db.orm, uploadId))?.status !== 'processing') {
      log.warn({ event: 'late_worker', reason: err instanceof Error ? err.message : String(err) }, 'quick install attempt ended after its upload stopped processing')
      return 'lost'
    }
    // The merchant reads this: an unexpected error's own words (a SQL text, a TypeError) stay in the log.
    const message = isStoredFileIncomplete(err) ? `Bundle generation failed: ${err.message}` : INTERNAL_FAILURE
    await attemptFailed(deps, job, log, err, message, finished('FAILED', 0, message, upload.total_rows))
    throw err
  }

  const summary = result.summary
  // The engine reports "no bundles" itself (EngineInputError NO_BUNDLES, with the reason); this guard
  // only keeps COMPLETED meaning "bundles exist" should that contract ever break.
  if (result.bundles.length === 0) {
    const message = 'No bundles could be suggested from this file.'
    const changed = await markFailed(db, uploadId, message, now(), summary, finished('FAILED', 0, message, summary.rows_read))
    log.info({ event: 'failed', reason: message, changed }, 'quick install failed')
    return changed ? 'failed' : 'lost'
  }

  try {
    await db.transaction(async (tx) => {
      const at = now()
      await replaceUploadBundles(tx.orm, uploadId, bundleRows(uploadId, shop, result, at))
      const completed = await completeUpload(tx.orm, { id: uploadId, bundlesCreated: result.bundles.length, summary: summary as unknown as Record<string, unknown>, now: at })
      if (!completed) throw new LostToSweep()
      await deleteChunks(tx.orm, [uploadId])
      await finished('COMPLETED', result.bundles.length, null, summary.rows_read)(tx)
    })
  } catch (err) {
    if (err instanceof LostToSweep) {
      log.warn({ event: 'late_worker' }, 'quick install finished after its upload stopped processing (timed out); result discarded')
      return 'lost'
    }
    await waitOutOutage(db, signal, log)
    if (!signal.aborted) await attemptFailed(deps, job, log, err, INTERNAL_FAILURE, finished('FAILED', 0, INTERNAL_FAILURE, summary.rows_read))
    throw err
  }
  log.info({ event: 'completed', bundles_created: result.bundles.length, ms: Date.now() - started, bundles_by_type: summary.bundles }, `quick install completed with ${result.bundles.length} bundles`)
  return 'completed'
}
