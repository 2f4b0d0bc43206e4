// The stuck-job sweep on demand, for an outside scheduler. pg-boss already runs it every 5 minutes, so
// this is optional. Its own auth: Bearer CRON_SECRET, compared in constant time; without a configured
// secret every call is refused.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { sweepStuckJobs } from '../jobs/sweep-stuck-jobs.js'
import { UnauthorizedError } from '../errors.js'
import { errorReply } from './schemas.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

export function bearerMatches (request: FastifyRequest, secret: string | undefined): boolean {
  if (secret === undefined) return false
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  if (match === null) return false
  // Equal-length digests: the comparison time says nothing about the secret or its length.
  return timingSafeEqual(digest(match[1]), digest(secret))
}

export default async function cronRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post('/api/bundles/cron/cleanup-stuck-jobs', {
    config: { auth: false },
    schema: {
      tags: ['operations'],
      summary: 'Mark uploads processing longer than PROCESSING_TIMEOUT_MINUTES as FAILED',
      security: [{ cronSecret: [] }],
      response: {
        200: Type.Object({ cleaned: Type.Integer(), message: Type.String() }),
        401: errorReply('Missing or wrong CRON_SECRET, or no CRON_SECRET configured'),
        503: errorReply('The database is unavailable')
      }
    }
  }, async (request) => {
    if (!bearerMatches(request, app.config.CRON_SECRET)) {
      throw new UnauthorizedError(app.config.CRON_SECRET === undefined ? 'the cron endpoint is disabled: no CRON_SECRET is configured' : 'send Authorization: Bearer <CRON_SECRET>')
    }
    const cleaned = await sweepStuckJobs(app.db, new Date(), app.config.PROCESSING_TIMEOUT_MINUTES)
    request.log.info({ event: 'sweep', cleaned, trigger: 'cron_endpoint' }, `Marked ${cleaned} stuck jobs as FAILED`)
    return { cleaned, message: `Marked ${cleaned} stuck jobs as FAILED` }
  })
}
