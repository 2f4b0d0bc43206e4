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

export async function countChunks (orm: Orm, uploadId: string): Promise<number> {
  const rows = await orm.select({ n: sql<number>`count(*)::int` }).from(uploadChunks).where(eq(uploadChunks.upload_id, uploadId))
  return rows[0]?.n ?? 0
}

export async function deleteChunks (orm: Orm, uploadIds: string[]): Promise<void> {
  if (uploadIds.length === 0) return
  await orm.delete(uploadChunks).where(inArray(uploadChunks.upload_id, uploadIds))
}

/**
 * Chunks of uploads that are not processing and whose newest chunk is older than `cutoff`: a request
 * that died mid-upload, or leftovers. (An upload still streaming keeps adding chunks, so a slow one
 * is never cut short.)
 */
export async function deleteOrphanChunks (orm: Orm, cutoff: Date): Promise<number> {
  const live = orm.select({ id: csvUploads.id }).from(csvUploads).where(eq(csvUploads.status, 'processing'))
  const stale = orm.select({ id: uploadChunks.upload_id }).from(uploadChunks)
    .groupBy(uploadChunks.upload_id).having(lt(sql`max(${uploadChunks.created_at})`, cutoff))
  const rows = await orm.delete(uploadChunks)
    .where(and(inArray(uploadChunks.upload_id, stale), notInArray(uploadChunks.upload_id, live)))
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
