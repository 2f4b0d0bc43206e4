// What the request log says about a request: Fastify's usual fields, with the values of credential-like
// query parameters masked. Shopify's admin opens an embedded app with ?id_token=<session token>&hmac=…,
// and the page takes ?token= (web/README.md): the URL is the only place a token could reach the log,
// since headers (Authorization, Cookie) are not serialized at all.
import type { FastifyRequest } from 'fastify'
import pino from 'pino'

export const MASK = '[REDACTED]'

/** Parameter names whose values are credentials or one-time secrets (OAuth's code and state included). */
const SENSITIVE_PARAM = /token|secret|passw|session|signature|hmac|api[-_]?key|^(code|state|key|sig|auth|authorization|jwt)$/i

/** The URL with each sensitive query parameter's value replaced by MASK; everything else byte for byte. */
export function maskUrl (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const params = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    if (eq === -1) return pair
    const rawName = pair.slice(0, eq)
    let name = rawName
    try { name = decodeURIComponent(rawName.replace(/\+/g, ' ')) } catch {}
    return SENSITIVE_PARAM.test(name.trim()) ? `${rawName}=${MASK}` : pair
  })
  return `${url.slice(0, q)}?${params.join('&')}`
}

/** Fastify's default `req` serializer, with the URL masked. */
function serializeRequest (request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: maskUrl(request.url),
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}

/** What replaces a failed query's bound parameters in a logged error. */
export const PARAMS_HIDDEN = 'params: [not logged]'

/** The `params` of every drizzle DrizzleQueryError in an error's cause chain. */
function queryParamsIn (err: unknown): unknown[][] {
  const found: unknown[][] = []
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const params = (e as { params?: unknown }).params
    if (Array.isArray(params) && typeof (e as { query?: unknown }).query === 'string') found.push(params)
  }
  return found
}

function hideParams (text: string, paramsLists: unknown[][]): string {
  let out = text
  for (const params of paramsLists) out = out.split(`params: ${String(params)}`).join(PARAMS_HIDDEN)
  // An error already flattened to its message ({ message }) keeps no params to match: cut to the end.
  return out.includes('\nparams: ') && !out.includes(`\n${PARAMS_HIDDEN}`) ? out.replace(/\nparams: [\s\S]*$/, `\n${PARAMS_HIDDEN}`) : out
}

/**
 * pino's error serializer without the bound parameters of a failed query. drizzle writes them into
 * the message of its DrizzleQueryError ("Failed query: …\nparams: …") and keeps them as `params`: an
 * upload whose chunk insert fails would otherwise log the file itself (a MiB of it, hex-encoded, in
 * the message, the stack and `params`), customer names and e-mails included. The query text and the
 * cause (the driver's own error) stay.
 */
type SerializedError = Record<string, unknown> & { type: string, message: string, stack: string }

function serializeError (err: Error): SerializedError {
  const out = pino.stdSerializers.err(err) as unknown
  if (out === null || typeof out !== 'object') return out as SerializedError
  const paramsLists = queryParamsIn(err)
  const record: Record<string, unknown> = { ...(out as Record<string, unknown>) }
  if (Array.isArray(record.params)) record.params = `[${record.params.length} not logged]`
  for (const key of ['message', 'stack']) {
    if (typeof record[key] === 'string') record[key] = hideParams(record[key] as string, paramsLists)
  }
  return record as SerializedError
}

export const logSerializers = { req: serializeRequest, err: serializeError }
