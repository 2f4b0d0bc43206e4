// Domain errors, declared once. The error handler (plugins/error-handler.ts) answers 4xx as
// `{detail: ...}` with the message (or the structured `detail` some carry) and 5xx generically.
import createError from '@fastify/error'

/** No usable file part: the argument says what was missing and what to send instead. */
export const InvalidFileError = createError<[string]>('BUNDLES_INVALID_FILE', 'Invalid file: CSV file required: %s', 400)
export const NOT_MULTIPART = 'send it as multipart/form-data, in the field "file".'
export const SingleFileRequiredError = createError('BUNDLES_SINGLE_FILE', 'Invalid file: send exactly one CSV file, in the multipart field "file"', 400)
/** The form has more fields or parts than the upload reads (busboy's limits): the arguments are those limits. */
export const TooManyPartsError = createError<[number, number]>('BUNDLES_TOO_MANY_PARTS', 'Invalid file: the form has too many fields (at most %s text fields, %s parts in all). Send one CSV file in the multipart field "file", with few or no other fields.', 400)
/** Busboy's words: a body cut off before its closing boundary, or not split by the boundary its Content-Type announces. */
export const MalformedMultipartError = createError('BUNDLES_MALFORMED_MULTIPART', 'Invalid file: the multipart body is malformed or cut off. Send one CSV file in the multipart field "file", its parts separated by the boundary that Content-Type announces and ended by the closing boundary.', 400)
/** The file was read but cannot be used: the message (from the engine) says what was wrong and what was expected. */
export const UnreadableFileError = createError<[string]>('BUNDLES_UNREADABLE_FILE', '%s', 400)
export const UploadTooLargeError = createError<[number]>('BUNDLES_UPLOAD_TOO_LARGE', 'File too large: the limit is %s MB. Compress the export (.csv.gz) or split it.', 413)
/** The upload rate limit (plugins/security.ts), before the body is read: the arguments are the limit, its window and the wait left. */
export const TooManyUploadsError = createError<[number, string, string]>('BUNDLES_TOO_MANY_UPLOADS', 'Too many uploads: at most %s per %s for a shop. Try again in %s.', 429)
export const InflatedTooLargeError = createError<[number]>('BUNDLES_INFLATED_TOO_LARGE', 'File too large: the compressed file inflates past the %s MB limit.', 413)
/**
 * The client closed the connection before its request arrived whole. Nobody reads this answer; its
 * status is nginx's 499 "client closed request", so logs and metrics tell it from a refused file.
 */
export const RequestAbortedError = createError('BUNDLES_REQUEST_ABORTED', 'Upload interrupted: the connection closed before the whole request arrived. Send the file again.', 499)
/** gzip that cannot be unpacked: the argument says whether the name or the content claimed gzip, and what to send. */
export const InvalidGzipError = createError<[string]>('BUNDLES_INVALID_GZIP', 'Invalid file: %s', 400)
/**
 * The stored chunks no longer match what was received (some were deleted while the upload was still
 * arriving), so nothing is kept. Not the client's fault, and sending the file again works: a 503, whose
 * message (unlike a 500's) the error handler passes on.
 */
export const StagedFileIncompleteError = createError('BUNDLES_STAGED_FILE_INCOMPLETE', 'Upload failed: the file could not be stored completely, so nothing was kept. Please send it again.', 503)
/**
 * The instance is shutting down and its time for requests in flight is up: an upload still arriving
 * is stopped, its staged bytes deleted, and the client told to send it again (another instance takes it).
 */
export const UploadInterruptedError = createError('BUNDLES_UPLOAD_INTERRUPTED', 'Upload interrupted: the service is restarting, so nothing was kept. Please send the file again.', 503)

/** 409s carry a structured `detail` object (see conflict()). */
export const AlreadyProcessingError = createError('BUNDLES_ALREADY_PROCESSING', 'Quick install is already processing for this shop', 409)
export const AlreadyCompletedError = createError('BUNDLES_ALREADY_COMPLETED', 'Quick install already completed for this shop', 409)

export const JOB_NOT_FOUND = 'Job not found: this shop has no install with that id. Use the job_id that POST /api/bundles/quick-install answered (GET /api/bundles/quick-install/status names the latest).'
export const JobNotFoundError = createError('BUNDLES_JOB_NOT_FOUND', JOB_NOT_FOUND, 404)
export const NoBundlesError = createError('BUNDLES_NOT_FOUND', 'No completed quick install for this shop yet: upload an export with POST /api/bundles/quick-install, then read the bundles once GET /api/bundles/quick-install/status says COMPLETED.', 404)
/** `?job_id=` names an install of the shop that has no bundles (yet): the argument says which and why. */
export const InstallNotCompletedError = createError<[string]>('BUNDLES_INSTALL_NOT_COMPLETED', '%s', 404)
export const RouteNotFoundError = createError<[string, string]>('BUNDLES_ROUTE_NOT_FOUND', 'Not found: %s %s is not a route of this service. The routes are listed at /docs.', 404)
export const UnauthorizedError = createError<[string]>('BUNDLES_UNAUTHORIZED', 'Unauthorized: %s', 401)
export const DatabaseUnavailableError = createError('BUNDLES_DATABASE_UNAVAILABLE', 'The database is unavailable right now. Please try again in a moment.', 503)
/** A lock wait or a statement ran into the database session limits (DATABASE_LOCK_TIMEOUT_SECONDS, ...). */
export const DatabaseBusyError = createError('BUNDLES_DATABASE_BUSY', 'The service is busy right now. Please try again in a moment.', 503)
export const QueueUnavailableError = createError('BUNDLES_QUEUE_UNAVAILABLE', 'The job queue is unavailable right now. Please try again in a moment.', 503)

/** An error whose answer is `{detail: <object>}` instead of `{detail: <message>}`. */
export function withDetail<E extends Error> (error: E, detail: Record<string, unknown>): E & { detail: Record<string, unknown> } {
  return Object.assign(error, { detail })
}
