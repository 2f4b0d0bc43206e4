// POST /api/bundles/quick-install: refuse early when the shop cannot start (409), stream the one file
// into storage with its checks, then ONE short transaction re-checks under a per-shop lock, checks the
// stored file is whole, inserts the upload row and enqueues its job. Anything failing leaves nothing
// behind: no row, no job, no bytes.
import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { MultipartFile } from '@fastify/multipart'
import type { Database } from '../../db/database.js'
import type { Config } from '../config.js'
import type { Queue } from '../../plugins/queue.js'
import { InvalidFileError, RequestAbortedError, SingleFileRequiredError, StagedFileIncompleteError } from '../errors.js'
import { databaseTime, findCollidingUpload, findCurrentUpload, insertUpload, lockShop, PROCESSING_UNIQUE_INDEX } from '../repositories/uploads.js'
import { claimStagedChunks, deleteChunks } from '../repositories/upload-chunks.js'
import { alreadyProcessing, assertCanStart, cooldownStart } from './install-state.js'
import { stageUpload, type StagedUpload } from './stage-upload.js'
import { clientAborted } from './client-aborted.js'
import type { ShopAdmission } from './shop-admission.js'

export interface StartDeps {
  db: Database
  queue: Queue
  config: Config
  log: FastifyBaseLogger
  now?: () => Date
  /** Aborts (with the error to answer) when the instance stops receiving uploads to shut down. */
  signal?: AbortSignal
  /** One upload transaction per shop at a time on this instance (src/services/shop-admission.ts). */
  admission?: ShopAdmission
}

export interface Started { jobId: string, isRetry: boolean }

const CSV_NAME = /\.csv(\.gz)?$/i

/** quick_install_YYYYMMDDTHHMMSSZ.csv */
export const storedFilename = (at: Date): string =>
  `quick_install_${at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}.csv`

/** The merchant's file name, reduced to something safe to store and log. */
function cleanName (name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255)
}

function isUniqueViolation (err: unknown): boolean {
  for (let e: unknown = err, i = 0; e !== null && typeof e === 'object' && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const { code, constraint, message } = e as { code?: string, constraint?: string, message?: string }
    if (code === '23505' && (constraint === undefined || constraint === PROCESSING_UNIQUE_INDEX)) return true
    if (typeof message === 'string' && message.includes(PROCESSING_UNIQUE_INDEX)) return true
  }
  return false
}

