// The quick-install contract: start an install with one uploaded file, and follow it.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import multipart from '@fastify/multipart'
import { startQuickInstall } from '../services/start-quick-install.js'
import { shopAdmission } from '../services/shop-admission.js'
import { MAX_FORM_FIELDS, MAX_FORM_PARTS, UPLOAD_ROUTE } from '../services/upload-route.js'
import { statusShape } from '../services/install-state.js'
import { ConflictReply, QuickInstallStarted, QuickInstallStatusShapes, errorReply } from './schemas.js'

const MB = 1024 * 1024

/** Sent by the upload rate limit (plugins/security.ts, which also documents its headers: Retry-After, X-RateLimit-*), before the body is read. */
const TooManyUploads = errorReply('More than UPLOAD_RATE_LIMIT_MAX uploads for this shop within UPLOAD_RATE_LIMIT_WINDOW_SECONDS: "Too many uploads: at most N per W seconds for a shop. Try again in …"')

export default async function quickInstallRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const config = app.config
  const admission = shopAdmission()

  await app.register(multipart, {
    // Busboy stops at the limit and the route answers 413; parts/fields bounds keep hostile bodies small.
    limits: { fileSize: Math.floor(config.MAX_UPLOAD_MB * MB), files: 2, fields: MAX_FORM_FIELDS, parts: MAX_FORM_PARTS, fieldSize: 64 * 1024, headerPairs: 100 }
  })

  app.post(UPLOAD_ROUTE.url, {
    schema: {
      tags: ['quick-install'],
      summary: 'Start a quick install from one order export (.csv or .csv.gz)',
      description: 'multipart/form-data with one field `file`. Answers as soon as the file is stored; bundles are generated in the background.',
      consumes: ['multipart/form-data'],
      response: {
        200: QuickInstallStarted,
        400: errorReply('Missing or non-CSV file, a malformed or cut-off multipart body, an empty file, or one the engine cannot read (the detail lists expected and found columns)'),
        401: errorReply('Missing or invalid session token'),
        409: ConflictReply,
        413: errorReply('The file is over MAX_UPLOAD_MB, or a .csv.gz inflates past MAX_INFLATED_MB'),
        429: TooManyUploads,
        503: errorReply('The database or queue is unavailable, the file could not be stored completely, or the service restarted while it arrived (nothing was kept; send it again)')
      }
    }
  }, async (request, reply) => {
    const started = await app.uploadsInFlight.run(request, reply, async (signal) =>
      await startQuickInstall({ db: app.db, queue: app.queue, config, log: request.log, signal, admission }, request, request.shop))
    // Read-your-writes on this instance without waiting for the announcement (others get it at commit).
    app.latestUploads.invalidate(request.shop)
    return {
      job_id: started.jobId,
      status: 'PROCESSING' as const,
      message: 'Quick install started. Bundles are being generated...',
      is_retry: started.isRetry
    }
  })

  app.get('/api/bundles/quick-install/status', {
    // Polled every 2 s by every open page: no per-request access log (the platform's request log has
    // them); warnings and errors are still logged.
    logLevel: 'warn',
    schema: {
      tags: ['quick-install'],
      summary: 'The shop\'s quick-install state (poll every 2 s while PROCESSING)',
      response: { 200: QuickInstallStatusShapes, 401: errorReply('Missing or invalid session token'), 503: errorReply('The database is unavailable') }
    }
  }, async (request) => {
    const install = await app.latestUploads.get(request.shop)
    return statusShape(install, new Date(), config.QUICK_INSTALL_COOLDOWN_DAYS)
  })
}
