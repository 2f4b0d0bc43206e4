// Streams an uploaded file into upload_chunks (~1 MiB rows, bytes exactly as received) while checking
// it on the way: the header (first 64 KiB after inflating gzip) must be a format the engine reads, the
// data rows are counted, and gzip may not inflate past its cap. A file is gzip when it is named .gz or
// starts with gzip's magic bytes (an export compressed but named .csv), as the CLI reads it. Never holds
// the file whole; never inside a transaction. On any failure (including `signal` aborting: a shutdown)
// the caller deletes the staged chunks.
import { createGunzip, type Gunzip } from 'node:zlib'
import type { Readable } from 'node:stream'
import type { Database } from '../../db/database.js'
import { insertChunk } from '../repositories/upload-chunks.js'
import { inspectHeader, CsvRecordCounter } from '../engine/ingest/index.js'
import { isEngineInputError } from '../engine/errors.js'
import type { HeaderInspection } from '../engine/types.js'
import { InflatedTooLargeError, InvalidGzipError, UnreadableFileError, UploadTooLargeError } from '../errors.js'

export const CHUNK_BYTES = 1024 * 1024
const HEAD_BYTES = 64 * 1024
const MB = 1024 * 1024

export interface StageLimits { maxUploadMb: number, maxInflatedMb: number }

export interface StagedUpload {
  bytes: number
  /** Stored as gzip (named .gz, or starting with gzip's magic bytes): the worker inflates it again. */
  gzipped: boolean
  /** Chunk rows written (seq 0 … chunks - 1). */
  chunks: number
  rows: number
  inspection: HeaderInspection
}

/** gzip's first two bytes (RFC 1952). */
const looksGzipped = (head: Buffer): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b

const NOT_GZIP = 'the file is named .gz but is not gzip data. Name a plain CSV export .csv, or compress it (gzip) to send it as .csv.gz.'
const BROKEN_GZIP = 'the file is gzip-compressed but could not be unpacked: it is damaged or cut off. Compress the CSV export again, or send it uncompressed as .csv.'

/** Engine errors about the file become 400s with the engine's merchant-readable message. */
function asClientError (err: unknown): unknown {
  return isEngineInputError(err) ? new UnreadableFileError(err.message) : err
}

class ContentChecks {
  private head: Buffer[] = []
  private headLength = 0
  private inspection: HeaderInspection | null = null
  private readonly counter = new CsvRecordCounter()
  inflated = 0

  constructor (private readonly maxInflated: number, private readonly maxInflatedMb: number) {}

  push (data: Uint8Array): void {
    this.inflated += data.length
    if (this.inflated > this.maxInflated) throw new InflatedTooLargeError(this.maxInflatedMb)
    this.counter.push(data)
    if (this.inspection === null) {
      this.head.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
      this.headLength += data.length
      if (this.headLength >= HEAD_BYTES) this.inspect()
    }
  }

  private inspect (): void {
    const head = Buffer.concat(this.head).subarray(0, HEAD_BYTES)
    this.head = []
    this.inspection = inspectHeader(head)
  }

  finish (): { rows: number, inspection: HeaderInspection } {
    if (this.inspection === null) this.inspect()
    const rows = this.counter.finish()
    if (rows === 0) {
      throw new UnreadableFileError('Empty file: the CSV has a header row but no data rows. Export again with at least one order or product.')
    }
    return { rows, inspection: this.inspection as HeaderInspection }
  }
}

/** `namedGzip`: the file name ends in .gz; the content decides too (see the top of this file). */
export async function stageUpload (db: Database, uploadId: string, file: Readable & { truncated?: boolean }, namedGzip: boolean, limits: StageLimits, signal?: AbortSignal): Promise<StagedUpload> {
  signal?.throwIfAborted()
  // A client sending slowly leaves the loop below waiting for data: destroying the stream ends the wait.
  const stop = (): void => { file.destroy(signal?.reason as Error) }
  signal?.addEventListener('abort', stop, { once: true })
  let checks: ContentChecks | null = null
  let pending: Buffer[] = []
  let pendingLength = 0
  let seq = 0
  let bytes = 0

  const flush = async (): Promise<void> => {
    if (pendingLength === 0) return
    const data = Buffer.concat(pending, pendingLength)
    pending = []
    pendingLength = 0
    await insertChunk(db.orm, uploadId, seq++, data)
  }

  let gzipped = namedGzip
  let gunzip = null as Gunzip | null // set by begin(), once the first bytes say whether it is gzip
  let gunzipError: unknown = null
  /** Once the first two bytes are in (or the file ended before them): plain, or gzip to inflate. */
  const begin = (head: Buffer): ContentChecks => {
    const magic = looksGzipped(head)
    gzipped = namedGzip || magic
    // The inflation cap is for gzip only; a plain file is capped by MAX_UPLOAD_MB (busboy's limit).
    const started = new ContentChecks(gzipped ? limits.maxInflatedMb * MB : Infinity, limits.maxInflatedMb)
    if (!gzipped) return started
    const invalid = new InvalidGzipError(magic ? BROKEN_GZIP : NOT_GZIP)
    gunzip = createGunzip()
    gunzip.on('data', (data: Buffer) => {
      try {
        started.push(data)
      } catch (err) {
        gunzipError ??= err
        gunzip?.destroy()
      }
    })
    gunzip.on('error', (err) => { gunzipError ??= Object.assign(invalid, { cause: err }) })
    return started
  }
  const feed = async (data: Buffer, to: ContentChecks): Promise<void> => {
    if (gunzip === null) {
      to.push(data)
    } else {
      if (!gunzip.write(data)) await waitDrain(gunzip)
      if (gunzipError !== null) throw gunzipError
    }
  }

  try {
    for await (const raw of file as AsyncIterable<Buffer>) {
      if (file.truncated === true) throw new UploadTooLargeError(limits.maxUploadMb)
      bytes += raw.length
      pending.push(raw)
      pendingLength += raw.length
      if (checks !== null) {
        await feed(raw, checks)
      } else if (pendingLength >= 2) {
        // Nothing was flushed yet (a flush needs CHUNK_BYTES): everything received is still pending.
        const head = Buffer.concat(pending, pendingLength)
        checks = begin(head)
        await feed(head, checks)
      }
      if (pendingLength >= CHUNK_BYTES) await flush()
    }
    if (file.truncated === true) throw new UploadTooLargeError(limits.maxUploadMb)
    if (checks === null) {
      // Fewer than two bytes in all.
      const head = Buffer.concat(pending, pendingLength)
      checks = begin(head)
      await feed(head, checks)
    }
    if (gunzip !== null) {
      await endGunzip(gunzip)
      if (gunzipError !== null) throw gunzipError
    }
    await flush()
    return { bytes, chunks: seq, gzipped, ...checks.finish() }
  } catch (err) {
    throw asClientError(err)
  } finally {
    signal?.removeEventListener('abort', stop)
    gunzip?.destroy()
  }
}

async function waitDrain (stream: Gunzip): Promise<void> {
  await new Promise<void>(resolve => {
    const done = (): void => { stream.off('drain', done); stream.off('close', done); resolve() }
    stream.on('drain', done)
    stream.on('close', done)
  })
}

async function endGunzip (stream: Gunzip): Promise<void> {
  await new Promise<void>(resolve => {
    if (stream.destroyed) { resolve(); return }
    stream.once('end', resolve)
    stream.once('close', resolve)
    stream.end()
  })
}
