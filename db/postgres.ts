// Postgres through `pg` behind the Database interface. Several instances share one database, so
// migrations run under a session advisory lock: three processes starting at once migrate once.
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { afterCommitCallbacks, type Database, type Orm, type SqlResult } from './database.js'
import { migrationsFolder } from './project-root.js'
import { listenOnPostgres } from './postgres-listener.js'
import { pgSessionOptions, type SessionLimits } from './session-limits.js'

/** Arbitrary constant shared by every instance of this service: "bundle-api start-up". */
const STARTUP_LOCK_KEY = 7_140_213_001

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
  // A session advisory lock held on its own connection while `fn` runs (fn may use the pool freely).
  // The session ending releases the lock too, so a broken connection is simply discarded.
  async function exclusiveSession<T> (fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return await withClient(pool, async (client, checkout) => {
      // Start-up work of another instance can take longer than lock_timeout: waiting for it is the point.
      await client.query('SET lock_timeout = 0')
      let result: T
      try {
        await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY])
        try {
          result = await fn(client)
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]).catch(checkout.discard)
        }
      } finally {
        // Back to the session's start-up limits before the client returns to the pool.
        await client.query('RESET lock_timeout; RESET statement_timeout').catch(checkout.discard)
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
