// One job of the caller's shop. Another shop's job answers 404 exactly like an unknown id.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { findShopUpload } from '../repositories/uploads.js'
import { apiStatus, iso } from '../services/install-state.js'
import { JobNotFoundError } from '../errors.js'
import { JobStatusReply, errorReply } from './schemas.js'

function skippedRows (summary: Record<string, unknown> | null): number {
  const skipped = summary?.rows_skipped
  if (skipped === null || typeof skipped !== 'object') return 0
  return Object.values(skipped as Record<string, unknown>).reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0)
}

export default async function jobStatusRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/api/bundles/status/:job_id', {
    // Polled every 2 s by every open page: no per-request access log (the platform's request log has
    // them); warnings and errors are still logged.
    logLevel: 'warn',
    schema: {
      tags: ['quick-install'],
      summary: 'The status of one job of the caller\'s shop',
      params: Type.Object({ job_id: Type.String({ description: 'The job_id returned by the upload' }) }),
      response: { 200: JobStatusReply, 401: errorReply('Missing or invalid session token'), 404: errorReply('No such job for this shop'), 503: errorReply('The database is unavailable') }
    }
  }, async (request) => {
    const { job_id: jobId } = request.params
    const upload = await findShopUpload(app.db.orm, request.shop, jobId)
    if (upload === undefined) throw new JobNotFoundError()
    return {
      job_id: upload.id,
      status: apiStatus(upload.status),
      processed_count: upload.processed_rows,
      error_count: skippedRows(upload.summary),
      error_message: upload.error_message,
      created_at: upload.created_at.toISOString(),
      processed_at: upload.status === 'completed' ? iso(upload.completed_at) : upload.status === 'failed' ? iso(upload.updated_at) : null
    }
  })
}
