// What the request log says about a request: Fastify's usual fields, with the values of credential-like
// query parameters masked. Shopify's admin opens an embedded app with ?id_token=<session token>&hmac=…,
// and the page takes ?token= (web/README.md): the URL is the only place a token could reach the log,
// since headers (Authorization, Cookie) are not serialized at all.
import type { FastifyRequest } from 'fastify'

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

export const logSerializers = { req: serializeRequest }
