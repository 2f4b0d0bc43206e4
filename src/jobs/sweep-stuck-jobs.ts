// Fails uploads whose attempt has been running longer than the timeout (a crashed or lost worker), and
// uploads no worker has taken up within QUEUE_WAIT_LIMIT_HOURS, and deletes their stored file; also the
// housekeeping that rides along (orphan chunks, ended rate-limit windows). Run by pg-boss's scheduler
// and by POST /api/bundles/cron/cleanup-stuck-jobs.
import type { Database, Transaction } from '../../db/database.js'
import { failStuckAttempts, failUnstartedUploads } from '../repositories/uploads.js'
import { deleteChunks, deleteOrphanChunks } from '../repositories/upload-chunks.js'
import { deleteEndedWindows } from '../repositories/rate-limits.js'

/**
 * How long an upload may wait in the queue with no worker running it. Waiting is not being stuck (with
 * one worker per instance a backlog can be long), so this is far beyond any backlog the service is
 * sized for; it only ends installs the queue has lost (a job deleted by hand, or past pg-boss's 14-day
 * retention), which would otherwise keep the shop at 409 ALREADY_PROCESSING forever.
 */
export const QUEUE_WAIT_LIMIT_HOURS = 24

/**
 * Staged chunks with no processing upload are deleted once their newest chunk is this old. A request
 * still arriving writes a chunk per MiB received and nothing times out a slow client, so this must
 * exceed any stall between two chunks of a live upload: a day does, and leftovers of a crashed
 * request (they hold customer data) still go the next day. Should a stall outlast it anyway, the
 * upload's transaction finds chunks missing and answers 503: never an install on a file with a hole.
 */
export const ORPHAN_CHUNK_AGE_HOURS = 24

export const timeoutMessage = (minutes: number): string =>
  `Processing timed out after ${minutes} minute${minutes === 1 ? '' : 's'}`

/** The same words for a last attempt stopped at its expiry (QUEUE_EXPIRY_SECONDS), in minutes when whole. */
export const attemptTimeoutMessage = (seconds: number | undefined): string =>
  seconds === undefined ? 'Processing timed out'
    : seconds % 60 === 0 ? timeoutMessage(seconds / 60)
      : `Processing timed out after ${seconds} second${seconds === 1 ? '' : 's'}`

export const queueWaitMessage = (hours: number): string =>
  `Processing never started: the install waited ${hours} hour${hours === 1 ? '' : 's'} in the queue`

export interface SweptUpload { id: string, message: string }

/** Runs inside every sweep's transaction with the uploads it failed, maybe none (notifications, metrics). */
export type SweptUploadsHook = (tx: Transaction, swept: SweptUpload[]) => Promise<void>

const hoursBefore = (now: Date, hours: number): Date => new Date(now.getTime() - hours * 3_600_000)

export async function sweepStuckJobs (db: Database, now: Date, timeoutMinutes: number, onSwept?: SweptUploadsHook): Promise<number> {
  const startedBefore = new Date(now.getTime() - timeoutMinutes * 60_000)
  return await db.transaction(async (tx) => {
    const stuck = await failStuckAttempts(tx.orm, startedBefore, timeoutMessage(timeoutMinutes), now)
    const unstarted = await failUnstartedUploads(tx.orm, hoursBefore(now, QUEUE_WAIT_LIMIT_HOURS), queueWaitMessage(QUEUE_WAIT_LIMIT_HOURS), now)
    const swept = [
      ...stuck.map(id => ({ id, message: timeoutMessage(timeoutMinutes) })),
      ...unstarted.map(id => ({ id, message: queueWaitMessage(QUEUE_WAIT_LIMIT_HOURS) }))
    ]
    await deleteChunks(tx.orm, swept.map(s => s.id))
    await onSwept?.(tx, swept)
    // Bytes staged by a request that died before its upload row was written.
    await deleteOrphanChunks(tx.orm, hoursBefore(now, ORPHAN_CHUNK_AGE_HOURS))
    // An ended window counts for nothing (the next attempt starts a new one); without this, one row
    // per shop that ever uploaded would stay forever.
    await deleteEndedWindows(tx.orm, now)
    return swept.length
  })
}
