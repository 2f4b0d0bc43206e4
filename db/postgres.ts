// Postgres through `pg` behind the Database interface. Several instances share one database, so
// migrations run under a session advisory lock: three processes starting at once migrate once.
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { afterCommitCallbacks, type Database, type Orm, type SqlResult } from './database.js'
import { migrationsFolder } from './project-root.js'
import { listenOnPostgres } from './postgres-listener.js'
import { pgSessionOptions, type SessionLimits } from './session-limits.js'

/** Arbitrary constant shared by every instance of this service: "bundle-api start-up". */
export const STARTUP_LOCK_KEY = 7_140_213_001

/**
 * How long start-up waits for another instance's start-up work before it gives up, naming the holder.
 * Below Fastify's plugin timeout (120 s in src/app.ts, for the whole start-up), which would otherwise
 * end it with the misleading "Plugin did not start in time: 'database'".
 */
export const STARTUP_LOCK_WAIT_MS = 60_000
const STARTUP_LOCK_POLL_MS = 250

/** The session holding the start-up lock, as pg_stat_activity describes it. */
export interface StartupLockHolder { pid: number, application_name: string | null, client_addr: string | null, backend_start: Date | null, state: string | null }

/** Start-up waited STARTUP_LOCK_WAIT_MS for the start-up lock; the message names the lock and its holder. */
export class StartupLockTimeoutError extends Error {
  override readonly name = 'StartupLockTimeoutError'
}

// A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1.
const STARTUP_LOCK_HOLDER_SQL = `SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start, a.state
  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid
  LIMIT 1`

function describeHolder (holder: StartupLockHolder | undefined): string {
  if (holder === undefined) return 'a session that has just released it'
  const parts = [`application_name ${JSON.stringify(holder.application_name ?? '')}`]
  if (holder.client_addr !== null) parts.push(`client ${holder.client_addr}`)
  if (holder.backend_start !== null) parts.push(`connected since ${new Date(holder.backend_start).toISOString()}`)
  if (holder.state !== null) parts.push(`state ${holder.state}`)
  return `backend pid ${holder.pid} (${parts.join(', ')})`
}

type Queryable = pg.Pool | pg.PoolClient

async function executeOn (client: Queryable, text: string, values?: unknown[]): Promise<SqlResult> {
  const result = await client.query(text, values as any[] | undefined)
  // A multi-statement text answers an array of results; pg-boss wants the last one's rows.
  const last = Array.isArray(result) ? (result as pg.QueryResult[])[(result as pg.QueryResult[]).length - 1] : result
  return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 }
}

interface Checkout {
  /** Releases the client with this error (the pool then ends it instead of reusing it). */
  discard: (err: Error) => void
  /** The error that broke the connection (or was passed to discard), if any. */
  broken: () => Error | undefined
}

/**
 * Runs `fn` on a client checked out of the pool, then returns it. pg-pool listens for a client's
 * 'error' only while the client is idle: a connection that breaks while checked out (a terminated
 * backend, a Postgres restart, a failover) emits 'error' with no listener, which crashes the process.
 * So a listener is held for the whole checkout; a client that broke, or whose clean-up query failed,
 * is released with the error so the pool discards it instead of handing it out again.
 */
async function withClient<T> (pool: pg.Pool, fn: (client: pg.PoolClient, checkout: Checkout) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  const discard = (err: Error): void => { broken ??= err }
  client.on('error', discard)
  try {
    return await fn(client, { discard, broken: () => broken })
  } finally {
    client.removeListener('error', discard)
    client.release(broken)
  }
}

export interface PostgresOptions {
  connectionString: string
  max: number
  onIdleError: (err: Error) => void
  limits: SessionLimits
  startupLock?: {
    /** Called once when start-up has to wait for the lock, with who holds it (for the log). */
    onWait?: (holder: StartupLockHolder | undefined, description: string) => void
    /** Default STARTUP_LOCK_WAIT_MS. */
    waitMs?: number
  }
}

