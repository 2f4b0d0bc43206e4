// upload_chunks: the uploaded file's bytes as received, so a worker on any instance can read them.
// Deleted as soon as the upload is completed, failed or swept: the file holds customer data.
import { and, eq, inArray, lt, notInArray, sql } from 'drizzle-orm'
import type { Orm } from '../../db/database.js'
import { csvUploads, uploadChunks } from '../../db/schema.js'

// Bytes travel as hex text decoded/encoded by Postgres: PGlite's own bytea serializer maps every byte
// through a JS array (~0.7 s per MiB); hex costs ~30 ms per MiB on PGlite and is cheap on `pg` too.
export async function insertChunk (orm: Orm, uploadId: string, seq: number, data: Uint8Array): Promise<void> {
  const hex = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex')
  await orm.insert(uploadChunks).values({ upload_id: uploadId, seq, data: sql`decode(${hex}, 'hex')` })
}

export async function readChunk (orm: Orm, uploadId: string, seq: number): Promise<Uint8Array | undefined> {
  const rows = await orm.select({ hex: sql<string>`encode(${uploadChunks.data}, 'hex')` }).from(uploadChunks)
    .where(and(eq(uploadChunks.upload_id, uploadId), eq(uploadChunks.seq, seq))).limit(1)
  return rows[0] === undefined ? undefined : Buffer.from(rows[0].hex, 'hex')
}

export interface StoredChunks { chunks: number, bytes: number }

/**
 * Counts an upload's staged chunks and bytes in the caller's transaction, and claims them for it
 * (created_at = now): an orphan cleanup racing that transaction either deleted them first (they are
 * missing from the count) or re-checks the claimed rows' created_at and leaves them (see below).
 */
export async function claimStagedChunks (orm: Orm, uploadId: string, now: Date): Promise<StoredChunks> {
  const rows = await orm.update(uploadChunks).set({ created_at: now }).where(eq(uploadChunks.upload_id, uploadId))
    .returning({ bytes: sql<number>`octet_length(${uploadChunks.data})` })
  return { chunks: rows.length, bytes: rows.reduce((sum, r) => sum + Number(r.bytes), 0) }
}

export async function deleteChunks (orm: Orm, uploadIds: string[]): Promise<void> {
  if (uploadIds.length === 0) return
  await orm.delete(uploadChunks).where(inArray(uploadChunks.upload_id, uploadIds))
}

/**
 * Chunks of uploads that are not processing and whose newest chunk is older than `cutoff`: a request
 * that died mid-upload without cleaning up (its process crashed), or leftovers. A live upload only writes a chunk per
 * MiB received, so `cutoff` must be older than any stall a live upload can have. Each row's own
 * created_at is tested too: a row that an upload's transaction claimed while this ran is re-read by
 * Postgres after that commit, and its new created_at keeps it.
 */
export async function deleteOrphanChunks (orm: Orm, cutoff: Date): Promise<number> {
  const live = orm.select({ id: csvUploads.id }).from(csvUploads).where(eq(csvUploads.status, 'processing'))
  const stale = orm.select({ id: uploadChunks.upload_id }).from(uploadChunks)
    .groupBy(uploadChunks.upload_id).having(lt(sql`max(${uploadChunks.created_at})`, cutoff))
  const rows = await orm.delete(uploadChunks)
    .where(and(inArray(uploadChunks.upload_id, stale), notInArray(uploadChunks.upload_id, live), lt(uploadChunks.created_at, cutoff)))
    .returning({ id: uploadChunks.upload_id })
  return new Set(rows.map(r => r.id)).size
}

/** Reads an upload back chunk by chunk (never the whole file at once). */
export async function * readUploadChunks (orm: Orm, uploadId: string): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const data = await readChunk(orm, uploadId, seq)
    if (data === undefined) return
    yield data
  }
}
