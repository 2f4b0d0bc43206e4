// The bundles an install produced: a page of them as JSON, or all of them as a CSV download.
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type, type Static } from '@sinclair/typebox'
import { format } from 'fast-csv'
import type { Orm } from '../../db/database.js'
import type { BundleRecommendation, CsvUpload } from '../../db/schema.js'
import { findLatestCompleted, findShopUpload } from '../repositories/uploads.js'
import { countUploadBundles, iterateUploadBundles, listUploadBundles, type BundleSort } from '../repositories/bundles.js'
import { apiStatus, iso } from '../services/install-state.js'
import { InstallNotCompletedError, JobNotFoundError, NoBundlesError } from '../errors.js'
import { exportColumns, exportRow } from '../services/bundle-csv.js'
import { BundleReply, BundlesPage, errorReply } from './schemas.js'

export const MAX_PAGE_SIZE = 200
/** Far beyond any install's bundles, and keeps the row offset a small integer for the database. */
export const MAX_PAGE = 100_000
const SORTS = ['rank', 'score', 'count', 'lift'] as const
const Selection = Type.Object({
  job_id: Type.Optional(Type.String({ description: 'An install of the caller\'s shop; default: the latest completed one' }))
})
const PageQuery = Type.Composite([Selection, Type.Object({
  page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 }),
  // A plain enum, so a wrong value is answered with the allowed ones (see validation-message.ts).
  sort: Type.Unsafe<BundleSort>(Type.String({ enum: [...SORTS], default: 'rank' }))
})])

async function selectUpload (orm: Orm, shop: string, jobId: string | undefined): Promise<CsvUpload> {
  if (jobId === undefined) {
    const latest = await findLatestCompleted(orm, shop)
    if (latest === undefined) throw new NoBundlesError()
    return latest
  }
  const upload = await findShopUpload(orm, shop, jobId)
  if (upload === undefined) throw new JobNotFoundError()
  if (upload.status === 'processing') {
    throw new InstallNotCompletedError(`Install ${upload.id} has no bundles yet: it is still processing. Poll GET /api/bundles/status/${upload.id} until it is COMPLETED.`)
  }
  if (upload.status === 'failed') {
    throw new InstallNotCompletedError(`Install ${upload.id} has no bundles: it FAILED (GET /api/bundles/status/${upload.id} says why).`)
  }
  return upload
}

function bundleJson (b: BundleRecommendation): Static<typeof BundleReply> {
  return {
    id: b.id,
    type: b.type as Static<typeof BundleReply>['type'],
    items: b.items as Static<typeof BundleReply>['items'],
    stats: b.stats as Static<typeof BundleReply>['stats'],
    pricing: b.pricing as Static<typeof BundleReply>['pricing'],
    score: b.score,
    rank: b.rank,
    source: b.source as Static<typeof BundleReply>['source'],
    reason: b.reason,
    created_at: b.created_at.toISOString()
  }
}

export default async function bundleRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/api/bundles', {
    schema: {
      tags: ['bundles'],
      summary: 'Bundles of the latest completed install (or of ?job_id=), paged and sorted',
      querystring: PageQuery,
      response: { 200: BundlesPage, 400: errorReply('Invalid query'), 401: errorReply('Missing or invalid session token'), 404: errorReply('No such install, none completed yet, or ?job_id= names one that is processing or failed'), 503: errorReply('The database is unavailable') }
    }
  }, async (request) => {
    const { job_id: jobId, page, page_size: pageSize, sort } = request.query
    const upload = await selectUpload(app.db.orm, request.shop, jobId)
    const [total, rows] = await Promise.all([
      countUploadBundles(app.db.orm, upload.id),
      listUploadBundles(app.db.orm, upload.id, { sort: sort as BundleSort, limit: pageSize, offset: (page - 1) * pageSize })
    ])
    return {
      job_id: upload.id,
      status: apiStatus(upload.status),
      completed_at: iso(upload.completed_at),
      total,
      page,
      page_size: pageSize,
      sort,
      summary: upload.summary,
      bundles: rows.map(bundleJson)
    }
  })

  app.get('/api/bundles/export.csv', {
    schema: {
      tags: ['bundles'],
      summary: 'All bundles of the latest completed install (or of ?job_id=) as CSV, one row per bundle',
      querystring: Selection,
      // Only the 200 is CSV (its own `content`); the refusals are JSON {detail} like every other route's,
      // so no route-wide `produces`, which would publish them as text/csv.
      response: {
        200: {
          description: 'CSV, streamed; text cells starting with = + - @, a tab or a carriage return are prefixed with \' so spreadsheets do not run them',
          content: { 'text/csv': { schema: { type: 'string' } } },
          headers: { 'Content-Disposition': Type.String({ description: 'attachment; filename="bundles-<job_id>.csv": a download, named after the install' }) }
        },
        400: errorReply('Invalid query (job_id given more than once)'),
        401: errorReply('Missing or invalid session token'),
        404: errorReply('No such install, none completed yet, or ?job_id= names one that is processing or failed'),
        503: errorReply('The database is unavailable')
      }
    }
  }, async (request, reply) => {
    const upload = await selectUpload(app.db.orm, request.shop, request.query.job_id)
    const csv = format({ headers: exportColumns, alwaysWriteHeaders: true, writeBOM: false })
    const rows = Readable.from((async function * () {
      for await (const bundle of iterateUploadBundles(app.db.orm, upload.id)) yield exportRow(bundle)
    })())
    rows.on('error', (err) => csv.destroy(err))
    rows.pipe(csv)
    return await reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="bundles-${upload.id}.csv"`)
      .send(csv)
  })
}
