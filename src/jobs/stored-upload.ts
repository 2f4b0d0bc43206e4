// An upload's stored bytes as the engine reads them: chunk by chunk from upload_chunks, checked
// against the byte count the upload recorded (never a silently short file), inflated when gzipped.
// On Postgres a large file is read by the engine thread itself over its own connection
// (stored-upload-thread.ts), so its database I/O (about 10 ms of CPU per MiB) never runs on the HTTP
// thread. A small one is read here: a few milliseconds, where a connection and the database modules in
// a fresh thread would cost more than the whole read. PGlite lives in this thread: always read here.
import { Readable, PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import type { Database, Orm } from '../../db/database.js'
import type { SessionLimits } from '../../db/session-limits.js'
import { siblingModule, type ThreadSource } from '../engine/run-in-worker.js'
import { readUploadChunks } from '../repositories/upload-chunks.js'

export interface StoredUpload { uploadId: string, gzipped: boolean, expectedBytes: number }

/**
 * The stored bytes do not add up to what the upload recorded. Its message is for the merchant (send the
 * file again); it keeps its name across the engine thread's boundary (run-in-worker.ts).
 */
export class StoredFileIncompleteError extends Error {
  override name = 'StoredFileIncompleteError'
}

export function isStoredFileIncomplete (err: unknown): err is Error {
  return err instanceof Error && err.name === 'StoredFileIncompleteError'
}

async function * storedBytes (orm: Orm, upload: StoredUpload): AsyncGenerator<Uint8Array> {
  let bytes = 0
  for await (const chunk of readUploadChunks(orm, upload.uploadId)) {
    bytes += chunk.length
    yield chunk
    // PGlite answers in-process: its queries resolve without ever returning to the event loop, so
    // without this the whole file would be read in one stretch while every request waits.
    await new Promise(resolve => setImmediate(resolve))
  }
  if (bytes !== upload.expectedBytes) throw new StoredFileIncompleteError(`the stored file is incomplete (${bytes} of ${upload.expectedBytes} bytes); please upload it again`)
}

/** The upload's bytes read through `orm`, inflated when they were stored gzipped. */
export function readStoredUpload (orm: Orm, upload: StoredUpload): AsyncIterable<Uint8Array> {
  const chunks = Readable.from(storedBytes(orm, upload), { objectMode: false })
  if (!upload.gzipped) return chunks
  const out = new PassThrough()
  pipeline(chunks, createGunzip(), out).catch((err: Error) => out.destroy(err))
  return out
}

export interface StoredUploadThreadInput extends StoredUpload { connectionString: string, limits?: SessionLimits }

const THREAD_MODULE = siblingModule(import.meta.url, 'stored-upload-thread').href

/** From this size up (stored bytes) the engine thread reads the upload itself, on Postgres. */
export const THREAD_READ_MIN_BYTES = 8 * 1024 * 1024

/** What runEngineInWorker should read for this upload. */
export function engineSourceFor (db: Database, upload: StoredUpload): AsyncIterable<Uint8Array> | ThreadSource {
  if (db.url === undefined || upload.expectedBytes < THREAD_READ_MIN_BYTES) return readStoredUpload(db.orm, upload)
  return { module: THREAD_MODULE, input: { ...upload, connectionString: db.url, limits: db.limits } satisfies StoredUploadThreadInput }
}
