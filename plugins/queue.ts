// pg-boss on the app's own database (through `app.db.executeSql`, so it works on Postgres and on
// PGlite alike). Queues are created at start-up with explicit retry/expiry settings (in pg-boss 10,
// `send` to a missing queue silently returns null), and the stuck-job sweep is scheduled here.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import PgBoss from 'pg-boss'
import type { SqlExecutor, Transaction } from '../db/database.js'
import { QUICK_INSTALL_QUEUE, SWEEP_QUEUE, type QuickInstallJobData } from '../src/jobs/queues.js'
import { QueueUnavailableError } from '../src/errors.js'
import { settleBefore } from '../src/services/settle-before.js'

export interface Queue {
  readonly boss: PgBoss
  /** Enqueues a quick install inside the caller's transaction: if it rolls back, the job never existed. */
  sendQuickInstall: (tx: Transaction, data: QuickInstallJobData) => Promise<string>
  /** Local worker ids, so an enqueue can wake them instead of waiting for the next poll. */
  readonly localWorkers: Set<string>
  wakeLocalWorkers: () => void
  /**
   * Creates these queues, or brings existing ones to these settings, under the start-up lock: pg-boss's
   * create_queue deadlocks when instances starting together create the same queue.
   */
  ensureQueues: (queues: PgBoss.Queue[]) => Promise<void>
  ping: () => Promise<void>
  /**
   * Waits until pg-boss has no query in flight (a worker's fetch, the completion it records without
   * awaiting it, maintenance), or until `deadline` (ms since the epoch).
   */
  drain: (deadline: number) => Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    queue: Queue
  }
}

export default fp(async function queuePlugin (app: FastifyInstance) {
  const config = app.config
  // pg-boss's queries in flight. Shutdown waits for them: pg-boss 10 records a job's completion or
  // failure without awaiting it (timgit/pg-boss#577), and a fetch sent just before the workers stopped
  // still returns its job; either must not meet a closed database.
  const inFlight = new Set<Promise<unknown>>()
  const executeSql: SqlExecutor['executeSql'] = async (text, values) => {
    const query = app.db.executeSql(text, values)
    inFlight.add(query)
    try { return await query } finally { inFlight.delete(query) }
  }
  const boss = new PgBoss({
    db: { executeSql },
    schema: 'pgboss',
    pollingIntervalSeconds: config.WORKER_POLL_SECONDS,
    maintenanceIntervalSeconds: config.BOSS_MAINTENANCE_INTERVAL_SECONDS,
    monitorStateIntervalSeconds: config.BOSS_MONITOR_INTERVAL_SECONDS,
    cronMonitorIntervalSeconds: config.BOSS_CRON_INTERVAL_SECONDS,
    cronWorkerIntervalSeconds: config.BOSS_CRON_INTERVAL_SECONDS
  })
  // While the database is unreachable pg-boss fails every poll: log each distinct error once a minute.
  const lastLogged = new Map<string, number>()
  boss.on('error', (err: Error) => {
    const now = Date.now()
    if (now - (lastLogged.get(err.message) ?? 0) < 60_000) return
    lastLogged.set(err.message, now)
    if (lastLogged.size > 100) lastLogged.clear()
    app.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'queue error')
  })

  const queueSettings = {
    retryLimit: config.QUEUE_RETRY_LIMIT,
    retryDelay: config.QUEUE_RETRY_DELAY_SECONDS,
    retryBackoff: config.QUEUE_RETRY_BACKOFF,
    expireInSeconds: config.QUEUE_EXPIRY_SECONDS
  }
  // pg-boss installs its schema and creates queues without a lock of its own: instances starting
  // together would race (and deadlock in create_queue), so all of it runs under the start-up lock.
  await app.db.exclusive(async () => {
    await boss.start()
    await ensureQueue(boss, { name: QUICK_INSTALL_QUEUE, ...queueSettings })
    await ensureQueue(boss, { name: SWEEP_QUEUE, retryLimit: 0, expireInSeconds: 60 })
    // pg-boss keeps one schedule per queue name and runs it once per cron tick across all instances.
    await boss.schedule(SWEEP_QUEUE, config.SWEEP_CRON, {}, { singletonKey: SWEEP_QUEUE })
  })

  const localWorkers = new Set<string>()
  const queue: Queue = {
    boss,
    localWorkers,
    async sendQuickInstall (tx, data) {
      const id = await boss.send(QUICK_INSTALL_QUEUE, data, { db: tx })
      if (id === null) throw new QueueUnavailableError()
      return id
    },
    wakeLocalWorkers () {
      for (const id of localWorkers) boss.notifyWorker(id)
    },
    async ensureQueues (queues) {
      await app.db.exclusive(async () => {
        for (const q of queues) await ensureQueue(boss, q)
      })
    },
    async ping () {
      if ((await boss.getQueue(QUICK_INSTALL_QUEUE)) === null) throw new Error(`queue ${QUICK_INSTALL_QUEUE} is missing`)
    },
    async drain (deadline) { await settleBefore(inFlight, deadline) }
  }
  app.decorate('queue', queue)
  // Workers (plugins/workers.ts) have handed back their jobs by now; stop timers and maintenance, then
  // let the last completion writes land before the database plugin closes the database.
  app.addHook('onClose', async () => {
    await boss.stop({ graceful: false, close: false, wait: true })
    await queue.drain(Date.now() + QUERY_DRAIN_ON_CLOSE_MS)
  })
}, { name: 'queue', dependencies: ['config', 'database'], fastify: '5.x' })

/** How long closing waits for pg-boss's last writes (a completion, a hand-back) after the workers stopped. */
const QUERY_DRAIN_ON_CLOSE_MS = 1000

/** Creates the queue, or brings an existing one to the configured policy (createQueue keeps old settings). */
async function ensureQueue (boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  const name = queue.name
  if ((await boss.getQueue(name)) === null) {
    try {
      await boss.createQueue(name, queue)
      return
    } catch (err) {
      // Another instance created it at the same moment (one that does not take the start-up lock).
      if ((await boss.getQueue(name)) === null) throw err
    }
  }
  await boss.updateQueue(name, queue)
}