export async function startQuickInstall (deps: StartDeps, request: FastifyRequest, shop: string): Promise<Started> {
  const { db, queue, config } = deps
  const now = deps.now ?? (() => new Date())
  const uploadId = randomUUID()
  const log = deps.log.child({ job_id: uploadId, shop })

  const cooldownDays = config.QUICK_INSTALL_COOLDOWN_DAYS
  // Cheap refusal before reading a byte of the file.
  const checkedAt = now()
  assertCanStart(await findCurrentUpload(db.orm, shop, cooldownStart(checkedAt, cooldownDays)), checkedAt, cooldownDays)

  let staged: StagedUpload | null = null
  let fileName = ''
  let otherField: string | undefined
  let stagingStarted = false
  try {
    // The client may have gone while the check above waited for the database. Multipart would then
    // wait forever for a body that never comes (its 'close' listener would be added too late).
    if (clientAborted(request.raw)) throw new RequestAbortedError()
    deps.signal?.throwIfAborted()
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue
      const file = part as MultipartFile
      if (file.fieldname !== 'file') {
        otherField ??= file.fieldname
        file.file.resume()
        continue
      }
      if (stagingStarted) throw new SingleFileRequiredError()
      fileName = cleanName(file.filename ?? '')
      if (!CSV_NAME.test(fileName)) throw new InvalidFileError(`the file name ${JSON.stringify(fileName)} does not end in .csv or .csv.gz; export the orders as CSV.`)
      const namedGzip = /\.gz$/i.test(fileName)
      log.info({ event: 'upload_received', file_name: fileName, named_gzip: namedGzip }, 'quick install upload received')
      stagingStarted = true
      staged = await stageUpload(db, uploadId, file.file, namedGzip, { maxUploadMb: config.MAX_UPLOAD_MB, maxInflatedMb: config.MAX_INFLATED_MB }, deps.signal)
    }
    if (staged === null) {
      throw new InvalidFileError(otherField === undefined
        ? 'the request has no file; send one in the multipart field "file".'
        : `the file came in the multipart field ${JSON.stringify(otherField)}; send it in the field "file".`)
    }
    const file = staged
    const gzipped = file.gzipped
    log.info({ event: 'csv_validated', row_count: file.rows, format: file.inspection.format, bytes: file.bytes, gzipped }, `CSV validated: ${file.rows} rows`)

    // One transaction per shop at a time here: the others of a burst wait in memory, not on a pooled
    // connection; each waits on the shop's lock for what is left of its DATABASE_LOCK_TIMEOUT_SECONDS.
    const lockWaitMs = config.DATABASE_LOCK_TIMEOUT_SECONDS * 1000
    const admitted = async <T>(fn: (msLeft: number) => Promise<T>): Promise<T> =>
      deps.admission === undefined ? await fn(lockWaitMs) : await deps.admission.run(shop, lockWaitMs, fn, deps.signal)
    const { isRetry } = await admitted(async (lockMsLeft) => await db.transaction(async (tx) => {
      if (lockMsLeft < lockWaitMs) await tx.executeSql("select set_config('lock_timeout', $1, true)", [`${lockMsLeft}ms`])
      await lockShop(tx.orm, shop)
      // Taken under the lock, from the database's clock: an upload of this shop accepted while this
      // transaction waited (for a connection, for the lock) is older than this one, whatever the
      // instances' clocks say, so the newest upload is the one accepted last.
      const at = deps.now === undefined ? await databaseTime(tx.orm) : deps.now()
      const verdict = assertCanStart(await findCurrentUpload(tx.orm, shop, cooldownStart(at, cooldownDays)), at, cooldownDays)
      // Staging took as long as the client did: the file is accepted only if every byte is still stored.
      const stored = await claimStagedChunks(tx.orm, uploadId, at)
      if (stored.chunks !== file.chunks || stored.bytes !== file.bytes) {
        log.warn({ event: 'staged_file_incomplete', received: { chunks: file.chunks, bytes: file.bytes }, stored }, 'staged chunks went missing before the upload was committed')
        throw new StagedFileIncompleteError()
      }
      await insertUpload(tx.orm, {
        id: uploadId,
        shop_id: shop,
        filename: storedFilename(at),
        csv_type: 'quick_install',
        status: 'processing',
        total_rows: file.rows,
        processed_rows: 0,
        processing_params: {
          source: 'quick_install',
          file_name: fileName,
          row_count: file.rows,
          format: file.inspection.format,
          kind: file.inspection.kind,
          content_encoding: gzipped ? 'gzip' : 'identity',
          bytes: file.bytes
        },
        bytes_received: file.bytes,
        gzipped,
        created_at: at,
        updated_at: at
      })
      log.info({ event: 'upload_created' }, 'quick install upload created')
      await queue.sendQuickInstall(tx, { upload_id: uploadId, shop_id: shop })
      return verdict
    }))
    log.info({ event: 'processing_triggered', is_retry: isRetry }, 'quick install processing triggered')
    queue.wakeLocalWorkers()
    return { jobId: uploadId, isRetry }
  } catch (err) {
    if (stagingStarted) {
      await deleteChunks(db.orm, [uploadId]).catch((cleanupErr: unknown) =>
        log.error({ err: cleanupErr }, 'could not delete staged chunks; the sweep will remove them'))
    }
    if (isUniqueViolation(err)) {
      // Another install of the shop was inserted first: the database's own guard. Always a 409 (the
      // colliding install may have finished since: its row still names it).
      const colliding = await findCollidingUpload(db.orm, shop)
      if (colliding !== undefined) err = alreadyProcessing(colliding, now())
    }
    const statusCode = (err as { statusCode?: number }).statusCode ?? 500
    if (statusCode < 500) log.info({ event: 'upload_rejected', status_code: statusCode, reason: (err as Error).message }, 'quick install upload rejected')
    throw err
  }
}
