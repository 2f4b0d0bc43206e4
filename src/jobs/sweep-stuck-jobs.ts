// Fails uploads that have been processing longer than the timeout (a crashed or lost worker), and
// deletes their stored file; also the housekeeping that rides along (orphan chunks, ended rate-limit
// windows). Run by pg-boss's scheduler and by POST /api/bundles/cron/cleanup-stuck-jobs.
import type { Database, Transaction } from '../../db/database.js'
import { failStuckUploads } from '../repositories/uploads.js'
import { deleteChunks, deleteOrphanChunks } from '../repositories/upload-chunks.js'
import { deleteEndedWindows } from '../repositories/rate-limits.js'

export const timeoutMessage = (minutes: number): string =>
  `Processing timed out after ${minutes} minute${minutes === 1 ? '' : 's'}`

/** Runs inside every sweep's transaction with the uploads it failed, maybe none (notifications, metrics). */
export type SweptUploadsHook = (tx: Transaction, uploadIds: string[], message: string) => Promise<void>

export async function sweepStuckJobs (db: Database, now: Date, timeoutMinutes: number, onSwept?: SweptUploadsHook): Promise<number> {
  const cutoff = new Date(now.getTime() - timeoutMinutes * 60_000)
  return await db.transaction(async (tx) => {
    const ids = await failStuckUploads(tx.orm, cutoff, timeoutMessage(timeoutMinutes), now)
    await deleteChunks(tx.orm, ids)
    await onSwept?.(tx, ids, timeoutMessage(timeoutMinutes))
    // Bytes staged by a request that died before its upload row was written.
    await deleteOrphanChunks(tx.orm, cutoff)
    // An ended window counts for nothing (the next attempt starts a new one); without this, one row
    // per shop that ever uploaded would stay forever.
    await deleteEndedWindows(tx.orm, now)
    return ids.length
  })
}
