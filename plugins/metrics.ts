// Prometheus metrics for operators (prom-client): what uploads became, how long jobs ran, how much
// data went through, how deep the queues are, and how often the stuck-job sweep ran. Each app gets
// its own registry, so several apps in one process (tests) never collide. Counters are per process;
// Prometheus sums them across instances. Queue depth is read from pg-boss's table at scrape time, so
// it is the same fleet-wide number on every instance.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { clientAborted } from '../src/services/client-aborted.js'
import { isUploadRequest } from '../src/services/upload-route.js'
import { bearerMatches } from '../src/auth/bearer.js'
import { UnauthorizedError } from '../src/errors.js'

export type UploadOutcomeLabel =
  | 'accepted' // 200: stored and queued
  | 'rejected' // 400/415/422: not a file we can read
  | 'too_large' // 413
  | 'conflict' // 409: already processing or in cooldown
  | 'rate_limited' // 429
  | 'unauthorized' // 401/403
  | 'aborted' // the client closed the connection before its upload arrived whole (no answer reached it)
  | 'error' // 5xx
  | 'completed' // job finished with bundles
  | 'failed' // job ended FAILED (engine said why)
  | 'timed_out' // the sweep failed it (an attempt past PROCESSING_TIMEOUT_MINUTES, or never started)

export interface QueueDepthRow { queue: string, state: string, count: number }

export interface BundleMetrics {
  registry: Registry
  uploads: Counter<'outcome'>
  jobDuration: Histogram<'status'>
  rowsProcessed: Counter
  bytesProcessed: Counter
  sweeps: Counter
  sweptJobs: Counter
  queueJobs: Gauge<'queue' | 'state'>
  /** The worker calls this when an upload reaches COMPLETED or FAILED. */
  recordJobFinished: (o: { status: 'COMPLETED' | 'FAILED', durationMs: number, rows?: number, bytes?: number }) => void
  /** The sweep calls this each time it runs, with how many uploads it failed. */
  recordSweep: (cleaned: number) => void
}

const PREFIX = 'bundle_api_'
const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const

export function createMetrics (opts: { queueDepth?: () => Promise<QueueDepthRow[]>, defaultMetrics?: boolean } = {}): BundleMetrics {
  const registry = new Registry()
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX })
  const uploads = new Counter({
    name: `${PREFIX}uploads_total`,
    help: 'Quick-install uploads by outcome: the request answer (accepted, rejected, too_large, conflict, rate_limited, unauthorized, aborted, error) and the job result (completed, failed, timed_out).',
    labelNames: ['outcome'] as const,
    registers: [registry]
  })
  const jobDuration = new Histogram({
    name: `${PREFIX}job_duration_seconds`,
    help: 'Wall time of quick-install jobs from worker start to terminal state, by status.',
    labelNames: ['status'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry]
  })
  const rowsProcessed = new Counter({ name: `${PREFIX}rows_processed_total`, help: 'CSV data rows read by finished jobs.', registers: [registry] })
  const bytesProcessed = new Counter({ name: `${PREFIX}bytes_processed_total`, help: 'Upload bytes read by finished jobs.', registers: [registry] })
  const sweeps = new Counter({ name: `${PREFIX}sweeps_total`, help: 'Stuck-job sweeps this instance ran (scheduled or via the cron route).', registers: [registry] })
  const sweptJobs = new Counter({ name: `${PREFIX}swept_jobs_total`, help: 'Uploads the sweep marked FAILED after the processing timeout.', registers: [registry] })
  const queueDepth = opts.queueDepth
  const queueJobs = new Gauge({
    name: `${PREFIX}queue_jobs`,
    help: 'pg-boss jobs by queue and state (read from the database at scrape time; fleet-wide).',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect () {
      if (queueDepth === undefined) return
      const rows = await queueDepth()
      this.reset()
      const queues = new Set(rows.map((r) => r.queue))
      // Zero-fill so alerts on e.g. `retry` see 0 rather than a missing series.
      for (const queue of queues) for (const state of JOB_STATES) this.set({ queue, state }, 0)
      for (const r of rows) this.set({ queue: r.queue, state: r.state }, r.count)
    }
  })
  for (const outcome of ['accepted', 'rejected', 'completed', 'failed'] as const) uploads.inc({ outcome }, 0)
  sweeps.inc(0)

  return {
    registry,
    uploads,
    jobDuration,
    rowsProcessed,
    bytesProcessed,
    sweeps,
    sweptJobs,
    queueJobs,
    recordJobFinished ({ status, durationMs, rows, bytes }) {
      uploads.inc({ outcome: status === 'COMPLETED' ? 'completed' : 'failed' })
      jobDuration.observe({ status }, durationMs / 1000)
      if (rows !== undefined && rows > 0) rowsProcessed.inc(rows)
      if (bytes !== undefined && bytes > 0) bytesProcessed.inc(bytes)
    },
    recordSweep (cleaned) {
      sweeps.inc()
      if (cleaned > 0) {
        sweptJobs.inc(cleaned)
        uploads.inc({ outcome: 'timed_out' }, cleaned)
      }
    }
  }
}

