// Bearer tokens: reading one from the Authorization header, and a shared bearer secret (CRON_SECRET,
// METRICS_TOKEN) compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), or undefined. */
export function bearerToken (request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
}

/** True when the request sends `Authorization: Bearer <secret>`; always false without a configured secret. */
export function bearerMatches (request: FastifyRequest, secret: string | undefined): boolean {
  if (secret === undefined) return false
  const token = bearerToken(request)
  if (token === undefined) return false
  // Equal-length digests: the comparison time says nothing about the secret or its length.
  return timingSafeEqual(digest(token), digest(secret))
}
