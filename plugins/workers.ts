// Runs the queue's jobs in this process: WORKER_CONCURRENCY quick-install workers and the scheduled
// sweep. On shutdown it stops fetching, lets running jobs finish within SHUTDOWN_TIMEOUT_SECONDS,
// then aborts the rest and hands them back to the queue: each upload gets a fresh job (no retry used
// up, so even a last attempt is taken up by the next instance) and the interrupted job is completed.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type PgBoss from 'pg-boss'
import { QUICK_INSTALL_QUEUE, SWEEP_QUEUE, type QuickInstallJobData } from '../src/jobs/queues.js'
import { processQuickInstall } from '../src/jobs/process-quick-install.js'
import { sweepStuckJobs } from '../src/jobs/sweep-stuck-jobs.js'
import { terminalHooks } from '../src/notifications/terminal-hooks.js'
import { settleBefore } from '../src/services/settle-before.js'

export interface Workers {
  /** Jobs running in this process now. */
  active: () => number
}

declare module 'fastify' {
  interface FastifyInstance {
    workers: Workers
  }
}

export interface WorkersOptions {
  /** false: this instance only serves HTTP (tests that drive jobs by hand). */
  enabled?: boolean
}

export default fp(async function workersPlugin (app: FastifyInstance, opts: WorkersOptions) {
  const { boss } = app.queue
  const config = app.config
  const shutdown = new AbortController()
  const { onFinished, onSwept } = terminalHooks(app)
  const running = new Set<Promise<unknown>>()
  app.decorate('workers', { active: () => running.size })
  if (opts.enabled === false) return

  const track = async <T>(work: Promise<T>): Promise<T> => {
    running.add(work)
    try { return await work } finally { running.delete(work) }
  }

  const runQuickInstall = async (job: PgBoss.JobWithMetadata<QuickInstallJobData>): Promise<void> => {
    try {
      // pg-boss gives up on an attempt after its expiry (and retries it); stop the engine then too.
      const expirySeconds = config.QUEUE_EXPIRY_SECONDS
      const expiry = AbortSignal.timeout(expirySeconds * 1000)
      await processQuickInstall({
        db: app.db,
        log: app.log,
        signal: AbortSignal.any([shutdown.signal, expiry]),
        shutdown: shutdown.signal,
        // In the hand-back's transaction: the upload's next job is sent as the upload route sends its
        // first, and this one is completed (pg-boss's own completion, after the handler, is not awaited).
        requeue: async (tx, queued) => {
          const next = queued ? await app.queue.sendQuickInstall(tx, job.data) : null
          await boss.complete(QUICK_INSTALL_QUEUE, job.id, { handed_back: true, next_job: next }, { db: tx })
        },
        expirySeconds,
        onFinished
      }, job)
    } catch (err) {
      if (shutdown.signal.aborted) {
        // The hand-back could not be written (the database is failing as we stop): record the attempt
        // as failed ourselves before the database closes (pg-boss's own fail is not awaited).
        const retried = job.retryCount < job.retryLimit
        const message = `instance shut down while the job was running and could not queue it again; ${retried ? 'pg-boss will retry it' : 'no retry is left: the sweep will fail the upload'}`
        await boss.fail(QUICK_INSTALL_QUEUE, job.id, { message }).catch(() => {})
      }
      throw err
    }
  }

  for (let i = 0; i < config.WORKER_CONCURRENCY; i++) {
    const id = await boss.work<QuickInstallJobData>(QUICK_INSTALL_QUEUE,
      { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: config.WORKER_POLL_SECONDS },
      async (jobs) => { for (const job of jobs) await track(runQuickInstall(job)) })
    app.queue.localWorkers.add(id)
  }
  await boss.work(SWEEP_QUEUE, { pollingIntervalSeconds: Math.max(config.WORKER_POLL_SECONDS, 1) }, async () => {
    const cleaned = await track(sweepStuckJobs(app.db, new Date(), config.PROCESSING_TIMEOUT_MINUTES, onSwept))
    app.log.info({ event: 'sweep', cleaned, trigger: 'schedule' }, `Marked ${cleaned} stuck jobs as FAILED`)
  })

  app.addHook('preClose', async () => {
    const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_SECONDS * 1000
    await boss.offWork(QUICK_INSTALL_QUEUE)
    await boss.offWork(SWEEP_QUEUE)
    app.queue.localWorkers.clear()
    // offWork does not wait for a fetch already sent: the job it returns still reaches its handler.
    // Wait for pg-boss's queries, so that such a job is in `running` before we look at it.
    await app.queue.drain(deadline - 1000)
    // Let running jobs finish, keeping a second to hand back the ones that do not.
    await settleBefore(running, deadline - 1000)
    if (running.size > 0) {
      app.log.warn({ active_jobs: running.size }, 'shutting down: handing running jobs back to the queue')
      shutdown.abort(new Error('instance shutting down'))
      await settleBefore(running, deadline)
    }
  })
}, { name: 'workers', dependencies: ['config', 'database', 'queue', 'metrics', 'notifications'], fastify: '5.x' })