export async function openPostgres (options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: 5000,
    fallback_application_name: 'bundle-api',
    ...pgSessionOptions(options.limits)
  })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', options.onIdleError)
  const orm = drizzle({ client: pool }) as unknown as Orm
  let closed = false
  // Polled, not a blocking pg_advisory_lock: a wait is logged with its holder and ends at a deadline
  // with an error naming both, instead of start-up hanging silently until the plugin timeout.
  async function takeStartupLock (client: pg.PoolClient): Promise<void> {
    const tryLock = async (): Promise<boolean> => (await client.query('SELECT pg_try_advisory_lock($1) AS ok', [STARTUP_LOCK_KEY])).rows[0].ok === true
    if (await tryLock()) return
    const holderNow = async (): Promise<StartupLockHolder | undefined> => (await client.query(STARTUP_LOCK_HOLDER_SQL, [STARTUP_LOCK_KEY])).rows[0]
    const waitMs = options.startupLock?.waitMs ?? STARTUP_LOCK_WAIT_MS
    const holder = await holderNow()
    options.startupLock?.onWait?.(holder, describeHolder(holder))
    const deadline = Date.now() + waitMs
    while (Date.now() < deadline) {
      await sleep(Math.min(STARTUP_LOCK_POLL_MS, Math.max(0, deadline - Date.now())))
      if (await tryLock()) return
    }
    throw new StartupLockTimeoutError(`Start-up gave up after ${waitMs / 1000} s waiting for the start-up lock ` +
      `(Postgres advisory lock ${STARTUP_LOCK_KEY}, taken by every bundle-api instance on this database for migrations and queue set-up), ` +
      `held by ${describeHolder(await holderNow())}. That instance's start-up is still running or hung: check it, or end its session ` +
      'with SELECT pg_terminate_backend(pid); then start again.')
  }

  // A session advisory lock held on its own connection while `fn` runs (fn may use the pool freely).
  // The session ending releases the lock too, so a broken connection is simply discarded.
  async function exclusiveSession<T> (fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return await withClient(pool, async (client, checkout) => {
      let result: T
      try {
        await takeStartupLock(client)
        try {
          result = await fn(client)
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]).catch(checkout.discard)
        }
      } finally {
        // Back to the session's start-up limits before the client returns to the pool (migrate lifts one).
        await client.query('RESET statement_timeout').catch(checkout.discard)
      }
      // The lock went with its session: another instance may have run start-up work alongside.
      const lost = checkout.broken()
      if (lost !== undefined) throw new Error(`The connection holding the start-up lock broke while start-up work ran: ${lost.message}`, { cause: lost })
      return result
    })
  }
  return {
    kind: 'postgres',
    url: options.connectionString,
    limits: options.limits,
    orm,
    executeSql: async (text, values) => await executeOn(pool, text, values),
    async transaction (fn) {
      const committed = afterCommitCallbacks()
      const result = await withClient(pool, async (client, { discard }) => {
        try {
          await client.query('BEGIN')
          const result = await fn({
            orm: drizzle({ client }) as unknown as Orm,
            executeSql: async (text, values) => await executeOn(client, text, values),
            afterCommit: committed.register
          })
          await client.query('COMMIT')
          return result
        } catch (err) {
          // A ROLLBACK that fails leaves the session in an unknown state: it is discarded.
          await client.query('ROLLBACK').catch(discard)
          throw err
        }
      })
      committed.run()
      return result
    },
    async ping () {
      if (closed) throw new Error('The database pool is closed')
      await pool.query('select 1')
    },
    exclusive: async (fn) => await exclusiveSession(async () => await fn()),
    listen: async (channel, handlers) => await listenOnPostgres(options.connectionString, channel, handlers),
    async migrate () {
      // On the lock's own client: drizzle's migrator on a pool would check out a client of its own
      // (for its transaction) with no 'error' listener.
      // A migration may rewrite a large table: no statement_timeout (lock_timeout stays, so a migration
      // stuck behind a long transaction fails the start-up rather than queue every query behind it).
      await exclusiveSession(async (client) => {
        await client.query('SET statement_timeout = 0')
        await migrate(drizzle({ client }), { migrationsFolder: migrationsFolder() })
      })
    },
    async close () {
      if (closed) return
      closed = true
      await pool.end()
    }
  }
}
