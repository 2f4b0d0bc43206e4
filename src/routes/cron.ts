// The stuck-job sweep on demand, for an outside scheduler. pg-boss already runs it on SWEEP_CRON (every
// 5 minutes by default), so this is optional. Its own auth: Bearer CRON_SECRET (compared in constant
// time) or Cloud Scheduler's Google OIDC token; with neither configured every call is refused.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { sweepStuckJobs } from '../jobs/sweep-stuck-jobs.js'
import { createGoogleOidcVerifier } from '../auth/google-oidc.js'
import { terminalHooks } from '../notifications/terminal-hooks.js'
import { UnauthorizedError } from '../errors.js'
import { bearerMatches, bearerToken } from '../auth/bearer.js'
import { errorReply } from './schemas.js'

export default async function cronRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { CRON_OIDC_AUDIENCE: audience, CRON_OIDC_SERVICE_ACCOUNT: serviceAccount, CRON_OIDC_JWKS_URL: jwksUrl } = app.config
  // Cloud Scheduler's `--oidc-service-account-email` token, accepted beside the shared secret.
  const verifyOidc = audience !== undefined && serviceAccount !== undefined
    ? createGoogleOidcVerifier({ jwksUrl, audience, serviceAccountEmail: serviceAccount })
    : null
  const oidcMatches = async (request: FastifyRequest): Promise<boolean> => {
    const token = bearerToken(request)
    if (verifyOidc === null || token === undefined || token.split('.').length !== 3) return false
    const verdict = await verifyOidc(token)
    if (!verdict.ok) request.log.warn({ reason: verdict.reason }, 'cron call with a rejected OIDC token')
    return verdict.ok
  }
  const authorize = async (request: FastifyRequest): Promise<void> => {
    if (!bearerMatches(request, app.config.CRON_SECRET) && !(await oidcMatches(request))) {
      throw new UnauthorizedError(app.config.CRON_SECRET === undefined && verifyOidc === null
        ? 'the cron endpoint is disabled: no CRON_SECRET is configured (and no CRON_OIDC_AUDIENCE)'
        : `send Authorization: Bearer <${[app.config.CRON_SECRET !== undefined ? 'CRON_SECRET' : '', verifyOidc !== null ? 'Google OIDC token' : ''].filter(Boolean).join(' or ')}>`)
    }
  }
  // The sweep takes no input. A scheduler's body, of whatever type (Cloud Scheduler's
  // application/octet-stream, a JSON `{}`, even malformed JSON), is read up to bodyLimit and ignored,
  // instead of answering the 415 or 400 that Fastify's parsers would. Only this plugin's routes.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => { done(null, undefined) })
  app.post('/api/bundles/cron/cleanup-stuck-jobs', {
    config: { auth: false },
    // Before the body is read: a caller without the secret is answered at once, and cannot hold a
    // connection open by sending a body it never finishes (nothing times out a slow body).
    onRequest: authorize,
    schema: {
      tags: ['operations'],
      summary: 'Mark uploads whose attempt has run longer than PROCESSING_TIMEOUT_MINUTES (or never started within 24 hours) as FAILED',
      security: [{ cronSecret: [] }],
      response: {
        200: Type.Object({ cleaned: Type.Integer(), message: Type.String() }),
        401: errorReply('Missing or wrong CRON_SECRET (or Google OIDC token), or neither configured'),
        413: errorReply('A body (which the sweep ignores) over the server\'s body limit (1 MiB)'),
        503: errorReply('The database is unavailable')
      }
    }
  }, async (request) => {
    const cleaned = await sweepStuckJobs(app.db, new Date(), app.config.PROCESSING_TIMEOUT_MINUTES, terminalHooks(app).onSwept)
    request.log.info({ event: 'sweep', cleaned, trigger: 'cron_endpoint' }, `Marked ${cleaned} stuck jobs as FAILED`)
    return { cleaned, message: `Marked ${cleaned} stuck jobs as FAILED` }
  })
}
