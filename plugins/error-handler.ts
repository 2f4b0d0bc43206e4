// The one error handler: 4xx answer `{detail: ...}` (the message, or the structured detail of a 409),
// an unreachable database answers 503 with a clear message, anything else a generic 500. A 5xx never
// carries a stack or an internal message.
import http from 'node:http'
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseBusy, isDatabaseUnavailable } from '../db/unavailable.js'
import { clientAborted } from '../src/services/client-aborted.js'
import { DatabaseBusyError, DatabaseUnavailableError, InvalidFileError, MalformedMultipartError, NOT_MULTIPART, RequestAbortedError, RouteNotFoundError, SingleFileRequiredError, TooManyPartsError, UploadInterruptedError, UploadTooLargeError } from '../src/errors.js'
import { isUploadRequest, MAX_FORM_FIELDS, MAX_FORM_PARTS } from '../src/services/upload-route.js'
import { validationError } from '../src/services/validation-message.js'

const INTERNAL_ERROR = 'Internal server error. The failure was logged; please try again.'
/** The errors a request ends with when the client goes away: Node's, @fastify/multipart's, and ours. */
const ABORT_CODES = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'FST_MP_PREMATURE_CLOSE', new RequestAbortedError().code])
const INTERRUPTED_CODE = new UploadInterruptedError().code
/** A request body the upload route cannot read as multipart: not multipart at all, or another type over bodyLimit. */
const NOT_MULTIPART_CODES = new Set(['FST_INVALID_MULTIPART_CONTENT_TYPE', 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_ERR_CTP_BODY_TOO_LARGE'])

/**
 * The answer to errors Fastify meets before routing (a URL with a broken percent-escape, a path
 * parameter over its length limit), which never reach the error handler: the same `{detail}` shape.
 */
export function answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 500
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed before routing')
    void reply.code(status).send({ detail: INTERNAL_ERROR })
    return
  }
  void reply.code(status).send({ detail: frameworkErrorDetail(error) })
}

function frameworkErrorDetail (error: FastifyError): string {
  // Only a broken escape is helped by the advice on percent-encoding.
  if (error.code === 'FST_ERR_BAD_URL') return `Invalid URL: ${error.message}. Percent-encode special characters (a % starts an escape such as %25).`
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return 'Invalid URL: a path parameter (such as a job id) is too long.'
  return `Invalid URL: ${error.message}.`
}

/**
 * The answer to a request Node's HTTP parser refuses before Fastify sees it (headers over Node's size
 * limit, a malformed request line or header, a headers timeout): Fastify's default writes its own
 * `{"error","message":"Client Error","statusCode"}`, which neither has this API's `{detail}` shape nor
 * says what was wrong. Bound to the Fastify instance (`this`), like Fastify's own handler.
 */
export function answerClientError (this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, detail] = clientErrorAnswer(error)
  this.log.debug({ err: { message: error.message, code: error.code } }, 'malformed request refused before routing')
  if (socket.writable) {
    const body = JSON.stringify({ detail })
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

export function clientErrorAnswer (error: Error & { code?: string }): [number, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return [431, `Request headers too large: together they exceed the server's limit of ${Math.floor(http.maxHeaderSize / 1024)} KiB. Send fewer or shorter headers (cookies and tokens are far smaller than that).`]
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'Request timeout: the request line and headers did not arrive in time. Send them at once, then the body.']
  }
  // Node's parser errors read "Parse Error: Invalid header value char" and the like: safe to pass on.
  const reason = /^Parse Error: /.test(error.message) ? error.message.slice('Parse Error: '.length) : 'the request could not be parsed'
  return [400, `Bad request: malformed HTTP (${reason}). Send a valid HTTP/1.1 request: a request line, "Name: value" header lines, and a body that matches its Content-Length or chunked encoding.`]
}

export default fp(async function errorHandlerPlugin (app: FastifyInstance) {
  const maxUploadMb = app.config.MAX_UPLOAD_MB
  app.setSchemaErrorFormatter(validationError)

  app.setErrorHandler(async function handleError (rawError: FastifyError & { detail?: unknown }, request, reply) {
    let error = rawError
    // Errors from plugins that speak of the request, translated into this API's words.
    if (clientAborted(request.raw) && ABORT_CODES.has(error.code)) {
      // The client closed the connection before its request arrived whole (a closed laptop, a lost
      // network): nothing failed in the service and nobody reads the answer, so an info line, no error.
      request.log.info({ event: 'request_aborted', shop: request.shop || undefined, reason: error.message }, 'the client closed the connection before its request arrived whole')
      error = new RequestAbortedError()
    } else if (error.code === 'FST_REQ_FILE_TOO_LARGE') error = new UploadTooLargeError(maxUploadMb)
    else if (isUploadRequest(request) && NOT_MULTIPART_CODES.has(error.code)) {
      // A body that is not multipart (a raw text/csv, JSON, a form) cannot carry the file. Elsewhere
      // these errors keep Fastify's own 413/415 and words: they are about the request, not a file.
      error = new InvalidFileError(NOT_MULTIPART)
    } else if (error.code === 'FST_FILES_LIMIT') {
      error = new SingleFileRequiredError()
    } else if (error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FIELDS_LIMIT') {
      // One file and too many other fields: "send exactly one file" would be wrong.
      error = new TooManyPartsError(MAX_FORM_FIELDS, MAX_FORM_PARTS)
    } else if (error.code === 'FST_PROTO_VIOLATION' || /Unexpected end of (form|multipart data)|Multipart: Boundary not found|Malformed part header/i.test(error.message)) {
      // Busboy's words: a body cut off before its closing boundary, or not split by the boundary its
      // Content-Type announces.
      error = new MalformedMultipartError()
    }

    let status = error.statusCode ?? 500
    if (error.validation !== undefined) status = 400
    if (status >= 500 && isDatabaseUnavailable(rawError)) {
      // A lock or statement timeout is a busy database, not a lost one: the merchant is told which.
      error = isDatabaseBusy(rawError) ? new DatabaseBusyError() : new DatabaseUnavailableError()
      status = 503
    }

    if (status >= 500) {
      // A shutdown stopping an upload is the plan working, not a failure.
      if (error.code === INTERRUPTED_CODE) request.log.warn({ event: 'upload_interrupted', shop: request.shop || undefined }, 'shutting down: the upload still arriving was stopped and nothing kept; answered 503')
      else request.log.error({ err: rawError }, 'request failed')
      if (reply.sent) return
      const message = status === 503 ? error.message : INTERNAL_ERROR
      return await reply.code(status).send({ detail: message })
    }
    if (status === 401) request.log.info({ reason: error.message }, 'unauthenticated request')
    return await reply.code(status).send({ detail: error.detail ?? error.message })
  })

  app.setNotFoundHandler(async function notFound (request, reply) {
    return await reply.code(404).send({ detail: new RouteNotFoundError(request.method, request.url.split('?')[0]).message })
  })
  // An unknown route is answered before its body is read (after every onRequest hook, so with the
  // security headers): otherwise a caller could hold a connection open for ever by sending a body
  // to nowhere slowly, since nothing times out a slow body. The unread rest is discarded
  // (plugins/security.ts), within 30 s.
  app.addHook('preParsing', async (request) => {
    if (request.is404) throw new RouteNotFoundError(request.method, request.url.split('?')[0])
  })
}, { name: 'error-handler', dependencies: ['config', 'auth'], fastify: '5.x' })