/** Maps the upload route's HTTP answer to an outcome label. */
export function uploadOutcomeOf (statusCode: number): UploadOutcomeLabel {
  if (statusCode >= 200 && statusCode < 300) return 'accepted'
  if (statusCode === 413) return 'too_large'
  if (statusCode === 409) return 'conflict'
  if (statusCode === 429) return 'rate_limited'
  if (statusCode === 401 || statusCode === 403) return 'unauthorized'
  if (statusCode >= 500) return 'error'
  return 'rejected'
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: BundleMetrics
  }
}

const QUEUE_DEPTH_SQL = 'SELECT name AS queue, state::text AS state, count(*)::int AS count FROM pgboss.job GROUP BY 1, 2'

export default fp(async function metricsPlugin (app: FastifyInstance) {
  const metrics = createMetrics({
    async queueDepth () {
      try {
        const { rows } = await app.db.executeSql(QUEUE_DEPTH_SQL)
        return rows.map((r: { queue: string, state: string, count: number | string }) => ({ queue: r.queue, state: r.state, count: Number(r.count) }))
      } catch (err) {
        // A scrape during a database outage still answers: the queue series are left out, and
        // /readyz (and the 503s) say what is wrong.
        app.log.debug({ err: { message: (err as Error).message } }, 'queue depth unavailable for /metrics')
        return []
      }
    }
  })
  app.decorate('metrics', metrics)

  app.addHook('onResponse', async (request, reply) => {
    if (isUploadRequest(request) && !clientAborted(request.raw)) metrics.uploads.inc({ outcome: uploadOutcomeOf(reply.statusCode) })
  })
  // A client that goes away mid-upload gets no answer; Fastify tells us here instead (once per request).
  app.addHook('onRequestAbort', async (request) => {
    if (isUploadRequest(request)) metrics.uploads.inc({ outcome: 'aborted' })
  })

  // Not a Shopify route (auth: false): a scraper has no session token. METRICS_TOKEN guards it instead;
  // without one it is open, which a public production URL should not be (each scrape also reads the
  // queue table).
  const token = app.config.METRICS_TOKEN
  if (token === undefined && app.config.SHOPIFY_API_SECRET !== undefined) {
    app.log.warn({ event: 'metrics_open' }, 'METRICS_TOKEN is not set: GET /metrics is open to anyone who can reach this service. Set METRICS_TOKEN and scrape with Authorization: Bearer <token>.')
  }
  app.get('/metrics', {
    config: { auth: false },
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics',
      // Not a Shopify session: METRICS_TOKEN when configured, otherwise open.
      security: [{ metricsToken: [] }, {}],
      description: 'Uploads by outcome, job durations, rows and bytes processed, queue depth by state, sweeps. Prometheus text format. ' +
        'When METRICS_TOKEN is configured, send Authorization: Bearer <METRICS_TOKEN>.',
      response: {
        200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
        401: {
          ...Type.Object({ detail: Type.String() }, { description: 'METRICS_TOKEN is configured and the request did not send it' }),
          headers: { 'WWW-Authenticate': Type.String({ enum: ['Bearer realm="metrics"'], description: 'The scheme to authenticate with' }) }
        }
      }
    }
  }, async (request, reply) => {
    if (token !== undefined && !bearerMatches(request, token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"')
      throw new UnauthorizedError('send Authorization: Bearer <METRICS_TOKEN>')
    }
    const body = await metrics.registry.metrics()
    return await reply.type(metrics.registry.contentType).send(body)
  })
}, { name: 'metrics', dependencies: ['config', 'database'], fastify: '5.x' })
