// A shared bearer secret (CRON_SECRET, METRICS_TOKEN), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** True when the request sends `Authorization: Bearer <secret>`; always false without a configured secret. */
export function bearerMatches (request: FastifyRequest, secret: string | undefined): boolean {
  if (secret === undefined) return false
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  if (match === null) return false
  // Equal-length digests: the comparison time says nothing about the secret or its length.
  return timingSafeEqual(digest(match[1]), digest(secret))
}
